//! `sharewise bench orders --broker kite-sandbox|upstox-sandbox`: the order path through a real
//! broker's adapter on loopback — an engine order in, the broker's request encoded (Kite's form,
//! Upstox's v3 JSON), sent, the acknowledgement read back — timed per placement with
//! hdrhistogram, side by side with the in-process paper broker (the same `Broker` call without a
//! network), and the placement rate the adapter holds against the broker's limit (10 orders/s
//! at both: a burst is spaced, never refused).
//!
//! The sandbox runs in this process on a free loopback port; the orders are limit buys far under
//! the market, so they rest and nothing fills while the clock runs. Placements are paced just
//! under the limit so the rate gate never waits inside a timed call; the burst is timed apart.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use hdrhistogram::Histogram;
use rust_decimal::Decimal;
use sharewise_brokers::{Broker, PaperBroker, PaperConfig, PlaceOutcome, SharedPaper};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Price, Product, Side, Validity,
};
use sharewise_kite::{kite_limits, Endpoint, KiteAccount, KiteConfig, OrderPolicy};
use sharewise_kite_sandbox::{market, serve, Sandbox, SandboxConfig};

/// Options of `sharewise bench orders`.
#[derive(Args, Debug)]
pub struct OrdersBenchArgs {
    /// The broker to place with: `kite-sandbox` or `upstox-sandbox` (the adapter against the
    /// bundled sandbox).
    #[arg(long, default_value = "kite-sandbox")]
    broker: String,
    /// Placements timed (paced at 9 per second: 100 take about 11 s).
    #[arg(long, default_value_t = 100)]
    orders: usize,
    /// Placements of the burst that measures the rate the adapter holds.
    #[arg(long, default_value_t = 30)]
    burst: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// Latency percentiles of one contender, microseconds.
#[derive(Debug, serde::Serialize)]
struct Latency {
    name: &'static str,
    samples: u64,
    p50_us: f64,
    p99_us: f64,
    max_us: f64,
}

fn latency(name: &'static str, h: &Histogram<u64>) -> Latency {
    let us = |ns: u64| ns as f64 / 1e3;
    Latency {
        name,
        samples: h.len(),
        p50_us: us(h.value_at_quantile(0.50)),
        p99_us: us(h.value_at_quantile(0.99)),
        max_us: us(h.max()),
    }
}

fn resting_buy(id: u64, instrument: InstrumentId) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument,
        side: Side::Buy,
        qty: 1,
        order_type: OrderType::Limit,
        // Far under any of the sandbox's prices: it rests.
        limit_price: Some(Price::from_rupees_paise(1, 0)),
        trigger_price: None,
        product: Product::Cnc,
        validity: Validity::Day,
        created_ts: 0,
    }
}

/// Runs `sharewise bench orders`.
pub fn run(args: OrdersBenchArgs) -> Result<()> {
    if !matches!(args.broker.as_str(), "kite-sandbox" | "upstox-sandbox") {
        bail!(
            "--broker {}: use `kite-sandbox` or `upstox-sandbox`",
            args.broker
        );
    }
    if args.orders == 0 {
        bail!("--orders 0: time at least one placement");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match args.broker.as_str() {
        "upstox-sandbox" => runtime.block_on(bench_upstox(args)),
        _ => runtime.block_on(bench_kite(args)),
    }
}

/// An in-process paper broker trading `instruments`.
fn paper_of(instruments: Vec<sharewise_engine::types::Instrument>) -> SharedPaper {
    SharedPaper::new(PaperBroker::new(
        PaperConfig {
            opening_cash: Decimal::from(10_000_000),
            ..PaperConfig::default()
        },
        instruments,
    ))
}

async fn bench_upstox(args: OrdersBenchArgs) -> Result<()> {
    use sharewise_upstox_sandbox as sandbox;
    let config = sandbox::SandboxConfig::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(sandbox::serve(
        listener,
        sandbox::Sandbox::new(config.clone()),
    ));
    let endpoint = sharewise_upstox::Endpoint::sandbox(&addr, config.identity.api_key.clone());
    let transport = sharewise_upstox::rest::Transport::new(endpoint.clone())?;
    let who = &config.identity;
    let code = login_redirect(
        &addr,
        &sharewise_upstox::login::login_url(
            &format!("http://{addr}"),
            &who.api_key,
            &who.redirect_uri,
            "bench",
        ),
        "code=",
    )
    .await?;
    let session = sharewise_upstox::login::exchange_code(
        &transport,
        &who.api_secret,
        &who.redirect_uri,
        &code,
    )
    .await?;
    let instruments = sandbox::market::instruments(&config.listing);
    let keys = config.listing.iter().map(|l| format!("NSE_EQ|{}", l.isin));
    let upstox = sharewise_upstox::UpstoxAccount::new(
        sharewise_upstox::UpstoxConfig {
            endpoint,
            instruments: instruments.iter().cloned().zip(keys).collect(),
            policy: OrderPolicy::default(),
            gate: sharewise_upstox::upstox_limits(),
        },
        Some(session.access_token),
    )?;
    let paper = paper_of(instruments);
    time_placements(
        &args,
        "upstox-sandbox (HTTP, loopback)",
        &upstox,
        &paper,
        config.listing.len(),
    )
    .await
}

async fn bench_kite(args: OrdersBenchArgs) -> Result<()> {
    let config = SandboxConfig::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(serve(listener, Sandbox::new(config.clone())));
    let endpoint = Endpoint::sandbox(&addr, config.identity.api_key.clone());
    let token = log_in(&addr, &endpoint, &config).await?;
    let instruments = market::instruments(&config.listing);
    let kite = KiteAccount::new(
        KiteConfig {
            endpoint,
            instruments: instruments.clone(),
            policy: OrderPolicy::default(),
            gate: kite_limits(),
        },
        Some(token),
    )?;
    let paper = paper_of(instruments);
    time_placements(
        &args,
        "kite-sandbox (HTTP, loopback)",
        &kite,
        &paper,
        config.listing.len(),
    )
    .await
}

/// Times `args.orders` paced placements through `broker` (named `name`) and the same through
/// `paper`, then a burst through `broker`; reports both.
async fn time_placements<B: Broker>(
    args: &OrdersBenchArgs,
    name: &'static str,
    broker: &B,
    paper: &SharedPaper,
    listed: usize,
) -> Result<()> {
    let pace = Duration::from_millis(111);
    let mut over_http = Histogram::<u64>::new(3)?;
    let mut in_process = Histogram::<u64>::new(3)?;
    for k in 0..args.orders {
        let order = resting_buy(k as u64 + 1, InstrumentId((k % listed) as u32));
        let next = Instant::now() + pace;
        let t0 = Instant::now();
        let placed = broker.place(&order).await?;
        over_http.record(t0.elapsed().as_nanos() as u64)?;
        if !matches!(placed, PlaceOutcome::Placed(_)) {
            bail!("placement {} was not acknowledged: {placed:?}", k + 1);
        }
        let t1 = Instant::now();
        paper.place(&order).await?;
        in_process.record(t1.elapsed().as_nanos() as u64)?;
        tokio::time::sleep_until(next.into()).await;
    }
    // The burst: as fast as the caller asks; the adapter spaces it to the broker's 10/s.
    let start = Instant::now();
    let first = args.orders as u64 + 1;
    for k in 0..args.burst as u64 {
        let order = resting_buy(first + k, InstrumentId(0));
        if !matches!(broker.place(&order).await?, PlaceOutcome::Placed(_)) {
            bail!("burst placement {} was not acknowledged", k + 1);
        }
    }
    let burst_secs = start.elapsed().as_secs_f64();
    let burst_rate = if args.burst > 1 {
        (args.burst - 1) as f64 / burst_secs.max(1e-9)
    } else {
        0.0
    };
    report(
        args,
        [
            latency(name, &over_http),
            latency("paper (in process)", &in_process),
        ],
        burst_rate,
    )
}

/// Follows a sandbox's login page `page` (at `addr`) as a logged-in browser would: the value of
/// `param` (`request_token=`, `code=`) in its redirect.
async fn login_redirect(addr: &str, page: &str, param: &str) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = page
        .split_once(addr)
        .map_or(page, |(_, path)| path)
        .to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response
        .split(['?', '&', '\r', '\n'])
        .find_map(|kv| kv.strip_prefix(param))
        .with_context(|| format!("the sandbox's login page gave no {param}"))?
        .to_string())
}

/// Logs in as the Kite sandbox's user: the login page's redirect, then the token exchange.
async fn log_in(
    addr: &str,
    endpoint: &Endpoint,
    config: &SandboxConfig,
) -> Result<kiteconnect::AccessToken> {
    let page = format!(
        "http://{addr}/connect/login?api_key={}&v=3",
        config.identity.api_key
    );
    let token = login_redirect(addr, &page, "request_token=").await?;
    let session = sharewise_kite::login::exchange_request_token(
        endpoint,
        &config.identity.api_secret,
        &token,
    )
    .await?;
    Ok(session.access_token)
}

fn report(args: &OrdersBenchArgs, rows: [Latency; 2], burst_rate: f64) -> Result<()> {
    if args.json {
        let out = serde_json::json!({
            "broker": args.broker,
            "placements": rows,
            "burst": {"orders": args.burst, "placements_per_s": burst_rate, "limit_per_s": 10},
        });
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    say!(
        "placement → acknowledgement, {} placements each (paced at 9/s):",
        args.orders
    );
    say!("{:<32} {:>10} {:>10} {:>10}", "broker", "p50", "p99", "max");
    for r in &rows {
        say!(
            "{:<32} {:>8.0}µs {:>8.0}µs {:>8.0}µs",
            r.name,
            r.p50_us,
            r.p99_us,
            r.max_us
        );
    }
    say!(
        "burst of {}: {:.2} placements/s held (the broker's limit 10/s; none refused)",
        args.burst,
        burst_rate
    );
    Ok(())
}

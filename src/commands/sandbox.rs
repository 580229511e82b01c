//! `sharewise sandbox kite|upstox --listen ADDR`: a local imitation of a broker's API for
//! development, demos and tests (the `sharewise-kite-sandbox` and `sharewise-upstox-sandbox`
//! crates say what each serves).

use std::net::SocketAddr;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sharewise_kite_sandbox::session::Identity;
use sharewise_kite_sandbox::{serve, Sandbox, SandboxConfig};

/// `sharewise sandbox ...`.
#[derive(Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    broker: SandboxBroker,
}

#[derive(Subcommand)]
enum SandboxBroker {
    /// Zerodha Kite Connect v3: login, sessions, user endpoints, orders and trades on a synthetic price path, faults on demand.
    Kite(KiteArgs),
    /// Upstox API v2/v3: OAuth login, orders, portfolio, candles, the instrument dump, the protobuf market feed and the portfolio stream on a synthetic price path, faults on demand.
    Upstox(UpstoxArgs),
}

#[derive(Args)]
struct UpstoxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8095")]
    listen: SocketAddr,
    /// The app's API key (client_id) clients must send.
    #[arg(long, default_value = "sandbox-upstox-api-key")]
    api_key: String,
    /// The app's API secret (client_secret of the token exchange).
    #[arg(long, default_value = "sandbox-upstox-api-secret")]
    api_secret: String,
    /// The app's registered redirect URI: the login dialog sends the code there.
    #[arg(long, default_value = "http://127.0.0.1:8092/upstox/callback")]
    redirect_uri: String,
    #[command(flatten)]
    market: MarketArgs,
}

/// What both sandboxes take about their market and user.
#[derive(Args)]
struct MarketArgs {
    /// The user's cash, rupees.
    #[arg(long, default_value_t = 1_000_000)]
    cash: u64,
    /// Simulated seconds of the price path per wall-clock second.
    #[arg(long, default_value_t = 60.0)]
    speed: f64,
    /// The price path's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The simulated trading day: `today` (IST; the next weekday at weekends) or `YYYY-MM-DD`.
    /// Its session opens at 09:15 IST when the sandbox starts, after the five sessions before it
    /// that its historical candles cover.
    #[arg(long, default_value = "today")]
    start_day: String,
    /// A whitelisted static IP: order requests (place, modify, cancel) from any other address
    /// are refused, as the broker does. Repeat for a second address; leave out to accept any.
    #[arg(long = "allow-ip", value_name = "IP")]
    allow_ip: Vec<std::net::IpAddr>,
}

impl MarketArgs {
    /// The speed and IST start day, checked.
    fn checked(&self) -> Result<(f64, i64)> {
        if !(self.speed.is_finite() && self.speed > 0.0) {
            anyhow::bail!(
                "--speed {} is not a speed: give simulated seconds per wall-clock second, e.g. 60",
                self.speed
            );
        }
        Ok((self.speed, start_day(&self.start_day)?))
    }
}

#[derive(Args)]
struct KiteArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8091")]
    listen: SocketAddr,
    /// The app's API key clients must send.
    #[arg(long, default_value = "sandbox_api_key")]
    api_key: String,
    /// The app's API secret (the session checksum's last part).
    #[arg(long, default_value = "sandbox_api_secret")]
    api_secret: String,
    /// Where the login page redirects with the request token (the app's registered URL).
    #[arg(long, default_value = "http://127.0.0.1:8092/kite/callback")]
    redirect_url: String,
    #[command(flatten)]
    market: MarketArgs,
}

/// `--start-day`: `today` (the next weekday at weekends) or a date, as an IST day number.
fn start_day(text: &str) -> Result<i64> {
    use sharewise_engine::time::{days_from_civil, weekday};
    let mut day = if text == "today" {
        sharewise_live::feed::demo::default_start_day()
    } else {
        let parts: Vec<&str> = text.split('-').collect();
        let date = match parts.as_slice() {
            [y, m, d] => (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()),
            _ => anyhow::bail!("--start-day {text}: expected `today` or YYYY-MM-DD"),
        };
        match date {
            (Ok(y), Ok(m @ 1..=12), Ok(d @ 1..=31)) if (1970..=2200).contains(&y) => {
                days_from_civil(y, m, d)
            }
            _ => anyhow::bail!("--start-day {text}: expected `today` or YYYY-MM-DD"),
        }
    };
    while weekday(day) >= 5 {
        day += 1;
    }
    Ok(day)
}

/// Runs `sharewise sandbox ...` until Ctrl-C.
pub fn run(args: SandboxArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match args.broker {
        SandboxBroker::Kite(kite) => runtime.block_on(run_kite(kite)),
        SandboxBroker::Upstox(upstox) => runtime.block_on(run_upstox(upstox)),
    }
}

/// Binds `listen`, or says why not.
async fn bind(listen: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} (in use? try another --listen)"))
}

async fn run_kite(kite: KiteArgs) -> Result<()> {
    let (speed, start_day) = kite.market.checked()?;
    let config = SandboxConfig {
        identity: Identity {
            api_key: kite.api_key,
            api_secret: kite.api_secret,
            redirect_url: kite.redirect_url,
            user_id: SandboxConfig::default().identity.user_id,
        },
        cash: kite.market.cash,
        speed,
        seed: kite.market.seed,
        allowed_ips: kite.market.allow_ip,
        start_day,
        ..SandboxConfig::default()
    };
    let listener = bind(kite.listen).await?;
    let addr = listener.local_addr()?;
    say!(
        "Kite sandbox on http://{addr} — api_key {}, login at http://{addr}/connect/login?api_key={}&v=3, faults via POST http://{addr}/__sandbox/faults; Ctrl-C stops it",
        config.identity.api_key,
        config.identity.api_key
    );
    tokio::select! {
        served = serve(listener, Sandbox::new(config)) => served.context("the sandbox stopped"),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

async fn run_upstox(upstox: UpstoxArgs) -> Result<()> {
    use sharewise_upstox_sandbox as sandbox;
    let (speed, start_day) = upstox.market.checked()?;
    let defaults = sandbox::SandboxConfig::default();
    let config = sandbox::SandboxConfig {
        identity: sandbox::session::Identity {
            api_key: upstox.api_key,
            api_secret: upstox.api_secret,
            redirect_uri: upstox.redirect_uri,
            user_id: defaults.identity.user_id.clone(),
        },
        cash: upstox.market.cash,
        speed,
        seed: upstox.market.seed,
        allowed_ips: upstox.market.allow_ip,
        start_day,
        ..defaults
    };
    let listener = bind(upstox.listen).await?;
    let addr = listener.local_addr()?;
    say!(
        "Upstox sandbox on http://{addr} — client_id {}, redirect {}, login dialog at http://{addr}/v2/login/authorization/dialog, faults via POST http://{addr}/__sandbox/faults; Ctrl-C stops it",
        config.identity.api_key,
        config.identity.redirect_uri
    );
    tokio::select! {
        served = sandbox::serve(listener, sandbox::Sandbox::new(config)) => served.context("the sandbox stopped"),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

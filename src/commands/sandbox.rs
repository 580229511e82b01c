//! `sharewise sandbox kite --listen ADDR`: a local imitation of a broker's API for development,
//! demos and tests (see the `sharewise-kite-sandbox` crate for what it serves so far).

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
    /// are refused, as Kite does. Repeat for a second address; leave out to accept any.
    #[arg(long = "allow-ip", value_name = "IP")]
    allow_ip: Vec<std::net::IpAddr>,
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
    let SandboxBroker::Kite(kite) = args.broker;
    if !(kite.speed.is_finite() && kite.speed > 0.0) {
        anyhow::bail!(
            "--speed {} is not a speed: give simulated seconds per wall-clock second, e.g. 60",
            kite.speed
        );
    }
    let start_day = start_day(&kite.start_day)?;
    let config = SandboxConfig {
        identity: Identity {
            api_key: kite.api_key,
            api_secret: kite.api_secret,
            redirect_url: kite.redirect_url,
            user_id: SandboxConfig::default().identity.user_id,
        },
        cash: kite.cash,
        speed: kite.speed,
        seed: kite.seed,
        allowed_ips: kite.allow_ip,
        start_day,
        ..SandboxConfig::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(kite.listen)
            .await
            .with_context(|| format!("cannot listen on {} (in use? try another --listen)", kite.listen))?;
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
    })
}

//! Shared by the adapter's tests: an Upstox sandbox on a free loopback port, a user logged in to
//! it through the adapter's own OAuth flow, and an account trading the sandbox's first shares.

#![allow(dead_code)]

use serde_json::Value;
use sharewise_engine::types::Instrument;
use sharewise_upstox::login::{exchange_code, login_url};
use sharewise_upstox::rest::Transport;
use sharewise_upstox::{upstox_limits, Endpoint, UpstoxAccount, UpstoxConfig, UpstoxToken};
use sharewise_upstox_sandbox::{serve, Sandbox, SandboxConfig};

/// A sandbox with its price path at 600×.
pub fn fast() -> SandboxConfig {
    SandboxConfig {
        speed: 600.0,
        ..SandboxConfig::default()
    }
}

/// Serves `config` on a free loopback port; its `host:port`.
pub async fn start(config: &SandboxConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(serve(listener, Sandbox::new(config.clone())));
    addr
}

/// The code the login page's redirect carries, as a browser would follow it.
pub async fn login_code(addr: &str, config: &SandboxConfig, state: &str) -> String {
    let who = &config.identity;
    let url = login_url(
        &format!("http://{addr}"),
        &who.api_key,
        &who.redirect_uri,
        state,
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http.get(url).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302, "the login page redirects");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains(&format!("state={state}")),
        "the state comes back: {location}"
    );
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_string()
}

/// Logs in through the adapter's OAuth exchange: the day's token.
pub async fn log_in(addr: &str, config: &SandboxConfig) -> UpstoxToken {
    let code = login_code(addr, config, "t1").await;
    let transport =
        Transport::new(Endpoint::sandbox(addr, config.identity.api_key.clone())).unwrap();
    exchange_code(
        &transport,
        &config.identity.api_secret,
        &config.identity.redirect_uri,
        &code,
    )
    .await
    .unwrap()
    .access_token
}

/// The sandbox's first `n` shares as engine instruments with their Upstox keys.
pub fn instruments(config: &SandboxConfig, n: usize) -> Vec<(Instrument, String)> {
    config
        .listing
        .iter()
        .take(n)
        .enumerate()
        .map(|(k, l)| {
            (
                Instrument::nse_equity(k as u32, &l.symbol),
                format!("NSE_EQ|{}", l.isin),
            )
        })
        .collect()
}

/// An account on the sandbox at `addr` trading its first three shares, with `token`.
pub fn account(addr: &str, config: &SandboxConfig, token: Option<UpstoxToken>) -> UpstoxAccount {
    account_timing_out(addr, config, token, sharewise_upstox::rest::CALL_TIMEOUT)
}

/// [`account`] whose calls give up after `timeout`.
pub fn account_timing_out(
    addr: &str,
    config: &SandboxConfig,
    token: Option<UpstoxToken>,
    timeout: std::time::Duration,
) -> UpstoxAccount {
    let upstox = UpstoxConfig {
        endpoint: Endpoint {
            timeout,
            ..Endpoint::sandbox(addr, config.identity.api_key.clone())
        },
        instruments: instruments(config, 3),
        policy: Default::default(),
        gate: upstox_limits(),
    };
    UpstoxAccount::new(upstox, token).unwrap()
}

/// A fast sandbox and an account logged in to it: the account, the address, the config.
pub async fn logged_in() -> (UpstoxAccount, String, SandboxConfig) {
    let config = fast();
    let addr = start(&config).await;
    let token = log_in(&addr, &config).await;
    (account(&addr, &config, Some(token)), addr, config)
}

/// Arms sandbox faults; the sandbox's answer.
pub async fn arm(addr: &str, faults: Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/__sandbox/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "arming {faults} failed");
    res.json::<Value>().await.unwrap()["data"].clone()
}

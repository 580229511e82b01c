//! Shared by the adapter's tests: an AliceBlue sandbox on a free loopback port, a user logged in
//! to it through the adapter's own login (login page, redirect, checksum exchange), and an
//! account trading the sandbox's first shares.

#![allow(dead_code)]

use serde_json::Value;
use sharewise_aliceblue::login::{get_user_details, login_url};
use sharewise_aliceblue::rest::Transport;
use sharewise_aliceblue::{
    aliceblue_limits, AliceBlueAccount, AliceBlueConfig, AliceToken, Endpoint,
};
use sharewise_aliceblue_sandbox::{serve, Sandbox, SandboxConfig};
use sharewise_engine::types::Instrument;

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

/// The redirect's `authCode` and `userId`, as a browser would follow the login page.
pub async fn auth_code(addr: &str, config: &SandboxConfig) -> (String, String) {
    let url = login_url(&format!("http://{addr}"), &config.identity.app_code);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http.get(url).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302, "the login page redirects");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let param = |name: &str| {
        location
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_string()
    };
    (param("authCode"), param("userId"))
}

/// Logs in through the adapter's checksum exchange: the day's session.
pub async fn log_in(addr: &str, config: &SandboxConfig) -> AliceToken {
    let (code, user) = auth_code(addr, config).await;
    let transport =
        Transport::new(Endpoint::sandbox(addr, config.identity.app_code.clone())).unwrap();
    get_user_details(&transport, &user, &code, &config.identity.api_secret)
        .await
        .unwrap()
        .user_session
}

/// The sandbox's first `n` shares as engine instruments with their AliceBlue tokens.
pub fn instruments(config: &SandboxConfig, n: usize) -> Vec<(Instrument, u32)> {
    config
        .listing
        .iter()
        .take(n)
        .enumerate()
        .map(|(k, l)| {
            (
                Instrument::nse_equity(k as u32, &l.symbol),
                l.exchange_token,
            )
        })
        .collect()
}

/// An account on the sandbox at `addr` trading its first three shares, with `token`.
pub fn account(addr: &str, config: &SandboxConfig, token: Option<AliceToken>) -> AliceBlueAccount {
    account_timing_out(addr, config, token, sharewise_aliceblue::rest::CALL_TIMEOUT)
}

/// [`account`] whose calls give up after `timeout`.
pub fn account_timing_out(
    addr: &str,
    config: &SandboxConfig,
    token: Option<AliceToken>,
    timeout: std::time::Duration,
) -> AliceBlueAccount {
    let alice = AliceBlueConfig {
        endpoint: Endpoint {
            timeout,
            ..Endpoint::sandbox(addr, config.identity.app_code.clone())
        },
        instruments: instruments(config, 3),
        policy: Default::default(),
        gate: aliceblue_limits(),
    };
    AliceBlueAccount::new(alice, token).unwrap()
}

/// A fast sandbox and an account logged in to it: the account, the address, the config.
pub async fn logged_in() -> (AliceBlueAccount, String, SandboxConfig) {
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
    res.json::<Value>().await.unwrap()["result"].clone()
}

//! Shared by the adapter's tests: a Kite sandbox on a free loopback port, its login, and a
//! [`KiteAccount`] of it.

#![allow(dead_code)]

use std::time::Duration;

use serde_json::Value;
use sharewise_brokers::{Broker, BrokerOrder};
use sharewise_engine::types::ClientOrderId;
use sharewise_kite::login::{self, KiteSession};
use sharewise_kite::{kite_limits, Endpoint, KiteAccount, KiteConfig, OrderPolicy};
use sharewise_kite_sandbox::{market, serve, Sandbox, SandboxConfig};

/// The default sandbox with its price path at 600×.
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

/// The endpoint of the sandbox at `addr` for `config`'s app.
pub fn endpoint(addr: &str, config: &SandboxConfig) -> Endpoint {
    Endpoint {
        timeout: Duration::from_secs(5),
        ..Endpoint::sandbox(addr, config.identity.api_key.clone())
    }
}

/// Logs in as a user would: the login page's redirect, then the token exchange.
pub async fn log_in(addr: &str, config: &SandboxConfig) -> KiteSession {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = login::login_url(&format!("http://{addr}"), &config.identity.api_key);
    let res = http.get(page).send().await.unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let request_token = location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("request_token="))
        .unwrap()
        .to_string();
    login::exchange_request_token(
        &endpoint(addr, config),
        &config.identity.api_secret,
        &request_token,
    )
    .await
    .unwrap()
}

/// The account config for the sandbox's listing at `endpoint`.
pub fn account_config(endpoint: Endpoint, config: &SandboxConfig) -> KiteConfig {
    KiteConfig {
        endpoint,
        instruments: market::instruments(&config.listing),
        policy: OrderPolicy::default(),
        gate: kite_limits(),
    }
}

/// A fast sandbox and a logged-in account of it: (account, sandbox address, sandbox config).
pub async fn logged_in() -> (KiteAccount, String, SandboxConfig) {
    let config = fast();
    let addr = start(&config).await;
    let session = log_in(&addr, &config).await;
    let account = KiteAccount::new(
        account_config(endpoint(&addr, &config), &config),
        Some(session.access_token),
    )
    .unwrap();
    (account, addr, config)
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

/// Polls the account until its order tagged `tag` is terminal (at most 20 s).
pub async fn until_terminal(account: &KiteAccount, tag: ClientOrderId) -> BrokerOrder {
    for _ in 0..400 {
        if let Some(order) = account.order_by_tag(tag).await.unwrap() {
            if order.status.is_terminal() {
                return order;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {tag} did not finish within 20 s");
}

//! Shared by the sandbox's tests: a sandbox on a free loopback port, and Zerodha's client logged
//! in to it through the login redirect and the token exchange.

#![allow(dead_code)]

use kiteconnect::{ApiSecret, KiteConnect};
use sharewise_kite_sandbox::{serve, Sandbox, SandboxConfig};

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

/// Where the login page sends the browser, and its status.
pub async fn login_redirect(addr: &str, api_key: &str) -> (u16, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .get(format!("http://{addr}/connect/login?api_key={api_key}&v=3"))
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status().as_u16(), location)
}

/// The `request_token` of a redirect.
pub fn request_token(location: &str) -> String {
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("request_token="))
        .unwrap()
        .to_string()
}

/// Zerodha's client for the sandbox at `addr`, not logged in.
pub fn client(addr: &str, config: &SandboxConfig) -> KiteConnect {
    KiteConnect::builder(config.identity.api_key.clone())
        .base_url(format!("http://{addr}"))
        .build()
        .unwrap()
}

/// A fast sandbox and Zerodha's client logged in to it; the sandbox's address.
pub async fn logged_in() -> (KiteConnect, String) {
    let config = fast();
    let addr = start(&config).await;
    let who = &config.identity;
    let (_, location) = login_redirect(&addr, &who.api_key).await;
    let mut kite = client(&addr, &config);
    let secret = ApiSecret::new(who.api_secret.clone()).unwrap();
    let session = kite
        .generate_session(&request_token(&location), &secret)
        .await
        .unwrap();
    kite.set_access_token(session.access_token);
    (kite, addr)
}

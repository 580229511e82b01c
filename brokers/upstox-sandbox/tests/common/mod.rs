//! Shared by the sandbox's tests: a sandbox on a free loopback port, a client logged in through
//! the authorization dialog and the token exchange, and Upstox's request headers.

#![allow(dead_code)]

use std::collections::BTreeSet;

use reqwest::{Client, Method, RequestBuilder};
use serde_json::{json, Value};
use sharewise_upstox_sandbox::{serve, Sandbox, SandboxConfig};

/// INFY's instrument key.
pub const INFY: &str = "NSE_EQ|INE009A01021";
/// TCS's instrument key.
pub const TCS: &str = "NSE_EQ|INE467B01029";

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

/// A client that follows no redirects.
pub fn http() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The authorization dialog's answer for `client_id`/`redirect_uri`: status and Location.
pub async fn dialog(addr: &str, client_id: &str, redirect_uri: &str) -> (u16, String) {
    let res = http()
        .get(format!("http://{addr}/v2/login/authorization/dialog"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", "s 1"),
        ])
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

/// The `code` of a redirect.
pub fn code_of(location: &str) -> String {
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_string()
}

/// The token exchange with `code` and `secret`: status and body.
pub async fn exchange(
    addr: &str,
    config: &SandboxConfig,
    code: &str,
    secret: &str,
) -> (u16, Value) {
    let who = &config.identity;
    let res = http()
        .post(format!("http://{addr}/v2/login/authorization/token"))
        .header("Accept", "application/json")
        .form(&[
            ("code", code),
            ("client_id", who.api_key.as_str()),
            ("client_secret", secret),
            ("redirect_uri", who.redirect_uri.as_str()),
            ("grant_type", "authorization_code"),
        ])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A logged-in user of a sandbox.
pub struct User {
    /// The sandbox's `host:port`.
    pub addr: String,
    /// The access token.
    pub token: String,
    /// The config the sandbox runs.
    pub config: SandboxConfig,
}

/// Logs in to the sandbox at `addr` running `config`.
pub async fn login_to(addr: &str, config: &SandboxConfig) -> User {
    let who = &config.identity;
    let (_, location) = dialog(addr, &who.api_key, &who.redirect_uri).await;
    let (status, body) = exchange(addr, config, &code_of(&location), &who.api_secret).await;
    assert_eq!(status, 200, "{body}");
    User {
        addr: addr.to_string(),
        token: body["access_token"].as_str().unwrap().to_string(),
        config: config.clone(),
    }
}

/// A sandbox with `config` and its user logged in.
pub async fn logged_in_with(config: SandboxConfig) -> User {
    let addr = start(&config).await;
    login_to(&addr, &config).await
}

/// A fast sandbox and its user logged in.
pub async fn logged_in() -> User {
    logged_in_with(fast()).await
}

impl User {
    /// A request to `path` with the session and Upstox's headers (`Api-Version` on v2 paths).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut r = http()
            .request(method, format!("http://{}{path}", self.addr))
            .bearer_auth(&self.token)
            .header("Accept", "application/json");
        if path.starts_with("/v2/") {
            r = r.header("Api-Version", "2.0");
        }
        r
    }

    /// Sends `r`: status and JSON body.
    pub async fn send(r: RequestBuilder) -> (u16, Value) {
        let res = r.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// `GET path`: status and body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        User::send(self.request(Method::GET, path)).await
    }

    /// `POST /v3/order/place` with `order`: status and body.
    pub async fn place(&self, order: &Value) -> (u16, Value) {
        User::send(self.request(Method::POST, "/v3/order/place").json(order)).await
    }

    /// Arms faults.
    pub async fn faults(&self, request: Value) -> Value {
        let (status, body) = User::send(
            http()
                .post(format!("http://{}/__sandbox/faults", self.addr))
                .json(&request),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// A v3 order for `key` with Upstox's required fields.
pub fn order(key: &str, side: &str, qty: i64, order_type: &str, price: f64) -> Value {
    json!({
        "quantity": qty, "product": "D", "validity": "DAY", "price": price, "tag": "sw42",
        "instrument_token": key, "order_type": order_type, "transaction_type": side,
        "disclosed_quantity": 0, "trigger_price": 0, "is_amo": false, "slice": false,
        "market_protection": if order_type == "MARKET" { -1 } else { 0 },
    })
}

/// The keys of a recorded fixture's first data object (or of `data` itself).
pub fn fixture_keys(name: &str) -> BTreeSet<String> {
    let path = format!(
        "{}/../../../shared/fixtures/upstox/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let body: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let data = if body["data"].is_array() {
        &body["data"][0]
    } else {
        &body["data"]
    };
    keys(if data.is_null() { &body } else { data })
}

/// The keys of a JSON object.
pub fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// Upstox's error envelope's one entry, checked for both spellings; its code and field.
pub fn error_of(body: &Value) -> (String, Value) {
    assert_eq!(body["status"], "error", "{body}");
    let e = &body["errors"][0];
    assert_eq!(e["errorCode"], e["error_code"], "{body}");
    assert_eq!(e["propertyPath"], e["property_path"], "{body}");
    assert_eq!(e["invalidValue"], e["invalid_value"], "{body}");
    (
        e["error_code"].as_str().unwrap().to_string(),
        e["property_path"].clone(),
    )
}

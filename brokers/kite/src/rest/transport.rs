//! The HTTP transport of one Kite account: a connection pool bound to the account's egress IP,
//! Kite's headers, and failures told apart by whether the request may have reached Kite.
//!
//! Zerodha's `kiteconnect` crate builds its own HTTP client and offers no way to bind a local
//! address, and SEBI's static-IP rule needs every order of an account to leave from the address
//! whitelisted for it (brokers.md §4). So requests go through this transport; the login, where
//! no order is sent, goes through `kiteconnect` ([`crate::login`]).

use std::net::IpAddr;
use std::time::Duration;

use kiteconnect::AccessToken;
use reqwest::Method;
use serde_json::Value;
use sharewise_brokers::{BrokerError, ErrorKind};

/// Kite's REST root.
pub const KITE_API: &str = "https://api.kite.trade";

/// How long a call may take before it counts as unanswered (Kite's SDKs use 7–15 s; an order
/// that is not acknowledged in 7 s is better looked up than waited for).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(7);

/// Where and how an account talks to Kite.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// REST root without a path: [`KITE_API`], or a sandbox's `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The WebSocket of order updates and ticks: [`crate::ws::KITE_WS`], or a sandbox's
    /// `ws://127.0.0.1:PORT`.
    pub ws_url: String,
    /// The app's `api_key`.
    pub api_key: String,
    /// The local address every connection binds (the account's whitelisted static IP); the
    /// system's choice when `None`.
    pub egress_ip: Option<IpAddr>,
    /// Per-call timeout.
    pub timeout: Duration,
}

impl Endpoint {
    /// A sandbox (`sharewise sandbox kite`) at `addr` (`host:port`) for `api_key`.
    pub fn sandbox(addr: &str, api_key: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: format!("http://{addr}"),
            ws_url: format!("ws://{addr}"),
            ..Endpoint::kite(api_key)
        }
    }

    /// Kite itself for `api_key`, from the system's default address.
    pub fn kite(api_key: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: KITE_API.into(),
            ws_url: crate::ws::KITE_WS.into(),
            api_key: api_key.into(),
            egress_ip: None,
            timeout: CALL_TIMEOUT,
        }
    }
}

pub use sharewise_broker_kit::CallFailure;

/// One account's HTTP client.
#[derive(Clone, Debug)]
pub struct Transport {
    http: reqwest::Client,
    endpoint: Endpoint,
}

impl Transport {
    /// A client for `endpoint`; fails if the HTTP stack cannot start (no TLS roots).
    pub fn new(endpoint: Endpoint) -> Result<Transport, BrokerError> {
        let http = reqwest::Client::builder()
            .local_address(endpoint.egress_ip)
            .timeout(endpoint.timeout)
            .connect_timeout(endpoint.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("sharewise/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                BrokerError::new(
                    ErrorKind::Unknown,
                    format!("cannot start the HTTP client for Kite: {e}"),
                )
            })?;
        Ok(Transport { http, endpoint })
    }

    /// The endpoint this transport talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends `method path` with `query` and a form body (none when empty), authorised with
    /// `token`, and returns the envelope's `data`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        form: &[(&str, String)],
        token: &AccessToken,
    ) -> Result<Value, CallFailure> {
        let url = format!("{}{path}", self.endpoint.base_url.trim_end_matches('/'));
        let mut request = self
            .http
            .request(method, url)
            .header("X-Kite-Version", "3")
            .header(
                "Authorization",
                format!("token {}:{}", self.endpoint.api_key, token.expose()),
            );
        if !query.is_empty() {
            request = request.query(query);
        }
        if !form.is_empty() {
            request = request.form(form);
        }
        let path = path.to_string();
        let exchange = async move {
            let response = request
                .send()
                .await
                .map_err(|e| transport_failure(&path, e))?;
            let status = response.status().as_u16();
            let body = response
                .bytes()
                .await
                .map_err(|e| CallFailure::NoAnswer(format!("{path}: the answer broke off: {e}")))?;
            envelope(&path, status, &body)
        };
        crate::io::on_io(exchange).await.unwrap_or_else(|| {
            Err(CallFailure::NoAnswer(
                "the request was cut off by the process ending".into(),
            ))
        })
    }
}

impl Transport {
    /// The raw body of a public `GET path` (the instrument dumps: CSV, no session needed).
    pub async fn public(&self, path: &str) -> Result<Vec<u8>, sharewise_brokers::BrokerError> {
        let url = format!("{}{path}", self.endpoint.base_url.trim_end_matches('/'));
        let request = self
            .http
            .get(url)
            .header("X-Kite-Version", "3")
            .timeout(std::time::Duration::from_secs(120));
        let path = path.to_string();
        let fetch = async move {
            let response = request
                .send()
                .await
                .map_err(|e| transport_failure(&path, e).into_error())?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| {
                BrokerError::new(
                    ErrorKind::Upstream,
                    format!("{path}: the answer broke off: {e}"),
                )
            })?;
            if !(200..300).contains(&status) {
                return Err(envelope(&path, status, &body).err().map_or_else(
                    || BrokerError::from_kite(status, None, format!("HTTP {status} from {path}")),
                    CallFailure::into_error,
                ));
            }
            Ok(body.to_vec())
        };
        crate::io::on_io(fetch).await.unwrap_or_else(|| {
            Err(BrokerError::new(
                ErrorKind::Upstream,
                "cut off by the process ending",
            ))
        })
    }
}

/// A transport error of a call to Kite's `path`.
fn transport_failure(path: &str, e: reqwest::Error) -> CallFailure {
    CallFailure::from_transport("Kite", path, e)
}

/// Reads Kite's envelope: `data` of a success, the mapped error of anything else.
pub fn envelope(path: &str, status: u16, body: &[u8]) -> Result<Value, CallFailure> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        status: Option<String>,
        data: Option<Value>,
        message: Option<String>,
        error_type: Option<String>,
    }
    let parsed: Option<Envelope> = serde_json::from_slice(body).ok();
    match parsed {
        Some(env) if (200..300).contains(&status) && env.status.as_deref() == Some("success") => {
            Ok(env.data.unwrap_or(Value::Null))
        }
        Some(env) if env.status.as_deref() == Some("error") || !(200..300).contains(&status) => {
            let message = env
                .message
                .unwrap_or_else(|| format!("HTTP {status} from {path}"));
            Err(CallFailure::Answered(BrokerError::from_kite(
                status,
                env.error_type.as_deref(),
                message,
            )))
        }
        // A 403 without Kite's envelope is not Kite refusing the token but something in front
        // of it (Cloudflare, a firewall, an address not whitelisted): the session stays.
        _ if status == 403 => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::PermissionDenied,
            format!("HTTP 403 from {path} without Kite's JSON answer: blocked before Kite (Cloudflare, a firewall, the egress address?)"),
        ))),
        _ if !(200..300).contains(&status) => Err(CallFailure::Answered(BrokerError::from_kite(
            status,
            None,
            format!("HTTP {status} from {path} (not a Kite JSON answer)"),
        ))),
        _ => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: Kite's answer is not its JSON envelope"),
        ))),
    }
}

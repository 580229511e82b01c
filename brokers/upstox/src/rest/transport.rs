//! The HTTP transport of one Upstox account: a connection pool bound to the account's egress IP
//! (SEBI's static-IP rule), Upstox's headers (`Authorization: Bearer`, `Accept`, and
//! `Api-Version: 2.0` on v2 calls), the order calls sent to Upstox's order host, and failures
//! told apart by whether the request may have reached Upstox.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use sharewise_broker_kit::CallFailure;
use sharewise_brokers::{BrokerError, ErrorKind};

/// Upstox's REST root.
pub const UPSTOX_API: &str = "https://api.upstox.com";

/// Upstox's host for placing, modifying and cancelling orders (what its SDKs use).
pub const UPSTOX_ORDER_API: &str = "https://api-hft.upstox.com";

/// Where Upstox publishes its daily instrument dumps.
pub const UPSTOX_ASSETS: &str = "https://assets.upstox.com";

/// How long a call may take before it counts as unanswered (an order not acknowledged in 7 s is
/// better looked up than waited for).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(7);

/// An Upstox access token (its `Debug` never shows it).
#[derive(Clone, PartialEq, Eq)]
pub struct UpstoxToken(Arc<str>);

impl UpstoxToken {
    /// Wraps `token`; `None` when it is empty.
    pub fn new(token: impl Into<String>) -> Option<UpstoxToken> {
        let token: String = token.into();
        (!token.trim().is_empty()).then(|| UpstoxToken(token.trim().into()))
    }

    /// The token itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for UpstoxToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UpstoxToken(****)")
    }
}

/// Where and how an account talks to Upstox.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// REST root without a path: [`UPSTOX_API`], or a sandbox's `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Root of the order calls: [`UPSTOX_ORDER_API`], or the sandbox's address again.
    pub order_url: String,
    /// Root of the daily instrument dumps: [`UPSTOX_ASSETS`], or the sandbox's address again.
    pub assets_url: String,
    /// The app's `client_id` (Upstox's api key).
    pub api_key: String,
    /// The local address every connection binds (the account's whitelisted static IP); the
    /// system's choice when `None`.
    pub egress_ip: Option<IpAddr>,
    /// Per-call timeout.
    pub timeout: Duration,
}

impl Endpoint {
    /// A sandbox (`sharewise sandbox upstox`) at `addr` (`host:port`) for `api_key`.
    pub fn sandbox(addr: &str, api_key: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: format!("http://{addr}"),
            order_url: format!("http://{addr}"),
            assets_url: format!("http://{addr}"),
            ..Endpoint::upstox(api_key)
        }
    }

    /// Upstox itself for `api_key`, from the system's default address.
    pub fn upstox(api_key: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: UPSTOX_API.into(),
            order_url: UPSTOX_ORDER_API.into(),
            assets_url: UPSTOX_ASSETS.into(),
            api_key: api_key.into(),
            egress_ip: None,
            timeout: CALL_TIMEOUT,
        }
    }
}

/// One call: what to send where.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// GET, POST, PUT, DELETE.
    pub method: Method,
    /// The path, e.g. `/v2/order/retrieve-all`; an order call goes to the order host.
    pub path: &'a str,
    /// Query parameters.
    pub query: &'a [(&'a str, String)],
    /// A JSON body, if any.
    pub body: Option<Value>,
}

impl<'a> Request<'a> {
    /// A `GET path?query`.
    pub fn get(path: &'a str, query: &'a [(&'a str, String)]) -> Request<'a> {
        Request {
            method: Method::GET,
            path,
            query,
            body: None,
        }
    }

    fn is_order_call(&self) -> bool {
        ["/place", "/modify", "/cancel"].iter().any(|end| {
            self.path.starts_with("/v") && self.path.contains("/order") && self.path.ends_with(end)
        })
    }
}

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
                    format!("cannot start the HTTP client for Upstox: {e}"),
                )
            })?;
        Ok(Transport { http, endpoint })
    }

    /// The endpoint this transport talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The HTTP client (bound to the egress address), for the login's token exchange.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` authorised with `token` and returns the envelope's `data` (and, for v3
    /// order calls, nothing more is needed of `metadata`).
    pub async fn call(
        &self,
        request: Request<'_>,
        token: &UpstoxToken,
    ) -> Result<Value, CallFailure> {
        let root = if request.is_order_call() {
            &self.endpoint.order_url
        } else {
            &self.endpoint.base_url
        };
        let url = format!("{}{}", root.trim_end_matches('/'), request.path);
        let mut http = self
            .http
            .request(request.method.clone(), url)
            .header("Accept", "application/json")
            .header("Authorization", format!("Bearer {}", token.expose()));
        if request.path.starts_with("/v2/") {
            http = http.header("Api-Version", "2.0");
        }
        if !request.query.is_empty() {
            http = http.query(request.query);
        }
        if let Some(body) = &request.body {
            http = http.json(body);
        }
        let path = request.path.to_string();
        let exchange = async move {
            let response = http
                .send()
                .await
                .map_err(|e| CallFailure::from_transport("Upstox", &path, e))?;
            let status = response.status().as_u16();
            let body = response
                .bytes()
                .await
                .map_err(|e| CallFailure::NoAnswer(format!("{path}: the answer broke off: {e}")))?;
            envelope(&path, status, &body)
        };
        sharewise_broker_kit::io::on_io(exchange)
            .await
            .unwrap_or_else(|| {
                Err(CallFailure::NoAnswer(
                    "the request was cut off by the process ending".into(),
                ))
            })
    }
}

impl Transport {
    /// The body of a public file under the assets root (the instrument dumps: no session),
    /// gunzipped when it is gzip.
    pub async fn public(&self, path: &str) -> Result<Vec<u8>, BrokerError> {
        let url = format!("{}{path}", self.endpoint.assets_url.trim_end_matches('/'));
        let request = self.http.get(url).timeout(Duration::from_secs(120));
        let shown = path.to_string();
        let fetch = async move {
            let path = shown;
            let response = request
                .send()
                .await
                .map_err(|e| CallFailure::from_transport("Upstox", &path, e).into_error())?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| {
                BrokerError::new(
                    ErrorKind::Upstream,
                    format!("{path}: the answer broke off: {e}"),
                )
            })?;
            if !(200..300).contains(&status) {
                return Err(BrokerError::from_upstox(
                    status,
                    None,
                    format!("HTTP {status} from {path}"),
                ));
            }
            Ok(body.to_vec())
        };
        let body = sharewise_broker_kit::io::on_io(fetch)
            .await
            .unwrap_or_else(|| {
                Err(BrokerError::new(
                    ErrorKind::Upstream,
                    "cut off by the process ending",
                ))
            })?;
        if !body.starts_with(&[0x1f, 0x8b]) {
            return Ok(body);
        }
        let mut plain = Vec::with_capacity(body.len() * 8);
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(body.as_slice()),
            &mut plain,
        )
        .map_err(|e| {
            BrokerError::new(
                ErrorKind::Unknown,
                format!("{path}: the gzip does not read: {e}"),
            )
        })?;
        Ok(plain)
    }
}

/// Reads Upstox's envelope: `data` of a success, the mapped error of anything else.
pub fn envelope(path: &str, status: u16, body: &[u8]) -> Result<Value, CallFailure> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        status: Option<String>,
        data: Option<Value>,
        #[serde(default)]
        errors: Vec<WireError>,
    }
    // Upstox sends each field twice, snake_case and the deprecated camelCase.
    #[derive(serde::Deserialize)]
    struct WireError {
        #[serde(default)]
        error_code: Option<String>,
        #[serde(default, rename = "errorCode")]
        error_code_camel: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let parsed: Option<Envelope> = serde_json::from_slice(body).ok();
    let ok = (200..300).contains(&status);
    match parsed {
        Some(env) if ok && env.status.as_deref() == Some("success") => {
            Ok(env.data.unwrap_or(Value::Null))
        }
        Some(env) if env.status.as_deref() == Some("error") || !ok => {
            let first = env.errors.into_iter().next();
            let code = first
                .as_ref()
                .and_then(|e| e.error_code.clone().or_else(|| e.error_code_camel.clone()));
            let message = first
                .and_then(|e| e.message)
                .unwrap_or_else(|| format!("HTTP {status} from {path}"));
            let message = match &code {
                Some(code) => format!("{message} ({code})"),
                None => message,
            };
            Err(CallFailure::Answered(BrokerError::from_upstox(
                status,
                code.as_deref(),
                message,
            )))
        }
        // A 401/403 without Upstox's envelope is something in front of it (a proxy, a firewall,
        // an address not whitelisted): the session stays.
        _ if status == 401 || status == 403 => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::PermissionDenied,
            format!("HTTP {status} from {path} without Upstox's JSON answer: blocked before Upstox (a proxy, a firewall, the egress address?)"),
        ))),
        _ if !ok => Err(CallFailure::Answered(BrokerError::from_upstox(
            status,
            None,
            format!("HTTP {status} from {path} (not an Upstox JSON answer)"),
        ))),
        _ => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: Upstox's answer is not its JSON envelope"),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_recorded_errors_map_onto_the_common_table() {
        let refused = envelope(
            "/v2/user/profile",
            401,
            &fixture("error_invalid_token.json"),
        )
        .unwrap_err()
        .into_error();
        assert_eq!(refused.kind, ErrorKind::AuthExpired);
        assert_eq!(
            refused.message,
            "Invalid token used to access API (UDAPI100050)"
        );
        let limited =
            envelope("/v3/order/place", 429, &fixture("error_rate_limited.json")).unwrap_err();
        assert_eq!(limited.clone().into_error().kind, ErrorKind::RateLimited);
        assert!(limited.retry_safe() && !limited.maybe_acted());
    }

    #[test]
    fn success_gives_data_and_foreign_answers_are_told_apart() {
        let data = envelope("/v2/order/place", 200, &fixture("place_order.json")).unwrap();
        assert_eq!(data["order_id"], "1644490272000");
        let html = b"<html>blocked</html>";
        let e = envelope("/v2/order/place", 403, html)
            .unwrap_err()
            .into_error();
        assert_eq!(e.kind, ErrorKind::PermissionDenied);
        let e = envelope("/v2/order/place", 503, html).unwrap_err();
        assert!(e.maybe_acted(), "a 5xx after sending may have placed it");
        let e = envelope("/v2/order/place", 200, html)
            .unwrap_err()
            .into_error();
        assert_eq!(e.kind, ErrorKind::Unknown);
    }

    #[test]
    fn order_calls_go_to_the_order_host_and_tokens_never_show() {
        for (path, order) in [
            ("/v3/order/place", true),
            ("/v2/order/modify", true),
            ("/v3/order/cancel", true),
            ("/v2/order/retrieve-all", false),
            ("/v2/order/history", false),
        ] {
            assert_eq!(Request::get(path, &[]).is_order_call(), order, "{path}");
        }
        let token = UpstoxToken::new("eyJ0eXAi.secret").unwrap();
        assert_eq!(format!("{token:?}"), "UpstoxToken(****)");
        assert_eq!(UpstoxToken::new("  "), None);
    }
}

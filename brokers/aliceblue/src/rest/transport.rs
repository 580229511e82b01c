//! The HTTP transport of one AliceBlue account: a connection pool bound to the account's egress
//! IP (SEBI's static-IP rule), `Authorization: Bearer <userSession>`, AliceBlue's envelope read
//! into the result or a common error, and failures told apart by whether the request may have
//! reached AliceBlue.
//!
//! The envelope is `{"status":"Ok"|"Not_Ok","message":..,"result":[...]}` [U: from third-party
//! clients]. An empty book is reported as `Not_Ok` with an EC code (EC915/EC916 orders,
//! EC919/EC920 positions, EC926/EC927 trades): those read as an empty result, not an error.
//! Which code of each pair means "none" and which "could not read" is not known [U]; one
//! third-party client reads EC919 as a failed read, so a failed position read may look empty.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use sharewise_broker_kit::CallFailure;
use sharewise_brokers::{BrokerError, ErrorKind};

/// AliceBlue's v2 REST root.
pub const ALICEBLUE_API: &str = "https://a3.aliceblueonline.com";

/// Where users log in (`/?appcode=`).
pub const ALICEBLUE_LOGIN: &str = "https://ant.aliceblueonline.com";

/// Where AliceBlue publishes its contract masters [U: third-party clients use this host].
pub const ALICEBLUE_MASTERS: &str = "https://v2api.aliceblueonline.com";

/// How long a call may take before it counts as unanswered.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(7);

/// The codes of an empty order, position or trade book.
pub const EMPTY_BOOK_CODES: [&str; 6] = ["EC915", "EC916", "EC919", "EC920", "EC926", "EC927"];

/// An AliceBlue `userSession` (its `Debug` never shows it).
#[derive(Clone, PartialEq, Eq)]
pub struct AliceToken(Arc<str>);

impl AliceToken {
    /// Wraps `session`; `None` when it is empty.
    pub fn new(session: impl Into<String>) -> Option<AliceToken> {
        let session: String = session.into();
        (!session.trim().is_empty()).then(|| AliceToken(session.trim().into()))
    }

    /// The session itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AliceToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AliceToken(****)")
    }
}

/// Where and how an account talks to AliceBlue.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// REST root: [`ALICEBLUE_API`], or a sandbox's `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The login page's root: [`ALICEBLUE_LOGIN`], or the sandbox's address again.
    pub login_url: String,
    /// The contract masters' root: [`ALICEBLUE_MASTERS`], or the sandbox's address again.
    pub masters_url: String,
    /// The app's `appCode`.
    pub app_code: String,
    /// The local address every connection binds (the account's whitelisted static IP); the
    /// system's choice when `None`.
    pub egress_ip: Option<IpAddr>,
    /// Per-call timeout.
    pub timeout: Duration,
}

impl Endpoint {
    /// A sandbox (`sharewise-aliceblue-sandbox`) at `addr` (`host:port`) for `app_code`.
    pub fn sandbox(addr: &str, app_code: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: format!("http://{addr}"),
            login_url: format!("http://{addr}"),
            masters_url: format!("http://{addr}"),
            ..Endpoint::aliceblue(app_code)
        }
    }

    /// AliceBlue itself for `app_code`, from the system's default address.
    pub fn aliceblue(app_code: impl Into<String>) -> Endpoint {
        Endpoint {
            base_url: ALICEBLUE_API.into(),
            login_url: ALICEBLUE_LOGIN.into(),
            masters_url: ALICEBLUE_MASTERS.into(),
            app_code: app_code.into(),
            egress_ip: None,
            timeout: CALL_TIMEOUT,
        }
    }
}

/// One call: what to send where.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// GET or POST.
    pub method: Method,
    /// The path, e.g. `/open-api/od/v1/orders/book`.
    pub path: &'a str,
    /// A JSON body, if any.
    pub body: Option<Value>,
}

impl<'a> Request<'a> {
    /// A `GET path`.
    pub fn get(path: &'a str) -> Request<'a> {
        Request {
            method: Method::GET,
            path,
            body: None,
        }
    }

    /// A `POST path` with a JSON `body`.
    pub fn post(path: &'a str, body: Value) -> Request<'a> {
        Request {
            method: Method::POST,
            path,
            body: Some(body),
        }
    }
}

/// One account's HTTP client.
#[derive(Clone, Debug)]
pub struct Transport {
    http: reqwest::Client,
    endpoint: Endpoint,
}

impl Transport {
    /// A client for `endpoint`; fails if the HTTP stack cannot start.
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
                    format!("cannot start the HTTP client for AliceBlue: {e}"),
                )
            })?;
        Ok(Transport { http, endpoint })
    }

    /// The endpoint this transport talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The HTTP client (bound to the egress address), for the login's session exchange.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` authorised with `token`; the envelope's `result`.
    pub async fn call(
        &self,
        request: Request<'_>,
        token: &AliceToken,
    ) -> Result<Value, CallFailure> {
        let url = format!(
            "{}{}",
            self.endpoint.base_url.trim_end_matches('/'),
            request.path
        );
        let mut http = self
            .http
            .request(request.method.clone(), url)
            .header("Accept", "application/json")
            .header("Authorization", format!("Bearer {}", token.expose()));
        if let Some(body) = &request.body {
            http = http.json(body);
        }
        let path = request.path.to_string();
        let exchange = async move {
            let response = http
                .send()
                .await
                .map_err(|e| CallFailure::from_transport("AliceBlue", &path, e))?;
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
    /// The body of a public file under the contract masters' root (no session), e.g.
    /// `/restpy/static/contract_master/NSE.csv`.
    pub async fn public(&self, path: &str) -> Result<Vec<u8>, BrokerError> {
        let url = format!("{}{path}", self.endpoint.masters_url.trim_end_matches('/'));
        let request = self.http.get(url).timeout(Duration::from_secs(120));
        let path = path.to_string();
        let fetch = async move {
            let response = request
                .send()
                .await
                .map_err(|e| CallFailure::from_transport("AliceBlue", &path, e).into_error())?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| {
                BrokerError::new(
                    ErrorKind::Upstream,
                    format!("{path}: the answer broke off: {e}"),
                )
            })?;
            if !(200..300).contains(&status) {
                return Err(BrokerError::from_aliceblue(
                    status,
                    None,
                    format!("HTTP {status} from {path}"),
                ));
            }
            Ok(body.to_vec())
        };
        sharewise_broker_kit::io::on_io(fetch)
            .await
            .unwrap_or_else(|| {
                Err(BrokerError::new(
                    ErrorKind::Upstream,
                    "cut off by the process ending",
                ))
            })
    }
}

/// The `ECnnn` code a message starts with, if any.
pub fn ec_code(message: &str) -> Option<&str> {
    let m = message.trim();
    let digits = m
        .strip_prefix("EC")?
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    (digits > 0).then(|| &m[..2 + digits])
}

/// Reads AliceBlue's envelope: the `result` of an `Ok` (an empty list for an empty-book code),
/// the mapped error of anything else.
pub fn envelope(path: &str, status: u16, body: &[u8]) -> Result<Value, CallFailure> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        result: Option<Value>,
    }
    let parsed: Option<Envelope> = serde_json::from_slice(body).ok();
    let ok = (200..300).contains(&status);
    match parsed {
        Some(env) if ok && env.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ok")) => {
            Ok(env.result.unwrap_or(Value::Null))
        }
        Some(env) if env.status.is_some() || env.message.is_some() => {
            let message = env
                .message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| format!("HTTP {status} from {path}"));
            let code = ec_code(&message);
            if ok && code.is_some_and(|c| EMPTY_BOOK_CODES.contains(&c)) {
                return Ok(Value::Array(Vec::new()));
            }
            Err(CallFailure::Answered(BrokerError::from_aliceblue(
                status,
                code,
                format!("{path}: {message}"),
            )))
        }
        // A 401/403 without AliceBlue's envelope is something in front of it (a proxy, a
        // firewall, an address not whitelisted): the session stays.
        _ if status == 401 || status == 403 => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::PermissionDenied,
            format!("HTTP {status} from {path} without AliceBlue's JSON answer: blocked before AliceBlue (a proxy, a firewall, the egress address?)"),
        ))),
        _ if !ok => Err(CallFailure::Answered(BrokerError::from_aliceblue(
            status,
            None,
            format!("HTTP {status} from {path} (not an AliceBlue JSON answer)"),
        ))),
        _ => Err(CallFailure::Answered(BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: AliceBlue's answer is not its JSON envelope"),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_books_are_empty_lists_and_refusals_their_kinds() {
        let empty = br#"{"status":"Not_Ok","message":"EC916","result":[]}"#;
        assert_eq!(envelope("/b", 200, empty).unwrap(), Value::Array(vec![]));
        let ok = br#"{"status":"Ok","message":"","result":[{"brokerOrderId":"1"}]}"#;
        assert_eq!(envelope("/p", 200, ok).unwrap()[0]["brokerOrderId"], "1");
        let refused = br#"{"status":"Not_Ok","message":"EC912","result":[]}"#;
        let e = envelope("/p", 200, refused).unwrap_err().into_error();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        let session = br#"{"status":"Not_Ok","message":"Unauthorized"}"#;
        let e = envelope("/b", 401, session).unwrap_err().into_error();
        assert_eq!(e.kind, ErrorKind::AuthExpired);
        let e = envelope("/p", 503, b"<html>").unwrap_err();
        assert!(e.maybe_acted());
        let e = envelope("/p", 403, b"<html>").unwrap_err().into_error();
        assert_eq!(e.kind, ErrorKind::PermissionDenied);
        assert_eq!(ec_code("EC926: none"), Some("EC926"));
        assert_eq!(ec_code("ECHO"), None);
        assert_eq!(
            format!("{:?}", AliceToken::new("eyJ.x").unwrap()),
            "AliceToken(****)"
        );
    }
}

//! Kite's daily login, through Zerodha's `kiteconnect` crate: the login page's address, and the
//! exchange of the `request_token` the login redirects with for an access token (the checksum is
//! SHA-256 of api_key + request_token + api_secret, which `kiteconnect` computes).
//!
//! SEBI wants a fresh two-factor login by the user once per trading day and no endless refresh,
//! so there is no refresh here: the user logs in on Kite's page, the redirect brings the request
//! token back, and this module turns it into the day's session. `kiteconnect`'s errors are mapped
//! onto the common table like every other Kite answer.

use std::fmt;

use kiteconnect::{AccessToken, ApiSecret, KiteConnect};
use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_engine::time::{ist_day, ist_midnight, TimestampNs, NANOS_PER_DAY, NANOS_PER_SEC};

use crate::rest::Endpoint;

/// Kite's login site (the browser's side; the API is [`crate::KITE_API`]).
pub const KITE_LOGIN: &str = "https://kite.zerodha.com";

/// The page a user logs in on: `{login_base}/connect/login?api_key=..&v=3`.
pub fn login_url(login_base: &str, api_key: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("api_key", api_key)
        .append_pair("v", "3")
        .finish();
    format!("{}/connect/login?{query}", login_base.trim_end_matches('/'))
}

/// The hour (IST) at which Kite ends every session, whenever it began.
pub const SESSION_ENDS_IST_HOUR: i64 = 6;

/// When a session that began at `login` (UTC ns) stops working: the first 06:00 IST after it.
pub fn session_expiry(login: TimestampNs) -> TimestampNs {
    let day = ist_day(login);
    let today = ist_midnight(day) + SESSION_ENDS_IST_HOUR * 3600 * NANOS_PER_SEC;
    if login < today {
        today
    } else {
        today + NANOS_PER_DAY
    }
}

/// The day's session: whose it is and the access token (redacted in `Debug`).
#[derive(Clone)]
pub struct KiteSession {
    /// Kite's client id, e.g. `AB1234`.
    pub user_id: String,
    /// The token every call of the day carries.
    pub access_token: AccessToken,
    /// When Kite says the login happened, IST (`YYYY-MM-DD HH:MM:SS`).
    pub login_time: String,
}

impl fmt::Debug for KiteSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KiteSession")
            .field("user_id", &self.user_id)
            .field("access_token", &"<redacted>")
            .field("login_time", &self.login_time)
            .finish()
    }
}

fn client(endpoint: &Endpoint) -> Result<KiteConnect, BrokerError> {
    KiteConnect::builder(endpoint.api_key.clone())
        .base_url(endpoint.base_url.clone())
        .timeout(endpoint.timeout)
        .build()
        .map_err(map_error)
}

/// Exchanges `request_token` (from the login redirect) for the day's session.
pub async fn exchange_request_token(
    endpoint: &Endpoint,
    api_secret: &str,
    request_token: &str,
) -> Result<KiteSession, BrokerError> {
    let secret = ApiSecret::new(api_secret).map_err(|_| {
        BrokerError::invalid(
            "the Kite api_secret is empty or has a line break: check the account's secret source",
        )
    })?;
    let session = client(endpoint)?
        .generate_session(request_token, &secret)
        .await
        .map_err(map_error)?;
    Ok(KiteSession {
        user_id: session.profile.user_id.clone(),
        access_token: session.access_token,
        login_time: session.login_time.format("%Y-%m-%d %H:%M:%S").to_string(),
    })
}

/// Whose `token` is, asked of Kite (`GET /user/profile`): proves the session works.
pub async fn whoami(endpoint: &Endpoint, token: &AccessToken) -> Result<String, BrokerError> {
    let mut kite = client(endpoint)?;
    kite.set_access_token(token.clone());
    let profile = kite.profile().await.map_err(map_error)?;
    Ok(profile.user_id)
}

/// Ends the session at Kite (`DELETE /session/token`).
pub async fn log_out(endpoint: &Endpoint, token: &AccessToken) -> Result<(), BrokerError> {
    let mut kite = client(endpoint)?;
    kite.set_access_token(token.clone());
    kite.invalidate_access_token().await.map_err(map_error)?;
    Ok(())
}

/// A `kiteconnect` error in the common table (the module table of [`sharewise_brokers::error`]).
pub fn map_error(e: kiteconnect::Error) -> BrokerError {
    match e {
        kiteconnect::Error::Api(api) => {
            BrokerError::from_kite(api.status, Some(api.kind.as_str()), api.message)
        }
        kiteconnect::Error::Http { status, path } => BrokerError::from_kite(
            status,
            None,
            format!("HTTP {status} from {path} (not a Kite JSON answer)"),
        ),
        kiteconnect::Error::Blocked { status, ray } => BrokerError::new(
            ErrorKind::PermissionDenied,
            format!(
                "Kite's Cloudflare blocked the request (HTTP {status}, ray {}): check the \
                 egress address and the user agent",
                ray.as_deref().unwrap_or("unknown")
            ),
        ),
        kiteconnect::Error::Transport(source) => BrokerError::new(
            ErrorKind::Upstream,
            format!("cannot reach Kite: {}", chain(source.as_ref())),
        ),
        kiteconnect::Error::InvalidInput(what) => BrokerError::invalid(what),
        other => BrokerError::new(ErrorKind::Unknown, other.to_string()),
    }
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_is_kites_with_the_key_and_version() {
        assert_eq!(
            login_url(KITE_LOGIN, "abc 1"),
            "https://kite.zerodha.com/connect/login?api_key=abc+1&v=3"
        );
        assert_eq!(
            login_url("http://127.0.0.1:8091/", "k"),
            "http://127.0.0.1:8091/connect/login?api_key=k&v=3"
        );
    }

    #[test]
    fn every_kite_error_type_maps_onto_the_common_table() {
        let api = |kind: &str, status: u16| {
            map_error(kiteconnect::Error::Api(kiteconnect::error::ApiError::new(
                kind.into(),
                "m",
                status,
                None,
            )))
            .kind
        };
        assert_eq!(api("TokenException", 403), ErrorKind::AuthExpired);
        assert_eq!(api("PermissionException", 403), ErrorKind::PermissionDenied);
        assert_eq!(api("UserException", 403), ErrorKind::PermissionDenied);
        assert_eq!(api("InputException", 400), ErrorKind::InvalidInput);
        assert_eq!(api("OrderException", 400), ErrorKind::Rejected);
        assert_eq!(api("NetworkException", 429), ErrorKind::RateLimited);
        assert_eq!(api("NetworkException", 503), ErrorKind::Upstream);
        assert_eq!(api("DataException", 502), ErrorKind::Upstream);
        assert_eq!(api("GeneralException", 500), ErrorKind::Unknown);
        let http = map_error(kiteconnect::Error::Http {
            status: 504,
            path: "/orders".into(),
        });
        assert_eq!(http.kind, ErrorKind::Upstream);
    }

    #[test]
    fn sessions_end_at_the_next_six_in_the_morning_ist() {
        use sharewise_engine::time::format_ist;
        let ist = |d: u32, h: i64, m: i64| {
            ist_midnight(sharewise_engine::time::days_from_civil(2026, 12, d))
                + (h * 3600 + m * 60) * NANOS_PER_SEC
        };
        assert!(format_ist(session_expiry(ist(7, 8, 30))).starts_with("2026-12-08T06:00:00"));
        assert!(format_ist(session_expiry(ist(7, 5, 59))).starts_with("2026-12-07T06:00:00"));
        assert!(format_ist(session_expiry(ist(7, 6, 0))).starts_with("2026-12-08T06:00:00"));
    }

    #[test]
    fn a_session_never_shows_its_token() {
        let s = KiteSession {
            user_id: "AB1234".into(),
            access_token: AccessToken::new("SENTINEL-TOKEN").unwrap(),
            login_time: "2026-12-07 08:00:00".into(),
        };
        assert!(!format!("{s:?}").contains("SENTINEL"));
    }
}

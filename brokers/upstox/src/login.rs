//! Upstox's daily login, OAuth 2.0's authorization-code flow: the login page's address (with a
//! `state` the redirect must bring back), and the exchange of the one-use `code` the redirect
//! carries for the day's access token.
//!
//! SEBI wants a fresh two-factor login by the user once per trading day and no endless refresh,
//! so there is no refresh here (and the `extended_token` Upstox also returns, a read-only token
//! for a year, is not kept: it cannot place orders). The exchange leaves from the account's
//! egress address like every other call.

use std::fmt;

use serde::Deserialize;
use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_engine::time::{ist_day, ist_midnight, TimestampNs, NANOS_PER_DAY, NANOS_PER_SEC};

use crate::rest::transport::{envelope, Request};
use crate::rest::wire::WireProfile;
use crate::rest::{Transport, UpstoxToken};

/// The page a user logs in on: `{base}/v2/login/authorization/dialog?response_type=code&...`.
pub fn login_url(base_url: &str, api_key: &str, redirect_uri: &str, state: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", api_key)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .finish();
    format!(
        "{}/v2/login/authorization/dialog?{query}",
        base_url.trim_end_matches('/')
    )
}

/// When Upstox ends every session: 03:30 IST.
pub const SESSION_ENDS_IST_MINUTES: i64 = 3 * 60 + 30;

/// When a session that began at `login` (UTC ns) stops working: the first 03:30 IST after it.
pub fn session_expiry(login: TimestampNs) -> TimestampNs {
    let day = ist_day(login);
    let today = ist_midnight(day) + SESSION_ENDS_IST_MINUTES * 60 * NANOS_PER_SEC;
    if login < today {
        today
    } else {
        today + NANOS_PER_DAY
    }
}

/// The day's session: whose it is and the access token (redacted in `Debug`).
#[derive(Clone)]
pub struct UpstoxSession {
    /// Upstox's client id.
    pub user_id: String,
    /// The token every call of the day carries.
    pub access_token: UpstoxToken,
}

impl fmt::Debug for UpstoxSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstoxSession")
            .field("user_id", &self.user_id)
            .field("access_token", &"<redacted>")
            .finish()
    }
}

/// The token call's flat answer (no envelope: the profile and the tokens side by side).
#[derive(Deserialize)]
struct WireToken {
    user_id: String,
    access_token: String,
}

/// Exchanges the login redirect's `code` for the day's session (`POST
/// /v2/login/authorization/token`, form-encoded); `redirect_uri` must be the one the login page
/// was opened with.
pub async fn exchange_code(
    transport: &Transport,
    api_secret: &str,
    redirect_uri: &str,
    code: &str,
) -> Result<UpstoxSession, BrokerError> {
    let endpoint = transport.endpoint();
    let url = format!(
        "{}/v2/login/authorization/token",
        endpoint.base_url.trim_end_matches('/')
    );
    let form = [
        ("code", code.to_string()),
        ("client_id", endpoint.api_key.clone()),
        ("client_secret", api_secret.to_string()),
        ("redirect_uri", redirect_uri.to_string()),
        ("grant_type", "authorization_code".to_string()),
    ];
    let request = transport
        .http()
        .post(url)
        .header("Accept", "application/json")
        .header("Api-Version", "2.0")
        .form(&form);
    let path = "/v2/login/authorization/token";
    let exchange = async move {
        let response = request.send().await.map_err(|e| {
            sharewise_broker_kit::CallFailure::from_transport("Upstox", path, e).into_error()
        })?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| {
            BrokerError::new(
                ErrorKind::Upstream,
                format!("{path}: the answer broke off: {e}"),
            )
        })?;
        if !(200..300).contains(&status) {
            return Err(envelope(path, status, &body).err().map_or_else(
                || BrokerError::from_upstox(status, None, format!("HTTP {status} from {path}")),
                sharewise_broker_kit::CallFailure::into_error,
            ));
        }
        let token: WireToken = serde_json::from_slice(&body).map_err(|e| {
            BrokerError::new(
                ErrorKind::Unknown,
                format!("{path}: Upstox's answer has no session: {e}"),
            )
        })?;
        let access_token = UpstoxToken::new(token.access_token).ok_or_else(|| {
            BrokerError::new(ErrorKind::Unknown, format!("{path}: an empty access token"))
        })?;
        Ok(UpstoxSession {
            user_id: token.user_id,
            access_token,
        })
    };
    sharewise_broker_kit::io::on_io(exchange)
        .await
        .unwrap_or_else(|| {
            Err(BrokerError::new(
                ErrorKind::Upstream,
                "cut off by the process ending",
            ))
        })
}

/// Whose `token` is, asked of Upstox (`GET /v2/user/profile`): proves the session works.
pub async fn whoami(transport: &Transport, token: &UpstoxToken) -> Result<String, BrokerError> {
    let data = transport
        .call(Request::get("/v2/user/profile", &[]), token)
        .await
        .map_err(sharewise_broker_kit::CallFailure::into_error)?;
    let profile: WireProfile = serde_json::from_value(data).map_err(|e| {
        BrokerError::new(
            ErrorKind::Unknown,
            format!("/v2/user/profile: Upstox's answer does not read as expected: {e}"),
        )
    })?;
    Ok(profile.user_id)
}

/// Ends the session at Upstox (`DELETE /v2/logout`).
pub async fn log_out(transport: &Transport, token: &UpstoxToken) -> Result<(), BrokerError> {
    let request = Request {
        method: reqwest::Method::DELETE,
        path: "/v2/logout",
        query: &[],
        body: None,
    };
    transport
        .call(request, token)
        .await
        .map(|_| ())
        .map_err(sharewise_broker_kit::CallFailure::into_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::format_ist;

    #[test]
    fn sessions_end_at_the_next_0330_ist() {
        let at = |text: &str| crate::rest::wire::upstox_time(text).unwrap();
        let evening = session_expiry(at("2026-12-08 18:00:00"));
        assert!(format_ist(evening).starts_with("2026-12-09T03:30:00"));
        let small_hours = session_expiry(at("2026-12-09 02:00:00"));
        assert!(format_ist(small_hours).starts_with("2026-12-09T03:30:00"));
        let after = session_expiry(at("2026-12-09 03:30:00"));
        assert!(format_ist(after).starts_with("2026-12-10T03:30:00"));
    }

    #[test]
    fn the_login_page_carries_the_app_the_redirect_and_the_state() {
        let url = login_url(
            "https://api.upstox.com/",
            "app-key",
            "http://127.0.0.1:8093/upstox/callback",
            "s7",
        );
        assert_eq!(
            url,
            "https://api.upstox.com/v2/login/authorization/dialog?response_type=code&client_id=app-key&redirect_uri=http%3A%2F%2F127.0.0.1%3A8093%2Fupstox%2Fcallback&state=s7"
        );
    }
}

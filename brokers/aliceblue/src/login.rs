//! AliceBlue's daily login (v2 vendor flow, brokers.md §3 [U]): the user logs in on
//! `https://ant.aliceblueonline.com/?appcode=<appCode>` (with AliceBlue's own two factors), the
//! redirect brings `authCode` and `userId`, and `POST /open-api/od/v1/vendor/getUserDetails`
//! with `checkSum = sha256_hex(userId + authCode + apiSecret)` gives the day's `userSession`.
//!
//! SEBI wants a fresh two-factor login once per trading day: there is no refresh here. The
//! exchange leaves from the account's egress address like every other call. The session is taken
//! to last 24 hours from the login [U: "about a day" per third parties]. The NSE contract
//! master (symbol ↔ token) is fetched here too: it is public and needed before the first order.

use std::fmt;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_engine::time::{TimestampNs, NANOS_PER_DAY};

use crate::rest::transport::Request;
use crate::rest::wire::WireProfile;
use crate::rest::{AliceToken, Transport};

/// The page a user logs in on: `{login_url}/?appcode=<appCode>`.
pub fn login_url(login_url: &str, app_code: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("appcode", app_code)
        .finish();
    format!("{}/?{query}", login_url.trim_end_matches('/'))
}

/// `sha256_hex(userId + authCode + apiSecret)`, lower case.
pub fn checksum(user_id: &str, auth_code: &str, api_secret: &str) -> String {
    Sha256::digest(format!("{user_id}{auth_code}{api_secret}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// When a session that began at `login` (UTC ns) is taken to end.
pub fn session_expiry(login: TimestampNs) -> TimestampNs {
    login + NANOS_PER_DAY
}

/// The day's session: whose it is and the `userSession` (redacted in `Debug`).
#[derive(Clone)]
pub struct AliceSession {
    /// AliceBlue's client id.
    pub client_id: String,
    /// The session every call of the day carries.
    pub user_session: AliceToken,
}

impl fmt::Debug for AliceSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AliceSession")
            .field("client_id", &self.client_id)
            .field("user_session", &"<redacted>")
            .finish()
    }
}

/// `getUserDetails`' flat answer (`stat`, not the envelope's `status`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireUserDetails {
    #[serde(default)]
    stat: Option<String>,
    #[serde(default)]
    emsg: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    user_session: Option<String>,
}

/// Exchanges the redirect's `authCode` of `user_id` for the day's session.
pub async fn get_user_details(
    transport: &Transport,
    user_id: &str,
    auth_code: &str,
    api_secret: &str,
) -> Result<AliceSession, BrokerError> {
    let path = "/open-api/od/v1/vendor/getUserDetails";
    let url = format!(
        "{}{path}",
        transport.endpoint().base_url.trim_end_matches('/')
    );
    let body = serde_json::json!({"checkSum": checksum(user_id, auth_code, api_secret)});
    let request = transport
        .http()
        .post(url)
        .header("Accept", "application/json")
        .json(&body);
    let fallback_id = user_id.to_string();
    let exchange = async move {
        let response = request.send().await.map_err(|e| {
            sharewise_broker_kit::CallFailure::from_transport("AliceBlue", path, e).into_error()
        })?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| {
            BrokerError::new(
                ErrorKind::Upstream,
                format!("{path}: the answer broke off: {e}"),
            )
        })?;
        let details: WireUserDetails = serde_json::from_slice(&body).map_err(|_| {
            BrokerError::from_aliceblue(
                status,
                None,
                format!("HTTP {status} from {path} (not AliceBlue's JSON)"),
            )
        })?;
        let ok = details
            .stat
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("ok"));
        let session = details.user_session.and_then(AliceToken::new);
        match session {
            Some(user_session) if ok && (200..300).contains(&status) => Ok(AliceSession {
                client_id: details.client_id.unwrap_or(fallback_id),
                user_session,
            }),
            _ => {
                let why = details
                    .emsg
                    .unwrap_or_else(|| "no userSession in the answer".into());
                Err(BrokerError::from_aliceblue(
                    status,
                    None,
                    format!("{path}: {why}"),
                ))
            }
        }
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

/// Where the NSE contract master is under the masters' root (plain CSV [U]).
pub const NSE_MASTER: &str = "/restpy/static/contract_master/NSE.csv";

/// AliceBlue's NSE contract master, fetched (no session) and read into listings with tokens.
pub async fn nse_master(
    transport: &Transport,
) -> Result<sharewise_instruments::AliceBlueMaster, BrokerError> {
    let body = transport.public(NSE_MASTER).await?;
    sharewise_instruments::read_aliceblue_master(body.as_slice(), "AliceBlue NSE.csv")
        .map_err(|e| BrokerError::new(ErrorKind::Unknown, e.to_string()))
}

/// Whose `token` is, asked of AliceBlue (`GET /open-api/od/v1/profile/`): proves the session.
pub async fn whoami(transport: &Transport, token: &AliceToken) -> Result<String, BrokerError> {
    let path = "/open-api/od/v1/profile/";
    let result = transport
        .call(Request::get(path), token)
        .await
        .map_err(sharewise_broker_kit::CallFailure::into_error)?;
    let profile: Vec<WireProfile> = serde_json::from_value(result).map_err(|e| {
        BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: AliceBlue's answer does not read as expected: {e}"),
        )
    })?;
    profile
        .into_iter()
        .next()
        .map(|p| p.client_id)
        .ok_or_else(|| BrokerError::new(ErrorKind::Unknown, format!("{path}: an empty profile")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_and_the_checksum() {
        assert_eq!(
            login_url("https://ant.aliceblueonline.com/", "APP 1"),
            "https://ant.aliceblueonline.com/?appcode=APP+1"
        );
        // sha256("abc"): the three parts are concatenated as they are.
        assert_eq!(
            checksum("a", "b", "c"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

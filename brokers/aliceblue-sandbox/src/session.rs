//! Login and sessions as AliceBlue's v2 vendor flow runs them (brokers.md §3 [U]).
//!
//! The sandbox has no login form: `GET /?appcode=<appCode>` answers as AliceBlue does once its
//! one user has logged in, with a 302 to `redirect_url?authCode=<code>&userId=<user>`. `POST
//! /open-api/od/v1/vendor/getUserDetails {"checkSum": sha256_hex(userId + authCode + apiSecret)}`
//! spends the code (once) and answers `{"stat":"Ok","clientId":..,"userSession":..}`; a wrong
//! checksum is `{"stat":"Not_Ok","emsg":..}` [U: wording]. A session lasts 24 hours of the
//! sandbox's simulated clock [U: "about a day" per third parties].

use std::collections::{HashMap, HashSet};

use axum::http::header::{AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sharewise_engine::time::{TimestampNs, NANOS_PER_DAY};

use crate::envelope::AliceError;

/// The app and user the sandbox plays.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The app's `appCode` (the login page's `appcode`).
    pub app_code: String,
    /// The app's API secret (part of the checksum).
    pub api_secret: String,
    /// The user who logs in (AliceBlue's client id).
    pub user_id: String,
    /// The app's registered redirect URL.
    pub redirect_url: String,
}

/// How long a session lasts on the simulated clock.
pub const SESSION_NS: TimestampNs = NANOS_PER_DAY;

/// Auth codes and sessions issued.
#[derive(Debug, Default)]
pub struct Sessions {
    /// Auth codes not yet exchanged (each works once).
    codes: HashSet<String>,
    /// Live sessions and when each ends.
    live: HashMap<String, TimestampNs>,
}

/// `sha256_hex(text)`, lower case.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

impl Sessions {
    /// The login page's answer: a redirect with a fresh auth code, or a refusal.
    pub fn login(&mut self, who: &Identity, query: &HashMap<String, String>) -> Response {
        if query.get("appcode") != Some(&who.app_code) {
            return (StatusCode::BAD_REQUEST, "Invalid appcode").into_response();
        }
        let code = random(24);
        self.codes.insert(code.clone());
        let separator = if who.redirect_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!(
            "{}{separator}authCode={code}&userId={}",
            who.redirect_url, who.user_id
        );
        (StatusCode::FOUND, [(LOCATION, location)]).into_response()
    }

    /// `getUserDetails`: a checksum over one unspent auth code for a session issued at `now`.
    pub fn user_details(&mut self, who: &Identity, body: &Value, now: TimestampNs) -> Response {
        let refuse = |why: &str| Json(json!({"stat": "Not_Ok", "emsg": why})).into_response();
        let Some(sum) = body.get("checkSum").and_then(Value::as_str) else {
            return refuse("checkSum is required");
        };
        let code = self
            .codes
            .iter()
            .find(|c| sha256_hex(&format!("{}{c}{}", who.user_id, who.api_secret)) == sum)
            .cloned();
        let Some(code) = code else {
            return refuse("Invalid checksum or auth code");
        };
        self.codes.remove(&code);
        let session = format!("eyJ{}", random(60));
        self.live.insert(session.clone(), now + SESSION_NS);
        Json(json!({
            "stat": "Ok",
            "clientId": who.user_id,
            "userSession": session,
        }))
        .into_response()
    }

    /// The session of an authenticated request, checked at `now`.
    pub fn authorize(&mut self, headers: &HeaderMap, now: TimestampNs) -> Result<(), AliceError> {
        let session = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(AliceError::unauthorized)?;
        let ends = *self
            .live
            .get(session)
            .ok_or_else(AliceError::unauthorized)?;
        if now >= ends {
            self.live.remove(session);
            return Err(AliceError::unauthorized());
        }
        Ok(())
    }

    /// Ends every session (the `expire_sessions` fault); how many ended.
    pub fn expire_all(&mut self) -> usize {
        let n = self.live.len();
        self.live.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_sha256_hex_of_user_code_and_secret() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

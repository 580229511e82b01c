//! Login and sessions, as Upstox runs them (OAuth2's authorization-code flow, brokers.md §2).
//!
//! The sandbox has no login page: `GET /v2/login/authorization/dialog?response_type=code&
//! client_id=&redirect_uri=&state=` answers as Upstox does once its one user has logged in, with
//! a 302 to `redirect_uri?code=<code>&state=<state>`; a wrong `client_id` or `redirect_uri` is
//! Upstox's `UDAPI100068`. `POST /v2/login/authorization/token` trades a code (once) for an
//! `access_token` and an `extended_token`. An access token is good until 03:30 IST of the next day
//! on the sandbox's simulated clock; the extended token (Upstox's long-lived read-only token) is
//! good for reads (`GET`) only, other calls get 403 `UDAPI100067`.

use std::collections::{HashMap, HashSet};

use axum::http::header::{AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::distr::{Alphanumeric, SampleString};
use sharewise_engine::time::{ist_day, ist_midnight, TimestampNs, NANOS_PER_MINUTE};

use crate::envelope::UpstoxError;

/// The app and user the sandbox plays.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The app's API key (OAuth `client_id`).
    pub api_key: String,
    /// The app's API secret (OAuth `client_secret`).
    pub api_secret: String,
    /// The app's registered redirect URI.
    pub redirect_uri: String,
    /// The user who logs in.
    pub user_id: String,
}

/// A token issued and still good until `expires`.
#[derive(Clone, Copy, Debug)]
struct Token {
    expires: TimestampNs,
    extended: bool,
}

/// Codes and tokens issued.
#[derive(Debug, Default)]
pub struct Sessions {
    /// Authorization codes not yet exchanged (each works once).
    codes: HashSet<String>,
    /// Live tokens.
    live: HashMap<String, Token>,
}

/// A new session's two tokens.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The day's access token.
    pub access_token: String,
    /// The long-lived read-only token.
    pub extended_token: String,
}

/// A random token of `n` letters and digits.
pub(crate) fn random(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

/// 03:30 IST of the day after `now`'s: when Upstox's access tokens end.
pub fn expiry_after(now: TimestampNs) -> TimestampNs {
    ist_midnight(ist_day(now) + 1) + 210 * NANOS_PER_MINUTE
}

/// A year of simulated time: the extended token outlives any sandbox run.
const EXTENDED_NS: i64 = 365 * 86_400 * 1_000_000_000;

impl Sessions {
    /// The authorization dialog's answer: a redirect with a fresh code, or `UDAPI100068`.
    pub fn dialog(&mut self, who: &Identity, query: &HashMap<String, String>) -> Response {
        let get = |k: &str| query.get(k).map(String::as_str);
        if get("client_id") != Some(&who.api_key) || get("redirect_uri") != Some(&who.redirect_uri)
        {
            return UpstoxError::new(
                StatusCode::BAD_REQUEST,
                "UDAPI100068",
                "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.",
            )
            .into_response();
        }
        if get("response_type") != Some("code") {
            let value = serde_json::json!(get("response_type"));
            return UpstoxError::invalid("response_type", &value, "must be `code`").into_response();
        }
        let code = random(6);
        self.codes.insert(code.clone());
        let separator = if who.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let mut location = format!("{}{separator}code={code}", who.redirect_uri);
        if let Some(state) = get("state") {
            location.push_str("&state=");
            location.push_str(&encode(state));
        }
        (StatusCode::FOUND, [(LOCATION, location)]).into_response()
    }

    /// `POST /v2/login/authorization/token`: a code and the app's credentials for two tokens,
    /// issued at `now`.
    pub fn exchange(
        &mut self,
        who: &Identity,
        form: &HashMap<String, String>,
        now: TimestampNs,
    ) -> Result<Issued, UpstoxError> {
        let field = |name: &str| {
            form.get(name)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| UpstoxError::missing(name))
        };
        let code = field("code")?;
        let grant = field("grant_type")?;
        if grant != "authorization_code" {
            return Err(UpstoxError::invalid(
                "grant_type",
                &grant.into(),
                "must be `authorization_code`",
            ));
        }
        let good_app = field("client_id")? == who.api_key
            && field("client_secret")? == who.api_secret
            && field("redirect_uri")? == who.redirect_uri;
        // A refused exchange leaves the code usable: only a successful one spends it.
        if !good_app || !self.codes.remove(code) {
            return Err(UpstoxError::invalid_credentials());
        }
        let issued = Issued {
            access_token: random(40),
            extended_token: random(40),
        };
        self.live.insert(
            issued.access_token.clone(),
            Token {
                expires: expiry_after(now),
                extended: false,
            },
        );
        self.live.insert(
            issued.extended_token.clone(),
            Token {
                expires: now + EXTENDED_NS,
                extended: true,
            },
        );
        Ok(issued)
    }

    /// The bearer token of an authenticated request, checked at `now` for `method`.
    pub fn authorize(
        &mut self,
        headers: &HeaderMap,
        method: &Method,
        now: TimestampNs,
    ) -> Result<String, UpstoxError> {
        let token = bearer(headers).ok_or_else(UpstoxError::invalid_token)?;
        let found = *self
            .live
            .get(token)
            .ok_or_else(UpstoxError::invalid_token)?;
        if now >= found.expires {
            self.live.remove(token);
            return Err(UpstoxError::invalid_token());
        }
        if found.extended && *method != Method::GET {
            return Err(UpstoxError::new(
                StatusCode::FORBIDDEN,
                "UDAPI100067",
                UpstoxError::usual_message("UDAPI100067"),
            ));
        }
        Ok(token.to_string())
    }

    /// `DELETE /v2/logout`: ends `token`'s session.
    pub fn logout(&mut self, token: &str) {
        self.live.remove(token);
    }

    /// Ends every session (the `expire_sessions` fault); how many ended.
    pub fn expire_all(&mut self) -> usize {
        let n = self.live.len();
        self.live.clear();
        n
    }
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// `text` percent-encoded for a query string (letters, digits and `-._~` kept).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::days_from_civil;

    #[test]
    fn a_token_issued_in_the_session_ends_at_half_past_three_the_next_morning() {
        let day = days_from_civil(2026, 1, 5);
        let at_noon = ist_midnight(day) + 12 * 60 * NANOS_PER_MINUTE;
        assert_eq!(
            expiry_after(at_noon),
            ist_midnight(day + 1) + 210 * NANOS_PER_MINUTE
        );
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}

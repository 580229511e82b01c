//! Login and sessions, as Kite runs them: the login page's redirect with a one-time
//! `request_token`, its exchange for an `access_token` with the app's checksum, the
//! `Authorization: token api_key:access_token` header on every other call, logout, and expiry.
//!
//! The sandbox has no login page: `GET /connect/login?api_key=K&v=3` answers as Kite does once
//! its user has logged in, with a 302 to the app's redirect URL carrying
//! `request_token`, `action=login` and `status=success`.

use std::collections::{HashMap, HashSet};

use axum::http::header::{AUTHORIZATION, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

use crate::envelope::{ErrorType, KiteError};

/// The app and user the sandbox plays.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The app's API key.
    pub api_key: String,
    /// The app's API secret (the checksum's last part).
    pub api_secret: String,
    /// The app's registered redirect URL.
    pub redirect_url: String,
    /// The user who logs in.
    pub user_id: String,
}

/// Tokens issued and still good.
#[derive(Debug, Default)]
pub struct Sessions {
    /// Request tokens not yet exchanged (each works once).
    pending: HashSet<String>,
    /// Live access tokens.
    live: HashMap<String, Session>,
}

/// One logged-in session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The access token.
    pub access_token: String,
    /// The public token Kite issues beside it.
    pub public_token: String,
}

/// `sha256_hex(api_key + request_token + api_secret)`, Kite's session checksum.
pub fn checksum(api_key: &str, request_token: &str, api_secret: &str) -> String {
    sha256_hex(&format!("{api_key}{request_token}{api_secret}"))
}

/// Lowercase hex SHA-256 of `text`.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

impl Sessions {
    /// The login page's answer for `api_key`: a redirect with a fresh request token.
    pub fn login(&mut self, who: &Identity, api_key: Option<&str>) -> Response {
        if api_key != Some(who.api_key.as_str()) {
            return KiteError::new(ErrorType::Input, "Invalid `api_key`.").into_response();
        }
        let request_token = token();
        self.pending.insert(request_token.clone());
        let separator = if who.redirect_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!(
            "{}{separator}request_token={request_token}&action=login&status=success",
            who.redirect_url
        );
        (StatusCode::FOUND, [(LOCATION, location)]).into_response()
    }

    /// `POST /session/token`: a request token and its checksum for a session.
    pub fn exchange(
        &mut self,
        who: &Identity,
        form: &HashMap<String, String>,
    ) -> Result<Session, KiteError> {
        let field = |name: &str| {
            form.get(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| KiteError::new(ErrorType::Input, format!("Missing `{name}`.")))
        };
        let (api_key, request_token, sum) = (
            field("api_key")?,
            field("request_token")?,
            field("checksum")?,
        );
        if api_key != &who.api_key {
            return Err(KiteError::new(ErrorType::Input, "Invalid `api_key`."));
        }
        if !self.pending.contains(request_token.as_str()) {
            return Err(KiteError::new(
                ErrorType::Token,
                "Token is invalid or has expired.",
            ));
        }
        if *sum != checksum(api_key, request_token, &who.api_secret) {
            return Err(KiteError::new(ErrorType::Token, "Invalid checksum."));
        }
        self.pending.remove(request_token.as_str());
        let session = Session {
            access_token: token(),
            public_token: token(),
        };
        self.live
            .insert(session.access_token.clone(), session.clone());
        Ok(session)
    }

    /// The session an authenticated request carries, or Kite's 403.
    pub fn authorize(&self, who: &Identity, headers: &HeaderMap) -> Result<&Session, KiteError> {
        let invalid = || KiteError::new(ErrorType::Token, "Incorrect `api_key` or `access_token`.");
        let value = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("token "))
            .ok_or_else(invalid)?;
        let (key, access) = value.split_once(':').ok_or_else(invalid)?;
        if key != who.api_key {
            return Err(invalid());
        }
        self.live.get(access).ok_or_else(invalid)
    }

    /// Whether `access_token` belongs to a live session.
    pub fn is_live(&self, access_token: &str) -> bool {
        self.live.contains_key(access_token)
    }

    /// `DELETE /session/token`: ends a session; `true` if it was live.
    pub fn logout(&mut self, access_token: &str) -> bool {
        self.live.remove(access_token).is_some()
    }

    /// Ends every session (Kite's morning expiry, or the `expire_sessions` fault).
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
    fn the_checksum_is_the_one_zerodhas_client_sends() {
        // The vector kiteconnect-rs 1.0.1 asserts in its session tests.
        assert_eq!(
            checksum("key", "request", "secret"),
            "e4465f58be6159d2a7f087f4292515e9d631b4f91e056b53e6f14456222ff709"
        );
    }
}

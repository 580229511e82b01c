//! Broker errors: one common set of kinds, each saying whether a retry is safe.
//!
//! Every adapter maps its broker's failures onto [`ErrorKind`]. Kite dispatches on the body's
//! `error_type` first and falls back to the HTTP status ([`BrokerError::from_kite`]):
//!
//! | [`ErrorKind`] | [`retry_safe`](BrokerError::retry_safe) | Kite `error_type` | Kite HTTP fallback |
//! | --- | --- | --- | --- |
//! | `AuthExpired` | no: log in again first | `TokenException` | 403 |
//! | `PermissionDenied` | no | `PermissionException`, `UserException` | - |
//! | `InvalidInput` | no | `InputException` | 400, 404, 405, 410 |
//! | `Rejected` | no | `OrderException`, `MarginException`, `HoldingException` | - |
//! | `RateLimited` | yes, with backoff | (any, when the status is 429) | 429 |
//! | `Upstream` | yes | `NetworkException`, `DataException` | 502, 503, 504 |
//! | `Unknown` | no | `GeneralException`, anything else | 500, anything else |
//! | `Storage` | no | (the adapter's own files, e.g. the paper book) | - |
//!
//! A 429 wins over the body's `error_type` (Kite may name `NetworkException` in a 429 body).
//!
//! Upstox dispatches on the first error's `error_code` and falls back to the HTTP status
//! ([`BrokerError::from_upstox`]): `AuthExpired` for `UDAPI100050` (bad token), `UDAPI100016`
//! (bad credentials) or a 401; `PermissionDenied` for `UDAPI100067` (not allowed with an
//! extended token), `UDAPI100073` (app inactive) or a 403; `RateLimited` for `UDAPI10005` or a
//! 429; `Upstream` for `UDAPI100500` or 500/502/503/504; `InvalidInput` for any other 4xx
//! (the code names the field: `UDAPI100036`, `UDAPI100038`, ...); `Unknown` otherwise.
//!
//! AliceBlue (v2 Open API; its error vocabulary is only known from third-party clients [U])
//! answers `{"status":"Not_Ok","message":..}`, the message often a bare `ECnnn` code
//! ([`BrokerError::from_aliceblue`]): `RateLimited` for a 429; `AuthExpired` for a 401, or a 403
//! whose message speaks of the session or token; `PermissionDenied` for any other 403 (e.g. an
//! address not whitelisted); `Upstream` for 500/502/503/504; `InvalidInput` for any other 4xx and
//! for a `Not_Ok` under HTTP 200 (the request was read and refused); `Unknown` otherwise. The
//! empty-book codes (EC915/EC916 orders, EC919/EC920 positions, EC926/EC927 trades) are not
//! errors at all: the adapter reads them as empty lists.
//!
//! **Placement is special.** A place request that may have reached the broker (a timeout, a 5xx
//! or `NetworkException` after the request was sent) is never an error: it is
//! [`PlaceOutcome::Unresolved`](crate::PlaceOutcome::Unresolved), and the caller must look the
//! order up by tag before anything else. So an `Upstream` error from `place` means the request
//! was never sent, and retrying it is safe; for modify and cancel, re-sending the same absolute
//! values is idempotent.

use std::fmt;

/// What went wrong, in broker-neutral terms (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    /// The session expired or the token is bad: log in again.
    AuthExpired,
    /// The account or app may not do this.
    PermissionDenied,
    /// The request itself is wrong (quantity, price grid, symbol, unknown order, ...).
    InvalidInput,
    /// The broker's RMS or the exchange refused the order (margin, holdings, state).
    Rejected,
    /// Too many requests: back off, then retry.
    RateLimited,
    /// The broker's OMS or the exchange could not be reached.
    Upstream,
    /// Anything else.
    Unknown,
    /// The adapter's own files (the paper book, a saved session) could not be read or written:
    /// not an answer from the broker, so the message alone says what to do.
    Storage,
}

impl ErrorKind {
    /// The kind's name as written in the module table and in logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::AuthExpired => "AuthExpired",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Rejected => "Rejected",
            ErrorKind::RateLimited => "RateLimited",
            ErrorKind::Upstream => "Upstream",
            ErrorKind::Unknown => "Unknown",
            ErrorKind::Storage => "Storage",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed broker call: its [`ErrorKind`] and the broker's own message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct BrokerError {
    /// The common kind.
    pub kind: ErrorKind,
    /// The broker's message, verbatim where there is one.
    pub message: String,
}

impl BrokerError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> BrokerError {
        BrokerError {
            kind,
            message: message.into(),
        }
    }

    /// An [`ErrorKind::InvalidInput`] error.
    pub fn invalid(message: impl Into<String>) -> BrokerError {
        BrokerError::new(ErrorKind::InvalidInput, message)
    }

    /// Whether sending the same request again (after backoff) is safe: only for
    /// `RateLimited` and `Upstream` (see the module docs for why that holds for placement too).
    pub fn retry_safe(&self) -> bool {
        matches!(self.kind, ErrorKind::RateLimited | ErrorKind::Upstream)
    }

    /// Maps a Kite error reply: `http_status`, the body's `error_type` (if any) and `message`.
    pub fn from_kite(
        http_status: u16,
        error_type: Option<&str>,
        message: impl Into<String>,
    ) -> BrokerError {
        BrokerError::new(kite_kind(http_status, error_type), message)
    }

    /// Maps an Upstox error reply: `http_status`, the first error's `error_code` (if any) and
    /// its `message`.
    pub fn from_upstox(
        http_status: u16,
        error_code: Option<&str>,
        message: impl Into<String>,
    ) -> BrokerError {
        BrokerError::new(upstox_kind(http_status, error_code), message)
    }
}

impl BrokerError {
    /// Maps an AliceBlue error reply: `http_status`, the `ECnnn` code in its message (if any) and
    /// the message.
    pub fn from_aliceblue(
        http_status: u16,
        code: Option<&str>,
        message: impl Into<String>,
    ) -> BrokerError {
        let message = message.into();
        BrokerError::new(aliceblue_kind(http_status, code, &message), message)
    }
}

/// The [`ErrorKind`] of an AliceBlue error reply (the module docs); `code` is not used yet
/// beyond the empty-book codes the adapter handles itself [U: no published code table].
pub fn aliceblue_kind(http_status: u16, _code: Option<&str>, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    let about_session = ["session", "token", "unauthori"]
        .iter()
        .any(|w| lower.contains(w));
    match http_status {
        429 => ErrorKind::RateLimited,
        401 => ErrorKind::AuthExpired,
        403 if about_session => ErrorKind::AuthExpired,
        403 => ErrorKind::PermissionDenied,
        500 | 502..=504 => ErrorKind::Upstream,
        200..=299 | 400..=499 => ErrorKind::InvalidInput,
        _ => ErrorKind::Unknown,
    }
}

/// The [`ErrorKind`] of an Upstox error reply: its HTTP status and first `error_code` (the
/// module docs).
pub fn upstox_kind(http_status: u16, error_code: Option<&str>) -> ErrorKind {
    match (error_code, http_status) {
        (Some("UDAPI10005"), _) | (_, 429) => ErrorKind::RateLimited,
        (Some("UDAPI100050" | "UDAPI100016"), _) | (_, 401) => ErrorKind::AuthExpired,
        (Some("UDAPI100067" | "UDAPI100073"), _) | (_, 403) => ErrorKind::PermissionDenied,
        (Some("UDAPI100500"), _) | (_, 500 | 502..=504) => ErrorKind::Upstream,
        (_, 400..=499) => ErrorKind::InvalidInput,
        _ => ErrorKind::Unknown,
    }
}

/// The [`ErrorKind`] of a Kite error reply (the module table).
pub fn kite_kind(http_status: u16, error_type: Option<&str>) -> ErrorKind {
    if http_status == 429 {
        return ErrorKind::RateLimited;
    }
    match error_type {
        Some("TokenException") => ErrorKind::AuthExpired,
        Some("PermissionException" | "UserException") => ErrorKind::PermissionDenied,
        Some("InputException") => ErrorKind::InvalidInput,
        Some("OrderException" | "MarginException" | "HoldingException") => ErrorKind::Rejected,
        Some("NetworkException" | "DataException") => ErrorKind::Upstream,
        Some("GeneralException") => ErrorKind::Unknown,
        _ => match http_status {
            403 => ErrorKind::AuthExpired,
            400 | 404 | 405 | 410 => ErrorKind::InvalidInput,
            502..=504 => ErrorKind::Upstream,
            _ => ErrorKind::Unknown,
        },
    }
}

#[cfg(test)]
mod aliceblue_tests {
    use super::*;

    #[test]
    fn aliceblues_replies_map_onto_the_common_table() {
        let kind = |status, message: &str| BrokerError::from_aliceblue(status, None, message).kind;
        assert_eq!(kind(429, "Too many requests"), ErrorKind::RateLimited);
        assert_eq!(kind(401, "Unauthorized"), ErrorKind::AuthExpired);
        assert_eq!(kind(403, "Session expired"), ErrorKind::AuthExpired);
        assert_eq!(kind(403, "IP not allowed"), ErrorKind::PermissionDenied);
        assert_eq!(kind(503, "down"), ErrorKind::Upstream);
        assert_eq!(kind(200, "EC912"), ErrorKind::InvalidInput);
        assert_eq!(kind(302, "?"), ErrorKind::Unknown);
    }
}

//! Faults on demand, through `POST /__sandbox/faults` (JSON): what a real Kite does on a bad day,
//! so drills can provoke it.
//!
//! - `{"expire_sessions": true}`: every access token stops working at once (Kite's early-morning
//!   expiry): the next call gets 403 `TokenException`.
//! - `{"fail_next": {"count": 3, "error_type": "NetworkException", "status": 503}}`: the next
//!   `count` authenticated calls fail with that error (a 429 with `NetworkException` is the rate
//!   limit; 502 `DataException`, 500 `GeneralException`, 403 `TokenException` likewise).
//!
//! The answer says what is now armed.

use serde::Deserialize;

use crate::envelope::{ErrorType, KiteError};

/// A request to arm faults.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// End every session now.
    #[serde(default)]
    pub expire_sessions: bool,
    /// Fail the next calls.
    pub fail_next: Option<FailNext>,
}

/// Fail the next `count` authenticated calls.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailNext {
    /// How many calls.
    pub count: u32,
    /// Kite's `error_type`, e.g. `NetworkException`.
    pub error_type: String,
    /// The HTTP status (decides `NetworkException` 429 vs 503); the error type's usual one when
    /// left out.
    pub status: Option<u16>,
}

/// Faults armed now.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    failing: Option<(u32, ErrorType)>,
}

impl Faults {
    /// Arms `fail`; an unknown error type or status is refused with what is known.
    pub fn arm(&mut self, fail: &FailNext) -> Result<(), KiteError> {
        let kind = match (fail.error_type.as_str(), fail.status) {
            ("TokenException", _) => ErrorType::Token,
            ("InputException", _) => ErrorType::Input,
            ("OrderException", _) => ErrorType::Order,
            ("PermissionException", _) => ErrorType::Permission,
            ("NetworkException", Some(429)) => ErrorType::RateLimit,
            ("NetworkException", None | Some(503)) => ErrorType::Network,
            ("DataException", _) => ErrorType::Data,
            ("GeneralException", _) => ErrorType::General,
            (other, status) => {
                return Err(KiteError::new(
                    ErrorType::Input,
                    format!(
                        "cannot fail with `{other}` (status {status:?}): use TokenException, \
                         InputException, OrderException, PermissionException, NetworkException \
                         (429 or 503), DataException or GeneralException"
                    ),
                ))
            }
        };
        self.failing = (fail.count > 0).then_some((fail.count, kind));
        Ok(())
    }

    /// The error the next call must get, if one is armed (counting it down).
    pub fn take(&mut self) -> Option<KiteError> {
        let (left, kind) = self.failing?;
        self.failing = (left > 1).then_some((left - 1, kind));
        Some(KiteError::new(
            kind,
            format!("sandbox fault: {}", kind.name()),
        ))
    }

    /// Calls still to fail.
    pub fn pending(&self) -> u32 {
        self.failing.map_or(0, |(n, _)| n)
    }
}

//! Faults on demand, through `POST /__sandbox/faults` (JSON): what a real Kite does on a bad day,
//! so drills can provoke it.
//!
//! - `{"expire_sessions": true}`: every access token stops working at once (Kite's early-morning
//!   expiry): the next call gets 403 `TokenException`.
//! - `{"fail_next": {"count": 3, "error_type": "NetworkException", "status": 503}}`: the next
//!   `count` authenticated calls fail with that error (a 429 with `NetworkException` is the rate
//!   limit; 502 `DataException`, 500 `GeneralException`, 403 `TokenException` likewise).
//! - `{"stall_placements": {"count": 1, "ms": 10000}}`: the next `count` placements are booked
//!   (the order exists and trades) but answered only after `ms`: the ambiguous placement a client
//!   times out on.
//! - `{"slow": {"count": 20, "ms": 800}}`: the next `count` API calls are answered `ms` late.
//! - `{"drop_sockets": true}`: every ticker WebSocket is cut at once, without a close frame.
//!
//! The answer says what is now armed. The machinery is the venue's
//! ([`sharewise_sandbox_venue::faults`]); this module names Kite's errors.

pub use sharewise_sandbox_venue::faults::{Delay, FailNext, FaultRequest};

use crate::envelope::{ErrorType, KiteError};

/// Faults armed now, failing calls with Kite's errors.
pub type Faults = sharewise_sandbox_venue::faults::Faults<KiteError>;

/// Arms `fail` on `faults`; an unknown error type or status is refused with what is known.
pub fn arm(faults: &mut Faults, fail: &FailNext) -> Result<(), KiteError> {
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
    let error = KiteError::new(kind, format!("sandbox fault: {}", kind.name()));
    faults.fail_next(fail.count, error);
    Ok(())
}

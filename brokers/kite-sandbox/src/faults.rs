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
    /// Book the next placements but answer them late.
    pub stall_placements: Option<Delay>,
    /// Answer the next calls late.
    pub slow: Option<Delay>,
    /// Cut every ticker connection.
    #[serde(default)]
    pub drop_sockets: bool,
}

/// `count` requests delayed by `ms` milliseconds each.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delay {
    /// How many requests.
    pub count: u32,
    /// How late, milliseconds.
    pub ms: u64,
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
    stalling: Option<Delay>,
    slowing: Option<Delay>,
}

/// Counts one use of `delay` down; its wait, if armed.
fn take_delay(delay: &mut Option<Delay>) -> Option<std::time::Duration> {
    let d = (*delay)?;
    *delay = (d.count > 1).then_some(Delay {
        count: d.count - 1,
        ..d
    });
    Some(std::time::Duration::from_millis(d.ms))
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

    /// Arms the placement stall and the slow answers given (zero counts disarm them).
    pub fn arm_delays(&mut self, stall: Option<Delay>, slow: Option<Delay>) {
        if let Some(d) = stall {
            self.stalling = (d.count > 0).then_some(d);
        }
        if let Some(d) = slow {
            self.slowing = (d.count > 0).then_some(d);
        }
    }

    /// How long the placement just booked must wait before its answer, if a stall is armed.
    pub fn take_stall(&mut self) -> Option<std::time::Duration> {
        take_delay(&mut self.stalling)
    }

    /// How long the call now arriving must wait, if slow answers are armed.
    pub fn take_slow(&mut self) -> Option<std::time::Duration> {
        take_delay(&mut self.slowing)
    }

    /// Placements still to stall and calls still to slow down.
    pub fn delays_pending(&self) -> (u32, u32) {
        (
            self.stalling.map_or(0, |d| d.count),
            self.slowing.map_or(0, |d| d.count),
        )
    }

    /// Calls still to fail.
    pub fn pending(&self) -> u32 {
        self.failing.map_or(0, |(n, _)| n)
    }
}

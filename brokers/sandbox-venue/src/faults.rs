//! Faults on demand, through `POST /__sandbox/faults` (JSON): what a real broker does on a bad
//! day, so drills can provoke it. The request is the same for every broker's sandbox; the error a
//! failing call gets is the broker's own (`E`).
//!
//! - `{"expire_sessions": true}`: every access token stops working at once.
//! - `{"fail_next": {"count": 3, "error_type": "<the broker's error name>", "status": 503}}`:
//!   the next `count` authenticated calls fail with that error (`error_code` is taken as another
//!   name for `error_type`: Upstox names errors by code).
//! - `{"stall_placements": {"count": 1, "ms": 10000}}`: the next `count` placements are booked
//!   (the order exists and trades) but answered only after `ms`: the ambiguous placement a client
//!   times out on.
//! - `{"slow": {"count": 20, "ms": 800}}`: the next `count` API calls are answered `ms` late.
//! - `{"drop_sockets": true}`: every streaming socket is cut at once, without a close frame.

use serde::Deserialize;

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
    /// Cut every streaming connection.
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
    /// The broker's name for the error, e.g. Kite's `NetworkException` or Upstox's `UDAPI100500`.
    #[serde(alias = "error_code")]
    pub error_type: String,
    /// The HTTP status; the error's usual one when left out.
    pub status: Option<u16>,
}

/// Faults armed now; `E` is the broker's error a failing call gets.
#[derive(Clone, Debug)]
pub struct Faults<E> {
    failing: Option<(u32, E)>,
    stalling: Option<Delay>,
    slowing: Option<Delay>,
}

impl<E> Default for Faults<E> {
    fn default() -> Self {
        Faults {
            failing: None,
            stalling: None,
            slowing: None,
        }
    }
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

impl<E: Clone> Faults<E> {
    /// The next `count` authenticated calls fail with `error` (zero disarms).
    pub fn fail_next(&mut self, count: u32, error: E) {
        self.failing = (count > 0).then_some((count, error));
    }

    /// The error the next call must get, if one is armed (counting it down).
    pub fn take(&mut self) -> Option<E> {
        let (left, error) = self.failing.take()?;
        if left > 1 {
            self.failing = Some((left - 1, error.clone()));
        }
        Some(error)
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
        self.failing.as_ref().map_or(0, |(n, _)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_armed_failure_counts_down_and_upstox_may_name_it_error_code() {
        let req: FaultRequest =
            serde_json::from_str(r#"{"fail_next":{"count":2,"error_code":"UDAPI100500"}}"#)
                .unwrap();
        let fail = req.fail_next.unwrap();
        let mut faults = Faults::default();
        faults.fail_next(fail.count, fail.error_type);
        assert_eq!(faults.pending(), 2);
        assert_eq!(faults.take().as_deref(), Some("UDAPI100500"));
        assert_eq!(faults.take().as_deref(), Some("UDAPI100500"));
        assert_eq!(faults.take(), None);
    }
}

//! N-bar range breakout: a close beyond the highest high or lowest low of the previous `n` bars.
//!
//! `+100` when `close > max(high)` over the previous `n` bars, `−100` when `close < min(low)` over
//! them, else 0 (both strict; the current bar is not part of its own range). The first output is
//! at bar index `n`. The extremes come from monotonic queues in fixed rings allocated at
//! construction: amortised O(1) per bar, no allocation afterwards.

use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Sliding-window extreme (maximum or minimum) over the last `n` values.
#[derive(Clone, Debug)]
struct Extreme {
    /// `(bar sequence number, value)`, oldest at `head`; values strictly monotonic.
    ring: Box<[(u64, f64)]>,
    head: usize,
    len: usize,
    max: bool,
}

impl Extreme {
    fn new(n: usize, max: bool) -> Extreme {
        Extreme {
            ring: vec![(0, 0.0); n + 1].into_boxed_slice(),
            head: 0,
            len: 0,
            max,
        }
    }

    fn front(&self) -> Option<f64> {
        (self.len > 0).then(|| self.ring[self.head].1)
    }

    /// Adds bar `seq`'s value and drops bars older than the last `n`.
    fn push(&mut self, seq: u64, v: f64, n: u64) {
        let cap = self.ring.len();
        while self.len > 0 {
            let back = self.ring[(self.head + self.len - 1) % cap].1;
            if (self.max && back <= v) || (!self.max && back >= v) {
                self.len -= 1;
            } else {
                break;
            }
        }
        self.ring[(self.head + self.len) % cap] = (seq, v);
        self.len += 1;
        while self.len > 0 && self.ring[self.head].0 + n <= seq {
            self.head = (self.head + 1) % cap;
            self.len -= 1;
        }
    }

    fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

/// Streaming N-bar range breakout.
#[derive(Clone, Debug)]
pub struct RangeBreakout {
    n: usize,
    highs: Extreme,
    lows: Extreme,
    seen: u64,
    ready: bool,
}

impl RangeBreakout {
    /// A breakout detector over the previous `n` (≥ 1) bars.
    pub fn new(n: usize) -> Result<RangeBreakout, PatternError> {
        if n == 0 {
            return Err(PatternError::bad("n", n, "a whole number >= 1"));
        }
        Ok(RangeBreakout {
            n,
            highs: Extreme::new(n, true),
            lows: Extreme::new(n, false),
            seen: 0,
            ready: false,
        })
    }

    /// Number of prior bars whose range is watched.
    pub fn n(&self) -> usize {
        self.n
    }
}

impl Detector for RangeBreakout {
    fn next(&mut self, candle: &Candle) -> i32 {
        self.ready = self.seen >= self.n as u64;
        let out = match (self.ready, self.highs.front(), self.lows.front()) {
            (true, Some(hh), _) if candle.close > hh => 100,
            (true, _, Some(ll)) if candle.close < ll => -100,
            _ => 0,
        };
        self.highs.push(self.seen, candle.high, self.n as u64);
        self.lows.push(self.seen, candle.low, self.n as u64);
        self.seen += 1;
        out
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.highs.clear();
        self.lows.clear();
        self.seen = 0;
        self.ready = false;
    }

    fn lookback(&self) -> usize {
        self.n
    }
}

//! Market data: trades (ticks) and OHLCV bars. Both are small `Copy` structs so they move through
//! rings and function calls without allocation.

use serde::{Deserialize, Serialize};

use super::{InstrumentId, Price};
use crate::time::TimestampNs;

/// One trade print from a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    /// Exchange time of the trade, UTC ns.
    pub ts: TimestampNs,
    /// Instrument traded.
    pub instrument: InstrumentId,
    /// Trade price.
    pub price: Price,
    /// Traded quantity (shares).
    pub qty: i64,
}

/// One OHLCV bar; `ts` is the bar's open time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// Open time of the bar, UTC ns.
    pub ts: TimestampNs,
    /// First trade price.
    pub open: Price,
    /// Highest trade price.
    pub high: Price,
    /// Lowest trade price.
    pub low: Price,
    /// Last trade price.
    pub close: Price,
    /// Traded volume (shares).
    pub volume: i64,
}

impl Bar {
    /// Typical price `(high + low + close) / 3` in rupees as `f64` (VWAP and indicators).
    #[inline]
    pub fn typical_f64(&self) -> f64 {
        (self.high.to_f64() + self.low.to_f64() + self.close.to_f64()) / 3.0
    }
}

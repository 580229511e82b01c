//! The signal a strategy emits.

use serde::Serialize;

use super::Reason;
use crate::time::TimestampNs;
use crate::types::{InstrumentId, Price, Side};

/// What a strategy wants, decided at a bar's close (or a tick).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Signal {
    /// Time of the bar or tick that produced it, UTC ns.
    pub ts: TimestampNs,
    /// Instrument concerned.
    pub instrument: InstrumentId,
    /// `BUY` to be long, `SELL` to be out (or short where shorting is allowed).
    pub side: Side,
    /// Limit entry price; `None` enters at market (next bar's open in the backtester).
    pub entry: Option<Price>,
    /// Protective stop for the position this signal opens.
    pub stop_loss: Option<Price>,
    /// Profit target for the position this signal opens.
    pub take_profit: Option<Price>,
    /// How strongly the strategy believes in it, in [0, 1].
    pub confidence: f64,
    /// Why, in words, e.g. `SMA(10) 1573.15 crossed above SMA(30) 1571.40`.
    pub reason: Reason,
}

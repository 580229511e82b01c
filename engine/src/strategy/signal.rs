//! The signal a strategy emits.

use serde::Serialize;

use super::{ExitRules, Reason};
use crate::time::TimestampNs;
use crate::types::{Bar, InstrumentId, Price, Side};

/// Confidence from the relative gap between two lines: 0.5 at a touch, 1.0 at a 1 % gap.
pub(crate) fn gap_confidence(a: f64, b: f64) -> f64 {
    let gap = if b != 0.0 {
        ((a - b) / b).abs() * 100.0
    } else {
        0.0
    };
    (0.5 + 0.5 * gap).min(1.0)
}

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

impl Signal {
    /// A market signal at `bar`'s close with `exits` placed around that close.
    pub fn market(
        instrument: InstrumentId,
        bar: &Bar,
        side: Side,
        exits: &ExitRules,
        confidence: f64,
        reason: Reason,
    ) -> Signal {
        let (stop_loss, take_profit) = exits.levels(side, bar.close);
        Signal {
            ts: bar.ts,
            instrument,
            side,
            entry: None,
            stop_loss,
            take_profit,
            confidence,
            reason,
        }
    }
}

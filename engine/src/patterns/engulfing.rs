//! Engulfing (TA-Lib `CDLENGULFING`): a real body that engulfs the prior, opposite-coloured one.
//!
//! For the newest candle `c` and the one before it `p` (white means `close ≥ open`):
//! - bullish: `c` white, `p` black, and `(c.close ≥ p.open && c.open < p.close) ||
//!   (c.close > p.open && c.open ≤ p.close)`;
//! - bearish: `c` black, `p` white, and `(c.open ≥ p.close && c.close < p.open) ||
//!   (c.open > p.close && c.close ≤ p.open)`.
//!
//! The value is `±100` when the bodies differ at both ends and `±80` when they match at one end
//! (`c.open == p.close` or `c.close == p.open`; TA-Lib since 2009, after Greg Morris). No
//! averages; the first output is at bar index 2 (TA-Lib's lookback, although one prior candle
//! would do).

use super::average::TrailingAverage;
use super::candles::{detector_via_core, CandleCore};
use super::settings::color;
use crate::indicators::Candle;

/// TA-Lib's `CDLENGULFING` lookback.
const LOOKBACK: usize = 2;

/// Streaming `CDLENGULFING`.
#[derive(Clone, Debug)]
pub struct Engulfing {
    core: CandleCore<2, 0>,
}

impl Engulfing {
    /// An engulfing detector (it uses no candle settings).
    pub fn new() -> Engulfing {
        Engulfing {
            core: CandleCore::with_lookback(LOOKBACK, []),
        }
    }
}

impl Default for Engulfing {
    fn default() -> Engulfing {
        Engulfing::new()
    }
}

fn judge([p, c]: [&Candle; 2], _: &[TrailingAverage; 0]) -> i32 {
    let (cc, pc) = (color(c), color(p));
    let bullish = cc == 1
        && pc == -1
        && ((c.close >= p.open && c.open < p.close) || (c.close > p.open && c.open <= p.close));
    let bearish = cc == -1
        && pc == 1
        && ((c.open >= p.close && c.close < p.open) || (c.open > p.close && c.close <= p.open));
    if !(bullish || bearish) {
        0
    } else if c.open != p.close && c.close != p.open {
        cc * 100
    } else {
        cc * 80
    }
}

detector_via_core!(Engulfing, judge);

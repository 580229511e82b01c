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

use super::recent::Recent;
use super::settings::color;
use super::Detector;
use crate::indicators::Candle;

/// TA-Lib's `CDLENGULFING` lookback.
const LOOKBACK: usize = 2;

/// Streaming `CDLENGULFING`.
#[derive(Clone, Debug, Default)]
pub struct Engulfing {
    recent: Recent<2>,
    seen: usize,
}

impl Engulfing {
    /// An engulfing detector (it uses no candle settings).
    pub fn new() -> Engulfing {
        Engulfing::default()
    }
}

fn judge(c: &Candle, p: &Candle) -> i32 {
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

impl Detector for Engulfing {
    fn next(&mut self, candle: &Candle) -> i32 {
        self.recent.push(*candle);
        self.seen = self.seen.saturating_add(1);
        match (self.is_ready(), self.recent.ago(1)) {
            (true, Some(p)) => judge(candle, p),
            _ => 0,
        }
    }

    fn is_ready(&self) -> bool {
        self.seen > LOOKBACK
    }

    fn reset(&mut self) {
        *self = Engulfing::default();
    }

    fn lookback(&self) -> usize {
        LOOKBACK
    }
}

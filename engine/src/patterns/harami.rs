//! Harami (TA-Lib `CDLHARAMI`): a short real body inside the prior long one.
//!
//! For the newest candle `c` and the one before it `p`, when `|p.close − p.open| > body_long`
//! (averaged over the candles before `p`, strict) and `|c.close − c.open| ≤ body_short`:
//! - `−100 × colour(p)` when `c`'s body lies strictly inside `p`'s
//!   (`max(c) < max(p) && min(c) > min(p)` over open/close);
//! - `−80 × colour(p)` when it is inside but touches one end (`≤` / `≥`);
//! - 0 otherwise. So a harami after a black candle is `+100`/`+80`, after a white one `−100`/`−80`.
//!
//! First output at bar index `max(body_short, body_long periods) + 1` (11).

use super::average::TrailingAverage;
use super::recent::Recent;
use super::settings::{color, real_body, CandleSettings};
use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Streaming `CDLHARAMI`.
#[derive(Clone, Debug)]
pub struct Harami {
    recent: Recent<2>,
    body_long: TrailingAverage,
    body_short: TrailingAverage,
    lookback: usize,
    seen: usize,
}

impl Harami {
    /// A harami detector with TA-Lib's default candle settings.
    pub fn new() -> Harami {
        Harami::build(&CandleSettings::TA_LIB)
    }

    /// A harami detector with custom candle settings (checked with [`CandleSettings::validate`]).
    pub fn with_settings(settings: &CandleSettings) -> Result<Harami, PatternError> {
        settings.validate().map(|()| Harami::build(settings))
    }

    fn build(s: &CandleSettings) -> Harami {
        let lookback = s.body_short.avg_period.max(s.body_long.avg_period) + 1;
        Harami {
            recent: Recent::new(),
            body_long: TrailingAverage::new(s.body_long, lookback, 1),
            body_short: TrailingAverage::new(s.body_short, lookback, 0),
            lookback,
            seen: 0,
        }
    }

    fn judge(&self, c: &Candle, p: &Candle) -> i32 {
        if !(real_body(p) > self.body_long.average(p) && real_body(c) <= self.body_short.average(c)) {
            return 0;
        }
        let (c_hi, c_lo) = (c.close.max(c.open), c.close.min(c.open));
        let (p_hi, p_lo) = (p.close.max(p.open), p.close.min(p.open));
        if c_hi < p_hi && c_lo > p_lo {
            -color(p) * 100
        } else if c_hi <= p_hi && c_lo >= p_lo {
            -color(p) * 80
        } else {
            0
        }
    }
}

impl Default for Harami {
    fn default() -> Harami {
        Harami::new()
    }
}

impl Detector for Harami {
    fn next(&mut self, candle: &Candle) -> i32 {
        self.recent.push(*candle);
        self.seen = self.seen.saturating_add(1);
        let out = match (self.is_ready(), self.recent.ago(1)) {
            (true, Some(p)) => self.judge(candle, p),
            _ => 0,
        };
        self.body_long.feed(&self.recent);
        self.body_short.feed(&self.recent);
        out
    }

    fn is_ready(&self) -> bool {
        self.seen > self.lookback
    }

    fn reset(&mut self) {
        self.recent.clear();
        self.body_long.reset();
        self.body_short.reset();
        self.seen = 0;
    }

    fn lookback(&self) -> usize {
        self.lookback
    }
}

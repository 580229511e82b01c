//! Hammer (TA-Lib `CDLHAMMER`): a small body at the top of a long lower shadow, near the prior low.
//!
//! `+100` (always bullish; the trend is not checked) when, for the newest candle `c` and the one
//! before it `p`:
//! - `|c.close − c.open| < body_short` (small body, strict),
//! - lower shadow `> shadow_long` (longer than its own body, strict),
//! - upper shadow `< shadow_very_short` (strict),
//! - `min(c.open, c.close) ≤ p.low + near` where `near` is averaged over the candles before `p`.
//!
//! First output at bar index `max(body_short, shadow_long, shadow_very_short, near periods) + 1`
//! (11 with TA-Lib's defaults).

use super::average::TrailingAverage;
use super::recent::Recent;
use super::settings::{lower_shadow, real_body, upper_shadow, CandleSettings};
use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Streaming `CDLHAMMER`.
#[derive(Clone, Debug)]
pub struct Hammer {
    recent: Recent<2>,
    body_short: TrailingAverage,
    shadow_long: TrailingAverage,
    shadow_very_short: TrailingAverage,
    near: TrailingAverage,
    lookback: usize,
    seen: usize,
}

impl Hammer {
    /// A hammer detector with TA-Lib's default candle settings.
    pub fn new() -> Hammer {
        Hammer::build(&CandleSettings::TA_LIB)
    }

    /// A hammer detector with custom candle settings (checked with [`CandleSettings::validate`]).
    pub fn with_settings(settings: &CandleSettings) -> Result<Hammer, PatternError> {
        settings.validate().map(|()| Hammer::build(settings))
    }

    fn build(s: &CandleSettings) -> Hammer {
        let lookback = s
            .body_short
            .avg_period
            .max(s.shadow_long.avg_period)
            .max(s.shadow_very_short.avg_period)
            .max(s.near.avg_period)
            + 1;
        Hammer {
            recent: Recent::new(),
            body_short: TrailingAverage::new(s.body_short, lookback, 0),
            shadow_long: TrailingAverage::new(s.shadow_long, lookback, 0),
            shadow_very_short: TrailingAverage::new(s.shadow_very_short, lookback, 0),
            near: TrailingAverage::new(s.near, lookback, 1),
            lookback,
            seen: 0,
        }
    }

    fn judge(&self, c: &Candle, p: &Candle) -> i32 {
        let hit = real_body(c) < self.body_short.average(c)
            && lower_shadow(c) > self.shadow_long.average(c)
            && upper_shadow(c) < self.shadow_very_short.average(c)
            && c.close.min(c.open) <= p.low + self.near.average(p);
        if hit {
            100
        } else {
            0
        }
    }
}

impl Default for Hammer {
    fn default() -> Hammer {
        Hammer::new()
    }
}

impl Detector for Hammer {
    fn next(&mut self, candle: &Candle) -> i32 {
        self.recent.push(*candle);
        self.seen = self.seen.saturating_add(1);
        let out = match (self.is_ready(), self.recent.ago(1)) {
            (true, Some(p)) => self.judge(candle, p),
            _ => 0,
        };
        self.body_short.feed(&self.recent);
        self.shadow_long.feed(&self.recent);
        self.shadow_very_short.feed(&self.recent);
        self.near.feed(&self.recent);
        out
    }

    fn is_ready(&self) -> bool {
        self.seen > self.lookback
    }

    fn reset(&mut self) {
        self.recent.clear();
        self.body_short.reset();
        self.shadow_long.reset();
        self.shadow_very_short.reset();
        self.near.reset();
        self.seen = 0;
    }

    fn lookback(&self) -> usize {
        self.lookback
    }
}

//! Shooting star (TA-Lib `CDLSHOOTINGSTAR`): a small body gapping up, with a long upper shadow.
//!
//! `−100` (always bearish; the trend is not checked) when, for the newest candle `c` and the one
//! before it `p`:
//! - `min(c.open, c.close) > max(p.open, p.close)` (real-body gap up, strict),
//! - `|c.close − c.open| < body_short` (strict),
//! - upper shadow `> shadow_long` (longer than its own body, strict),
//! - lower shadow `< shadow_very_short` (strict).
//!
//! First output at bar index `max(body_short, shadow_long, shadow_very_short periods) + 1` (11).

use super::average::TrailingAverage;
use super::recent::Recent;
use super::settings::{lower_shadow, real_body, upper_shadow, CandleSettings};
use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Streaming `CDLSHOOTINGSTAR`.
#[derive(Clone, Debug)]
pub struct ShootingStar {
    recent: Recent<2>,
    body_short: TrailingAverage,
    shadow_long: TrailingAverage,
    shadow_very_short: TrailingAverage,
    lookback: usize,
    seen: usize,
}

impl ShootingStar {
    /// A shooting-star detector with TA-Lib's default candle settings.
    pub fn new() -> ShootingStar {
        ShootingStar::build(&CandleSettings::TA_LIB)
    }

    /// A shooting-star detector with custom candle settings (checked with [`CandleSettings::validate`]).
    pub fn with_settings(settings: &CandleSettings) -> Result<ShootingStar, PatternError> {
        settings.validate().map(|()| ShootingStar::build(settings))
    }

    fn build(s: &CandleSettings) -> ShootingStar {
        let lookback = s.body_short.avg_period.max(s.shadow_long.avg_period).max(s.shadow_very_short.avg_period) + 1;
        ShootingStar {
            recent: Recent::new(),
            body_short: TrailingAverage::new(s.body_short, lookback, 0),
            shadow_long: TrailingAverage::new(s.shadow_long, lookback, 0),
            shadow_very_short: TrailingAverage::new(s.shadow_very_short, lookback, 0),
            lookback,
            seen: 0,
        }
    }

    fn judge(&self, c: &Candle, p: &Candle) -> i32 {
        let hit = c.open.min(c.close) > p.open.max(p.close)
            && real_body(c) < self.body_short.average(c)
            && upper_shadow(c) > self.shadow_long.average(c)
            && lower_shadow(c) < self.shadow_very_short.average(c);
        if hit {
            -100
        } else {
            0
        }
    }
}

impl Default for ShootingStar {
    fn default() -> ShootingStar {
        ShootingStar::new()
    }
}

impl Detector for ShootingStar {
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
        self.seen = 0;
    }

    fn lookback(&self) -> usize {
        self.lookback
    }
}

//! Doji (TA-Lib `CDLDOJI`): a real body no bigger than a tenth of the average high–low range.
//!
//! `+100` when `|close − open| ≤ body_doji` (TA-Lib: 0.1 × mean high–low of the 10 prior
//! candles), else 0. First output at bar index `body_doji.avg_period` (10).

use super::average::TrailingAverage;
use super::recent::Recent;
use super::settings::{real_body, CandleSettings};
use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Streaming `CDLDOJI`.
#[derive(Clone, Debug)]
pub struct Doji {
    recent: Recent<1>,
    body_doji: TrailingAverage,
    lookback: usize,
    seen: usize,
}

impl Doji {
    /// A doji detector with TA-Lib's default candle settings.
    pub fn new() -> Doji {
        Doji::build(&CandleSettings::TA_LIB)
    }

    /// A doji detector with custom candle settings (checked with [`CandleSettings::validate`]).
    pub fn with_settings(settings: &CandleSettings) -> Result<Doji, PatternError> {
        settings.validate().map(|()| Doji::build(settings))
    }

    fn build(s: &CandleSettings) -> Doji {
        let lookback = s.body_doji.avg_period;
        Doji { recent: Recent::new(), body_doji: TrailingAverage::new(s.body_doji, lookback, 0), lookback, seen: 0 }
    }
}

impl Default for Doji {
    fn default() -> Doji {
        Doji::new()
    }
}

impl Detector for Doji {
    fn next(&mut self, candle: &Candle) -> i32 {
        self.recent.push(*candle);
        self.seen = self.seen.saturating_add(1);
        let out = if self.is_ready() && real_body(candle) <= self.body_doji.average(candle) { 100 } else { 0 };
        self.body_doji.feed(&self.recent);
        out
    }

    fn is_ready(&self) -> bool {
        self.seen > self.lookback
    }

    fn reset(&mut self) {
        self.recent.clear();
        self.body_doji.reset();
        self.seen = 0;
    }

    fn lookback(&self) -> usize {
        self.lookback
    }
}

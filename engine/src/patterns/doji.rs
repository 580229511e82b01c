//! Doji (TA-Lib `CDLDOJI`): a real body no bigger than a tenth of the average high–low range.
//!
//! `+100` when `|close − open| ≤ body_doji` (TA-Lib: 0.1 × mean high–low of the 10 prior
//! candles), else 0. First output at bar index `body_doji.avg_period` (10).

use super::average::TrailingAverage;
use super::candles::{detector_via_core, CandleCore};
use super::settings::{real_body, CandleSettings};
use super::PatternError;
use crate::indicators::Candle;

/// Streaming `CDLDOJI`.
#[derive(Clone, Debug)]
pub struct Doji {
    core: CandleCore<1, 1>,
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
        Doji {
            core: CandleCore::new([(s.body_doji, 0)]),
        }
    }
}

impl Default for Doji {
    fn default() -> Doji {
        Doji::new()
    }
}

fn judge([c]: [&Candle; 1], [body_doji]: &[TrailingAverage; 1]) -> i32 {
    if real_body(c) <= body_doji.average(c) {
        100
    } else {
        0
    }
}

detector_via_core!(Doji, judge);

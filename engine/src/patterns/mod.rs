//! Candlestick patterns (TA-Lib `CDL*` semantics: +100 bullish, −100 bearish, 0 none) and simple
//! bar detectors (volume spike, N-bar range breakout).
//!
//! **Convention.** Every candlestick detector gives, bar for bar, the value TA-Lib's function of the
//! same name gives on the same `f64` bars with its default candle settings
//! ([`CandleSettings::TA_LIB`]): `+100` bullish, `−100` bearish, `0` none, and `±80` where TA-Lib
//! grades a weaker form (engulfing or harami whose bodies match at one end). "Long", "short",
//! "near" are relative to trailing averages over the candles *before* the one judged, summed in
//! the same order as TA-Lib so that ties fall the same way (see [`settings`]). The first bar that
//! can produce a signal is TA-Lib's lookback ([`Detector::lookback`]): `next` returns 0 and
//! [`Detector::is_ready`] is false before it. Checked bar for bar against TA-Lib in
//! `engine/tests/patterns.rs`.
//!
//! | detector | TA-Lib | values | lookback |
//! | --- | --- | --- | --- |
//! | [`Doji`] | `CDLDOJI` | +100 | 10 |
//! | [`Hammer`] | `CDLHAMMER` | +100 | 11 |
//! | [`ShootingStar`] | `CDLSHOOTINGSTAR` | −100 | 11 |
//! | [`Engulfing`] | `CDLENGULFING` | ±100, ±80 | 2 |
//! | [`Harami`] | `CDLHARAMI` | ±100, ±80 | 11 |
//! | [`MorningStar`] | `CDLMORNINGSTAR` (penetration 0.3) | +100 | 12 |
//! | [`EveningStar`] | `CDLEVENINGSTAR` (penetration 0.3) | −100 | 12 |
//! | [`VolumeSpike`] | — | +100 | `period` |
//! | [`RangeBreakout`] | — | ±100 | `n` |
//!
//! Every detector is O(1) per bar (the breakout amortised) and allocates nothing after
//! construction. The trend before a pattern is never checked, as in TA-Lib.
//!
//! ```
//! use sharewise_engine::indicators::Candle;
//! use sharewise_engine::patterns::{Detector, Engulfing};
//!
//! let bar = |open: f64, close: f64| Candle { ts: 0, open, high: open.max(close), low: open.min(close), close, volume: 1.0 };
//! let mut engulfing = Engulfing::new();
//! let signals: Vec<i32> = [bar(10.0, 10.5), bar(10.4, 10.1), bar(10.0, 10.6)].iter().map(|c| engulfing.next(c)).collect();
//! assert_eq!(signals, [0, 0, 100]); // white body engulfs the black one before it
//! ```

mod average;
mod breakout;
mod candles;
mod columns;
mod doji;
mod engulfing;
mod evening_star;
mod hammer;
mod harami;
mod morning_star;
mod recent;
pub mod settings;
mod shooting_star;
mod star;
mod volume_spike;

pub use breakout::RangeBreakout;
pub use columns::{column_source, detector_source, DetectorColumn, CANDLE_PATTERN_NAMES};
pub use doji::Doji;
pub use engulfing::Engulfing;
pub use evening_star::EveningStar;
pub use hammer::Hammer;
pub use harami::Harami;
pub use morning_star::MorningStar;
pub use settings::{CandleSetting, CandleSettings, RangeType, MAX_AVG_PERIOD};
pub use shooting_star::ShootingStar;
pub use star::DEFAULT_PENETRATION;
pub use volume_spike::VolumeSpike;

use crate::indicators::Candle;

/// A streaming bar detector: one signal per bar on TA-Lib's scale (+100 / −100 / 0).
pub trait Detector: Send {
    /// Consumes one bar and returns its signal (0 until [`Detector::is_ready`]).
    fn next(&mut self, candle: &Candle) -> i32;
    /// Whether the last `next` was able to judge (the bar index had reached the lookback).
    fn is_ready(&self) -> bool;
    /// Forgets all history, as if newly built.
    fn reset(&mut self);
    /// Index of the first bar that can produce a signal (TA-Lib's `*_Lookback()`).
    fn lookback(&self) -> usize;
}

/// Why a detector could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    /// A parameter is out of its range.
    #[error("`{name}` must be {expected}, got `{value}`")]
    BadParam {
        /// Parameter name, e.g. `period`.
        name: String,
        /// The value given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
}

impl PatternError {
    /// A [`PatternError::BadParam`] for `name` = `value`.
    pub(crate) fn bad(
        name: impl Into<String>,
        value: impl std::fmt::Display,
        expected: &'static str,
    ) -> PatternError {
        PatternError::BadParam {
            name: name.into(),
            value: value.to_string(),
            expected,
        }
    }
}

//! TA-Lib's candle settings and the trailing averages the `CDL*` functions compare against.
//!
//! A pattern never says "long body" in absolute rupees: it compares a candle part with `factor ×`
//! the average of one *range* (real body, high–low, or upper + lower shadows) over the `avg_period`
//! candles **before** the candle being judged (the candle itself is excluded). With
//! `avg_period == 0` the reference is the judged candle's own range, and a `Shadows` average is
//! halved. These are TA-Lib's defaults (`TA_RestoreCandleDefaultSettings`):
//!
//! | setting | range | period | factor | reads as |
//! | --- | --- | --- | --- | --- |
//! | `body_long` | real body | 10 | 1.0 | body > average body |
//! | `body_very_long` | real body | 10 | 3.0 | body > 3 × average body |
//! | `body_short` | real body | 10 | 1.0 | body < average body |
//! | `body_doji` | high–low | 10 | 0.1 | body ≤ 10 % of average range |
//! | `shadow_long` | real body | 0 | 1.0 | shadow > own body |
//! | `shadow_very_long` | real body | 0 | 2.0 | shadow > 2 × own body |
//! | `shadow_short` | shadows | 10 | 1.0 | shadow < half the average shadow sum |
//! | `shadow_very_short` | high–low | 10 | 0.1 | shadow < 10 % of average range |
//! | `near` | high–low | 5 | 0.2 | distance ≤ 20 % of average range |
//! | `far` | high–low | 5 | 0.6 | distance ≥ 60 % of average range |
//! | `equal` | high–low | 5 | 0.05 | distance ≤ 5 % of average range |
//!
//! The detectors keep each average as a running sum that reproduces TA-Lib's bit for bit: it starts
//! at the same candle TA-Lib's batch loop starts at, adds plainly while filling, then slides with
//! `total += new − oldest`. Summing the same ranges in another order can move the last bit and
//! flip a tie (a doji whose body equals a tenth of the average range), so the order matters.

use super::PatternError;
use crate::indicators::Candle;

/// Longest averaging period a detector accepts (TA-Lib's defaults use at most 10).
pub const MAX_AVG_PERIOD: usize = 64;

/// Which part of a candle a setting measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeType {
    /// `|close − open|`.
    RealBody,
    /// `high − low`.
    HighLow,
    /// Upper shadow plus lower shadow (the average of these is halved).
    Shadows,
}

/// One TA-Lib candle setting: what is measured, over how many prior candles, times what.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CandleSetting {
    /// The range measured on each candle.
    pub range_type: RangeType,
    /// Number of prior candles averaged; 0 means "the judged candle's own range".
    pub avg_period: usize,
    /// Multiplier applied to the average.
    pub factor: f64,
}

impl CandleSetting {
    /// A setting from its three parts.
    pub const fn new(range_type: RangeType, avg_period: usize, factor: f64) -> CandleSetting {
        CandleSetting {
            range_type,
            avg_period,
            factor,
        }
    }

    /// This setting's range of `c` (TA-Lib's `TA_CANDLERANGE`).
    #[inline]
    pub fn range(&self, c: &Candle) -> f64 {
        match self.range_type {
            RangeType::RealBody => real_body(c),
            RangeType::HighLow => high_low(c),
            RangeType::Shadows => upper_shadow(c) + lower_shadow(c),
        }
    }
}

/// The full table of candle settings; [`Default`] is TA-Lib's table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CandleSettings {
    /// Long real body.
    pub body_long: CandleSetting,
    /// Very long real body.
    pub body_very_long: CandleSetting,
    /// Short real body.
    pub body_short: CandleSetting,
    /// Doji-sized real body.
    pub body_doji: CandleSetting,
    /// Long shadow.
    pub shadow_long: CandleSetting,
    /// Very long shadow.
    pub shadow_very_long: CandleSetting,
    /// Short shadow.
    pub shadow_short: CandleSetting,
    /// Very short shadow.
    pub shadow_very_short: CandleSetting,
    /// "Near" distance.
    pub near: CandleSetting,
    /// "Far" distance.
    pub far: CandleSetting,
    /// "Equal" distance.
    pub equal: CandleSetting,
}

impl CandleSettings {
    /// TA-Lib's default table (see the module docs).
    pub const TA_LIB: CandleSettings = CandleSettings {
        body_long: CandleSetting::new(RangeType::RealBody, 10, 1.0),
        body_very_long: CandleSetting::new(RangeType::RealBody, 10, 3.0),
        body_short: CandleSetting::new(RangeType::RealBody, 10, 1.0),
        body_doji: CandleSetting::new(RangeType::HighLow, 10, 0.1),
        shadow_long: CandleSetting::new(RangeType::RealBody, 0, 1.0),
        shadow_very_long: CandleSetting::new(RangeType::RealBody, 0, 2.0),
        shadow_short: CandleSetting::new(RangeType::Shadows, 10, 1.0),
        shadow_very_short: CandleSetting::new(RangeType::HighLow, 10, 0.1),
        near: CandleSetting::new(RangeType::HighLow, 5, 0.2),
        far: CandleSetting::new(RangeType::HighLow, 5, 0.6),
        equal: CandleSetting::new(RangeType::HighLow, 5, 0.05),
    };

    /// Checks every period is at most [`MAX_AVG_PERIOD`] and every factor is finite and ≥ 0.
    pub fn validate(&self) -> Result<(), PatternError> {
        let all = [
            ("body_long", self.body_long),
            ("body_very_long", self.body_very_long),
            ("body_short", self.body_short),
            ("body_doji", self.body_doji),
            ("shadow_long", self.shadow_long),
            ("shadow_very_long", self.shadow_very_long),
            ("shadow_short", self.shadow_short),
            ("shadow_very_short", self.shadow_very_short),
            ("near", self.near),
            ("far", self.far),
            ("equal", self.equal),
        ];
        for (name, s) in all {
            if s.avg_period > MAX_AVG_PERIOD {
                return Err(PatternError::bad(
                    format!("{name}.avg_period"),
                    s.avg_period,
                    "at most MAX_AVG_PERIOD (64)",
                ));
            }
            if !(s.factor.is_finite() && s.factor >= 0.0) {
                return Err(PatternError::bad(
                    format!("{name}.factor"),
                    s.factor,
                    "a finite number >= 0",
                ));
            }
        }
        Ok(())
    }
}

impl Default for CandleSettings {
    fn default() -> CandleSettings {
        CandleSettings::TA_LIB
    }
}

/// `|close − open|`.
#[inline]
pub fn real_body(c: &Candle) -> f64 {
    (c.close - c.open).abs()
}

/// `high − low`.
#[inline]
pub fn high_low(c: &Candle) -> f64 {
    c.high - c.low
}

/// `high − max(open, close)` (TA-Lib picks by colour, which gives the same value).
#[inline]
pub fn upper_shadow(c: &Candle) -> f64 {
    c.high - if c.close >= c.open { c.close } else { c.open }
}

/// `min(open, close) − low`.
#[inline]
pub fn lower_shadow(c: &Candle) -> f64 {
    (if c.close >= c.open { c.open } else { c.close }) - c.low
}

/// `+1` for a white candle (`close ≥ open`, so a doji counts as white), `−1` for a black one.
#[inline]
pub fn color(c: &Candle) -> i32 {
    if c.close >= c.open {
        1
    } else {
        -1
    }
}

//! The state morning and evening stars share: three candles and TA-Lib's three body averages.

use super::candles::CandleCore;
use super::settings::{real_body, CandleSettings};
use super::PatternError;
use crate::indicators::Candle;

/// TA-Lib's default `optInPenetration` for the star patterns.
pub const DEFAULT_PENETRATION: f64 = 0.3;

/// The three candles of a star, oldest first, with the size tests both stars make.
pub(crate) struct StarBars<'a> {
    /// First candle (the long one).
    pub first: &'a Candle,
    /// Second candle (the star).
    pub star: &'a Candle,
    /// Third candle (the confirmation).
    pub third: &'a Candle,
    /// `body(first) > body_long` (strict), averaged over the candles before `first`.
    pub first_long: bool,
    /// `body(star) ≤ body_short`, averaged over the candles before `star`.
    pub star_short: bool,
    /// `body(third) > body_short` (strict), averaged over the candles before `third`.
    pub third_not_short: bool,
}

/// Three candles plus the running sums TA-Lib keeps for `CDLMORNINGSTAR` / `CDLEVENINGSTAR`.
#[derive(Clone, Debug)]
pub(crate) struct StarCore {
    core: CandleCore<3, 3>,
    penetration: f64,
}

impl StarCore {
    /// Checks `penetration` (TA-Lib accepts any value ≥ 0) and `settings`, then builds the core.
    pub fn new(penetration: f64, settings: &CandleSettings) -> Result<StarCore, PatternError> {
        if !(penetration.is_finite() && penetration >= 0.0) {
            return Err(PatternError::bad(
                "penetration",
                penetration,
                "a finite number >= 0",
            ));
        }
        settings.validate()?;
        Ok(StarCore::build(penetration, settings))
    }

    /// Builds the core from already checked parameters.
    pub fn build(penetration: f64, s: &CandleSettings) -> StarCore {
        // TA-Lib keeps two separate BodyShort sums (for the star and for the third candle),
        // starting one candle apart, so their rounding differs; so do ours.
        StarCore {
            core: CandleCore::new([(s.body_long, 2), (s.body_short, 1), (s.body_short, 0)]),
            penetration,
        }
    }

    /// The penetration into the first body the third candle's close must reach.
    pub fn penetration(&self) -> f64 {
        self.penetration
    }

    /// Adds `candle`, asks `judge` about the last three once warmed up, then updates the sums.
    #[inline]
    pub fn next(
        &mut self,
        candle: &Candle,
        judge: impl Fn(&StarBars<'_>, f64) -> bool,
        signal: i32,
    ) -> i32 {
        let penetration = self.penetration;
        self.core.next(
            candle,
            |[first, star, third], [body_long, body_short, body_short_third]| {
                let bars = StarBars {
                    first,
                    star,
                    third,
                    first_long: real_body(first) > body_long.average(first),
                    star_short: real_body(star) <= body_short.average(star),
                    third_not_short: real_body(third) > body_short_third.average(third),
                };
                if judge(&bars, penetration) {
                    signal
                } else {
                    0
                }
            },
        )
    }

    /// Whether the last `next` could judge a pattern.
    pub fn is_ready(&self) -> bool {
        self.core.is_ready()
    }

    /// Forgets all candles and sums.
    pub fn reset(&mut self) {
        self.core.reset();
    }

    /// Index of the first bar that can produce output.
    pub fn lookback(&self) -> usize {
        self.core.lookback()
    }
}

//! Morning star (TA-Lib `CDLMORNINGSTAR`): long black body, a short body gapping below it, then a
//! white body closing well into the first.
//!
//! `+100` (always bullish; the trend is not checked) when, for candles `a`, `b`, `c` (oldest first):
//! - `a` black (`close < open`) with `|a.close − a.open| > body_long` (strict);
//! - `b` short (`|b.close − b.open| ≤ body_short`) and its body gaps down:
//!   `max(b.open, b.close) < min(a.open, a.close)`;
//! - `c` white (`close ≥ open`), not short (`> body_short`, its own trailing sum), and
//!   `c.close > a.close + |a.close − a.open| × penetration` (strict; TA-Lib default 0.3).
//!
//! First output at bar index `max(body_short, body_long periods) + 2` (12).

use super::candles::detector_via_core;
use super::settings::{color, real_body, CandleSettings};
use super::star::{StarBars, StarCore, DEFAULT_PENETRATION};
use super::PatternError;

/// Streaming `CDLMORNINGSTAR`.
#[derive(Clone, Debug)]
pub struct MorningStar {
    core: StarCore,
}

impl MorningStar {
    /// A morning-star detector with TA-Lib's default candle settings; `penetration` must be ≥ 0.
    pub fn new(penetration: f64) -> Result<MorningStar, PatternError> {
        MorningStar::with_settings(penetration, &CandleSettings::TA_LIB)
    }

    /// A morning-star detector with custom candle settings.
    pub fn with_settings(
        penetration: f64,
        settings: &CandleSettings,
    ) -> Result<MorningStar, PatternError> {
        Ok(MorningStar {
            core: StarCore::new(penetration, settings)?,
        })
    }

    /// The penetration the third close must reach into the first body.
    pub fn penetration(&self) -> f64 {
        self.core.penetration()
    }
}

impl Default for MorningStar {
    /// Penetration 0.3, TA-Lib's default.
    fn default() -> MorningStar {
        MorningStar {
            core: StarCore::build(DEFAULT_PENETRATION, &CandleSettings::TA_LIB),
        }
    }
}

fn is_morning_star(s: &StarBars<'_>, penetration: f64) -> bool {
    let (a, b, c) = (s.first, s.star, s.third);
    color(a) == -1
        && color(c) == 1
        && b.open.max(b.close) < a.open.min(a.close)
        && c.close > a.close + real_body(a) * penetration
        && s.first_long
        && s.star_short
        && s.third_not_short
}

detector_via_core!(MorningStar, is_morning_star, 100);

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
use super::candles::{detector_via_core, CandleCore};
use super::settings::{lower_shadow, real_body, upper_shadow, CandleSettings};
use super::PatternError;
use crate::indicators::Candle;

/// Streaming `CDLSHOOTINGSTAR`.
#[derive(Clone, Debug)]
pub struct ShootingStar {
    core: CandleCore<2, 3>,
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
        // Averages in `judge`'s order, all for the newest candle.
        ShootingStar {
            core: CandleCore::new([
                (s.body_short, 0),
                (s.shadow_long, 0),
                (s.shadow_very_short, 0),
            ]),
        }
    }
}

impl Default for ShootingStar {
    fn default() -> ShootingStar {
        ShootingStar::new()
    }
}

fn judge(
    [p, c]: [&Candle; 2],
    [body_short, shadow_long, shadow_very_short]: &[TrailingAverage; 3],
) -> i32 {
    let hit = c.open.min(c.close) > p.open.max(p.close)
        && real_body(c) < body_short.average(c)
        && upper_shadow(c) > shadow_long.average(c)
        && lower_shadow(c) < shadow_very_short.average(c);
    if hit {
        -100
    } else {
        0
    }
}

detector_via_core!(ShootingStar, judge);

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
use super::candles::{detector_via_core, CandleCore};
use super::settings::{lower_shadow, real_body, upper_shadow, CandleSettings};
use super::PatternError;
use crate::indicators::Candle;

/// Streaming `CDLHAMMER`.
#[derive(Clone, Debug)]
pub struct Hammer {
    core: CandleCore<2, 4>,
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
        // Averages in `judge`'s order; `near` is for the prior candle.
        Hammer {
            core: CandleCore::new([
                (s.body_short, 0),
                (s.shadow_long, 0),
                (s.shadow_very_short, 0),
                (s.near, 1),
            ]),
        }
    }
}

impl Default for Hammer {
    fn default() -> Hammer {
        Hammer::new()
    }
}

fn judge(
    [p, c]: [&Candle; 2],
    [body_short, shadow_long, shadow_very_short, near]: &[TrailingAverage; 4],
) -> i32 {
    let hit = real_body(c) < body_short.average(c)
        && lower_shadow(c) > shadow_long.average(c)
        && upper_shadow(c) < shadow_very_short.average(c)
        && c.close.min(c.open) <= p.low + near.average(p);
    if hit {
        100
    } else {
        0
    }
}

detector_via_core!(Hammer, judge);

//! Harami (TA-Lib `CDLHARAMI`): a short real body inside the prior long one.
//!
//! For the newest candle `c` and the one before it `p`, when `|p.close − p.open| > body_long`
//! (averaged over the candles before `p`, strict) and `|c.close − c.open| ≤ body_short`:
//! - `−100 × colour(p)` when `c`'s body lies strictly inside `p`'s
//!   (`max(c) < max(p) && min(c) > min(p)` over open/close);
//! - `−80 × colour(p)` when it is inside but touches one end (`≤` / `≥`);
//! - 0 otherwise. So a harami after a black candle is `+100`/`+80`, after a white one `−100`/`−80`.
//!
//! First output at bar index `max(body_short, body_long periods) + 1` (11).

use super::average::TrailingAverage;
use super::candles::{detector_via_core, CandleCore};
use super::settings::{color, real_body, CandleSettings};
use super::PatternError;
use crate::indicators::Candle;

/// Streaming `CDLHARAMI`.
#[derive(Clone, Debug)]
pub struct Harami {
    core: CandleCore<2, 2>,
}

impl Harami {
    /// A harami detector with TA-Lib's default candle settings.
    pub fn new() -> Harami {
        Harami::build(&CandleSettings::TA_LIB)
    }

    /// A harami detector with custom candle settings (checked with [`CandleSettings::validate`]).
    pub fn with_settings(settings: &CandleSettings) -> Result<Harami, PatternError> {
        settings.validate().map(|()| Harami::build(settings))
    }

    fn build(s: &CandleSettings) -> Harami {
        // Averages in `judge`'s order: `body_long` for the prior candle, `body_short` for the newest.
        Harami {
            core: CandleCore::new([(s.body_long, 1), (s.body_short, 0)]),
        }
    }
}

impl Default for Harami {
    fn default() -> Harami {
        Harami::new()
    }
}

fn judge([p, c]: [&Candle; 2], [body_long, body_short]: &[TrailingAverage; 2]) -> i32 {
    if !(real_body(p) > body_long.average(p) && real_body(c) <= body_short.average(c)) {
        return 0;
    }
    let (c_hi, c_lo) = (c.close.max(c.open), c.close.min(c.open));
    let (p_hi, p_lo) = (p.close.max(p.open), p.close.min(p.open));
    if c_hi < p_hi && c_lo > p_lo {
        -color(p) * 100
    } else if c_hi <= p_hi && c_lo >= p_lo {
        -color(p) * 80
    } else {
        0
    }
}

detector_via_core!(Harami, judge);

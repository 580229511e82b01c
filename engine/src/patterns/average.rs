//! TA-Lib's trailing average of one candle setting, as a streaming running sum.

use super::recent::Recent;
use super::settings::{CandleSetting, RangeType, MAX_AVG_PERIOD};
use crate::indicators::Candle;

/// TA-Lib's trailing sum of one setting's range, for the candle `offset` bars before the newest.
///
/// Fed once per bar *after* the pattern is judged; it skips the candles before TA-Lib's first
/// trailing index (`lookback − offset − avg_period`) so its floating-point sum matches TA-Lib's.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TrailingAverage {
    setting: CandleSetting,
    lookback: usize,
    offset: usize,
    skip: usize,
    skipped: usize,
    ranges: [f64; MAX_AVG_PERIOD],
    oldest: usize,
    filled: usize,
    total: f64,
}

impl TrailingAverage {
    /// An average of `setting` for the candle `offset` bars back, in a pattern whose first output
    /// is at bar index `lookback` (periods above [`MAX_AVG_PERIOD`] are clamped; validate first).
    pub(crate) fn new(setting: CandleSetting, lookback: usize, offset: usize) -> TrailingAverage {
        let setting = CandleSetting {
            avg_period: setting.avg_period.min(MAX_AVG_PERIOD),
            ..setting
        };
        TrailingAverage {
            setting,
            lookback,
            offset,
            skip: lookback.saturating_sub(offset + setting.avg_period),
            skipped: 0,
            ranges: [0.0; MAX_AVG_PERIOD],
            oldest: 0,
            filled: 0,
            total: 0.0,
        }
    }

    /// Adds the range of the candle `offset` bars back in `recent` (call once per bar, after judging).
    #[inline]
    pub(crate) fn feed<const N: usize>(&mut self, recent: &Recent<N>) {
        let period = self.setting.avg_period;
        let Some(c) = recent.ago(self.offset) else {
            return;
        };
        if period == 0 {
            return;
        }
        if self.skipped < self.skip {
            self.skipped += 1;
            return;
        }
        let r = self.setting.range(c);
        if self.filled < period {
            self.ranges[self.filled] = r;
            self.filled += 1;
            self.total += r;
        } else {
            self.total += r - self.ranges[self.oldest];
            self.ranges[self.oldest] = r;
            self.oldest = (self.oldest + 1) % period;
        }
    }

    /// `factor × average` to compare `c` (the judged candle) with (TA-Lib's `TA_CANDLEAVERAGE`).
    #[inline]
    pub(crate) fn average(&self, c: &Candle) -> f64 {
        let s = &self.setting;
        let base = if s.avg_period != 0 {
            self.total / s.avg_period as f64
        } else {
            s.range(c)
        };
        let halve = if s.range_type == RangeType::Shadows {
            2.0
        } else {
            1.0
        };
        s.factor * base / halve
    }

    /// Forgets every range, as if newly built.
    pub(crate) fn reset(&mut self) {
        *self = TrailingAverage::new(self.setting, self.lookback, self.offset);
    }
}

//! Average true range, TA-Lib `ATR`.
//!
//! Convention (TA-Lib, no unstable period): the true range needs the previous close, so the first
//! bar yields none; the first `period` true ranges are averaged (plain sum, then divide) to seed
//! the ATR, which is first output at bar `period`; afterwards Wilder's smoothing
//! `atr = (atr * (period - 1) + tr) / period`, as three separate steps like TA-Lib. The true range
//! is `high - low`, replaced by `|prev_close - high|` or `|prev_close - low|` when larger.
//! `period` must be at least 1 (TA-Lib's minimum; 1 gives the plain true range).

use super::error::check_period;
use super::{Candle, Indicator, IndicatorError};

/// Wilder's average true range.
#[derive(Clone, Debug)]
pub struct Atr {
    period: usize,
    prev_close: Option<f64>,
    /// True ranges seen, capped at `period`.
    seen: usize,
    /// The seed sum while warming up, then the ATR.
    value: f64,
}

/// TA-Lib's true range of a bar given the previous close (same comparison order as `TRANGE`).
#[inline]
pub(crate) fn true_range(high: f64, low: f64, prev_close: f64) -> f64 {
    let mut greatest = high - low;
    let to_high = (prev_close - high).abs();
    if to_high > greatest {
        greatest = to_high;
    }
    let to_low = (prev_close - low).abs();
    if to_low > greatest {
        greatest = to_low;
    }
    greatest
}

impl Atr {
    /// An ATR over `period` true ranges (1 ..= 100 000).
    pub fn new(period: usize) -> Result<Atr, IndicatorError> {
        check_period("period", period, 1)?;
        Ok(Atr {
            period,
            prev_close: None,
            seen: 0,
            value: 0.0,
        })
    }
}

impl Indicator for Atr {
    type Input = Candle;
    type Output = f64;

    #[inline]
    fn next(&mut self, c: Candle) -> Option<f64> {
        let prev = self.prev_close.replace(c.close)?;
        let tr = true_range(c.high, c.low, prev);
        let n = self.period as f64;
        if self.seen == self.period {
            self.value *= n - 1.0;
            self.value += tr;
            self.value /= n;
            return Some(self.value);
        }
        self.value += tr;
        self.seen += 1;
        if self.seen < self.period {
            return None;
        }
        self.value /= n;
        Some(self.value)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.seen == self.period
    }

    fn reset(&mut self) {
        self.prev_close = None;
        self.seen = 0;
        self.value = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn true_range_covers_gaps() {
        assert_eq!(true_range(12.0, 10.0, 11.0), 2.0);
        assert_eq!(true_range(12.0, 10.0, 15.0), 5.0); // gap down
        assert_eq!(true_range(12.0, 10.0, 7.0), 5.0); // gap up
    }

    #[test]
    fn skips_the_first_bar_then_seeds_with_the_mean() {
        let bar = |h: f64, l: f64, c: f64| Candle {
            ts: 0,
            open: c,
            high: h,
            low: l,
            close: c,
            volume: 1.0,
        };
        let mut atr = Atr::new(2).unwrap();
        assert_eq!(atr.next(bar(11.0, 9.0, 10.0)), None);
        assert_eq!(atr.next(bar(12.0, 10.0, 11.0)), None); // tr 2
        assert_eq!(atr.next(bar(12.0, 11.0, 11.5)), Some(1.5)); // tr 1
        assert_eq!(atr.next(bar(13.5, 12.5, 13.0)), Some(1.75)); // tr 2: (1.5 + 2) / 2
    }
}

//! Relative strength index, TA-Lib `RSI`.
//!
//! Convention (TA-Lib, classic compatibility, no unstable period): the first `period` price changes
//! seed the average gain and loss with their simple means; afterwards Wilder's smoothing,
//! `avg = (avg * (period - 1) + change) / period`, in TA-Lib's operation order. The value is
//! `100 * gain / (gain + loss)`, and 0 when `gain + loss` is within 1e-8 of zero (`TA_IS_ZERO`).
//! The first value comes at bar `period`. `period` must be at least 2 (TA-Lib's minimum).

use super::error::check_period;
use super::{ta_is_zero, Indicator, IndicatorError};

/// Wilder's RSI of closes.
#[derive(Clone, Debug)]
pub struct Rsi {
    period: usize,
    /// Prices seen, capped at `period + 1`.
    seen: usize,
    prev: f64,
    gain: f64,
    loss: f64,
}

impl Rsi {
    /// An RSI over `period` changes (2 ..= 100 000).
    pub fn new(period: usize) -> Result<Rsi, IndicatorError> {
        check_period("period", period, 2)?;
        Ok(Rsi {
            period,
            seen: 0,
            prev: 0.0,
            gain: 0.0,
            loss: 0.0,
        })
    }

    #[inline]
    fn value(&self) -> f64 {
        let total = self.gain + self.loss;
        if ta_is_zero(total) {
            0.0
        } else {
            100.0 * (self.gain / total)
        }
    }
}

impl Indicator for Rsi {
    type Input = f64;
    type Output = f64;

    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        let n = self.period as f64;
        let change = x - self.prev;
        self.prev = x;
        if self.seen > self.period {
            self.loss *= n - 1.0;
            self.gain *= n - 1.0;
            if change < 0.0 {
                self.loss -= change;
            } else {
                self.gain += change;
            }
            self.loss /= n;
            self.gain /= n;
            return Some(self.value());
        }
        self.seen += 1;
        if self.seen == 1 {
            return None;
        }
        if change < 0.0 {
            self.loss -= change;
        } else {
            self.gain += change;
        }
        if self.seen <= self.period {
            return None;
        }
        self.loss /= n;
        self.gain /= n;
        Some(self.value())
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.seen > self.period
    }

    fn reset(&mut self) {
        self.seen = 0;
        self.prev = 0.0;
        self.gain = 0.0;
        self.loss = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_after_period_changes() {
        let mut rsi = Rsi::new(2).unwrap();
        assert_eq!(rsi.next(10.0), None);
        assert_eq!(rsi.next(11.0), None);
        // Average gain 1/2, average loss 0.5/2.
        assert_eq!(rsi.next(10.5), Some(100.0 * (0.5 / 0.75)));
        // A flat series has no gain and no loss: TA-Lib reports 0.
        let mut flat = Rsi::new(3).unwrap();
        let out: Vec<_> = (0..5).map(|_| flat.next(5.0)).collect();
        assert_eq!(out, [None, None, None, Some(0.0), Some(0.0)]);
    }
}

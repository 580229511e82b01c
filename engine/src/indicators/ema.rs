//! Exponential moving average, TA-Lib `EMA`.
//!
//! Convention (TA-Lib's default compatibility): seeded with the SMA of the first `period` values,
//! which is also the first output, at bar `period - 1`; then `ema += (x - ema) * k` with
//! `k = 2 / (period + 1)`, in TA-Lib's operation order. `period` must be at least 1 (`TA_MA`'s
//! minimum); a period of 1 passes values through unchanged, as `TA_MA` does.

use super::error::check_period;
use super::{Indicator, IndicatorError};

/// Exponential moving average seeded with an SMA.
#[derive(Clone, Debug)]
pub struct Ema {
    period: usize,
    k: f64,
    /// Values seen while seeding (stops counting at `period`).
    seen: usize,
    /// The seed sum while warming up, then the EMA.
    value: f64,
}

impl Ema {
    /// An EMA over `period` values (1 ..= 100 000).
    pub fn new(period: usize) -> Result<Ema, IndicatorError> {
        check_period("period", period, 1)?;
        Ok(Ema::build(period))
    }

    /// Builds without checking; `period` must be at least 1.
    pub(crate) fn build(period: usize) -> Ema {
        Ema {
            period,
            k: 2.0 / (period as f64 + 1.0),
            seen: 0,
            value: 0.0,
        }
    }
}

impl Indicator for Ema {
    type Input = f64;
    type Output = f64;

    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.seen == self.period {
            self.value = if self.period == 1 {
                x
            } else {
                (x - self.value) * self.k + self.value
            };
            return Some(self.value);
        }
        self.value += x;
        self.seen += 1;
        if self.seen < self.period {
            return None;
        }
        self.value /= self.period as f64;
        Some(self.value)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.seen == self.period
    }

    fn reset(&mut self) {
        self.seen = 0;
        self.value = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_with_the_sma_then_smooths() {
        let mut ema = Ema::new(3).unwrap();
        assert_eq!(ema.next(1.0), None);
        assert_eq!(ema.next(2.0), None);
        assert!(!ema.is_ready());
        assert_eq!(ema.next(6.0), Some(3.0));
        assert_eq!(ema.next(5.0), Some(4.0)); // 3 + (5 - 3) * 0.5
        assert!(ema.is_ready());
    }
}

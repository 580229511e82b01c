//! Simple moving average, TA-Lib `SMA`.
//!
//! Convention: the arithmetic mean of the last `period` values, kept as a running total exactly as
//! TA-Lib does (add the new value, divide, then subtract the value leaving the window), so results
//! agree with TA-Lib to the last bit. No seeding; the first value comes at bar `period - 1`.
//! `period` must be at least 1 (TA-Lib's `TA_MA` minimum; a period of 1 passes values through).

use super::error::check_period;
use super::window::Ring;
use super::{Indicator, IndicatorError};

/// Simple moving average of the last `period` values.
#[derive(Clone, Debug)]
pub struct Sma {
    period: usize,
    /// The previous `period - 1` values (the window less the newest).
    window: Ring,
    /// Sum of the values in `window`.
    total: f64,
    ready: bool,
}

impl Sma {
    /// An SMA over `period` values (1 ..= 100 000).
    pub fn new(period: usize) -> Result<Sma, IndicatorError> {
        check_period("period", period, 1)?;
        Ok(Sma::build(period))
    }

    /// Builds without checking; `period` must be at least 1.
    pub(crate) fn build(period: usize) -> Sma {
        Sma {
            period,
            window: Ring::new(period - 1),
            total: 0.0,
            ready: false,
        }
    }
}

impl Indicator for Sma {
    type Input = f64;
    type Output = f64;

    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        self.total += x;
        if !self.window.is_full() {
            self.window.push(x);
            return None;
        }
        let out = self.total / self.period as f64;
        if let Some(old) = self.window.push(x) {
            self.total -= old;
        }
        self.ready = true;
        Some(out)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.window.clear();
        self.total = 0.0;
        self.ready = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_the_last_period_values() {
        let mut sma = Sma::new(3).unwrap();
        let out: Vec<_> = [1.0, 2.0, 3.0, 4.0, 8.0]
            .into_iter()
            .map(|x| sma.next(x))
            .collect();
        assert_eq!(out, [None, None, Some(2.0), Some(3.0), Some(5.0)]);
        let mut one = Sma::new(1).unwrap();
        assert_eq!(one.next(0.1), Some(0.1));
        assert_eq!(one.next(1e20), Some(1e20));
        assert_eq!(one.next(0.3), Some(0.3));
    }
}

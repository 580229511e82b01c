//! Weighted moving average, TA-Lib `WMA`.
//!
//! Convention: linear weights `1, 2, ..., period` (newest heaviest) over `period (period + 1) / 2`,
//! updated in O(1) with TA-Lib's running weighted sum and running plain sum (same operation
//! order, so results match TA-Lib bit for bit). No seeding; the first value comes at bar
//! `period - 1`. `period` must be at least 1 (`TA_MA`'s minimum; 1 passes values through).

use super::error::check_period;
use super::window::Ring;
use super::{Indicator, IndicatorError};

/// Linearly weighted moving average of the last `period` values.
#[derive(Clone, Debug)]
pub struct Wma {
    period: usize,
    divider: f64,
    /// The previous `period - 1` values.
    window: Ring,
    /// TA-Lib's `periodSum`: the weighted sum, less the plain sum once ready.
    weighted: f64,
    /// TA-Lib's `periodSub`: the plain sum.
    plain: f64,
    /// The value that leaves the plain sum on the next update (TA-Lib's `trailingValue`).
    trailing: f64,
    seen: usize,
}

impl Wma {
    /// A WMA over `period` values (1 ..= 100 000).
    pub fn new(period: usize) -> Result<Wma, IndicatorError> {
        check_period("period", period, 1)?;
        Ok(Wma {
            period,
            divider: (period * (period + 1) / 2) as f64,
            window: Ring::new(period - 1),
            weighted: 0.0,
            plain: 0.0,
            trailing: 0.0,
            seen: 0,
        })
    }
}

impl Indicator for Wma {
    type Input = f64;
    type Output = f64;

    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            self.seen = 1;
            return Some(x);
        }
        if self.seen + 1 < self.period {
            self.seen += 1;
            self.plain += x;
            self.weighted += x * self.seen as f64;
            self.window.push(x);
            return None;
        }
        self.seen = self.period;
        self.plain += x;
        self.plain -= self.trailing;
        self.weighted += x * self.period as f64;
        // The oldest of the window (x included) leaves the plain sum on the next update.
        self.trailing = self.window.push(x).unwrap_or(x);
        let out = self.weighted / self.divider;
        self.weighted -= self.plain;
        Some(out)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.seen == self.period
    }

    fn reset(&mut self) {
        self.window.clear();
        self.weighted = 0.0;
        self.plain = 0.0;
        self.trailing = 0.0;
        self.seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_newest_heaviest() {
        let mut wma = Wma::new(3).unwrap();
        assert_eq!(wma.next(1.0), None);
        assert_eq!(wma.next(2.0), None);
        assert_eq!(wma.next(3.0), Some((1.0 + 4.0 + 9.0) / 6.0));
        assert_eq!(wma.next(6.0), Some((2.0 + 6.0 + 18.0) / 6.0));
        assert_eq!(Wma::new(1).unwrap().next(0.3), Some(0.3));
    }
}

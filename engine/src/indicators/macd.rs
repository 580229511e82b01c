//! Moving average convergence/divergence, TA-Lib `MACD`.
//!
//! Convention: MACD line = fast EMA − slow EMA, signal = EMA of the MACD line, histogram =
//! MACD − signal, every EMA seeded with the SMA of its first `period` inputs and smoothed with
//! `k = 2 / (period + 1)`. TA-Lib's subtlety: it starts the fast EMA at the *same bar* as the slow
//! one, so the fast EMA is seeded with the SMA of bars `slow - fast ..= slow - 1` (not of the first
//! `fast` bars). The MACD line thus starts at bar `slow - 1`, the signal EMA is seeded with its
//! first `signal` values, and the first output comes at bar `slow + signal - 2`.
//!
//! Parameters: `fast, slow >= 2`, `signal >= 1` (TA-Lib's minimums) and `fast <= slow` (TA-Lib
//! silently swaps a reversed pair; we report it instead).

use super::ema::Ema;
use super::error::check_period;
use super::{Indicator, IndicatorError};

/// One MACD update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MacdOutput {
    /// Fast EMA − slow EMA.
    pub macd: f64,
    /// EMA of the MACD line.
    pub signal: f64,
    /// MACD − signal.
    pub hist: f64,
}

/// MACD with TA-Lib's aligned EMA seeding.
#[derive(Clone, Debug)]
pub struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
    /// Bars to skip before the fast EMA starts (`slow - fast`).
    fast_delay: usize,
    /// Bars seen, capped at `fast_delay`.
    seen: usize,
    ready: bool,
}

impl Macd {
    /// A MACD with `fast` and `slow` EMA periods and a `signal` EMA period (TA-Lib: 12, 26, 9).
    pub fn new(fast: usize, slow: usize, signal: usize) -> Result<Macd, IndicatorError> {
        check_period("fast period", fast, 2)?;
        check_period("slow period", slow, 2)?;
        check_period("signal period", signal, 1)?;
        if fast > slow {
            return Err(IndicatorError::FastAboveSlow { fast, slow });
        }
        Ok(Macd {
            fast: Ema::build(fast),
            slow: Ema::build(slow),
            signal: Ema::build(signal),
            fast_delay: slow - fast,
            seen: 0,
            ready: false,
        })
    }
}

impl Indicator for Macd {
    type Input = f64;
    type Output = MacdOutput;

    #[inline]
    fn next(&mut self, x: f64) -> Option<MacdOutput> {
        let slow = self.slow.next(x);
        if self.seen < self.fast_delay {
            self.seen += 1;
            return None;
        }
        let macd = self.fast.next(x)? - slow?;
        let signal = self.signal.next(macd)?;
        self.ready = true;
        Some(MacdOutput {
            macd,
            signal,
            hist: macd - signal,
        })
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.fast.reset();
        self.slow.reset();
        self.signal.reset();
        self.seen = 0;
        self.ready = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_output_at_slow_plus_signal_minus_two() {
        let mut macd = Macd::new(3, 5, 2).unwrap();
        let first = (0..20)
            .map(|i| macd.next(100.0 + (i as f64).sin()))
            .position(|o| o.is_some());
        assert_eq!(first, Some(5));
        assert_eq!(
            Macd::new(5, 3, 2).unwrap_err(),
            IndicatorError::FastAboveSlow { fast: 5, slow: 3 }
        );
    }
}

//! Stochastic oscillator, TA-Lib `STOCH` with `slowk_matype = slowd_matype = SMA`.
//!
//! Convention: fast %K = `(close − lowest low) / (highest high − lowest low) · 100` over the last
//! `fastk` bars (0 when the range is 0) — the operation order the reference file shows bit for bit
//! (classic TA-Lib divides by `range / 100` instead, 1e-13 away); slow %K = SMA of fast %K over
//! `slowk` bars; %D = SMA of slow %K over `slowd` bars (TA-Lib's running-total SMA). No seeding;
//! the first output comes at bar `fastk + slowk + slowd - 3`. The highest high and lowest low come
//! from monotonic ring deques (amortised O(1), storage fixed at construction). Each period must be
//! at least 1 (TA-Lib's minimums); TA-Lib's defaults are 5, 3, 3.

use super::error::check_period;
use super::sma::Sma;
use super::window::MonoWindow;
use super::{Candle, Indicator, IndicatorError};

/// One stochastic update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StochOutput {
    /// Slow %K.
    pub k: f64,
    /// %D (SMA of slow %K).
    pub d: f64,
}

/// Slow stochastic oscillator.
#[derive(Clone, Debug)]
pub struct Stochastic {
    highest: MonoWindow<true>,
    lowest: MonoWindow<false>,
    /// Bars seen, capped at `fastk`.
    seen: usize,
    fastk: usize,
    slow_k: Sma,
    slow_d: Sma,
    ready: bool,
}

impl Stochastic {
    /// A stochastic with `fastk` look-back bars and `slowk`/`slowd` SMA smoothing periods.
    pub fn new(fastk: usize, slowk: usize, slowd: usize) -> Result<Stochastic, IndicatorError> {
        check_period("fastk period", fastk, 1)?;
        check_period("slowk period", slowk, 1)?;
        check_period("slowd period", slowd, 1)?;
        Ok(Stochastic {
            highest: MonoWindow::new(fastk),
            lowest: MonoWindow::new(fastk),
            seen: 0,
            fastk,
            slow_k: Sma::build(slowk),
            slow_d: Sma::build(slowd),
            ready: false,
        })
    }
}

impl Indicator for Stochastic {
    type Input = Candle;
    type Output = StochOutput;

    #[inline]
    fn next(&mut self, c: Candle) -> Option<StochOutput> {
        let highest = self.highest.push(c.high);
        let lowest = self.lowest.push(c.low);
        if self.seen + 1 < self.fastk {
            self.seen += 1;
            return None;
        }
        self.seen = self.fastk;
        let range = highest - lowest;
        let fast_k = if range != 0.0 {
            (c.close - lowest) / range * 100.0
        } else {
            0.0
        };
        let k = self.slow_k.next(fast_k)?;
        let d = self.slow_d.next(k)?;
        self.ready = true;
        Some(StochOutput { k, d })
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.highest.clear();
        self.lowest.clear();
        self.seen = 0;
        self.slow_k.reset();
        self.slow_d.reset();
        self.ready = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_stochastic_with_unit_smoothing() {
        let bar = |h: f64, l: f64, c: f64| Candle {
            ts: 0,
            open: c,
            high: h,
            low: l,
            close: c,
            volume: 1.0,
        };
        let mut st = Stochastic::new(2, 1, 1).unwrap();
        assert_eq!(st.next(bar(10.0, 8.0, 9.0)), None);
        assert_eq!(
            st.next(bar(12.0, 9.0, 11.0)),
            Some(StochOutput { k: 75.0, d: 75.0 })
        ); // (11-8)/(12-8)
        assert_eq!(
            st.next(bar(12.0, 12.0, 12.0)),
            Some(StochOutput { k: 100.0, d: 100.0 })
        );
        let mut flat = Stochastic::new(1, 1, 1).unwrap();
        assert_eq!(
            flat.next(bar(5.0, 5.0, 5.0)),
            Some(StochOutput { k: 0.0, d: 0.0 })
        );
    }
}

//! Bollinger bands, TA-Lib `BBANDS` with `matype = SMA`.
//!
//! Convention: middle = SMA of the last `period` closes (TA-Lib's running total, bit for bit);
//! upper = middle + `nbdev_up` · sd, lower = middle − `nbdev_dn` · sd, where sd is the *population*
//! standard deviation of the window (divide by `period`, not `period − 1`). No seeding; the first
//! value comes at bar `period - 1`. `period` must be at least 2 (TA-Lib's minimum); the
//! multipliers must be finite (TA-Lib's defaults: 5, 2, 2).
//!
//! Precision: the classic TA-Lib form `mean(x²) − middle²` cancels catastrophically at price level
//! (about 1e-8 of the deviation is lost at ₹1500, and a small non-zero deviation snaps to 0). Like
//! recent TA-Lib, the variance is computed from running sums of deviations from a shift that is
//! re-anchored on the window mean every `period` bars (an O(period) refresh once per `period`
//! bars: amortised O(1), no allocation); the reference file agrees with it to ~1e-15.

use super::error::{check_finite, check_period};
use super::window::Ring;
use super::{Indicator, IndicatorError};

/// Relative rounding noise of the variance sums (a few ulps per term); a variance below
/// `NOISE · mean(d²)` is indistinguishable from 0.
const NOISE: f64 = 64.0 * f64::EPSILON;

/// One Bollinger update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandsOutput {
    /// Middle + `nbdev_up` standard deviations.
    pub upper: f64,
    /// The SMA.
    pub middle: f64,
    /// Middle − `nbdev_dn` standard deviations.
    pub lower: f64,
}

/// Bollinger bands around an SMA.
#[derive(Clone, Debug)]
pub struct BollingerBands {
    period: usize,
    nbdev_up: f64,
    nbdev_dn: f64,
    /// The previous `period - 1` closes.
    window: Ring,
    /// TA-Lib's SMA running total (the middle band).
    total: f64,
    /// The shift deviations are taken from (`None` before the first close).
    shift: Option<f64>,
    /// Sum of `x − shift` over the window.
    dev: f64,
    /// Sum of `(x − shift)²` over the window.
    dev_sq: f64,
    /// Outputs since the shift was last re-anchored.
    since_anchor: usize,
    ready: bool,
}

impl BollingerBands {
    /// Bands over `period` closes (2 ..= 100 000), `nbdev_up`/`nbdev_dn` deviations wide
    /// (TA-Lib defaults: 5, 2, 2).
    pub fn new(
        period: usize,
        nbdev_up: f64,
        nbdev_dn: f64,
    ) -> Result<BollingerBands, IndicatorError> {
        check_period("period", period, 2)?;
        check_finite("nbdev_up", nbdev_up)?;
        check_finite("nbdev_dn", nbdev_dn)?;
        Ok(BollingerBands {
            period,
            nbdev_up,
            nbdev_dn,
            window: Ring::new(period - 1),
            total: 0.0,
            shift: None,
            dev: 0.0,
            dev_sq: 0.0,
            since_anchor: 0,
            ready: false,
        })
    }
}

impl BollingerBands {
    /// Moves the shift to `mean` and recomputes the deviation sums over the held closes.
    fn reanchor(&mut self, mean: f64) {
        let (mut dev, mut dev_sq) = (0.0, 0.0);
        for x in self.window.iter() {
            let d = x - mean;
            dev += d;
            dev_sq += d * d;
        }
        (self.shift, self.dev, self.dev_sq, self.since_anchor) = (Some(mean), dev, dev_sq, 0);
    }
}

impl Indicator for BollingerBands {
    type Input = f64;
    type Output = BandsOutput;

    #[inline]
    fn next(&mut self, x: f64) -> Option<BandsOutput> {
        let shift = *self.shift.get_or_insert(x);
        let d = x - shift;
        self.total += x;
        self.dev += d;
        self.dev_sq += d * d;
        if !self.window.is_full() {
            self.window.push(x);
            return None;
        }
        let n = self.period as f64;
        let middle = self.total / n;
        let mean_dev = self.dev / n;
        let mean_sq = self.dev_sq / n;
        let variance = mean_sq - mean_dev * mean_dev;
        // Below the rounding noise of `mean_sq` the window is flat: report 0, not sqrt(noise).
        let sd = if variance > NOISE * mean_sq {
            variance.sqrt()
        } else {
            0.0
        };
        if let Some(old) = self.window.push(x) {
            let d = old - shift;
            self.total -= old;
            self.dev -= d;
            self.dev_sq -= d * d;
        }
        self.since_anchor += 1;
        if self.since_anchor == self.period {
            self.reanchor(middle);
        }
        self.ready = true;
        Some(BandsOutput {
            upper: middle + sd * self.nbdev_up,
            middle,
            lower: middle - sd * self.nbdev_dn,
        })
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.window.clear();
        self.total = 0.0;
        self.shift = None;
        self.dev = 0.0;
        self.dev_sq = 0.0;
        self.since_anchor = 0;
        self.ready = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_deviation_around_the_sma() {
        let mut bb = BollingerBands::new(4, 2.0, 1.0).unwrap();
        let out: Vec<_> = [2.0, 4.0, 4.0, 6.0]
            .into_iter()
            .map(|x| bb.next(x))
            .collect();
        // mean 4, population variance (4 + 0 + 0 + 4) / 4 = 2
        let sd = 2f64.sqrt();
        assert_eq!(
            out[3],
            Some(BandsOutput {
                upper: 4.0 + 2.0 * sd,
                middle: 4.0,
                lower: 4.0 - sd
            })
        );
        assert!(out[..3].iter().all(Option::is_none));
        // A flat window has no deviation: the bands collapse onto the middle.
        let flat = (0..4).map(|_| bb.next(5.0)).last().flatten().unwrap();
        assert_eq!(
            flat,
            BandsOutput {
                upper: 5.0,
                middle: 5.0,
                lower: 5.0
            }
        );
    }

    #[test]
    fn stays_accurate_while_prices_drift_and_flat_windows_give_zero_width() {
        let period = 7;
        let mut bb = BollingerBands::new(period, 2.0, 2.0).unwrap();
        let xs: Vec<f64> = (0..5000)
            .map(|i| 100.0 + i as f64 * 0.37 + ((i * 13) % 5) as f64 * 0.05)
            .collect();
        for (i, &x) in xs.iter().enumerate() {
            let Some(out) = bb.next(x) else { continue };
            let w = &xs[i + 1 - period..=i];
            let mean = w.iter().sum::<f64>() / period as f64;
            let sd =
                (w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / period as f64).sqrt();
            let got = (out.upper - out.middle) / 2.0;
            assert!(
                (got - sd).abs() <= 1e-9 * sd,
                "bar {i}: sd {got} vs two-pass {sd}"
            );
        }
        for _ in 0..period {
            bb.next(1234.55);
        }
        let flat = bb.next(1234.55).unwrap();
        assert_eq!(
            (flat.upper, flat.lower),
            (flat.middle, flat.middle),
            "flat window"
        );
    }
}

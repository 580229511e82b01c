//! Average directional index with its directional indicators, TA-Lib `ADX`, `PLUS_DI`, `MINUS_DI`.
//!
//! Convention (TA-Lib, no unstable period, no Wilder rounding): from the second bar, +DM is the
//! rise of the high when it beats both zero and the fall of the low, −DM the fall of the low when it
//! beats both zero and the rise of the high. +DM, −DM and the true range are summed over the first
//! `period - 1` changes, then smoothed Wilder-style, `s = s − s / period + today`. ±DI =
//! `100 · DM / TR` (0 when TR is within 1e-8 of zero), first at bar `period` — that is when
//! [`Adx::plus_di`] and [`Adx::minus_di`] become `Some`. DX = `100 · |−DI − +DI| / (−DI + +DI)`;
//! the first ADX, at bar `2 · period − 1`, is the mean of the first `period` DX values (a DX whose
//! TR or DI sum is zero counts as 0), then `adx = (adx · (period − 1) + dx) / period` (a bar whose
//! TR or DI sum is zero leaves the ADX unchanged). `next` returns `Some` once the ADX is ready.
//! `period` must be at least 2 (TA-Lib's minimum for ADX).

use super::atr::true_range;
use super::error::check_period;
use super::{ta_is_zero, Candle, Indicator, IndicatorError};

/// One ADX update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdxOutput {
    /// Average directional index.
    pub adx: f64,
    /// +DI.
    pub plus_di: f64,
    /// −DI.
    pub minus_di: f64,
}

/// Wilder's ADX, +DI and −DI.
#[derive(Clone, Debug)]
pub struct Adx {
    period: usize,
    /// Bars seen, capped at `2 · period`.
    seen: usize,
    prev_high: f64,
    prev_low: f64,
    prev_close: f64,
    plus_dm: f64,
    minus_dm: f64,
    tr: f64,
    /// The sum of DX while seeding, then the ADX.
    adx: f64,
    plus_di: Option<f64>,
    minus_di: Option<f64>,
}

impl Adx {
    /// An ADX over `period` bars (2 ..= 100 000; TA-Lib's default is 14).
    pub fn new(period: usize) -> Result<Adx, IndicatorError> {
        check_period("period", period, 2)?;
        Ok(Adx::build(period))
    }

    fn build(period: usize) -> Adx {
        Adx {
            period,
            seen: 0,
            prev_high: 0.0,
            prev_low: 0.0,
            prev_close: 0.0,
            plus_dm: 0.0,
            minus_dm: 0.0,
            tr: 0.0,
            adx: 0.0,
            plus_di: None,
            minus_di: None,
        }
    }

    /// +DI after the last bar, as TA-Lib's `PLUS_DI` (ready from bar `period`, before the ADX).
    #[inline]
    pub fn plus_di(&self) -> Option<f64> {
        self.plus_di
    }

    /// −DI after the last bar, as TA-Lib's `MINUS_DI` (ready from bar `period`).
    #[inline]
    pub fn minus_di(&self) -> Option<f64> {
        self.minus_di
    }
}

impl Indicator for Adx {
    type Input = Candle;
    type Output = AdxOutput;

    #[inline]
    fn next(&mut self, c: Candle) -> Option<AdxOutput> {
        let first = self.seen == 0;
        let diff_p = c.high - self.prev_high;
        let diff_m = self.prev_low - c.low;
        let tr = true_range(c.high, c.low, self.prev_close);
        self.prev_high = c.high;
        self.prev_low = c.low;
        self.prev_close = c.close;
        if first {
            self.seen = 1;
            return None;
        }
        let (plus, minus) = if diff_m > 0.0 && diff_p < diff_m {
            (0.0, diff_m)
        } else if diff_p > 0.0 && diff_p > diff_m {
            (diff_p, 0.0)
        } else {
            (0.0, 0.0)
        };
        let n = self.period as f64;
        if self.seen < self.period {
            // Plain sums over the first period - 1 changes.
            self.plus_dm += plus;
            self.minus_dm += minus;
            self.tr += tr;
            self.seen += 1;
            return None;
        }
        self.minus_dm -= self.minus_dm / n;
        self.plus_dm -= self.plus_dm / n;
        self.minus_dm += minus;
        self.plus_dm += plus;
        self.tr = self.tr - self.tr / n + tr;
        // DX is skipped (None) where TA-Lib skips it: zero TR or zero DI sum.
        let (plus_di, minus_di, dx) = if ta_is_zero(self.tr) {
            (0.0, 0.0, None)
        } else {
            let plus_di = 100.0 * (self.plus_dm / self.tr);
            let minus_di = 100.0 * (self.minus_dm / self.tr);
            let sum = minus_di + plus_di;
            (
                plus_di,
                minus_di,
                (!ta_is_zero(sum)).then(|| 100.0 * ((minus_di - plus_di).abs() / sum)),
            )
        };
        self.plus_di = Some(plus_di);
        self.minus_di = Some(minus_di);
        if self.seen < 2 * self.period {
            self.adx += dx.unwrap_or(0.0);
            self.seen += 1;
            if self.seen < 2 * self.period {
                return None;
            }
            self.adx /= n;
        } else if let Some(dx) = dx {
            self.adx = (self.adx * (n - 1.0) + dx) / n;
        }
        Some(AdxOutput {
            adx: self.adx,
            plus_di,
            minus_di,
        })
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.seen == 2 * self.period
    }

    fn reset(&mut self) {
        *self = Adx::build(self.period);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn di_ready_at_period_adx_at_twice_period_minus_one() {
        let mut adx = Adx::new(3).unwrap();
        let mut first_di = None;
        let mut first_adx = None;
        for i in 0..12 {
            let x = 100.0 + i as f64 + if i % 3 == 0 { -2.5 } else { 0.0 };
            let out = adx.next(Candle {
                ts: 0,
                open: x,
                high: x + 1.0,
                low: x - 1.0,
                close: x,
                volume: 1.0,
            });
            if first_di.is_none() && adx.plus_di().is_some() {
                first_di = Some(i);
            }
            if first_adx.is_none() && out.is_some() {
                first_adx = Some(i);
            }
            assert_eq!(adx.is_ready(), out.is_some());
        }
        assert_eq!((first_di, first_adx), (Some(3), Some(5)));
    }
}

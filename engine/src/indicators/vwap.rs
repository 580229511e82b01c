//! Session-anchored volume-weighted average price (not a TA-Lib function).
//!
//! Convention: the typical price `(high + low + close) / 3` weighted by volume, with both
//! cumulative sums restarting at the first bar of each IST trading day of `candle.ts`
//! ([`crate::time::ist_day`]). It is ready from the first bar of the day with volume > 0 and
//! `None` before that (no volume yet, nothing to average). Matches `cumsum(tp · v) / cumsum(v)`
//! per day in `f64`, as in `tools/reference/talib_reference.py`.

use super::{Candle, Indicator};
use crate::time::ist_day;

/// VWAP of typical price, reset every IST day.
#[derive(Clone, Debug, Default)]
pub struct Vwap {
    day: Option<i64>,
    price_volume: f64,
    volume: f64,
}

impl Vwap {
    /// A fresh VWAP (it takes no parameters).
    pub fn new() -> Vwap {
        Vwap::default()
    }
}

impl Indicator for Vwap {
    type Input = Candle;
    type Output = f64;

    #[inline]
    fn next(&mut self, c: Candle) -> Option<f64> {
        let day = ist_day(c.ts);
        if self.day != Some(day) {
            self.day = Some(day);
            self.price_volume = 0.0;
            self.volume = 0.0;
        }
        let typical = (c.high + c.low + c.close) / 3.0;
        self.price_volume += typical * c.volume;
        self.volume += c.volume;
        self.is_ready().then(|| self.price_volume / self.volume)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.volume > 0.0
    }

    fn reset(&mut self) {
        *self = Vwap::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{days_from_civil, ist_midnight, NANOS_PER_MINUTE, NSE_OPEN_IST_NS};

    #[test]
    fn restarts_each_ist_day_and_waits_for_volume() {
        let open = ist_midnight(days_from_civil(2026, 1, 5)) + NSE_OPEN_IST_NS;
        let bar = |ts: i64, p: f64, v: f64| Candle {
            ts,
            open: p,
            high: p,
            low: p,
            close: p,
            volume: v,
        };
        let mut vwap = Vwap::new();
        assert_eq!(vwap.next(bar(open, 100.0, 0.0)), None);
        assert_eq!(
            vwap.next(bar(open + NANOS_PER_MINUTE, 100.0, 1.0)),
            Some(100.0)
        );
        assert_eq!(
            vwap.next(bar(open + 2 * NANOS_PER_MINUTE, 103.0, 2.0)),
            Some(102.0)
        );
        // 15:29 IST and the next morning's 09:15 IST fall on different IST days.
        let next_day = open + 24 * 60 * NANOS_PER_MINUTE;
        assert_eq!(vwap.next(bar(next_day, 90.0, 5.0)), Some(90.0));
    }
}

//! On-balance volume, TA-Lib `OBV`.
//!
//! Convention: starts at the first bar's volume (TA-Lib does not start at 0) and is ready from
//! that first bar; afterwards each bar adds its volume when the close rose, subtracts it when the
//! close fell, and leaves the total unchanged when the close is equal.

use super::{Candle, Indicator};

/// Running on-balance volume.
#[derive(Clone, Debug, Default)]
pub struct Obv {
    prev_close: Option<f64>,
    value: f64,
}

impl Obv {
    /// A fresh OBV (it takes no parameters).
    pub fn new() -> Obv {
        Obv::default()
    }
}

impl Indicator for Obv {
    type Input = Candle;
    type Output = f64;

    #[inline]
    fn next(&mut self, c: Candle) -> Option<f64> {
        match self.prev_close {
            None => self.value = c.volume,
            Some(prev) if c.close > prev => self.value += c.volume,
            Some(prev) if c.close < prev => self.value -= c.volume,
            Some(_) => {}
        }
        self.prev_close = Some(c.close);
        Some(self.value)
    }

    #[inline]
    fn is_ready(&self) -> bool {
        self.prev_close.is_some()
    }

    fn reset(&mut self) {
        *self = Obv::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_the_first_volume() {
        let bar = |c: f64, v: f64| Candle {
            ts: 0,
            open: c,
            high: c,
            low: c,
            close: c,
            volume: v,
        };
        let mut obv = Obv::new();
        assert!(!obv.is_ready());
        let out: Vec<_> = [(10.0, 5.0), (11.0, 3.0), (11.0, 7.0), (9.0, 4.0)]
            .map(|(c, v)| obv.next(bar(c, v)))
            .into();
        assert_eq!(out, [Some(5.0), Some(8.0), Some(8.0), Some(4.0)]);
    }
}

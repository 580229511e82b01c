//! `sma_cross(fast, slow)`: buy when the fast simple moving average of closes crosses above the
//! slow one, sell when it crosses below.
//!
//! The averages are kept as exact integer sums of fixed-point closes, and the cross is decided by
//! comparing `slow × sum_fast` with `fast × sum_slow` (for 10/30: `3·sum10` against `sum30`), so
//! ties are real ties, not float noise. Confidence is 0.5 plus half the gap between the averages
//! as a fraction of 1 % of price (capped at 1).

use std::cmp::Ordering;

use super::registry::require_fast_below_slow;
use super::signal::gap_confidence;
use super::{Cross, CrossDetector, ExitRules, Params, Reason, Signal, Strategy, StrategyError};
use crate::types::{Bar, InstrumentId, Side};

/// Simple-moving-average crossover on exact integer sums.
#[derive(Clone, Debug)]
pub struct SmaCross {
    fast: usize,
    slow: usize,
    exits: ExitRules,
    /// Last `slow` closes in fixed-point units; `head` is the next slot to overwrite and
    /// `fast_tail` the slot of the close leaving the fast window (`fast` slots behind the head).
    window: Vec<i64>,
    head: usize,
    fast_tail: usize,
    seen: usize,
    sum_fast: i64,
    sum_slow: i64,
    cross: CrossDetector,
}

impl SmaCross {
    /// Builds the strategy; `fast` must be at least 1 and shorter than `slow`.
    pub fn new(fast: usize, slow: usize, exits: ExitRules) -> Result<SmaCross, StrategyError> {
        require_fast_below_slow("sma_cross", fast.max(1), slow)?;
        Ok(SmaCross {
            fast: fast.max(1),
            slow,
            exits,
            window: vec![0; slow],
            head: 0,
            fast_tail: slow - fast.max(1),
            seen: 0,
            sum_fast: 0,
            sum_slow: 0,
            cross: CrossDetector::default(),
        })
    }

    /// Builds from `fast` (default 10), `slow` (default 30), `stop_pct`, `target_pct`.
    pub fn from_params(p: &Params) -> Result<SmaCross, StrategyError> {
        p.expect_only("sma_cross", &["fast", "slow", "stop_pct", "target_pct"])?;
        let fast = p.usize_at_least("fast", 10, 1)?;
        let slow = p.usize_at_least("slow", 30, 2)?;
        SmaCross::new(fast, slow, ExitRules::from_params(p)?)
    }

    /// Pushes one close and returns how the fast average compares with the slow one, once both
    /// are ready.
    #[inline]
    fn push(&mut self, close: i64) -> Option<Ordering> {
        let slow = self.slow;
        let fast_out = self.window[self.fast_tail];
        let slow_out = self.window[self.head];
        self.window[self.head] = close;
        self.head = if self.head + 1 == slow {
            0
        } else {
            self.head + 1
        };
        self.fast_tail = if self.fast_tail + 1 == slow {
            0
        } else {
            self.fast_tail + 1
        };
        self.seen += 1;
        self.sum_fast += close - if self.seen > self.fast { fast_out } else { 0 };
        self.sum_slow += close - if self.seen > slow { slow_out } else { 0 };
        if self.seen < slow {
            return None;
        }
        let lhs = self.sum_fast as i128 * slow as i128;
        let rhs = self.sum_slow as i128 * self.fast as i128;
        Some(lhs.cmp(&rhs))
    }
}

impl Strategy for SmaCross {
    fn name(&self) -> String {
        format!("sma_cross({},{})", self.fast, self.slow)
    }

    #[inline]
    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let ordering = self.push(bar.close.units())?;
        let cross = self.cross.update(ordering)?;
        let fast = self.sum_fast as f64 / self.fast as f64 / crate::types::PRICE_SCALE as f64;
        let slow = self.sum_slow as f64 / self.slow as f64 / crate::types::PRICE_SCALE as f64;
        let above = cross == Cross::Above;
        let side = if above { Side::Buy } else { Side::Sell };
        let reason = Reason::LinesCrossed {
            line: "SMA",
            fast_period: self.fast as u32,
            fast,
            slow_period: self.slow as u32,
            slow,
            above,
        };
        Some(Signal::market(
            instrument,
            bar,
            side,
            &self.exits,
            gap_confidence(fast, slow),
            reason,
        ))
    }

    fn warmup_bars(&self) -> usize {
        self.slow
    }

    fn reset(&mut self) {
        self.window.iter_mut().for_each(|v| *v = 0);
        self.head = 0;
        self.fast_tail = self.slow - self.fast;
        self.seen = 0;
        self.sum_fast = 0;
        self.sum_slow = 0;
        self.cross.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Price;

    fn bar(i: i64, close: &str) -> Bar {
        let p = Price::parse(close).unwrap();
        Bar {
            ts: i,
            open: p,
            high: p,
            low: p,
            close: p,
            volume: 1,
        }
    }

    #[test]
    fn golden_and_death_cross_on_exact_sums() {
        let mut s = SmaCross::new(2, 4, ExitRules::default()).unwrap();
        let closes = ["10", "10", "10", "9", "8", "12", "13", "9", "5"];
        let sides: Vec<_> = closes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                s.on_bar(InstrumentId(0), &bar(i as i64, c))
                    .map(|sig| sig.side)
            })
            .collect();
        // bar 3: fast 9.5 < slow 9.75 (first ready); bar 5: fast 10 > slow 9.75 → golden;
        // bar 8: fast 7 < slow 9.75 → death.
        assert_eq!(
            sides,
            [
                None,
                None,
                None,
                None,
                None,
                Some(Side::Buy),
                None,
                None,
                Some(Side::Sell)
            ]
        );
    }

    #[test]
    fn exact_tie_is_not_a_cross() {
        let mut s = SmaCross::new(1, 2, ExitRules::default()).unwrap();
        // fast=close, slow=mean of 2: equal only when two closes are equal.
        let out: Vec<_> = ["10", "9", "9", "8", "8", "9"]
            .iter()
            .enumerate()
            .map(|(i, c)| {
                s.on_bar(InstrumentId(0), &bar(i as i64, c))
                    .map(|sig| sig.side)
            })
            .collect();
        assert_eq!(out, [None, None, None, None, None, Some(Side::Buy)]);
    }

    #[test]
    fn reset_replays_identically_and_reason_reads_well() {
        let mut s = SmaCross::new(
            2,
            4,
            ExitRules {
                stop_bps: Some(100),
                target_bps: None,
            },
        )
        .unwrap();
        let closes = ["10", "10", "10", "9", "8", "12"];
        let run = |s: &mut SmaCross| {
            closes
                .iter()
                .enumerate()
                .filter_map(|(i, c)| s.on_bar(InstrumentId(0), &bar(i as i64, c)))
                .collect::<Vec<_>>()
        };
        let first = run(&mut s);
        s.reset();
        assert_eq!(run(&mut s), first);
        assert_eq!(
            first[0].reason.to_string(),
            "SMA(2) 10.00 crossed above SMA(4) 9.75"
        );
        assert_eq!(first[0].stop_loss, Some(Price::parse("11.88").unwrap()));
    }
}

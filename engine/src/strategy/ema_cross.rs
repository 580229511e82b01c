//! `ema_cross(fast, slow)`: buy when the fast EMA of closes crosses above the slow EMA, sell when
//! it crosses below. EMAs follow TA-Lib (seeded with the SMA of their first period); no signal
//! before the slow EMA is ready.

use super::registry::require_fast_below_slow;
use super::signal::gap_confidence;
use super::{Cross, CrossDetector, ExitRules, Params, Reason, Signal, Strategy, StrategyError};
use crate::indicators::{Ema, Indicator};
use crate::types::{Bar, InstrumentId, Side};

/// Exponential-moving-average crossover.
#[derive(Clone, Debug)]
pub struct EmaCross {
    fast_period: usize,
    slow_period: usize,
    fast: Ema,
    slow: Ema,
    exits: ExitRules,
    cross: CrossDetector,
}

impl EmaCross {
    /// Builds from `fast` (default 12), `slow` (default 26), `stop_pct`, `target_pct`.
    pub fn from_params(p: &Params) -> Result<EmaCross, StrategyError> {
        p.expect_only("ema_cross", &["fast", "slow", "stop_pct", "target_pct"])?;
        let fast = p.usize_at_least("fast", 12, 1)?;
        let slow = p.usize_at_least("slow", 26, 2)?;
        require_fast_below_slow("ema_cross", fast, slow)?;
        let ema = |n| {
            Ema::new(n).map_err(|e| StrategyError::Inconsistent {
                strategy: "ema_cross".into(),
                problem: e.to_string(),
            })
        };
        Ok(EmaCross {
            fast_period: fast,
            slow_period: slow,
            fast: ema(fast)?,
            slow: ema(slow)?,
            exits: ExitRules::from_params(p)?,
            cross: CrossDetector::default(),
        })
    }
}

impl Strategy for EmaCross {
    fn name(&self) -> String {
        format!("ema_cross({},{})", self.fast_period, self.slow_period)
    }

    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let close = bar.close.to_f64();
        let fast = self.fast.next(close);
        let slow = self.slow.next(close)?;
        let fast = fast?;
        let cross = self.cross.update(fast.total_cmp(&slow))?;
        let above = cross == Cross::Above;
        let side = if above { Side::Buy } else { Side::Sell };
        let reason = Reason::LinesCrossed {
            line: "EMA",
            fast_period: self.fast_period as u32,
            fast,
            slow_period: self.slow_period as u32,
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
        self.slow_period
    }

    fn reset(&mut self) {
        self.fast.reset();
        self.slow.reset();
        self.cross.reset();
    }
}

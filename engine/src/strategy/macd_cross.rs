//! `macd_cross(fast, slow, signal)`: buy when the MACD line crosses above its signal line, sell
//! when it crosses below (TA-Lib MACD). Confidence: 0.5 plus the histogram's size relative to
//! 0.1 % of price (capped at 1).

use super::{Cross, CrossDetector, ExitRules, Params, Reason, Signal, Strategy, StrategyError};
use crate::indicators::{Indicator, Macd};
use crate::types::{Bar, InstrumentId, Side};

/// MACD line / signal line crossover.
#[derive(Clone, Debug)]
pub struct MacdCross {
    periods: (usize, usize, usize),
    macd: Macd,
    exits: ExitRules,
    cross: CrossDetector,
}

impl MacdCross {
    /// Builds from `fast` (12), `slow` (26), `signal` (9), `stop_pct`, `target_pct`.
    pub fn from_params(p: &Params) -> Result<MacdCross, StrategyError> {
        p.expect_only(
            "macd_cross",
            &["fast", "slow", "signal", "stop_pct", "target_pct"],
        )?;
        let fast = p.usize_at_least("fast", 12, 2)?;
        let slow = p.usize_at_least("slow", 26, 2)?;
        let signal = p.usize_at_least("signal", 9, 1)?;
        super::registry::require_fast_below_slow("macd_cross", fast, slow)?;
        let macd = Macd::new(fast, slow, signal).map_err(|e| StrategyError::Inconsistent {
            strategy: "macd_cross".into(),
            problem: e.to_string(),
        })?;
        Ok(MacdCross {
            periods: (fast, slow, signal),
            macd,
            exits: ExitRules::from_params(p)?,
            cross: CrossDetector::default(),
        })
    }
}

impl Strategy for MacdCross {
    fn name(&self) -> String {
        format!(
            "macd_cross({},{},{})",
            self.periods.0, self.periods.1, self.periods.2
        )
    }

    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let out = self.macd.next(bar.close.to_f64())?;
        let cross = self.cross.update(out.macd.total_cmp(&out.signal))?;
        let above = cross == Cross::Above;
        let side = if above { Side::Buy } else { Side::Sell };
        let close = bar.close.to_f64();
        let confidence = (0.5 + 0.5 * out.hist.abs() / (close * 0.001).max(f64::EPSILON)).min(1.0);
        let reason = Reason::MacdCrossed {
            macd: out.macd,
            signal: out.signal,
            above,
        };
        Some(Signal::market(
            instrument,
            bar,
            side,
            &self.exits,
            confidence,
            reason,
        ))
    }

    fn warmup_bars(&self) -> usize {
        self.periods.1 + self.periods.2 - 1
    }

    fn reset(&mut self) {
        self.macd.reset();
        self.cross.reset();
    }
}

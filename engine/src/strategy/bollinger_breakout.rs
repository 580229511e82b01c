//! `bollinger_breakout(period, k)`: buy when a close breaks above the upper Bollinger band
//! (SMA ± k population standard deviations, TA-Lib BBANDS), sell when a close falls back below the
//! middle band. A signal fires on the bar the condition starts. Confidence: 0.5 plus how far the
//! close is beyond the band, in band widths (capped at 1).

use super::{ExitRules, Params, Reason, Signal, Strategy, StrategyError};
use crate::indicators::{BollingerBands, Indicator};
use crate::types::{Bar, InstrumentId, Side};

/// Breakout above the upper band, exit below the middle band.
#[derive(Clone, Debug)]
pub struct BollingerBreakout {
    period: usize,
    k: f64,
    bands: BollingerBands,
    exits: ExitRules,
    above_upper: bool,
    below_middle: bool,
}

impl BollingerBreakout {
    /// Builds from `period` (20), `k` (2), `stop_pct`, `target_pct`.
    pub fn from_params(p: &Params) -> Result<BollingerBreakout, StrategyError> {
        p.expect_only(
            "bollinger_breakout",
            &["period", "k", "stop_pct", "target_pct"],
        )?;
        let period = p.usize_at_least("period", 20, 2)?;
        let k = p.f64_in("k", 2.0, 0.1, 10.0)?;
        let bands = BollingerBands::new(period, k, k).map_err(|e| StrategyError::Inconsistent {
            strategy: "bollinger_breakout".into(),
            problem: e.to_string(),
        })?;
        Ok(BollingerBreakout {
            period,
            k,
            bands,
            exits: ExitRules::from_params(p)?,
            above_upper: false,
            below_middle: false,
        })
    }
}

impl Strategy for BollingerBreakout {
    fn name(&self) -> String {
        format!("bollinger_breakout({},{})", self.period, self.k)
    }

    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let close = bar.close.to_f64();
        let b = self.bands.next(close)?;
        let above = close > b.upper;
        let below = close < b.middle;
        let started_above = above && !self.above_upper;
        let started_below = below && !self.below_middle;
        self.above_upper = above;
        self.below_middle = below;
        let width = (b.upper - b.lower).max(f64::EPSILON);
        if started_above {
            let confidence = (0.5 + 0.5 * (close - b.upper) / width).min(1.0);
            let reason = Reason::BandBreak {
                close,
                band: b.upper,
                upper: true,
            };
            Some(Signal::market(
                instrument,
                bar,
                Side::Buy,
                &self.exits,
                confidence,
                reason,
            ))
        } else if started_below {
            let confidence = (0.5 + 0.5 * (b.middle - close) / width).min(1.0);
            let reason = Reason::BandBreak {
                close,
                band: b.middle,
                upper: false,
            };
            Some(Signal::market(
                instrument,
                bar,
                Side::Sell,
                &self.exits,
                confidence,
                reason,
            ))
        } else {
            None
        }
    }

    fn warmup_bars(&self) -> usize {
        self.period
    }

    fn reset(&mut self) {
        self.bands.reset();
        self.above_upper = false;
        self.below_middle = false;
    }
}

//! `rsi_reversion(period, low, high)`: mean reversion on RSI (Wilder, TA-Lib seeding). Buy when RSI
//! falls below `low` (oversold), sell when it rises above `high` (overbought). A signal fires on the
//! bar RSI enters the zone, not on every bar inside it. Confidence grows with the depth into the
//! zone: 0.5 at the threshold, 1.0 at RSI 0 (or 100).

use super::{ExitRules, Params, Reason, Signal, Strategy, StrategyError};
use crate::indicators::{Indicator, Rsi};
use crate::types::{Bar, InstrumentId, Side};

/// RSI oversold/overbought reversion.
#[derive(Clone, Debug)]
pub struct RsiReversion {
    period: usize,
    low: f64,
    high: f64,
    rsi: Rsi,
    exits: ExitRules,
    /// Zone of the previous ready bar: -1 oversold, 0 neutral, +1 overbought.
    zone: i8,
}

impl RsiReversion {
    /// Builds from `period` (default 14), `low` (default 30), `high` (default 70), `stop_pct`,
    /// `target_pct`.
    pub fn from_params(p: &Params) -> Result<RsiReversion, StrategyError> {
        p.expect_only(
            "rsi_reversion",
            &["period", "low", "high", "stop_pct", "target_pct"],
        )?;
        let period = p.usize_at_least("period", 14, 2)?;
        let low = p.f64_in("low", 30.0, 0.0, 100.0)?;
        let high = p.f64_in("high", 70.0, 0.0, 100.0)?;
        if low >= high {
            return Err(StrategyError::Inconsistent {
                strategy: "rsi_reversion".into(),
                problem: format!("low ({low}) must be below high ({high})"),
            });
        }
        let rsi = Rsi::new(period).map_err(|e| StrategyError::Inconsistent {
            strategy: "rsi_reversion".into(),
            problem: e.to_string(),
        })?;
        Ok(RsiReversion {
            period,
            low,
            high,
            rsi,
            exits: ExitRules::from_params(p)?,
            zone: 0,
        })
    }
}

impl Strategy for RsiReversion {
    fn name(&self) -> String {
        format!("rsi_reversion({},{},{})", self.period, self.low, self.high)
    }

    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let rsi = self.rsi.next(bar.close.to_f64())?;
        let zone = if rsi < self.low {
            -1
        } else if rsi > self.high {
            1
        } else {
            0
        };
        let entered = zone != 0 && zone != self.zone;
        self.zone = zone;
        if !entered {
            return None;
        }
        let (side, confidence, reason) = if zone < 0 {
            (
                Side::Buy,
                0.5 + 0.5 * (self.low - rsi) / self.low.max(f64::EPSILON),
                Reason::RsiZone {
                    period: self.period as u32,
                    rsi,
                    threshold: self.low,
                    oversold: true,
                },
            )
        } else {
            (
                Side::Sell,
                0.5 + 0.5 * (rsi - self.high) / (100.0 - self.high).max(f64::EPSILON),
                Reason::RsiZone {
                    period: self.period as u32,
                    rsi,
                    threshold: self.high,
                    oversold: false,
                },
            )
        };
        Some(Signal::market(
            instrument,
            bar,
            side,
            &self.exits,
            confidence.clamp(0.0, 1.0),
            reason,
        ))
    }

    fn warmup_bars(&self) -> usize {
        self.period + 1
    }

    fn reset(&mut self) {
        self.rsi.reset();
        self.zone = 0;
    }
}

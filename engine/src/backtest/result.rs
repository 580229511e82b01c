//! What a backtest run produces.

use rust_decimal::Decimal;

use super::{BacktestConfig, EquityPoint, Metrics, SignalRecord, Trade};
use crate::types::{Fill, Instrument, PRICE_SCALE};

/// Everything a report needs from one run.
#[derive(Clone, Debug)]
pub struct BacktestResult {
    /// Instrument traded.
    pub instrument: Instrument,
    /// Strategy name with parameters.
    pub strategy: String,
    /// Settings used.
    pub config: BacktestConfig,
    /// Equity at every bar's close.
    pub curve: Vec<EquityPoint>,
    /// Round trips, the open one (if any) last.
    pub trades: Vec<Trade>,
    /// Every signal and its decision.
    pub signals: Vec<SignalRecord>,
    /// Every fill.
    pub fills: Vec<Fill>,
    /// Cash plus the position at the last close, rupees.
    pub final_equity: Decimal,
    /// Limit orders that expired unfilled at the end of their day.
    pub expired_orders: u64,
    /// Performance statistics.
    pub metrics: Metrics,
}

impl BacktestResult {
    /// Assembles the result and computes its metrics.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        instrument: Instrument,
        strategy: String,
        config: BacktestConfig,
        curve: Vec<EquityPoint>,
        trades: Vec<Trade>,
        signals: Vec<SignalRecord>,
        fills: Vec<Fill>,
        bars_in_market: u64,
        final_equity: Decimal,
        expired_orders: u64,
    ) -> BacktestResult {
        let metrics = Metrics::compute(&curve, &trades, config.initial_cash, bars_in_market);
        BacktestResult { instrument, strategy, config, curve, trades, signals, fills, final_equity, expired_orders, metrics }
    }

    /// Number of bars processed.
    pub fn bars(&self) -> usize {
        self.curve.len()
    }
}

/// Equity units (see [`EquityPoint`]) to rupees.
pub fn units_to_rupees(units: i64) -> Decimal {
    Decimal::new(units, PRICE_SCALE.ilog10())
}

//! What a backtest run produces.

use rust_decimal::Decimal;

use super::{BacktestConfig, DecisionCounts, EquityPoint, Metrics, SignalRecord, Trade};
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
    /// Bars processed.
    pub bars: usize,
    /// Equity at every bar's close (empty when curve recording was off).
    pub curve: Vec<EquityPoint>,
    /// Round trips, the open one (if any) last.
    pub trades: Vec<Trade>,
    /// Every signal and its decision (empty when the signal log was off).
    pub signals: Vec<SignalRecord>,
    /// Decision counts (always kept).
    pub counts: DecisionCounts,
    /// Every fill (empty when the log was off).
    pub fills: Vec<Fill>,
    /// Fills executed.
    pub fill_count: u64,
    /// Fees paid on all fills, rupees.
    pub fees_paid: Decimal,
    /// Cash plus the position at the last close, rupees.
    pub final_equity: Decimal,
    /// Limit orders that expired unfilled at the end of their day.
    pub expired_orders: u64,
    /// Resting orders cancelled: superseded by a newer signal, or left without a position by a
    /// stop, target or square-off.
    pub cancelled_orders: u64,
    /// Intraday (MIS) positions squared off at 15:20 IST, at a day's end, or at `close_out`.
    pub square_offs: u64,
    /// Performance statistics.
    pub metrics: Metrics,
}

impl BacktestResult {
    /// Number of bars processed.
    pub fn bars(&self) -> usize {
        self.bars
    }
}

/// Equity units (see [`EquityPoint`]) to rupees.
pub fn units_to_rupees(units: i64) -> Decimal {
    Decimal::new(units, PRICE_SCALE.ilog10())
}

//! Backtest settings that are not the strategy's or the risk gate's.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Commission;
use crate::types::Product;

/// How the simulated account and exchange behave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestConfig {
    /// Starting cash, rupees.
    pub initial_cash: Decimal,
    /// Adverse slippage on market and stop fills, in ticks.
    pub slippage_ticks: i64,
    /// Charges per fill.
    pub commission: Commission,
    /// Product of every order (CNC = delivery, MIS = intraday); decides the charges.
    pub product: Product,
    /// Whether `SELL` signals may open short positions (otherwise they only close longs).
    pub allow_short: bool,
    /// Trailing stop for every position, in basis points behind the best price since entry
    /// (`None`: off); the same rule the live account applies ([`crate::account::Bracket`]).
    pub trailing_stop_bps: Option<i64>,
}

impl Default for BacktestConfig {
    fn default() -> BacktestConfig {
        BacktestConfig {
            initial_cash: Decimal::from(1_000_000),
            slippage_ticks: 0,
            commission: Commission::None,
            product: Product::Cnc,
            allow_short: false,
            trailing_stop_bps: None,
        }
    }
}

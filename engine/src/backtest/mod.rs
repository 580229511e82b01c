//! The event-driven backtester: simulated clock, simulated exchange, fill model, metrics.
//!
//! The same [`crate::strategy::Strategy`] and [`crate::risk::RiskGate`] implementations run here
//! and in the live daemon. See [`fill_model`] for the fill rules and [`metrics`] for the formulas.

mod backtester;
mod commission;
mod config;
pub mod fill_model;
pub mod metrics;
pub mod optimize;
mod result;
mod trades;

pub use backtester::{Backtester, DecisionCounts, EquityPoint, SignalDecision, SignalRecord};
pub use commission::{Charges, Commission, ZerodhaRates};
pub use config::BacktestConfig;
pub use fill_model::FillModel;
pub use metrics::Metrics;
pub use result::BacktestResult;
pub use trades::{Trade, TradeBook};

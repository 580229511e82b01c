//! ShareWise engine: the pure core shared by the backtester and the live daemon.
//!
//! Everything here takes events and a clock and returns decisions; nothing does I/O or spawns
//! threads. Prices and quantities are fixed-point integers ([`types::Price`]), cash and P&L are
//! [`rust_decimal::Decimal`], time is UTC nanoseconds ([`time::TimestampNs`]). Indicators compute
//! in `f64`, as TA-Lib does, and are tested against TA-Lib's output.

pub mod account;
pub mod backtest;
pub mod bars;
pub mod events;
pub mod indicators;
pub mod intent;
pub mod patterns;
pub mod risk;
pub mod strategy;
pub mod time;
pub mod types;

pub use rust_decimal::Decimal;

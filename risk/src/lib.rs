//! ShareWise pre-trade risk: position sizing and the checks every order passes before it is sent.
//!
//! [`PreTradeRisk`] implements the engine's [`RiskGate`](sharewise_engine::risk::RiskGate): it
//! sizes entries ([`Sizing`]: fixed quantity, fixed value, percent of equity, or risk per trade from
//! the stop distance, rounded down to the lot size) and refuses orders with a stable reason code
//! ([`codes`]). The backtester and the live daemon use this same type.

#![warn(missing_docs)]

pub mod codes;
mod gate;
mod sizing;

pub use gate::{Limits, PreTradeRisk};
pub use sizing::{Sizing, SizingError};

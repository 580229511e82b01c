//! The account model the backtester and the live account actor share: what happens to a
//! position between signals.
//!
//! - [`bracket`]: engine-managed stop-loss, take-profit and trailing stop;
//! - [`intraday`]: the MIS rules (square-off from 15:20 IST or on a new day, no entries after
//!   the cutoff).
//!
//! The signal → order decision is [`crate::intent`], positions and cash are
//! [`crate::types::Portfolio`]; both drivers call the same code, so backtest/live parity holds by
//! construction. What differs is only what a simulated exchange cannot know: the backtester fills
//! an exit at its level (or the gap open) inside a bar, the live account sends a market order on
//! the tick that reaches it.

pub mod bracket;
pub mod intraday;

pub use bracket::{Bracket, ExitReason};

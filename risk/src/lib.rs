//! ShareWise pre-trade risk: position sizing and the checks every order passes before it is sent.
//!
//! [`PreTradeRisk`] implements the engine's [`RiskGate`](sharewise_engine::risk::RiskGate): it
//! sizes entries ([`Sizing`]: fixed quantity, fixed value, percent of equity, or risk per trade from
//! the stop distance, rounded down to the lot size) and refuses orders with a stable reason code
//! ([`codes`]) and a detail that carries the numbers. The backtester and the live daemon use this
//! same type. All limits live in one [`RiskConfig`] (`[risk]`); every check below except sizing,
//! the per-order limits and cash is off until configured, so `RiskConfig::default()` keeps the
//! original behaviour.
//!
//! # Checks, in the order they run
//!
//! The first failure is returned. Exits (`Purpose::Exit`) run checks 1–7 only.
//!
//! | # | check (file) | code | config key |
//! | - | --- | --- | --- |
//! | 1 | price positive (`gate.rs`) | `BAD_PRICE` | always on |
//! | 2 | market hours ([`checks::market_hours`], [`calendar`]) | `MARKET_CLOSED` | `market_hours.mode`, `market_hours.holidays` |
//! | 3 | daily loss trips the kill switch ([`checks::daily_loss`]) | `DAILY_LOSS` | `daily_loss_limit`, `on_daily_loss` |
//! | 4 | kill switch state ([`checks::trading_state`]) | `HALTED`, `REDUCE_ONLY` (or `DAILY_LOSS`) | set by [`PreTradeRisk::set_trading_state`] |
//! | 5 | order rate ([`checks::order_rate`]) | `ORDER_RATE_SECOND`, `ORDER_RATE_DAY` | `max_orders_per_second`, `max_orders_per_day` |
//! | 6 | tick and lot grid ([`checks::tick_lot`]) | `PRICE_OFF_TICK`, `QTY_OFF_LOT` | `enforce_tick_and_lot` |
//! | 7 | price band vs last trade ([`checks::price_band`]) | `PRICE_BAND` | `price_band_pct` |
//! | 8 | sizing (`gate.rs`, [`Sizing`]) | `SHORT_NEEDS_MIS`, `NO_STOP_FOR_RISK_SIZING`, `QTY_BELOW_LOT` | `sizing` (outside `[risk]`), product |
//! | 9 | order value computable (`gate.rs`; exits too) | `ORDER_VALUE_OVERFLOW` | always on |
//! | 9 | per-order limits (`gate.rs`) | `MAX_ORDER_QTY`, `MAX_ORDER_VALUE` | `limits.max_order_qty`, `limits.max_order_value` |
//! | 10 | position per instrument ([`checks::max_position`]) | `MAX_POSITION` | `max_position_qty`, `max_position_value` |
//! | 11 | gross exposure ([`checks::gross_exposure`]) | `MAX_GROSS_EXPOSURE` | `max_gross_exposure` |
//! | 12 | cash / short margin (`gate.rs`) | `INSUFFICIENT_CASH`, `INSUFFICIENT_MARGIN` | `limits.short_margin_pct` |
//! | – | fill price after slippage (backtester, paper broker) | `PRICE_OUT_OF_RANGE` | `slippage_ticks` |
//! | – | strategies per tier ([`checks::tier`], called by the daemon) | `TIER_STRATEGY_LIMIT` | `tier_strategy_limits.{basic,pro,elite}` |
//!
//! Accepted orders are counted by the order-rate check; refused ones are not.
//!
//! ```
//! use sharewise_engine::types::Product;
//! use sharewise_risk::{PreTradeRisk, RiskConfig, Sizing};
//!
//! let config: RiskConfig = toml::from_str(r#"
//!     price_band_pct = 3
//!     daily_loss_limit = 25000
//!     on_daily_loss = "reducing"
//!     limits = { max_order_value = 500000 }
//!     market_hours = { mode = "nse", holidays = ["2026-01-26"] }
//!     tier_strategy_limits = { pro = 20 }
//! "#).unwrap();
//! config.validate().unwrap();
//! let gate = PreTradeRisk::with_config(Sizing::FixedQty(10), config, Product::Mis);
//! assert_eq!(gate.config().max_orders_per_second, None);
//! ```

pub mod calendar;
pub mod checks;
pub mod codes;
mod config;
mod gate;
mod sizing;

pub use checks::tier::{Tier, TierLimits};
pub use checks::trading_state::{KillSwitch, TradingState};
pub use config::{Limits, RiskConfig, RiskConfigError};
pub use gate::PreTradeRisk;
pub use sizing::{Sizing, SizingError};

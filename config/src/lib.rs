//! ShareWise typed configuration: the built-in defaults (`config/default.toml`), loading a user's
//! TOML and `SHAREWISE_*` environment overrides on top of them, and validation whose errors name
//! the key and line (or the variable).
//!
//! ```
//! let settings = sharewise_config::Settings::from_toml_str("[backtest]\ncash = \"500000\"\n", "my.toml").unwrap();
//! assert_eq!(settings.backtest.cash.to_string(), "500000");
//! assert_eq!(settings.strategy.name, "sma_cross"); // from the defaults
//! ```

#![warn(missing_docs)]

mod env;
mod error;
mod locate;
mod run;
mod settings;

pub use env::env_vars;
pub use error::ConfigError;
pub use run::{PaperSection, RunSection, RunStrategy, StrategyMode, MAX_DEMO_SPEED, MAX_PAPER_LATENCY_MS, MAX_SLIPPAGE_TICKS, MAX_STATUS_EVERY_S, MAX_STRATEGY_SHARDS};
pub use settings::{cash_too_large, BacktestSection, Settings, SizingSection, StrategySection, DEFAULT_TOML, MAX_CASH};

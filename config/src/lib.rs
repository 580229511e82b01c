//! ShareWise typed configuration: the built-in defaults (`config/default.toml`), loading a user's
//! TOML on top of them, and validation whose errors name the key and line.
//!
//! ```
//! let settings = sharewise_config::Settings::from_toml_str("[backtest]\ncash = \"500000\"\n", "my.toml").unwrap();
//! assert_eq!(settings.backtest.cash.to_string(), "500000");
//! assert_eq!(settings.strategy.name, "sma_cross"); // from the defaults
//! ```

#![warn(missing_docs)]

mod error;
mod locate;
mod settings;

pub use error::ConfigError;
pub use settings::{cash_too_large, BacktestSection, Settings, SizingSection, StrategySection, DEFAULT_TOML, MAX_CASH};

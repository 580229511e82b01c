//! ShareWise typed configuration: the built-in defaults (`config/default.toml`), loading a user's
//! TOML and `SHAREWISE_*` environment overrides on top of them, and validation whose errors name
//! the key and line (or the variable).
//!
//! ```
//! let settings = sharewise_config::Settings::from_toml_str("[backtest]\ncash = \"500000\"\n", "my.toml").unwrap();
//! assert_eq!(settings.backtest.cash.to_string(), "500000");
//! assert_eq!(settings.strategy.name, "sma_cross"); // from the defaults
//! ```

mod accounts;
mod bounds;
mod connection;
mod env;
mod error;
mod locate;
mod run;
mod settings;

pub use accounts::{AccountPlan, AccountSection, BrokerKind, DEFAULT_ACCOUNT, MAX_ACCOUNT_NAME};
pub use bounds::{
    MAX_CHARGE_PCT, MAX_GST_PCT, MAX_ORDERS_PER_DAY, MAX_ORDERS_PER_SECOND, MAX_PCT, MAX_QTY,
    MAX_TIER_STRATEGIES,
};
pub use connection::{BrokerSection, DEFAULT_REDIRECT_LISTEN};
pub use env::env_vars;
pub use error::ConfigError;
pub use run::{
    PaperSection, RunSection, RunStrategy, StrategyMode, MAX_COMPARE_EVERY_S, MAX_CORE_ID,
    MAX_DEMO_SPEED, MAX_INBOX_CAPACITY, MAX_ORDER_QUEUE, MAX_PAPER_LATENCY_MS, MAX_RING_CAPACITY,
    MAX_SLIPPAGE_TICKS, MAX_SPIN_ITERATIONS, MAX_STATUS_EVERY_S, MAX_STRATEGY_SHARDS, MAX_WAIT_US,
};
pub use settings::{
    cash_too_large, BacktestSection, Settings, SizingSection, StrategySection, DEFAULT_TOML,
    MAX_CASH,
};

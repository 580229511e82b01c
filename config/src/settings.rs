//! The settings tree and how a user's file is merged over the defaults.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use sharewise_engine::backtest::{BacktestConfig, Commission, ZerodhaRates};
use sharewise_engine::strategy::Params;
use sharewise_engine::types::Product;
use sharewise_risk::{Limits, RiskConfig, Sizing};

use crate::locate::{path_line, user_paths, without};
use crate::ConfigError;

/// The built-in defaults, also shipped as `config/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../default.toml");

/// The largest starting cash, rupees: ₹10 lakh crore. Equity is kept in 1/10 000 rupee in an
/// `i64`, so much larger accounts (with the position's value on top) would overflow.
pub const MAX_CASH: i64 = 10_000_000_000_000;

/// The message for a starting cash above [`MAX_CASH`] (shared by the file and the `--cash` flag).
pub fn cash_too_large(cash: Decimal) -> String {
    format!("must be at most {MAX_CASH} (₹10 lakh crore; larger amounts overflow the fixed-point equity), got {cash}")
}

/// All settings.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The simulated account and exchange.
    pub backtest: BacktestSection,
    /// The strategy to run.
    pub strategy: StrategySection,
    /// Zerodha charge rates used when `backtest.commission = "zerodha"`.
    pub zerodha: ZerodhaRates,
    /// `[risk]`: the pre-trade checks beyond sizing and per-order limits (price band, position
    /// and exposure caps, order rate, daily loss, market hours, tiers); all off by default.
    #[serde(default)]
    pub risk: RiskConfig,
}

/// `[backtest]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BacktestSection {
    /// Starting cash, rupees.
    pub cash: Decimal,
    /// Adverse slippage in ticks.
    pub slippage_ticks: i64,
    /// `CNC` or `MIS`.
    pub product: Product,
    /// Whether SELL signals open shorts.
    pub allow_short: bool,
    /// `none` or `zerodha`.
    pub commission: String,
    /// `[backtest.sizing]`.
    pub sizing: SizingSection,
    /// `[backtest.limits]`.
    #[serde(default)]
    pub limits: Limits,
}

/// `[backtest.sizing]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SizingSection {
    /// `fixed_qty`, `fixed_value`, `percent_equity` or `risk_per_trade`.
    pub method: String,
    /// The amount for that method.
    pub value: Decimal,
}

/// `[strategy]`. In a user's file, one with a `name` replaces the default whole; one without keeps
/// the default name and merges its `params` over the default params.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StrategySection {
    /// Built-in strategy name.
    pub name: String,
    /// Its parameters (numbers or strings).
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
}

impl Settings {
    /// The built-in defaults.
    pub fn defaults() -> Settings {
        // The defaults are part of the binary and covered by tests, so this cannot fail at runtime.
        Settings::from_toml_str("", "defaults").unwrap_or_else(|e| panic!("built-in defaults are invalid: {e}"))
    }

    /// Reads `path` and merges it over the defaults.
    pub fn load(path: &std::path::Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        Settings::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses `text` (named `name` in errors) merged over the defaults, then validates it.
    ///
    /// A `[strategy]` with a `name` replaces the default strategy whole; one without a `name`
    /// keeps the default strategy and merges its `params` over the default params.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Settings, ConfigError> {
        let user: toml::Table = toml::from_str(text).map_err(|err| {
            let line = err.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            ConfigError::Invalid { path: name.to_string(), line, message: err.message().to_string() }
        })?;
        let settings = Settings::merged(&user).map_err(|err| {
            let message = err.message().to_string();
            // The error has no position: find the user's key whose removal makes it go away.
            let culprit = user_paths(&user).into_iter().find(|path| match Settings::merged(&without(&user, path)) {
                Ok(_) => true,
                Err(e) => e.message() != message,
            });
            let line = culprit.and_then(|path| path_line(text, &path));
            ConfigError::Invalid { path: name.to_string(), line, message }
        })?;
        settings.validate(name)?;
        Ok(settings)
    }

    /// The defaults with `user` merged over them, deserialised (not validated).
    fn merged(user: &toml::Table) -> Result<Settings, toml::de::Error> {
        let mut merged: toml::Table = toml::from_str(DEFAULT_TOML)?;
        let names_strategy = matches!(user.get("strategy"), Some(toml::Value::Table(t)) if t.contains_key("name"));
        if names_strategy {
            // A user's strategy replaces the default one whole: params of another strategy must not leak in.
            merged.remove("strategy");
        }
        merge(&mut merged, user.clone());
        Settings::deserialize(merged)
    }

    fn validate(&self, name: &str) -> Result<(), ConfigError> {
        let value_err = |key: &str, message: String| ConfigError::Value { path: name.to_string(), key: key.to_string(), message };
        let cash = self.backtest.cash;
        if cash <= Decimal::ZERO {
            return Err(value_err("backtest.cash", format!("must be positive, got {cash}")));
        }
        if cash > Decimal::from(MAX_CASH) {
            return Err(value_err("backtest.cash", cash_too_large(cash)));
        }
        if self.backtest.product == Product::Nrml {
            return Err(value_err("backtest.product", "NRML is a derivatives product; equity backtests use CNC (delivery) or MIS (intraday)".into()));
        }
        if self.backtest.slippage_ticks < 0 {
            return Err(value_err("backtest.slippage_ticks", format!("must be 0 or more, got {}", self.backtest.slippage_ticks)));
        }
        if self.risk.limits != Limits::default() {
            return Err(value_err("risk.limits", "per-order limits live in [backtest.limits]; move them there".into()));
        }
        self.risk.validate().map_err(|e| value_err("risk", e.to_string()))?;
        if let Some(q) = self.backtest.limits.max_order_qty.filter(|q| *q <= 0) {
            return Err(value_err("backtest.limits.max_order_qty", format!("must be positive, got {q}")));
        }
        if let Some(v) = self.backtest.limits.max_order_value.filter(|v| *v <= Decimal::ZERO) {
            return Err(value_err("backtest.limits.max_order_value", format!("must be positive, got {v}")));
        }
        self.commission().map_err(|m| value_err("backtest.commission", m))?;
        self.sizing().map_err(|m| value_err("backtest.sizing", m))?;
        let params = self.strategy_params().map_err(|m| value_err("strategy.params", m))?;
        sharewise_engine::strategy::build(&self.strategy.name, &params).map_err(|e| value_err("strategy", e.to_string()))?;
        Ok(())
    }

    /// The commission model named by `backtest.commission`.
    pub fn commission(&self) -> Result<Commission, String> {
        match self.backtest.commission.to_ascii_lowercase().as_str() {
            "none" => Ok(Commission::None),
            "zerodha" => Ok(Commission::Zerodha(self.zerodha.clone())),
            other => Err(format!("unknown commission model `{other}`; use \"none\" or \"zerodha\"")),
        }
    }

    /// The sizing rule of `[backtest.sizing]`.
    pub fn sizing(&self) -> Result<Sizing, String> {
        let v = self.backtest.sizing.value;
        let sizing = match self.backtest.sizing.method.as_str() {
            "fixed_qty" => {
                if !v.fract().is_zero() {
                    return Err(format!("fixed_qty needs a whole number of shares, got {v}"));
                }
                Sizing::FixedQty(v.try_into().map_err(|_| format!("fixed_qty {v} is out of range"))?)
            }
            "fixed_value" => Sizing::FixedValue(v),
            "percent_equity" => Sizing::PercentEquity(v),
            "risk_per_trade" => Sizing::RiskPerTrade(v),
            other => return Err(format!("unknown sizing method `{other}`; use fixed_qty, fixed_value, percent_equity or risk_per_trade")),
        };
        sizing.validate().map_err(|e| e.to_string())?;
        Ok(sizing)
    }

    /// `[strategy.params]` as engine parameters.
    pub fn strategy_params(&self) -> Result<Params, String> {
        let mut params = Params::new();
        for (key, value) in &self.strategy.params {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => return Err(format!("`{key}` must be a number or string, got {}", other.type_str())),
            };
            params.set(key, &text);
        }
        Ok(params)
    }

    /// The risk gate's configuration: `[risk]` with `[backtest.limits]` as its order limits.
    pub fn risk_config(&self) -> RiskConfig {
        RiskConfig { limits: self.backtest.limits, ..self.risk.clone() }
    }

    /// The engine's backtest settings.
    pub fn backtest_config(&self) -> Result<BacktestConfig, String> {
        Ok(BacktestConfig {
            initial_cash: self.backtest.cash,
            slippage_ticks: self.backtest.slippage_ticks,
            commission: self.commission()?,
            product: self.backtest.product,
            allow_short: self.backtest.allow_short,
        })
    }
}

/// Recursively overlays `user` on `base` (tables merge, other values replace).
fn merge(base: &mut toml::Table, user: toml::Table) {
    for (key, value) in user {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge(b, u),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let s = Settings::defaults();
        assert_eq!(s.backtest.cash, Decimal::from(1_000_000));
        assert_eq!(s.sizing().unwrap(), Sizing::FixedQty(10));
        assert_eq!(s.zerodha, ZerodhaRates::default(), "default.toml and the engine's defaults agree");
        assert_eq!(s.strategy_params().unwrap(), Params::parse(["fast=10", "slow=30"]).unwrap());
    }

    #[test]
    fn user_values_override_and_strategy_replaces_whole() {
        let s = Settings::from_toml_str("[strategy]\nname = \"rsi_reversion\"\nparams = { period = 7 }\n[backtest]\ncommission = \"zerodha\"\n", "u.toml").unwrap();
        assert_eq!(s.strategy.name, "rsi_reversion");
        assert_eq!(s.strategy_params().unwrap(), Params::parse(["period=7"]).unwrap());
        assert!(matches!(s.commission().unwrap(), Commission::Zerodha(_)));
        assert_eq!(s.backtest.cash, Decimal::from(1_000_000));
    }

    #[test]
    fn mistakes_name_the_key_and_line() {
        let err = Settings::from_toml_str("[backtest]\ncash = \"1000\"\nslipage_ticks = 2\n", "u.toml").unwrap_err().to_string();
        assert_eq!(err, "u.toml:3: unknown field `slipage_ticks`, expected one of `cash`, `slippage_ticks`, `product`, `allow_short`, `commission`, `sizing`, `limits`");
        let err = Settings::from_toml_str("[backtest]\ncash = \n", "u.toml").unwrap_err().to_string();
        assert!(err.starts_with("u.toml:2: "), "{err}");
        let err = Settings::from_toml_str("[backtest]\ncommission = \"icici\"\n", "u.toml").unwrap_err().to_string();
        assert_eq!(err, "u.toml: `backtest.commission`: unknown commission model `icici`; use \"none\" or \"zerodha\"");
        let err = Settings::from_toml_str("[strategy]\nname = \"sma_cross\"\nparams = { fast = 40 }\n", "u.toml").unwrap_err().to_string();
        assert_eq!(err, "u.toml: `strategy`: strategy `sma_cross`: fast (40) must be shorter than slow (30)");
        let err = Settings::from_toml_str("[backtest.sizing]\nmethod = \"percent_equity\"\nvalue = \"120\"\n", "u.toml").unwrap_err().to_string();
        assert!(err.contains("must be at most 100"), "{err}");
    }
}

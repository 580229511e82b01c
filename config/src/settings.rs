//! The settings tree and how a user's file is merged over the defaults.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Deserialize;
use sharewise_engine::backtest::{BacktestConfig, Commission, ZerodhaRates};
use sharewise_engine::strategy::Params;
use sharewise_engine::types::Product;
use sharewise_risk::{Limits, RiskConfig, Sizing};

use crate::accounts::{account_key, check_accounts, AccountPlan, AccountSection, BrokerKind};
use crate::env::EnvLayer;
use crate::locate::{dotted_key, key_path, path_line, user_paths, without, Seg};
use crate::run::{
    slippage_out_of_range, strategy_problem, toml_params, validate_runtime, PaperSection,
    RunSection, MAX_SLIPPAGE_TICKS,
};
use crate::{bounds, ConfigError};

/// A real broker account's default `risk.max_orders_per_second` (SEBI's limit without a registered
/// algo id).
pub const REAL_ORDERS_PER_SECOND: u32 = 10;

/// A real broker account's default `risk.max_orders_per_day` (Kite's per-user limit).
pub const REAL_ORDERS_PER_DAY: u32 = 5000;

/// The built-in defaults, also shipped as `config/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../default.toml");

/// The largest starting cash, rupees: ₹10 lakh crore. Equity is kept in 1/10 000 rupee in an
/// `i64`, so much larger accounts (with the position's value on top) would overflow.
pub const MAX_CASH: i64 = 10_000_000_000_000;

/// The message for a starting cash above [`MAX_CASH`] (shared by the file and the `--cash` flag).
pub fn cash_too_large(cash: Decimal) -> String {
    format!("must be at most {MAX_CASH} (₹10 lakh crore; larger amounts overflow the fixed-point equity), got {cash}")
}

/// The values of `backtest.sizing.method`.
const SIZING_METHODS: &[&str] = &[
    "fixed_qty",
    "fixed_value",
    "percent_equity",
    "risk_per_trade",
];

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
    /// `[run]`: the live daemon (`sharewise run`).
    pub run: RunSection,
    /// `[paper]`: how the paper broker simulates the exchange.
    pub paper: PaperSection,
    /// `[runtime]`: thread placement and ring sizes (see `sharewise_actors::Placement`).
    #[serde(default)]
    pub runtime: sharewise_actors::Placement,
    /// `[[accounts]]`: the accounts the daemon trades (none: one paper account,
    /// [`crate::DEFAULT_ACCOUNT`], with the rules above).
    #[serde(default)]
    pub accounts: Vec<AccountSection>,
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
        Settings::from_toml_str("", "defaults")
            .unwrap_or_else(|e| panic!("built-in defaults are invalid: {e}"))
    }

    /// Reads `path` and merges it over the defaults (no environment overrides).
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        Settings::from_toml_str(&read(path)?, &path.display().to_string())
    }

    /// The defaults, then `file` (if any), then the `SHAREWISE_*` variables of `env`, validated.
    ///
    /// `SHAREWISE_<SECTION>__<KEY>[__<SUBKEY>…]=VALUE` sets `section.key.subkey` (double
    /// underscores separate keys; names are lower-cased), e.g. `SHAREWISE_RUN__DEMO_SPEED=600` or
    /// `SHAREWISE_BACKTEST__SIZING__VALUE=5`. VALUE is read as TOML, or as a string when it is not
    /// TOML (`SHAREWISE_BACKTEST__PRODUCT=MIS`). Other variables are ignored, as are
    /// `SHAREWISE_BENCH_*`, `SHAREWISE_LOG` and `SHAREWISE_CONFIG`; an unknown section is an
    /// error. As in a file, a `strategy` with a `name` replaces the strategy below it whole.
    /// Errors caused by a variable name it ([`ConfigError::Env`]); those of the file keep its line.
    pub fn load_layers(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let text = file.map(read).transpose()?;
        let env = EnvLayer::parse(env)?;
        match file {
            Some(path) => Settings::layered(
                text.as_deref().unwrap_or(""),
                &path.display().to_string(),
                &env,
            ),
            None => Settings::layered("", "environment", &env),
        }
    }

    /// Parses `text` (named `name` in errors) merged over the defaults, then validates it.
    ///
    /// A `[strategy]` with a `name` replaces the default strategy whole; one without a `name`
    /// keeps the default strategy and merges its `params` over the default params.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Settings, ConfigError> {
        Settings::layered(text, name, &EnvLayer::default())
    }

    /// The defaults, the file `text` and the environment overrides `env`, validated; an error is
    /// blamed on the variable, or else the file line, without which it goes away.
    fn layered(text: &str, name: &str, env: &EnvLayer) -> Result<Settings, ConfigError> {
        let user: toml::Table = toml::from_str(text).map_err(|err| {
            let line = err
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            ConfigError::Invalid {
                path: name.to_string(),
                line,
                key: None,
                message: err.message().to_string(),
            }
        })?;
        let attempt = |user: &toml::Table, env: &toml::Table| -> Result<Settings, Failure> {
            let settings = Settings::merged(user, env).map_err(Failure::Parse)?;
            settings.validate(name).map_err(Failure::Value)?;
            Ok(settings)
        };
        let failure = match attempt(&user, &env.table) {
            Ok(settings) => return Ok(settings),
            Err(failure) => failure,
        };
        let failed = failure.text();
        let same =
            |result: Result<Settings, Failure>| matches!(result, Err(f) if f.text() == failed);
        // The environment is the top layer: a variable without which the error goes away is its cause.
        if let Some(var) = env
            .vars
            .iter()
            .find(|v| !same(attempt(&user, &env.without(v))))
        {
            let message = match &failure {
                Failure::Parse(err) => err.message().to_string(),
                Failure::Value(ConfigError::Value { key, message, .. }) => {
                    format!("`{key}`: {message}")
                }
                Failure::Value(other) => other.to_string(),
            };
            return Err(ConfigError::Env {
                var: var.name.clone(),
                value: Some(var.value.clone()),
                message,
            });
        }
        match failure {
            // The file sets the key (or its table) at this line; `None` when the value is not the file's.
            Failure::Value(ConfigError::Value {
                path, key, message, ..
            }) => Err(ConfigError::Value {
                line: path_line(text, &key_path(&key)),
                path,
                key,
                message,
            }),
            Failure::Value(err) => Err(err),
            Failure::Parse(err) => {
                // The error has no position: find the user's key whose removal makes it go away.
                let culprit = user_paths(&user).into_iter().find(|path| {
                    let result = attempt(&without(&user, path), &env.table);
                    // Removing a required key (an array entry's `name`, which has no default to
                    // fall back on) only brings a new error of its own: that is no evidence.
                    let required = matches!((&result, path.last()), (Err(Failure::Parse(e)), Some(Seg::Key(k))) if e.message() == format!("missing field `{k}`"));
                    !required && !same(result)
                });
                let line = culprit.as_ref().and_then(|path| path_line(text, path));
                let key = culprit.map(|path| dotted_key(&path));
                Err(ConfigError::Invalid {
                    path: name.to_string(),
                    line,
                    key,
                    message: err.message().to_string(),
                })
            }
        }
    }

    /// The defaults with `user`, then `env`, merged over them, deserialised (not validated).
    fn merged(user: &toml::Table, env: &toml::Table) -> Result<Settings, toml::de::Error> {
        // Parsed once: the culprit searches merge dozens of times.
        static DEFAULTS: OnceLock<toml::Table> = OnceLock::new();
        let mut merged = DEFAULTS
            .get_or_init(|| {
                toml::from_str(DEFAULT_TOML).expect("default.toml is valid TOML (tested)")
            })
            .clone();
        overlay(&mut merged, user.clone());
        overlay(&mut merged, env.clone());
        Settings::deserialize(merged)
    }

    fn validate(&self, name: &str) -> Result<(), ConfigError> {
        let value_err = |key: &str, message: String| ConfigError::Value {
            path: name.to_string(),
            line: None,
            key: key.to_string(),
            message,
        };
        let cash = self.backtest.cash;
        if cash <= Decimal::ZERO {
            return Err(value_err(
                "backtest.cash",
                format!("must be positive, got {cash}"),
            ));
        }
        if cash > Decimal::from(MAX_CASH) {
            return Err(value_err("backtest.cash", cash_too_large(cash)));
        }
        if self.backtest.product == Product::Nrml {
            return Err(value_err("backtest.product", "NRML is a derivatives product; equity backtests use CNC (delivery) or MIS (intraday)".into()));
        }
        if !(0..=MAX_SLIPPAGE_TICKS).contains(&self.backtest.slippage_ticks) {
            return Err(value_err(
                "backtest.slippage_ticks",
                slippage_out_of_range(self.backtest.slippage_ticks),
            ));
        }
        if self.risk.limits != Limits::default() {
            return Err(value_err(
                "risk.limits",
                "per-order limits live in [backtest.limits]; move them there".into(),
            ));
        }
        let problem = |(key, message): (String, String)| value_err(&key, message);
        bounds::check_risk(&self.risk).map_err(problem)?;
        self.risk
            .validate()
            .map_err(|e| value_err("risk", e.to_string()))?;
        bounds::check_limits("backtest.limits", &self.backtest.limits).map_err(problem)?;
        self.commission()
            .map_err(|m| value_err("backtest.commission", m))?;
        bounds::check_zerodha(&self.zerodha).map_err(problem)?;
        let method = self.backtest.sizing.method.as_str();
        if !SIZING_METHODS.contains(&method) {
            self.sizing()
                .map_err(|m| value_err("backtest.sizing.method", m))?;
        }
        bounds::check_sizing_value(method, self.backtest.sizing.value).map_err(problem)?;
        self.sizing()
            .map_err(|m| value_err("backtest.sizing.value", m))?;
        let params = self
            .strategy_params()
            .map_err(|m| value_err("strategy.params", m))?;
        sharewise_engine::strategy::build(&self.strategy.name, &params)
            .map_err(|e| problem(strategy_problem("strategy", e)))?;
        self.run.validate().map_err(problem)?;
        self.paper.validate().map_err(problem)?;
        validate_runtime(&self.runtime).map_err(problem)?;
        self.validate_accounts(name)
    }

    /// Checks `[[accounts]]`: each account's own rules as the settings it trades with, a
    /// mistake named by the account's key.
    fn validate_accounts(&self, name: &str) -> Result<(), ConfigError> {
        let ids: Vec<String> = self
            .run
            .strategies
            .iter()
            .map(|s| s.id().to_string())
            .collect();
        check_accounts(&self.accounts, &ids, &self.run.feed).map_err(|(key, message)| {
            ConfigError::Value {
                path: name.to_string(),
                line: None,
                key,
                message,
            }
        })?;
        for (k, account) in self.accounts.iter().enumerate() {
            match self.for_account(account).validate(name) {
                Ok(()) => {}
                Err(ConfigError::Value {
                    path,
                    line,
                    key,
                    message,
                }) => {
                    return Err(ConfigError::Value {
                        path,
                        line,
                        key: account_key(account, k, &key).unwrap_or(key),
                        message,
                    })
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// The settings `account` trades with: these, with `[backtest]` and `[risk]` replaced by
    /// the account's own where it sets them (and no `[[accounts]]`).
    pub fn for_account(&self, account: &AccountSection) -> Settings {
        let mut s = self.clone();
        s.accounts.clear();
        if let Some(cash) = account.cash {
            s.backtest.cash = cash;
        }
        if let Some(product) = account.product {
            s.backtest.product = product;
        }
        if let Some(allow_short) = account.allow_short {
            s.backtest.allow_short = allow_short;
        }
        if let Some(sizing) = &account.sizing {
            s.backtest.sizing = sizing.clone();
        }
        if let Some(limits) = account.limits {
            s.backtest.limits = limits;
        }
        if let Some(risk) = &account.risk {
            s.risk = risk.clone();
        }
        // SEBI: at most 10 orders a second per client without an exchange-registered algo, and
        // Kite's 5000 a day: a real account's risk says so unless it sets its own.
        if account.broker != BrokerKind::Paper {
            s.risk
                .max_orders_per_second
                .get_or_insert(REAL_ORDERS_PER_SECOND);
            s.risk.max_orders_per_day.get_or_insert(REAL_ORDERS_PER_DAY);
        }
        s
    }

    /// The plan of an account added to a running daemon: `section` checked as an
    /// `[[accounts]]` entry beside the accounts already there (`names`), errors named by its
    /// keys (`name` in errors: where the request came from).
    pub fn plan_for(
        &self,
        section: AccountSection,
        names: &[String],
        name: &str,
    ) -> Result<AccountPlan, ConfigError> {
        let mut with = self.clone();
        with.accounts = names
            .iter()
            .map(|n| AccountSection {
                name: n.clone(),
                ..AccountSection::default()
            })
            .chain(std::iter::once(section.clone()))
            .collect();
        with.validate_accounts(name)?;
        Ok(self.plan_of(&section))
    }

    /// What `[[accounts]]` entry `account` trades with and follows.
    fn plan_of(&self, account: &AccountSection) -> AccountPlan {
        AccountPlan {
            name: account.name.clone(),
            broker: account.broker,
            connection: account.connection().cloned(),
            settings: self.for_account(account),
            follows: self
                .run
                .strategies
                .iter()
                .map(|s| match &account.strategies {
                    None => Some(s.mode),
                    Some(chosen) => chosen.get(s.id()).copied(),
                })
                .collect(),
        }
    }

    /// The accounts to trade: `[[accounts]]`, or one paper account named
    /// [`crate::DEFAULT_ACCOUNT`] following every strategy in its own mode.
    pub fn account_plans(&self) -> Vec<AccountPlan> {
        if self.accounts.is_empty() {
            let mut settings = self.clone();
            settings.accounts.clear();
            return vec![AccountPlan {
                name: crate::DEFAULT_ACCOUNT.to_string(),
                broker: BrokerKind::Paper,
                follows: self.run.strategies.iter().map(|s| Some(s.mode)).collect(),
                settings,
                connection: None,
            }];
        }
        self.accounts.iter().map(|a| self.plan_of(a)).collect()
    }

    /// The commission model named by `backtest.commission`.
    pub fn commission(&self) -> Result<Commission, String> {
        match self.backtest.commission.to_ascii_lowercase().as_str() {
            "none" => Ok(Commission::None),
            "zerodha" => Ok(Commission::Zerodha(self.zerodha.clone())),
            other => Err(format!(
                "unknown commission model `{other}`; use \"none\" or \"zerodha\""
            )),
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
        toml_params(&self.strategy.params)
    }

    /// The risk gate's configuration: `[risk]` with `[backtest.limits]` as its order limits.
    pub fn risk_config(&self) -> RiskConfig {
        RiskConfig {
            limits: self.backtest.limits,
            ..self.risk.clone()
        }
    }

    /// The engine's backtest settings.
    pub fn backtest_config(&self) -> Result<BacktestConfig, String> {
        Ok(BacktestConfig {
            initial_cash: self.backtest.cash,
            slippage_ticks: self.backtest.slippage_ticks,
            commission: self.commission()?,
            product: self.backtest.product,
            allow_short: self.backtest.allow_short,
            // One position rule for backtest and live: `[run] trailing_stop_pct` trails both.
            trailing_stop_bps: self.run.trailing_stop_bps(),
        })
    }
}

/// Why a layering attempt failed.
enum Failure {
    /// The merged tree does not deserialise (unknown key, wrong type).
    Parse(toml::de::Error),
    /// A value that deserialises but is refused by validation.
    Value(ConfigError),
}

impl Failure {
    /// Text to tell two failures apart.
    fn text(&self) -> String {
        match self {
            Failure::Parse(err) => err.message().to_string(),
            Failure::Value(err) => err.to_string(),
        }
    }
}

/// Reads a settings file.
fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Overlays one layer: a `strategy` with a `name` replaces the one below whole (params of another
/// strategy must not leak in); everything else merges key by key.
fn overlay(base: &mut toml::Table, layer: toml::Table) {
    if matches!(layer.get("strategy"), Some(toml::Value::Table(t)) if t.contains_key("name")) {
        base.remove("strategy");
    }
    merge(base, layer);
}

/// Recursively overlays `user` on `base` (tables merge, other values, arrays included, replace).
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
        assert_eq!(
            s.zerodha,
            ZerodhaRates::default(),
            "default.toml and the engine's defaults agree"
        );
        assert_eq!(
            s.strategy_params().unwrap(),
            Params::parse(["fast=10", "slow=30"]).unwrap()
        );
    }

    #[test]
    fn user_values_override_and_strategy_replaces_whole() {
        let s = Settings::from_toml_str("[strategy]\nname = \"rsi_reversion\"\nparams = { period = 7 }\n[backtest]\ncommission = \"zerodha\"\n", "u.toml").unwrap();
        assert_eq!(s.strategy.name, "rsi_reversion");
        assert_eq!(
            s.strategy_params().unwrap(),
            Params::parse(["period=7"]).unwrap()
        );
        assert!(matches!(s.commission().unwrap(), Commission::Zerodha(_)));
        assert_eq!(s.backtest.cash, Decimal::from(1_000_000));
    }

    #[test]
    fn mistakes_name_the_key_and_line() {
        let err =
            Settings::from_toml_str("[backtest]\ncash = \"1000\"\nslipage_ticks = 2\n", "u.toml")
                .unwrap_err()
                .to_string();
        assert_eq!(err, "u.toml:3: `backtest.slipage_ticks`: unknown field `slipage_ticks`, expected one of `cash`, `slippage_ticks`, `product`, `allow_short`, `commission`, `sizing`, `limits`");
        let err = Settings::from_toml_str("[backtest]\ncash = \n", "u.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("u.toml:2: "), "{err}");
        let err = Settings::from_toml_str("[backtest]\ncommission = \"icici\"\n", "u.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "u.toml:2: `backtest.commission`: unknown commission model `icici`; use \"none\" or \"zerodha\"");
        let err = Settings::from_toml_str(
            "[strategy]\nname = \"sma_cross\"\nparams = { fast = 40 }\n",
            "u.toml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "u.toml:3: `strategy.params`: strategy `sma_cross`: fast (40) must be shorter than slow (30)");
        let err = Settings::from_toml_str(
            "[backtest.sizing]\nmethod = \"percent_equity\"\nvalue = \"120\"\n",
            "u.toml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "u.toml:3: `backtest.sizing.value`: must be more than 0 and at most 100 percent of equity for percent_equity, got 120");
        let err = Settings::from_toml_str("[backtest.sizing]\nmethod = \"fixed_qtty\"\n", "u.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "u.toml:2: `backtest.sizing.method`: unknown sizing method `fixed_qtty`"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_environments_sections_are_the_settings_sections() {
        let err = Settings::from_toml_str("[foo]\n", "u.toml")
            .unwrap_err()
            .to_string();
        let listed: Vec<String> = crate::env::SECTIONS
            .iter()
            .map(|s| format!("`{s}`"))
            .collect();
        assert!(
            err.ends_with(&format!("expected one of {}", listed.join(", "))),
            "{err}"
        );
    }
}

//! `[[accounts]]`: the trading accounts one daemon runs side by side.
//!
//! Each account follows some of `[[run.strategies]]` (by `id`) in its own mode and has its own
//! cash, product, sizing, per-order limits and `[risk]` — what it leaves out it takes from
//! `[backtest]` and `[risk]`. Without any `[[accounts]]` the daemon trades one paper account,
//! [`DEFAULT_ACCOUNT`], following every strategy in its `[[run.strategies]]` mode: today's
//! behaviour. An account's rules are checked exactly as `[backtest]` and `[risk]` are, by
//! checking the settings it trades with ([`crate::Settings::for_account`]); a mistake is named by
//! its own key (`accounts[1].sizing.value`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use sharewise_engine::types::Product;
use sharewise_risk::{Limits, RiskConfig};

use crate::connection::BrokerSection;
use crate::run::{Problem, StrategyMode};
use crate::settings::SizingSection;

/// The account a daemon trades when the settings name none.
pub const DEFAULT_ACCOUNT: &str = "main";

/// The longest account name.
pub const MAX_ACCOUNT_NAME: usize = 32;

/// Where an account's orders go.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BrokerKind {
    /// The built-in paper broker (a simulated exchange fed by the daemon's own feed).
    #[default]
    Paper,
    /// Zerodha Kite Connect.
    Kite,
    /// Upstox.
    Upstox,
    /// AliceBlue.
    Aliceblue,
}

impl BrokerKind {
    /// The name used in settings.
    pub fn as_str(self) -> &'static str {
        match self {
            BrokerKind::Paper => "paper",
            BrokerKind::Kite => "kite",
            BrokerKind::Upstox => "upstox",
            BrokerKind::Aliceblue => "aliceblue",
        }
    }

    /// The broker's name in messages: `paper`, `Kite`, `Upstox`, `AliceBlue`.
    pub fn title(self) -> &'static str {
        match self {
            BrokerKind::Paper => "paper",
            BrokerKind::Kite => "Kite",
            BrokerKind::Upstox => "Upstox",
            BrokerKind::Aliceblue => "AliceBlue",
        }
    }

    /// The title with its article: `a Kite`, `an Upstox`.
    pub fn a_title(self) -> String {
        match self {
            BrokerKind::Upstox | BrokerKind::Aliceblue => format!("an {}", self.title()),
            _ => format!("a {}", self.title()),
        }
    }
}

/// One `[[accounts]]` entry as written; what it leaves out comes from `[backtest]` and `[risk]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountSection {
    /// Unique name: 1 to [`MAX_ACCOUNT_NAME`] of `A-Z a-z 0-9 _ -`.
    pub name: String,
    /// Where its orders go.
    #[serde(default)]
    pub broker: BrokerKind,
    /// Starting cash of a paper account, rupees (default `backtest.cash`).
    #[serde(default)]
    pub cash: Option<Decimal>,
    /// `CNC` or `MIS` (default `backtest.product`).
    #[serde(default)]
    pub product: Option<Product>,
    /// Whether SELL signals open shorts (default `backtest.allow_short`).
    #[serde(default)]
    pub allow_short: Option<bool>,
    /// Sizing (default `[backtest.sizing]`).
    #[serde(default)]
    pub sizing: Option<SizingSection>,
    /// Per-order limits (default `[backtest.limits]`); replaces them whole.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Pre-trade checks (default `[risk]`); replaces `[risk]` whole for this account.
    #[serde(default)]
    pub risk: Option<RiskConfig>,
    /// Strategy id → mode for the strategies it follows (default: every strategy in its own
    /// `mode`). A strategy's id is its `id`, or its `name` when it has none.
    #[serde(default)]
    pub strategies: Option<BTreeMap<String, StrategyMode>>,
    /// How a `broker = "kite"` account reaches Kite (`[accounts.kite]`).
    #[serde(default)]
    pub kite: Option<BrokerSection>,
    /// How a `broker = "upstox"` account reaches Upstox (`[accounts.upstox]`).
    #[serde(default)]
    pub upstox: Option<BrokerSection>,
}

impl AccountSection {
    /// The connection table of its broker (`[accounts.kite]` of a Kite account, ...).
    pub fn connection(&self) -> Option<&BrokerSection> {
        match self.broker {
            BrokerKind::Kite => self.kite.as_ref(),
            BrokerKind::Upstox => self.upstox.as_ref(),
            BrokerKind::Paper | BrokerKind::Aliceblue => None,
        }
    }
}

/// An account as the daemon runs it.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountPlan {
    /// Its name.
    pub name: String,
    /// Where its orders go.
    pub broker: BrokerKind,
    /// The settings it trades with: the daemon's, with `[backtest]` and `[risk]` replaced by the
    /// account's own where it sets them.
    pub settings: crate::Settings,
    /// Per `[[run.strategies]]` entry (same order): the mode it follows it in, or `None`.
    pub follows: Vec<Option<StrategyMode>>,
    /// A real broker account's connection settings (its `[accounts.kite]` or
    /// `[accounts.upstox]`).
    pub connection: Option<BrokerSection>,
}

/// Checks an account name.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_ACCOUNT_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{name}` is not an account name: use 1 to {MAX_ACCOUNT_NAME} letters, digits, `_` or `-` (it names a directory)"))
    }
}

/// Checks what does not depend on the derived settings: names unique, the broker available,
/// followed strategies known by one id each.
pub(crate) fn check_accounts(
    accounts: &[AccountSection],
    strategy_ids: &[String],
    feed: &str,
) -> Result<(), Problem> {
    for (k, account) in accounts.iter().enumerate() {
        let key = |field: &str| format!("accounts[{k}].{field}");
        check_name(&account.name).map_err(|m| (key("name"), m))?;
        if accounts[..k].iter().any(|a| a.name == account.name) {
            return Err((
                key("name"),
                format!(
                    "two accounts are named `{}`; names must differ",
                    account.name
                ),
            ));
        }
        check_connection(account).map_err(|(k, m)| (key(&k), m))?;
        for id in account.strategies.iter().flat_map(|s| s.keys()) {
            match strategy_ids.iter().filter(|s| *s == id).count() {
                1 => {}
                0 => {
                    return Err((
                        key("strategies"),
                        format!(
                            "no [[run.strategies]] entry has the id `{id}`; ids are {}",
                            strategy_ids.join(", ")
                        ),
                    ))
                }
                _ => {
                    return Err((key("strategies"), format!("several [[run.strategies]] entries have the id `{id}`; give each an `id = \"...\"` of its own")))
                }
            }
        }
    }
    check_feed_matches(accounts, feed)
}

/// The broker's connection table: present for a real broker (and checked), absent for paper,
/// never another broker's. `Err((key under accounts[k], message))`.
fn check_connection(account: &AccountSection) -> Result<(), Problem> {
    let broker = account.broker;
    for (name, table) in [("kite", &account.kite), ("upstox", &account.upstox)] {
        if table.is_some() && broker.as_str() != name {
            return Err((
                name.into(),
                format!(
                    "[accounts.{name}] belongs to broker = \"{name}\" accounts; this one is `{}`",
                    broker.as_str()
                ),
            ));
        }
    }
    match (broker, account.connection()) {
        (BrokerKind::Paper, _) => Ok(()),
        (BrokerKind::Kite | BrokerKind::Upstox, Some(section)) => section
            .check(broker)
            .map_err(|(k, m)| (format!("{}.{k}", broker.as_str()), m)),
        (BrokerKind::Kite | BrokerKind::Upstox, None) => Err((broker.as_str().into(), format!("{} account needs its [accounts.{}] table: api_key, api_secret_env (or api_secret_file), and egress_ip for real orders", broker.a_title(), broker.as_str()))),
        (BrokerKind::Aliceblue, _) => Err(("broker".into(), "the `aliceblue` adapter is not in this build yet; use \"paper\" (the simulated exchange), \"kite\" or \"upstox\"".into())),
    }
}

/// A real broker's account trades on that broker's market prices only, and a `kite:ACCOUNT`
/// (or `upstox:ACCOUNT`) feed names an account of that broker. A real account's prices come from
/// a broker's feed: its own broker's, or another real broker's (the same exchange's prices).
/// (An account's own derived settings have no accounts: they are checked with the whole file,
/// and the daemon refuses a broker feed without its account.)
fn check_feed_matches(accounts: &[AccountSection], feed: &str) -> Result<(), Problem> {
    let key = || "run.feed".to_string();
    if accounts.is_empty() {
        return Ok(());
    }
    if let Some((broker, name)) = crate::run::broker_feed(feed) {
        return match accounts.iter().find(|a| a.name == name) {
            Some(a) if a.broker == broker => Ok(()),
            Some(_) => Err((key(), format!("`{name}` is not {} account: the {} feed needs an account with broker = \"{}\" and its session", broker.a_title(), broker.title(), broker.as_str()))),
            None => Err((key(), format!("no [[accounts]] entry is named `{name}`; the {} feed runs through {} account's session", broker.title(), broker.a_title()))),
        };
    }
    match accounts.iter().find(|a| a.broker != BrokerKind::Paper) {
        Some(real) => Err((key(), format!("account `{}` trades real money through {}, on market prices only: set [run] feed = \"{}:{}\" (the {} feed is for paper accounts)", real.name, real.broker.as_str(), real.broker.as_str(), real.name, feed.split(':').next().unwrap_or(feed)))),
        None => Ok(()),
    }
}

/// The account's key for a problem found in its derived settings: `backtest.cash` of account
/// `k` is `accounts[k].cash`, and so on; `None` when the account does not set that key (then
/// the daemon's own settings are at fault, and are checked first).
pub(crate) fn account_key(account: &AccountSection, k: usize, key: &str) -> Option<String> {
    let map = |from: &str, to: &str, set: bool| -> Option<String> {
        let rest = key.strip_prefix(from)?;
        (rest.is_empty() || rest.starts_with('.')).then_some(())?;
        set.then(|| format!("accounts[{k}].{to}{rest}"))
    };
    map("backtest.cash", "cash", account.cash.is_some())
        .or_else(|| map("backtest.product", "product", account.product.is_some()))
        .or_else(|| map("backtest.sizing", "sizing", account.sizing.is_some()))
        .or_else(|| map("backtest.limits", "limits", account.limits.is_some()))
        .or_else(|| map("risk", "risk", account.risk.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_directory_safe() {
        assert!(check_name("alice_01-x").is_ok());
        for bad in ["", "a/b", "..", "a b", &"x".repeat(33)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    fn settings(text: &str) -> Result<crate::Settings, String> {
        crate::Settings::from_toml_str(text, "a.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn without_accounts_one_main_account_follows_every_strategy_in_its_mode() {
        let s = settings("").unwrap();
        let plans = s.account_plans();
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].name, DEFAULT_ACCOUNT);
        assert_eq!(
            plans[0].follows,
            vec![Some(StrategyMode::Auto), Some(StrategyMode::Manual)]
        );
        assert_eq!(plans[0].settings.backtest, s.backtest);
    }

    #[test]
    fn an_account_overrides_what_it_sets_and_follows_what_it_names() {
        let s = settings(
            "[[accounts]]\nname = \"big\"\ncash = \"5000000\"\nsizing = { method = \"fixed_qty\", value = \"100\" }\n\n[[accounts]]\nname = \"small\"\nlimits = { max_order_qty = 5 }\nrisk = { daily_loss_limit = \"1000\" }\nstrategies = { rsi_reversion = \"auto\" }\n",
        )
        .unwrap();
        let plans = s.account_plans();
        let (big, small) = (&plans[0], &plans[1]);
        assert_eq!(big.settings.backtest.cash, Decimal::from(5_000_000));
        assert_eq!(
            big.settings.sizing().unwrap(),
            sharewise_risk::Sizing::FixedQty(100)
        );
        assert_eq!(
            big.follows,
            vec![Some(StrategyMode::Auto), Some(StrategyMode::Manual)]
        );
        assert_eq!(small.settings.backtest.cash, Decimal::from(1_000_000));
        assert_eq!(small.settings.backtest.limits.max_order_qty, Some(5));
        assert_eq!(
            small.settings.risk.daily_loss_limit,
            Some(Decimal::from(1000))
        );
        assert_eq!(small.follows, vec![None, Some(StrategyMode::Auto)]);
    }

    #[test]
    fn an_accounts_mistake_is_named_by_its_own_key_and_line() {
        let err = settings("[[accounts]]\nname = \"a\"\n\n[[accounts]]\nname = \"b\"\nsizing = { method = \"percent_equity\", value = \"120\" }\n").unwrap_err();
        assert_eq!(err, "a.toml:6: `accounts[1].sizing.value`: must be more than 0 and at most 100 percent of equity for percent_equity, got 120");
        let err = settings("[[accounts]]\nname = \"a\"\ncash = \"-5\"\n").unwrap_err();
        assert_eq!(
            err,
            "a.toml:3: `accounts[0].cash`: must be positive, got -5"
        );
        let err = settings("[[accounts]]\nname = \"a\"\n[[accounts]]\nname = \"a\"\n").unwrap_err();
        assert!(
            err.contains("`accounts[1].name`: two accounts are named `a`"),
            "{err}"
        );
        let err =
            settings("[[accounts]]\nname = \"a\"\nstrategies = { macd = \"auto\" }\n").unwrap_err();
        assert!(err.contains("`accounts[0].strategies`: no [[run.strategies]] entry has the id `macd`; ids are sma_cross, rsi_reversion"), "{err}");
        let err = settings("[[accounts]]\nname = \"k\"\nbroker = \"kite\"\n").unwrap_err();
        assert!(
            err.contains("`accounts[0].kite`: a Kite account needs its [accounts.kite] table"),
            "{err}"
        );
        let err = settings("[[accounts]]\nname = \"k\"\nbroker = \"kite\"\n[accounts.kite]\napi_key = \"k\"\napi_secret_env = \"S\"\nmarket_protection = 0\n").unwrap_err();
        assert!(
            err.contains("`accounts[0].kite.market_protection`: 0 is not a protection"),
            "{err}"
        );
        let err = settings("[[accounts]]\nname = \"u\"\nbroker = \"upstox\"\n").unwrap_err();
        assert!(
            err.contains(
                "`accounts[0].upstox`: an Upstox account needs its [accounts.upstox] table"
            ),
            "{err}"
        );
        let err = settings("[[accounts]]\nname = \"u\"\nbroker = \"upstox\"\n[accounts.kite]\napi_key = \"k\"\napi_secret_env = \"S\"\n").unwrap_err();
        assert!(
            err.contains("`accounts[0].kite`: [accounts.kite] belongs to broker = \"kite\" accounts; this one is `upstox`"),
            "{err}"
        );
        let err = settings("[[accounts]]\nname = \"a\"\nbroker = \"aliceblue\"\n").unwrap_err();
        assert!(
            err.contains("`accounts[0].broker`: the `aliceblue` adapter is not in this build yet"),
            "{err}"
        );
        let upstox_account = "[[accounts]]\nname = \"u\"\nbroker = \"upstox\"\n[accounts.upstox]\napi_key = \"k\"\napi_secret_env = \"S\"\nsandbox = \"127.0.0.1:8095\"\n";
        let err = settings(&format!("[run]\nfeed = \"kite:u\"\n{upstox_account}")).unwrap_err();
        assert!(
            err.contains("`run.feed`: `u` is not a Kite account"),
            "{err}"
        );
        let upstox = settings(&format!("[run]\nfeed = \"upstox:u\"\n{upstox_account}")).unwrap();
        let plan = &upstox.account_plans()[0];
        assert_eq!(
            (
                plan.broker,
                plan.connection.as_ref().unwrap().sandbox.as_deref()
            ),
            (BrokerKind::Upstox, Some("127.0.0.1:8095"))
        );
        assert_eq!(plan.settings.risk.max_orders_per_second, Some(10));
        let kite_account = "[[accounts]]\nname = \"k\"\nbroker = \"kite\"\n[accounts.kite]\napi_key = \"k\"\napi_secret_env = \"S\"\nsandbox = \"127.0.0.1:8091\"\n";
        let err = settings(kite_account).unwrap_err();
        assert!(err.contains("`run.feed`: account `k` trades real money through kite, on market prices only: set [run] feed = \"kite:k\""), "{err}");
        let err = settings(&format!("[run]\nfeed = \"kite:x\"\n{kite_account}")).unwrap_err();
        assert!(
            err.contains("`run.feed`: no [[accounts]] entry is named `x`"),
            "{err}"
        );
        let kite = settings(&format!("[run]\nfeed = \"kite:k\"\n{kite_account}")).unwrap();
        assert_eq!(kite.run.kite_feed(), Some("k"));
        // A real account's risk holds SEBI's 10 orders/s and Kite's 5000/day unless it says otherwise.
        let risk = &kite.account_plans()[0].settings.risk;
        assert_eq!(
            (risk.max_orders_per_second, risk.max_orders_per_day),
            (Some(10), Some(5000))
        );
        let with_own = kite_account.replace(
            "[accounts.kite]",
            "risk = { max_orders_per_second = 4 }\n[accounts.kite]",
        );
        let own = settings(&format!("[run]\nfeed = \"kite:k\"\n{with_own}")).unwrap();
        assert_eq!(
            own.account_plans()[0].settings.risk.max_orders_per_second,
            Some(4)
        );
        let plan = &kite.account_plans()[0];
        assert_eq!(plan.broker, BrokerKind::Kite);
        assert_eq!(
            plan.connection.as_ref().unwrap().sandbox.as_deref(),
            Some("127.0.0.1:8091")
        );
        let err = settings("[[accounts]]\nname = \"../x\"\n").unwrap_err();
        assert!(
            err.contains("`accounts[0].name`: `../x` is not an account name"),
            "{err}"
        );
    }
}

//! The live daemon's sections: `[run]` (feed, symbols, strategies), `[paper]` (the simulated
//! broker) and the checks of those and of `[runtime]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use sharewise_actors::{OnFailure, Placement, WaitMode};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::strategy::{ParamError, Params, StrategyError};

/// A problem found by a check: the dotted key at fault and what is wrong with it.
pub(crate) type Problem = (String, String);

/// Prefix of a Kite feed, `kite:ACCOUNT`.
pub const KITE_FEED: &str = "kite:";

/// Prefix of an Upstox feed, `upstox:ACCOUNT`.
pub const UPSTOX_FEED: &str = "upstox:";

/// The broker and account of a broker feed (`kite:ACCOUNT`, `upstox:ACCOUNT`); `None` for the
/// synthetic and replay feeds.
pub fn broker_feed(feed: &str) -> Option<(crate::BrokerKind, &str)> {
    if let Some(account) = feed.strip_prefix(KITE_FEED) {
        return Some((crate::BrokerKind::Kite, account));
    }
    feed.strip_prefix(UPSTOX_FEED)
        .map(|account| (crate::BrokerKind::Upstox, account))
}

/// Prefix of a replay feed, `replay:PATH`.
const REPLAY: &str = "replay:";

/// The largest `run.demo_speed`: a year of sessions in under an hour is already far past useful.
pub const MAX_DEMO_SPEED: u32 = 100_000;

/// The longest `run.status_every_s` (an hour).
pub const MAX_STATUS_EVERY_S: u64 = 3600;

/// The most ticks of slippage `[paper]` and `[backtest]` accept: 1000 ticks is ₹50 on NSE's
/// 5-paise grid, far past any real fill, and far from overflowing a price.
pub const MAX_SLIPPAGE_TICKS: i64 = 1000;

/// The message for a `slippage_ticks` outside `0..=MAX_SLIPPAGE_TICKS` (both sections share it).
pub(crate) fn slippage_out_of_range(ticks: i64) -> String {
    format!("must be 0 to {MAX_SLIPPAGE_TICKS} ticks of adverse slippage, got {ticks}")
}

/// The longest `paper.latency_ms` (a minute): more is a unit slip (seconds written as ms × 1000).
pub const MAX_PAPER_LATENCY_MS: u64 = 60_000;

/// The most `runtime.strategy_shards`: more threads than that is a typo, not a layout.
pub const MAX_STRATEGY_SHARDS: u32 = 256;

/// The largest `run.order_queue`: orders waiting for the order actor beyond that are stale.
pub const MAX_ORDER_QUEUE: usize = 65_536;

/// The longest `run.compare_every_s` (a day).
pub const MAX_COMPARE_EVERY_S: u64 = 86_400;

/// The largest `runtime.ring_capacity`: 16 Mi ticks, seconds of a busy market's whole feed.
pub const MAX_RING_CAPACITY: usize = 1 << 24;

/// The largest `runtime.inbox_capacity`: 1 Mi orders and fills waiting for the engine.
pub const MAX_INBOX_CAPACITY: usize = 1 << 20;

/// The most `runtime.spin_iterations` before the engine yields its core (a million spins is
/// already milliseconds of a busy core).
pub const MAX_SPIN_ITERATIONS: u32 = 1_000_000;

/// The longest `runtime.yield_us` and `runtime.park_timeout_us` (a second): longer waits only
/// delay the engine's reaction to a lost wake-up.
pub const MAX_WAIT_US: u64 = 1_000_000;

/// The largest core id `runtime.feed.core`, `runtime.engine.core` and `runtime.shard_cores` may
/// name: Linux's CPU sets hold cores 0 to 1023.
pub const MAX_CORE_ID: usize = 1023;

/// `[run]`: the live daemon (`sharewise run`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// `"synthetic"` (the demo feed), `"replay:PATH"` (a recorded CSV of ticks or bars),
    /// `"kite:ACCOUNT"` or `"upstox:ACCOUNT"` (the broker's live market data through that
    /// account's session).
    pub feed: String,
    /// NSE symbols the synthetic feed trades: non-empty, unique, each 1–20 of `A-Z 0-9 & -`.
    pub symbols: Vec<String>,
    /// Bar length the strategies see: `1m`, `5m`, `15m`, `1h` or `1d`.
    pub bar_interval: String,
    /// Synthetic feed: simulated seconds per wall-clock second, 1 to [`MAX_DEMO_SPEED`].
    pub demo_speed: u32,
    /// Synthetic feed: random seed (the same seed gives the same session).
    pub demo_seed: u64,
    /// Seconds between status lines, 1 to [`MAX_STATUS_EVERY_S`].
    pub status_every_s: u64,
    /// Whether shutting down cancels orders still open at the broker.
    pub cancel_open_orders_on_shutdown: bool,
    /// The account's subscription tier (until users exist): how many strategies may run, per
    /// `[risk.tier_strategy_limits]` (BASIC 3, PRO 10, ELITE unlimited by default).
    pub tier: sharewise_risk::Tier,
    /// Trailing stop for every position, percent behind the best price since entry (managed by
    /// the engine, like the strategies' stop-loss and take-profit); `None` = off.
    #[serde(default)]
    pub trailing_stop_pct: Option<rust_decimal::Decimal>,
    /// Orders that may wait for the order actor (1 to [`MAX_ORDER_QUEUE`]); a signal finding the
    /// queue full is refused with `ORDER_QUEUE_FULL` (back-pressure, never unbounded growth).
    pub order_queue: usize,
    /// Seconds between comparisons of the journal's book with the broker's while running (0 =
    /// only at start and stop; at most [`MAX_COMPARE_EVERY_S`]).
    pub compare_every_s: u64,
    /// What a difference between the journal's and the broker's book does to the account:
    /// `reducing` (exits only) or `halted` (no orders at all).
    pub on_book_mismatch: sharewise_risk::TradingState,
    /// `[[run.strategies]]`: the strategies to run. A user's array replaces the default one whole.
    pub strategies: Vec<RunStrategy>,
}

/// One `[[run.strategies]]` entry.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunStrategy {
    /// Built-in strategy name (see `sharewise_engine::strategy::STRATEGY_NAMES`).
    pub name: String,
    /// How `[[accounts]]` name it (default: `name`).
    #[serde(default)]
    pub id: Option<String>,
    /// Its parameters (numbers or strings).
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Symbols it trades; empty means every symbol the feed carries.
    #[serde(default)]
    pub symbols: Vec<String>,
    /// Whether its signals become orders.
    #[serde(default)]
    pub mode: StrategyMode,
    /// What happens to its positions when it panics or errors.
    #[serde(default = "flatten")]
    pub on_failure: OnFailure,
}

/// Whether a strategy trades or only advises.
#[derive(Clone, Copy, Debug, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StrategyMode {
    /// Signals become orders (through sizing and the risk gate).
    #[default]
    Auto,
    /// Signals are only published, for a person to act on.
    Manual,
}

/// `[paper]`: how the paper broker simulates the exchange.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PaperSection {
    /// Adverse ticks on market and stop fills, 0 to [`MAX_SLIPPAGE_TICKS`].
    pub slippage_ticks: i64,
    /// Fill at most this percent (1–100) of each tick's quantity; `None` fills orders whole.
    #[serde(default)]
    pub max_fill_pct: Option<u32>,
    /// Delay before an order reaches the simulated exchange, milliseconds (at most [`MAX_PAPER_LATENCY_MS`]).
    pub latency_ms: u64,
}

/// The default of `on_failure`: close the positions of a failed strategy.
fn flatten() -> OnFailure {
    OnFailure::Flatten
}

/// TOML parameters as engine parameters (shared by `[strategy]` and `[[run.strategies]]`).
pub(crate) fn toml_params(values: &BTreeMap<String, toml::Value>) -> Result<Params, String> {
    let mut params = Params::new();
    for (key, value) in values {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(format!(
                    "`{key}` must be a number or string, got {}",
                    other.type_str()
                ))
            }
        };
        params.set(key, &text);
    }
    Ok(params)
}

/// The key at fault in a strategy's error, under `prefix` (`strategy` or `run.strategies[i]`):
/// `.name` for an unknown strategy, `.params.NAME` for one bad parameter, `.params` for a pair.
pub(crate) fn strategy_problem(prefix: &str, e: StrategyError) -> Problem {
    let key = match &e {
        StrategyError::Unknown(_) => format!("{prefix}.name"),
        StrategyError::Param(
            ParamError::Invalid { name, .. } | ParamError::Unknown { name, .. },
        ) => format!("{prefix}.params.{name}"),
        _ => format!("{prefix}.params"),
    };
    (key, e.to_string())
}

impl RunStrategy {
    /// How `[[accounts]]` name it: its `id`, or else its `name`.
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.name)
    }

    /// Its `params` as engine parameters.
    pub fn params(&self) -> Result<Params, String> {
        toml_params(&self.params)
    }
}

impl RunSection {
    /// The trailing stop distance in basis points (0.01 %), rounded; `None` when off.
    pub fn trailing_stop_bps(&self) -> Option<i64> {
        self.trailing_stop_pct
            .and_then(|p| i64::try_from((p * rust_decimal::Decimal::ONE_HUNDRED).round()).ok())
    }

    /// The bar interval. Valid once the settings are validated; use [`RunSection::try_bar_interval`]
    /// after changing `bar_interval` by hand.
    ///
    /// # Panics
    /// When `bar_interval` is not an interval (only possible after an unchecked change).
    pub fn bar_interval(&self) -> BarInterval {
        self.try_bar_interval()
            .unwrap_or_else(|e| panic!("run.bar_interval was not validated: {e}"))
    }

    /// The bar interval, or why `bar_interval` is not one.
    pub fn try_bar_interval(&self) -> Result<BarInterval, String> {
        self.bar_interval
            .parse()
            .map_err(|e: sharewise_engine::bars::ParseIntervalError| e.to_string())
    }

    /// The account of a `kite:ACCOUNT` feed (Kite's live market data through that account's
    /// session); `None` for the other feeds.
    pub fn kite_feed(&self) -> Option<&str> {
        self.feed.strip_prefix(KITE_FEED)
    }

    /// The broker and account of a broker feed (`kite:ACCOUNT`, `upstox:ACCOUNT`).
    pub fn broker_feed(&self) -> Option<(crate::BrokerKind, &str)> {
        broker_feed(&self.feed)
    }

    /// The file of a `replay:PATH` feed; `None` for the synthetic feed.
    pub fn replay_path(&self) -> Option<&Path> {
        self.feed.strip_prefix(REPLAY).map(Path::new)
    }

    /// Checks every key of `[run]`.
    pub(crate) fn validate(&self) -> Result<(), Problem> {
        let problem = |key: &str, message: String| (key.to_string(), message);
        // The synthetic and broker feeds all carry `run.symbols`.
        let synthetic = self.feed == "synthetic" || self.broker_feed().is_some();
        match self.feed.strip_prefix(REPLAY) {
            _ if self.broker_feed().is_some_and(|(_, a)| a.trim().is_empty()) => {
                let broker = self.feed.split(':').next().unwrap_or_default();
                return Err(problem(
                    "run.feed",
                    format!("`{broker}:` needs the name of an account of that broker after it, e.g. \"{broker}:alice\""),
                ));
            }
            _ if synthetic => {}
            Some(file) if !file.trim().is_empty() => {}
            Some(_) => {
                return Err(problem(
                    "run.feed",
                    "`replay:` needs a file after it, e.g. \"replay:ticks.csv\"".into(),
                ))
            }
            None => {
                let message = format!("unknown feed `{}`; use \"synthetic\" (generated demo ticks), \"replay:FILE.csv\" (a recorded CSV of ticks or bars), \"kite:ACCOUNT\" or \"upstox:ACCOUNT\" (the broker's live prices through that account)", self.feed);
                return Err(problem("run.feed", message));
            }
        }
        if self.symbols.is_empty() {
            return Err(problem(
                "run.symbols",
                "needs at least one symbol, e.g. [\"RELIANCE\", \"TCS\"]".into(),
            ));
        }
        check_symbols(&self.symbols).map_err(|m| problem("run.symbols", m))?;
        self.try_bar_interval()
            .map_err(|m| problem("run.bar_interval", m))?;
        if !(1..=MAX_DEMO_SPEED).contains(&self.demo_speed) {
            return Err(problem("run.demo_speed", format!("must be 1 to {MAX_DEMO_SPEED} simulated seconds per second (60 plays a session in ~6 minutes), got {}", self.demo_speed)));
        }
        if let Some(pct) = self.trailing_stop_pct.filter(|p| {
            *p <= rust_decimal::Decimal::ZERO || *p >= rust_decimal::Decimal::ONE_HUNDRED
        }) {
            return Err(problem(
                "run.trailing_stop_pct",
                format!("must be between 0 and 100 (percent behind the best price), got {pct}"),
            ));
        }
        if !(1..=MAX_STATUS_EVERY_S).contains(&self.status_every_s) {
            return Err(problem(
                "run.status_every_s",
                format!(
                    "must be 1 to {MAX_STATUS_EVERY_S} seconds, got {}",
                    self.status_every_s
                ),
            ));
        }
        if !(1..=MAX_ORDER_QUEUE).contains(&self.order_queue) {
            return Err(problem(
                "run.order_queue",
                format!(
                    "must be 1 to {MAX_ORDER_QUEUE} orders, got {}",
                    self.order_queue
                ),
            ));
        }
        if self.compare_every_s > MAX_COMPARE_EVERY_S {
            return Err(problem(
                "run.compare_every_s",
                format!(
                    "must be 0 (only at start and stop) to {MAX_COMPARE_EVERY_S} seconds, got {}",
                    self.compare_every_s
                ),
            ));
        }
        if self.on_book_mismatch == sharewise_risk::TradingState::Active {
            return Err(problem("run.on_book_mismatch", "must be \"reducing\" (exits only) or \"halted\" (no orders): trading on as if nothing happened is not an option".into()));
        }
        if self.strategies.is_empty() {
            return Err(problem("run.strategies", "needs at least one strategy: add a [[run.strategies]] table with e.g. name = \"sma_cross\"".into()));
        }
        for (i, strategy) in self.strategies.iter().enumerate() {
            let key = format!("run.strategies[{i}]");
            let params = strategy
                .params()
                .map_err(|m| (format!("{key}.params"), m))?;
            sharewise_engine::strategy::build(&strategy.name, &params)
                .map_err(|e| strategy_problem(&key, e))?;
            let symbols_key = format!("{key}.symbols");
            check_symbols(&strategy.symbols).map_err(|m| (symbols_key.clone(), m))?;
            // A replayed file decides its own symbols, known only when it is read.
            if let Some(missing) = strategy
                .symbols
                .iter()
                .find(|s| synthetic && !self.symbols.contains(s))
            {
                return Err((symbols_key, format!("`{missing}` is not in run.symbols, the symbols the synthetic feed trades; add it there or remove it here")));
            }
        }
        Ok(())
    }
}

impl PaperSection {
    /// Checks every key of `[paper]`.
    pub(crate) fn validate(&self) -> Result<(), Problem> {
        if !(0..=MAX_SLIPPAGE_TICKS).contains(&self.slippage_ticks) {
            return Err((
                "paper.slippage_ticks".into(),
                slippage_out_of_range(self.slippage_ticks),
            ));
        }
        if let Some(pct) = self.max_fill_pct.filter(|p| !(1..=100).contains(p)) {
            return Err(("paper.max_fill_pct".into(), format!("must be 1 to 100 (percent of a tick's quantity), got {pct}; leave it out to fill orders whole")));
        }
        if self.latency_ms > MAX_PAPER_LATENCY_MS {
            return Err(("paper.latency_ms".into(), format!("must be at most {MAX_PAPER_LATENCY_MS} (one minute; the unit is milliseconds), got {}", self.latency_ms)));
        }
        Ok(())
    }
}

/// Checks `[runtime]`: sizes the rings and waits need, shard count, cores and thread names.
pub(crate) fn validate_runtime(p: &Placement) -> Result<(), Problem> {
    let problem = |key: &str, message: String| (format!("runtime.{key}"), message);
    // A ring of one slot cannot hold a tick while the next is written, so the feed would stall.
    if !(2..=MAX_RING_CAPACITY).contains(&p.ring_capacity) {
        return Err(problem(
            "ring_capacity",
            format!(
                "must be 2 to {MAX_RING_CAPACITY} ticks (default 4096), got {}",
                p.ring_capacity
            ),
        ));
    }
    if !(2..=MAX_INBOX_CAPACITY).contains(&p.inbox_capacity) {
        return Err(problem(
            "inbox_capacity",
            format!(
                "must be 2 to {MAX_INBOX_CAPACITY} messages (default 1024), got {}",
                p.inbox_capacity
            ),
        ));
    }
    if p.spin_iterations > MAX_SPIN_ITERATIONS {
        return Err(problem(
            "spin_iterations",
            format!(
                "must be 0 to {MAX_SPIN_ITERATIONS} spins (default 2000), got {}",
                p.spin_iterations
            ),
        ));
    }
    if p.yield_us > MAX_WAIT_US {
        return Err(problem("yield_us", format!("must be 0 (park right after spinning, the default) to {MAX_WAIT_US} microseconds, got {}", p.yield_us)));
    }
    if !(1..=MAX_WAIT_US).contains(&p.park_timeout_us) {
        return Err(problem(
            "park_timeout_us",
            format!(
                "must be 1 to {MAX_WAIT_US} microseconds (default 10000), got {}",
                p.park_timeout_us
            ),
        ));
    }
    let cores = [
        ("feed.core".to_string(), p.feed.core),
        ("engine.core".to_string(), p.engine.core),
    ];
    let shard_cores = p
        .shard_cores
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("shard_cores[{i}]"), Some(*c)));
    for (key, core) in cores.into_iter().chain(shard_cores) {
        if let Some(core) = core.filter(|c| *c > MAX_CORE_ID) {
            return Err(problem(
                &key,
                format!("must be a core id from 0 to {MAX_CORE_ID}, got {core}"),
            ));
        }
    }
    if p.strategy_shards > MAX_STRATEGY_SHARDS {
        return Err(problem("strategy_shards", format!("must be at most {MAX_STRATEGY_SHARDS} (0 runs strategies on the engine thread), got {}", p.strategy_shards)));
    }
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    check_busy_poll(p, cores).map_err(|m| problem("wait", m))?;
    for (key, name) in [
        ("feed.name", &p.feed.name),
        ("engine.name", &p.engine.name),
        ("shard_name_prefix", &p.shard_name_prefix),
    ] {
        // The OS refuses a thread name with a NUL byte; an empty one makes traces unreadable.
        if name.is_empty() || name.contains('\0') {
            return Err(problem(
                key,
                format!("must be a non-empty thread name without NUL bytes, got {name:?}"),
            ));
        }
    }
    p.validate().map_err(|e| {
        (
            "runtime".to_string(),
            format!("{e}; give each thread its own name"),
        )
    })
}

/// `wait = "busy_poll"` spends a whole core on every waiting thread (the engine and each strategy
/// shard); with the feed needing one more, it must fit in `cores` (0 = unknown, not checked), or
/// the spinning threads take turns on a core and every tick waits out a time slice.
fn check_busy_poll(p: &Placement, cores: usize) -> Result<(), String> {
    if p.wait != WaitMode::BusyPoll || cores == 0 {
        return Ok(());
    }
    let shards = p.strategy_shards as usize;
    let polling = 1 + shards;
    if polling < cores {
        return Ok(());
    }
    let (who, fewer) = match shards {
        0 => ("the engine thread on a core of its own".to_string(), ""),
        1 => (
            "the engine and 1 strategy shard on a core each".to_string(),
            ", or fewer strategy_shards",
        ),
        n => (
            format!("the engine and {n} strategy shards on a core each"),
            ", or fewer strategy_shards",
        ),
    };
    Err(format!("\"busy_poll\" spins {who} and the feed needs a core too: {} cores, but this machine has {cores}; use \"spin_park\" (the default){fewer}", polling + 1))
}

/// Each symbol valid and listed once.
fn check_symbols(symbols: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for symbol in symbols {
        check_symbol(symbol)?;
        if !seen.insert(symbol) {
            return Err(format!("`{symbol}` is listed twice; list each symbol once"));
        }
    }
    Ok(())
}

/// An NSE trading symbol: 1–20 of `A-Z`, `0-9`, `&` and `-` (e.g. `M&M`, `BAJAJ-AUTO`).
fn check_symbol(symbol: &str) -> Result<(), String> {
    let valid = |s: &str| {
        (1..=20).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'&' || b == b'-')
    };
    if valid(symbol) {
        return Ok(());
    }
    let upper = symbol.trim().to_ascii_uppercase();
    if valid(&upper) {
        return Err(format!(
            "`{symbol}` is not an NSE symbol as written; write `{upper}`"
        ));
    }
    Err(format!("`{symbol}` is not an NSE symbol: use 1 to 20 of A-Z, 0-9, & and - (e.g. RELIANCE, M&M, BAJAJ-AUTO)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_checked_with_a_fix() {
        assert!(check_symbols(&["M&M".into(), "BAJAJ-AUTO".into(), "3MINDIA".into()]).is_ok());
        assert_eq!(
            check_symbol("tcs").unwrap_err(),
            "`tcs` is not an NSE symbol as written; write `TCS`"
        );
        assert!(check_symbol("").unwrap_err().contains("use 1 to 20 of A-Z"));
        assert!(
            check_symbol("ABCDEFGHIJKLMNOPQRSTU").is_err(),
            "21 characters"
        );
        assert!(check_symbol("TCS.NS").is_err());
        assert_eq!(
            check_symbols(&["TCS".into(), "TCS".into()]).unwrap_err(),
            "`TCS` is listed twice; list each symbol once"
        );
    }

    #[test]
    fn runtime_sizes_and_names_are_checked() {
        assert_eq!(validate_runtime(&Placement::default()), Ok(()));
        let p = Placement {
            ring_capacity: 1,
            ..Placement::default()
        };
        assert_eq!(validate_runtime(&p).unwrap_err().0, "runtime.ring_capacity");
        let p = Placement {
            inbox_capacity: 0,
            ..Placement::default()
        };
        assert_eq!(
            validate_runtime(&p).unwrap_err().0,
            "runtime.inbox_capacity"
        );
        let p = Placement {
            park_timeout_us: 0,
            ..Placement::default()
        };
        assert_eq!(
            validate_runtime(&p).unwrap_err().0,
            "runtime.park_timeout_us"
        );
        let p = Placement {
            strategy_shards: 10_000,
            ..Placement::default()
        };
        assert_eq!(
            validate_runtime(&p).unwrap_err().0,
            "runtime.strategy_shards"
        );
        let mut p = Placement::default();
        p.engine.name = p.feed.name.clone();
        assert_eq!(
            validate_runtime(&p).unwrap_err(),
            (
                "runtime".to_string(),
                "placement: thread name `sw-feed` is used twice; give each thread its own name"
                    .to_string()
            )
        );
        p.engine.name = String::new();
        assert_eq!(validate_runtime(&p).unwrap_err().0, "runtime.engine.name");
    }

    #[test]
    fn busy_poll_must_leave_the_feed_a_core() {
        let busy = |strategy_shards| Placement {
            wait: WaitMode::BusyPoll,
            strategy_shards,
            ..Placement::default()
        };
        assert_eq!(check_busy_poll(&busy(0), 2), Ok(()));
        assert_eq!(check_busy_poll(&busy(2), 4), Ok(()));
        assert_eq!(check_busy_poll(&busy(0), 0), Ok(()), "core count unknown");
        assert_eq!(
            check_busy_poll(&Placement::default(), 1),
            Ok(()),
            "spin_park"
        );
        assert_eq!(
            check_busy_poll(&busy(0), 1).unwrap_err(),
            "\"busy_poll\" spins the engine thread on a core of its own and the feed needs a core too: 2 cores, but this machine has 1; use \"spin_park\" (the default)"
        );
        assert!(check_busy_poll(&busy(2), 3).unwrap_err().contains(
            "spins the engine and 2 strategy shards on a core each and the feed needs a core too: 4 cores, but this machine has 3; use \"spin_park\" (the default), or fewer strategy_shards"
        ));
    }
}

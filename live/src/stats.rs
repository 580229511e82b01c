//! Counters the status line reads while the daemon runs (relaxed atomics, written by their one
//! owner, read by the status thread): the daemon's own ([`LiveStats`]) and each account's
//! ([`AccountStats`]).

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use sharewise_risk::TradingState;

use crate::drops::DropCounters;

/// The daemon's counters: the feed and the engine (one set per daemon), and each account's.
#[derive(Debug, Default)]
pub struct LiveStats {
    /// Last trade price per instrument id, fixed-point units (0 = none yet): one relaxed store
    /// per tick, read for `DATA/marks.json`.
    pub marks: Vec<AtomicI64>,
    /// Ticks the engine's accounts saw.
    pub ticks: AtomicU64,
    /// Latest tick time the engine saw, UTC ns.
    pub last_tick_ts: AtomicI64,
    /// Feed → engine hop p99 so far, ns (from the engine's latency events).
    pub hop_p99_ns: AtomicU64,
    /// Engine chain (strategies, risk) p99 per tick so far, ns.
    pub chain_p99_ns: AtomicU64,
    /// Ticks dropped and rows skipped, by reason (see [`crate::drops`]).
    pub drops: DropCounters,
    /// Each account's counters, in the daemon's account order (accounts come and go while the
    /// daemon runs; read by the status thread, never per tick).
    accounts: RwLock<Vec<Arc<AccountStats>>>,
    /// A broker feed's name (`kite`, `upstox`) and counters, when the feed is a broker's.
    broker_feed: std::sync::OnceLock<(&'static str, Arc<sharewise_broker_kit::feed::FeedStats>)>,
}

/// One account's counters, written by its account actor and order actor.
#[derive(Debug, Default)]
pub struct AccountStats {
    /// The account's name.
    pub name: String,
    /// Signals from strategies it follows (auto and manual).
    pub signals: AtomicU64,
    /// Orders the account actor created.
    pub orders: AtomicU64,
    /// Orders risk (or the engine) refused.
    pub rejections: AtomicU64,
    /// Fills booked.
    pub fills: AtomicU64,
    /// Instruments with a non-zero position.
    pub open_positions: AtomicU64,
    /// Realized P&L, paise.
    pub realized_paise: AtomicI64,
    /// Unrealized P&L at the last marks, paise (refreshed every few hundred ticks and per fill).
    pub unrealized_paise: AtomicI64,
    /// Where the journal and the broker disagreed at the last comparison (`None`: they agree);
    /// written by the order actor, read by the status line (off the hot path).
    book_mismatch: Mutex<Option<String>>,
    /// The trading state in force (0 active, 1 reducing, 2 halted), written by the account
    /// actor whenever it may have changed.
    trading_state: AtomicU8,
}

impl LiveStats {
    /// Counters for `instruments` instruments and the accounts named `accounts`.
    pub fn new(instruments: usize, accounts: &[&str]) -> LiveStats {
        LiveStats {
            marks: (0..instruments).map(|_| AtomicI64::new(0)).collect(),
            accounts: RwLock::new(
                accounts
                    .iter()
                    .map(|name| Arc::new(AccountStats::named(name)))
                    .collect(),
            ),
            ..LiveStats::default()
        }
    }

    /// Adds one.
    #[inline]
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Shows broker feed `name`'s counters on the status line.
    pub fn set_broker_feed(
        &self,
        name: &'static str,
        feed: Arc<sharewise_broker_kit::feed::FeedStats>,
    ) {
        let _ = self.broker_feed.set((name, feed));
    }

    /// The broker feed's name and counters, when the feed is a broker's.
    pub fn broker_feed(
        &self,
    ) -> Option<&(&'static str, Arc<sharewise_broker_kit::feed::FeedStats>)> {
        self.broker_feed.get()
    }

    /// Every account's counters, in the daemon's order.
    pub fn accounts(&self) -> Vec<Arc<AccountStats>> {
        self.accounts.read().map(|a| a.clone()).unwrap_or_default()
    }

    /// Counters for an account added while the daemon runs.
    pub fn add_account(&self, name: &str) -> Arc<AccountStats> {
        let stats = Arc::new(AccountStats::named(name));
        if let Ok(mut accounts) = self.accounts.write() {
            accounts.push(Arc::clone(&stats));
        }
        stats
    }

    /// Forgets the counters of a removed account.
    pub fn remove_account(&self, name: &str) {
        if let Ok(mut accounts) = self.accounts.write() {
            accounts.retain(|a| a.name != name);
        }
    }

    /// The counter `f` summed over the accounts.
    pub fn sum(&self, f: impl Fn(&AccountStats) -> &AtomicU64) -> u64 {
        self.accounts().iter().map(|a| Self::get(f(a))).sum()
    }

    /// The signed counter `f` summed over the accounts (saturating).
    pub fn sum_signed(&self, f: impl Fn(&AccountStats) -> &AtomicI64) -> i64 {
        self.accounts().iter().fold(0i64, |acc, a| {
            acc.saturating_add(f(a).load(Ordering::Relaxed))
        })
    }

    /// The counters of account `name`.
    pub fn account(&self, name: &str) -> Option<Arc<AccountStats>> {
        self.accounts().into_iter().find(|a| a.name == name)
    }
}

impl AccountStats {
    /// Zeroed counters for account `name`.
    pub fn named(name: &str) -> AccountStats {
        AccountStats {
            name: name.to_string(),
            ..AccountStats::default()
        }
    }

    /// Records the latest comparison of the books (`None`: they agree).
    pub fn set_book_mismatch(&self, what: Option<String>) {
        if let Ok(mut slot) = self.book_mismatch.lock() {
            *slot = what;
        }
    }

    /// Records the trading state in force.
    pub fn set_trading_state(&self, state: TradingState) {
        let code = match state {
            TradingState::Active => 0,
            TradingState::Reducing => 1,
            TradingState::Halted => 2,
        };
        self.trading_state.store(code, Ordering::Relaxed);
    }

    /// The trading state in force, as last recorded.
    pub fn trading_state(&self) -> TradingState {
        match self.trading_state.load(Ordering::Relaxed) {
            0 => TradingState::Active,
            1 => TradingState::Reducing,
            _ => TradingState::Halted,
        }
    }

    /// The difference found by the latest comparison, if any.
    pub fn book_mismatch(&self) -> Option<String> {
        self.book_mismatch.lock().ok().and_then(|slot| slot.clone())
    }
}

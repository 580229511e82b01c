//! The paper broker: a deterministic simulated exchange fed with ticks and a clock.
//!
//! [`PaperBroker`] is synchronous and pure: [`place`](PaperBroker::place),
//! [`modify`](PaperBroker::modify) and [`cancel`](PaperBroker::cancel) act at the broker's clock,
//! which only [`on_tick`](PaperBroker::on_tick) and [`set_clock`](PaperBroker::set_clock) move.
//! [`SharedPaper`] wraps it in the async [`Broker`](crate::Broker) trait.
//!
//! **Fill rules on ticks** (the tick analogue of `engine::backtest::fill_model`):
//! - An order sees only ticks delivered after it was placed, and only once it is live: an order
//!   placed at clock `t` is `Pending` until a tick with `ts >= t + latency`, then `Open`.
//! - **Market**: fills at the first live tick's price moved against the trader by
//!   `slippage_ticks` ticks.
//! - **Limit**: on its first live tick a marketable limit (buy: price ≤ limit) fills at the tick
//!   price; afterwards it fills only when a tick trades *through* the limit (buy: price < limit),
//!   at the limit. Sells mirror this. No slippage.
//! - **SL**: triggers when a tick reaches the trigger (buy: price ≥ trigger, sell: ≤), then is a
//!   limit order whose first live tick is the triggering tick.
//! - **SL-M**: triggers likewise, then fills at the triggering tick's price plus slippage.
//! - **IOC**: after the tick that first made it executable (arrival for market and limit,
//!   trigger for SL and SL-M), whatever is unfilled is cancelled.
//! - **Partial fills** (`max_fill_pct = Some(n)`): one tick fills at most `tick.qty × n / 100`
//!   shares (rounded down), shared among that instrument's orders oldest first; the rest waits
//!   for later ticks (each at its own price).
//! - A modification re-enters the order: its next live tick counts as a first tick again.
//!
//! Positions (average cost, engine [`Position`]) and cash (`Decimal`) come from its own fills.
//! Bad input is an [`ErrorKind::InvalidInput`](crate::ErrorKind) error with a Kite-like message,
//! and nothing enters the book. With [`PaperBroker::open`] the whole book is saved as an
//! atomically-renamed JSON snapshot after every change, so it outlives the daemon. The saved
//! clock is that of the last change (a tick that changes nothing is not written). Each save
//! rewrites the whole book; at each new IST day the finished orders and the earlier days' fills
//! leave it (as a real broker's day book does), so the file stays the size of one day's trading.
//! They stay queryable in the broker's [`history`] (one file per day in `paper-history/`), as a
//! real broker's order history and trade book do: [`PaperBroker::order`],
//! [`PaperBroker::orders_since`] and [`PaperBroker::trades_after`] see both.
//!
//! Every book carries an **account id** (`paper-` and 12 random hex digits), made when the book
//! is created: the daemon stamps its journal with it, so a journal and a book that do not belong
//! together are caught at start.

mod book;
mod history;
mod matching;
mod shared;
mod store;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sharewise_engine::backtest::Commission;
use sharewise_engine::time::{ist_day, TimestampNs};
use sharewise_engine::types::{ClientOrderId, Fill, Instrument, InstrumentId, Position};

use crate::{BrokerError, BrokerOrder, BrokerTrade, Funds};

pub use shared::SharedPaper;

/// How the paper broker simulates the exchange.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperConfig {
    /// Cash at the start, rupees (ignored when reopening a saved book).
    pub opening_cash: Decimal,
    /// Ticks of adverse slippage on market and SL-M fills.
    pub slippage_ticks: i64,
    /// Fill at most this percentage of each tick's quantity; `None` fills in full.
    pub max_fill_pct: Option<u32>,
    /// Tick time (ns) between placement and the order going live.
    pub latency_ns: i64,
    /// Charges on each fill (brokerage, STT, exchange, SEBI, GST, stamp duty), the backtester's
    /// model, so paper P&L and cash match a backtest with the same `commission`.
    #[serde(default)]
    pub commission: Commission,
}

impl Default for PaperConfig {
    /// ₹10 00 000 cash, no slippage, full fills, no latency, no charges.
    fn default() -> PaperConfig {
        PaperConfig {
            opening_cash: Decimal::from(1_000_000),
            slippage_ticks: 0,
            max_fill_pct: None,
            latency_ns: 0,
            commission: Commission::None,
        }
    }
}

/// One order inside the paper book, with its matching state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PaperOrder {
    /// Placement sequence number (the book's order).
    pub seq: u64,
    /// What the book reports.
    pub book: BrokerOrder,
    /// Clock time at which the order goes live.
    pub live_at: TimestampNs,
    /// Whether an SL / SL-M order has triggered.
    pub triggered: bool,
    /// Whether the order has seen a live tick since it was placed or last modified.
    pub seen: bool,
    /// Sum of fill notionals, rupees.
    pub notional: Decimal,
    /// Modifications so far (Kite allows 25).
    pub modifications: u32,
}

/// Everything the paper broker persists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PaperState {
    pub orders: BTreeMap<ClientOrderId, PaperOrder>,
    pub positions: BTreeMap<InstrumentId, Position>,
    pub trades: Vec<Fill>,
    pub opening_cash: Decimal,
    pub cash: Decimal,
    pub next_seq: u64,
    pub duplicate_placements: u64,
    pub now: TimestampNs,
    /// Tags of finished orders of earlier IST days, dropped from the book at the day's end (a
    /// tag stays used for good).
    #[serde(default)]
    pub archived_tags: BTreeSet<ClientOrderId>,
    /// Fills of earlier IST days dropped from `trades` (trade ids keep counting from here).
    #[serde(default)]
    pub archived_trades: u64,
    /// The account this book belongs to (empty in books written before accounts were stamped).
    #[serde(default)]
    pub account_id: String,
}

/// The simulated broker (see the module docs for its rules).
#[derive(Debug)]
pub struct PaperBroker {
    cfg: PaperConfig,
    instruments: HashMap<InstrumentId, Instrument>,
    state: PaperState,
    history: history::History,
    path: Option<PathBuf>,
}

/// A fresh account id: `paper-` and 12 random hex digits.
fn new_account_id() -> String {
    format!("paper-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

impl PaperBroker {
    /// An in-memory paper broker trading `instruments`, with `cfg.opening_cash`.
    pub fn new(cfg: PaperConfig, instruments: impl IntoIterator<Item = Instrument>) -> PaperBroker {
        let state = PaperState {
            opening_cash: cfg.opening_cash,
            cash: cfg.opening_cash,
            account_id: new_account_id(),
            ..PaperState::default()
        };
        let instruments = instruments.into_iter().map(|i| (i.id, i)).collect();
        PaperBroker {
            cfg,
            instruments,
            state,
            history: history::History::default(),
            path: None,
        }
    }

    /// A paper broker whose book lives in the JSON file at `path`: reopens the saved orders,
    /// positions, cash, clock and history if the file exists, else starts fresh (a new account)
    /// and writes it.
    pub fn open(
        path: impl AsRef<Path>,
        cfg: PaperConfig,
        instruments: impl IntoIterator<Item = Instrument>,
    ) -> Result<PaperBroker, BrokerError> {
        let mut broker = PaperBroker::read(path.as_ref(), cfg, instruments)?;
        broker.path = Some(path.as_ref().to_path_buf());
        broker.save()?;
        Ok(broker)
    }

    /// The saved book at `path` for inspection (`sharewise reconcile`, `recover`): nothing is
    /// ever written back. A missing file is an error.
    pub fn open_read_only(
        path: impl AsRef<Path>,
        cfg: PaperConfig,
        instruments: impl IntoIterator<Item = Instrument>,
    ) -> Result<PaperBroker, BrokerError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(BrokerError::invalid(format!(
                "paper book {} does not exist",
                path.display()
            )));
        }
        PaperBroker::read(path, cfg, instruments)
    }

    /// The book at `path` if it exists (else a fresh one), with its history; not attached to
    /// the file.
    fn read(
        path: &Path,
        cfg: PaperConfig,
        instruments: impl IntoIterator<Item = Instrument>,
    ) -> Result<PaperBroker, BrokerError> {
        let mut broker = PaperBroker::new(cfg, instruments);
        if let Some(state) = store::load(path)? {
            broker.state = state;
        }
        let in_book: BTreeSet<ClientOrderId> = broker.state.orders.keys().copied().collect();
        broker.history = history::History::load(
            history::dir_of(path),
            &in_book,
            broker.state.archived_trades,
        )?;
        Ok(broker)
    }

    /// Writes the history archived since the last save, then the book, if this broker has a
    /// file.
    pub(crate) fn save(&mut self) -> Result<(), BrokerError> {
        self.history.save()?;
        match &self.path {
            Some(path) => store::save(path, &self.state),
            None => Ok(()),
        }
    }

    /// The account this book belongs to; empty for a book written before accounts were
    /// stamped (see [`stamp_account`](Self::stamp_account)).
    pub fn account_id(&self) -> &str {
        &self.state.account_id
    }

    /// Gives an unstamped (older) book a fresh account id and saves it; returns the id.
    pub fn stamp_account(&mut self) -> Result<String, BrokerError> {
        if self.state.account_id.is_empty() {
            self.state.account_id = new_account_id();
            self.save()?;
        }
        Ok(self.state.account_id.clone())
    }

    /// Whether the book never traded: no order, fill or position, today or in its history.
    pub fn is_fresh(&self) -> bool {
        self.state.orders.is_empty()
            && self.state.trades.is_empty()
            && self.state.positions.is_empty()
            && self.state.archived_trades == 0
            && self.state.archived_tags.is_empty()
            && self.history.is_empty()
    }

    /// The configuration.
    pub fn config(&self) -> &PaperConfig {
        &self.cfg
    }

    /// The broker's clock, UTC ns (the latest tick or [`set_clock`](Self::set_clock) time).
    pub fn now(&self) -> TimestampNs {
        self.state.now
    }

    /// Moves the clock forward to `ts` (never backwards); orders placed next are stamped `ts`.
    /// The first time on a new IST day, the day book moves to the history and both are saved.
    pub fn set_clock(&mut self, ts: TimestampNs) -> Result<(), BrokerError> {
        if self.state.now != 0 && ist_day(ts) > ist_day(self.state.now) {
            self.roll_over_day();
            self.state.now = ts;
            return self.save();
        }
        self.state.now = self.state.now.max(ts);
        Ok(())
    }

    /// A new IST day: like a real broker's order book and trade book, the paper book starts
    /// afresh — finished orders and the day's fills move to the [`history`] (their tags stay
    /// used, trade ids keep counting), so the saved book stays the size of one day's trading.
    /// Positions, cash and open orders carry over.
    fn roll_over_day(&mut self) {
        let day = ist_day(self.state.now);
        let finished: Vec<ClientOrderId> = self
            .state
            .orders
            .iter()
            .filter(|(_, o)| o.book.status.is_terminal())
            .map(|(tag, _)| *tag)
            .collect();
        let mut orders = Vec::with_capacity(finished.len());
        for tag in finished {
            if let Some(o) = self.state.orders.remove(&tag) {
                orders.push(o);
            }
            self.state.archived_tags.insert(tag);
        }
        orders.sort_by_key(|o| o.seq);
        let trades = self.trades_from_seq(self.state.archived_trades);
        self.history
            .archive(day, orders.into_iter().map(|o| o.book).collect(), trades);
        self.state.archived_trades += self.state.trades.len() as u64;
        self.state.trades.clear();
    }

    /// The order book, oldest first.
    pub fn orders(&self) -> Vec<BrokerOrder> {
        let mut all: Vec<&PaperOrder> = self.state.orders.values().collect();
        all.sort_by_key(|o| o.seq);
        all.into_iter().map(|o| o.book.clone()).collect()
    }

    /// The order tagged `tag`, from the day book or the history.
    pub fn order(&self, tag: ClientOrderId) -> Option<BrokerOrder> {
        self.state
            .orders
            .get(&tag)
            .map(|o| o.book.clone())
            .or_else(|| self.history.order(tag).cloned())
    }

    /// Orders changed at or after `since` (UTC ns), from the history and the day book, in
    /// placement order.
    pub fn orders_since(&self, since: TimestampNs) -> Vec<BrokerOrder> {
        let mut all: Vec<BrokerOrder> = self.history.orders_since(since).cloned().collect();
        let mut today: Vec<&PaperOrder> = self
            .state
            .orders
            .values()
            .filter(|o| o.book.updated_ts >= since)
            .collect();
        today.sort_by_key(|o| o.seq);
        all.extend(today.into_iter().map(|o| o.book.clone()));
        all.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        all
    }

    /// Fills at or after `since` (UTC ns), from the history and the day's trade book, with
    /// their trade ids, oldest first.
    pub fn trades_after(&self, since: TimestampNs) -> Vec<BrokerTrade> {
        let mut all: Vec<BrokerTrade> = self.history.trades_since(since).cloned().collect();
        all.extend(
            self.trades_from_seq(self.state.archived_trades)
                .into_iter()
                .filter(|t| t.fill.ts >= since),
        );
        all.sort_by_key(|t| history::trade_seq(&t.trade_id));
        all
    }

    /// The highest client order id this account has seen (day book and history), if any.
    pub fn max_tag(&self) -> Option<ClientOrderId> {
        let book = self.state.orders.keys().next_back().copied();
        let archived = self.state.archived_tags.iter().next_back().copied();
        book.max(archived)
    }

    /// Net positions by instrument (flat ones that were traded included).
    pub fn positions(&self) -> Vec<Position> {
        self.state.positions.values().cloned().collect()
    }

    /// The day's fills, oldest first (earlier days' fills leave the book at the day's end).
    pub fn trades(&self) -> &[Fill] {
        &self.state.trades
    }

    /// Fills booked ever (earlier days' included): the sequence number of the next fill.
    pub fn trade_count(&self) -> u64 {
        self.state.archived_trades + self.state.trades.len() as u64
    }

    /// The day's fills from sequence number `from` (see [`trade_count`](Self::trade_count)) on,
    /// with their trade ids (`P00000001` for the first fill ever: stable across restarts and
    /// days).
    pub fn trades_from_seq(&self, from: u64) -> Vec<BrokerTrade> {
        let archived = self.state.archived_trades;
        let start = usize::try_from(from.saturating_sub(archived))
            .unwrap_or(usize::MAX)
            .min(self.state.trades.len());
        self.state.trades[start..]
            .iter()
            .enumerate()
            .map(|(k, fill)| BrokerTrade {
                trade_id: format!("P{:08}", archived + (start + k) as u64 + 1),
                fill: *fill,
            })
            .collect()
    }

    /// Cash and realised P&L.
    pub fn funds(&self) -> Funds {
        Funds {
            opening_balance: self.state.opening_cash,
            cash: self.state.cash,
            realized_pnl: self.state.positions.values().map(|p| p.realized_pnl).sum(),
        }
    }

    /// Placements that repeated an existing tag; a correct daemon keeps this at 0.
    pub fn duplicate_placements(&self) -> u64 {
        self.state.duplicate_placements
    }
}

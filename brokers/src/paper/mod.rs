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

mod book;
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
}

/// The simulated broker (see the module docs for its rules).
#[derive(Debug)]
pub struct PaperBroker {
    cfg: PaperConfig,
    instruments: HashMap<InstrumentId, Instrument>,
    state: PaperState,
    path: Option<PathBuf>,
}

impl PaperBroker {
    /// An in-memory paper broker trading `instruments`, with `cfg.opening_cash`.
    pub fn new(cfg: PaperConfig, instruments: impl IntoIterator<Item = Instrument>) -> PaperBroker {
        let state = PaperState {
            opening_cash: cfg.opening_cash,
            cash: cfg.opening_cash,
            ..PaperState::default()
        };
        let instruments = instruments.into_iter().map(|i| (i.id, i)).collect();
        PaperBroker {
            cfg,
            instruments,
            state,
            path: None,
        }
    }

    /// A paper broker whose book lives in the JSON file at `path`: reopens the saved orders,
    /// positions, cash and clock if the file exists, else starts fresh and writes it.
    pub fn open(
        path: impl AsRef<Path>,
        cfg: PaperConfig,
        instruments: impl IntoIterator<Item = Instrument>,
    ) -> Result<PaperBroker, BrokerError> {
        let mut broker = PaperBroker::new(cfg, instruments);
        let path = path.as_ref().to_path_buf();
        if let Some(state) = store::load(&path)? {
            broker.state = state;
        }
        broker.path = Some(path);
        broker.save()?;
        Ok(broker)
    }

    /// Writes the snapshot if this broker has a file.
    pub(crate) fn save(&self) -> Result<(), BrokerError> {
        match &self.path {
            Some(path) => store::save(path, &self.state),
            None => Ok(()),
        }
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
    pub fn set_clock(&mut self, ts: TimestampNs) {
        if self.state.now != 0 && ist_day(ts) > ist_day(self.state.now) {
            self.roll_over_day();
        }
        self.state.now = self.state.now.max(ts);
    }

    /// A new IST day: like a real broker's order book and trade book, the paper book starts
    /// afresh — finished orders and the earlier days' fills leave it (their tags are remembered,
    /// trade ids keep counting), so the saved book stays the size of one day's trading.
    /// Positions, cash and open orders carry over.
    fn roll_over_day(&mut self) {
        let finished: Vec<ClientOrderId> = self.state.orders.iter().filter(|(_, o)| o.book.status.is_terminal()).map(|(tag, _)| *tag).collect();
        for tag in finished {
            self.state.orders.remove(&tag);
            self.state.archived_tags.insert(tag);
        }
        self.state.archived_trades += self.state.trades.len() as u64;
        self.state.trades.clear();
    }

    /// The order book, oldest first.
    pub fn orders(&self) -> Vec<BrokerOrder> {
        let mut all: Vec<&PaperOrder> = self.state.orders.values().collect();
        all.sort_by_key(|o| o.seq);
        all.into_iter().map(|o| o.book.clone()).collect()
    }

    /// The order tagged `tag`, if any.
    pub fn order(&self, tag: ClientOrderId) -> Option<BrokerOrder> {
        self.state.orders.get(&tag).map(|o| o.book.clone())
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
    pub fn trades_since(&self, from: u64) -> Vec<BrokerTrade> {
        let archived = self.state.archived_trades;
        let start = usize::try_from(from.saturating_sub(archived)).unwrap_or(usize::MAX).min(self.state.trades.len());
        self.state.trades[start..]
            .iter()
            .enumerate()
            .map(|(k, fill)| BrokerTrade { trade_id: format!("P{:08}", archived + (start + k) as u64 + 1), fill: *fill })
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

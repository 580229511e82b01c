//! The paper venue a sandbox trades on: the paper matching engine that keeps and fills the
//! orders, each listed instrument's day ([`DayQuote`]) and the simulated clock.
//!
//! The clock is the latest trade's time, and never before the live open: the history sessions
//! are past from the start, whether or not they have been played yet. History trades move the
//! quotes and the clock only; live trades also go through the matching engine, which fills
//! resting orders on them.

use rust_decimal::Decimal;
use sharewise_brokers::paper::{PaperBroker, PaperConfig};
use sharewise_brokers::{BrokerError, BrokerOrder, BrokerTrade};
use sharewise_engine::time::{ist_midnight, TimestampNs, NSE_OPEN_IST_NS};
use sharewise_engine::types::{ClientOrderId, Order, Tick};

use crate::market::{instruments, Listed};
use crate::quote::DayQuote;

/// Orders, quotes and the clock of one sandbox.
#[derive(Debug)]
pub struct Venue {
    paper: PaperBroker,
    /// The venue's key for the next order (the broker's `tag` is the client's, kept apart).
    next_id: u64,
    quotes: Vec<DayQuote>,
    now: TimestampNs,
}

impl Venue {
    /// A venue trading `listing` for a user with `cash` rupees, live from IST day `start_day`'s
    /// open.
    pub fn new(listing: &[Listed], cash: u64, start_day: i64) -> Venue {
        let paper = PaperBroker::new(
            PaperConfig {
                opening_cash: Decimal::from(cash),
                ..PaperConfig::default()
            },
            instruments(listing),
        );
        Venue {
            paper,
            next_id: 1,
            quotes: vec![DayQuote::default(); listing.len()],
            now: ist_midnight(start_day) + NSE_OPEN_IST_NS,
        }
    }

    /// The paper matching engine (orders, trades, funds).
    pub fn paper(&self) -> &PaperBroker {
        &self.paper
    }

    /// The paper matching engine, to modify or cancel.
    pub fn paper_mut(&mut self) -> &mut PaperBroker {
        &mut self.paper
    }

    /// The simulated clock.
    pub fn now(&self) -> TimestampNs {
        self.now
    }

    /// The venue's key for the next placement.
    pub fn next_client_id(&self) -> ClientOrderId {
        ClientOrderId(self.next_id)
    }

    /// Places `order` (keyed by [`Venue::next_client_id`]) on the matching engine.
    pub fn place(&mut self, order: &Order) -> Result<BrokerOrder, BrokerError> {
        let booked = self.paper.place(order)?;
        self.next_id += 1;
        Ok(booked)
    }

    /// The order the matching engine knows as `tag`.
    pub fn order(&self, tag: ClientOrderId) -> Option<BrokerOrder> {
        self.paper.order(tag)
    }

    /// The day's trades, oldest first.
    pub fn trades(&self) -> Vec<BrokerTrade> {
        self.paper.trades_after(i64::MIN)
    }

    /// Instrument `k`'s day, if listed.
    pub fn quote(&self, k: usize) -> Option<&DayQuote> {
        self.quotes.get(k)
    }

    /// Instrument `k`'s last price in rupees (0 before its first trade or if not listed).
    pub fn last_rupees(&self, k: usize) -> f64 {
        self.quote(k)
            .map_or(0.0, |q| f64::from(q.last_paise()) / 100.0)
    }

    /// Instrument `k`'s previous close in rupees.
    pub fn close_rupees(&self, k: usize) -> f64 {
        self.quote(k)
            .map_or(0.0, |q| f64::from(q.close_paise()) / 100.0)
    }

    /// Books one trade of the history sessions: the day's quote and the clock only.
    pub fn record_history(&mut self, tick: &Tick) {
        self.now = self.now.max(tick.ts);
        if let Some(q) = self.quotes.get_mut(tick.instrument.0 as usize) {
            q.on_trade(tick);
        }
    }

    /// Plays one live trade through the matching engine; the orders its fills changed, in fill
    /// order (an order filled twice by it shows twice, in each state).
    pub fn on_live(&mut self, tick: &Tick) -> Vec<BrokerOrder> {
        self.now = self.now.max(tick.ts);
        // A tick the engine cannot take (out of order) only costs that tick.
        let fills = self.paper.on_tick(tick).unwrap_or_default();
        let changed = fills
            .iter()
            .filter_map(|fill| self.paper.order(fill.client_id))
            .collect();
        if let Some(q) = self.quotes.get_mut(tick.instrument.0 as usize) {
            q.on_trade(tick);
        }
        changed
    }
}

//! `sharewise reconcile`: the journal and the broker's book compared on demand, without trading
//! and without writing either (also while the daemon runs).
//!
//! It shows what the daemon compares at start, at stop and while it runs — positions and
//! realised P&L per symbol ([`crate::books`]) — and, order by order, where the journal and the
//! broker's order book and history tell different stories: fills the journal lacks, orders one
//! side does not know, filled quantities that differ.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use sharewise_brokers::{BrokerTrade, PaperBroker};
use sharewise_config::Settings;
use sharewise_engine::time::TimestampNs;
use sharewise_store::{read_state, JournalReader, OrderEvent};

use crate::books::{self, BookRow};
use crate::error::LiveError;
use crate::layout::AccountDir;
use crate::startup::{instruments_of, paper_config, BOOK_FILE};
use crate::state_dir;

/// Both sides of one data directory.
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    /// The account stamped in the journal (`None`: unstamped or unreadable).
    pub journal_account: Option<String>,
    /// The broker book's account.
    pub book_account: String,
    /// Positions and realised P&L side by side.
    pub books: Vec<BookRow>,
    /// Broker executions the journal has not booked.
    pub unbooked_trades: Vec<BrokerTrade>,
    /// Orders where the two sides disagree, one line each.
    pub orders: Vec<String>,
    /// Orders in the journal.
    pub journal_orders: usize,
    /// Orders at the broker (day book and history).
    pub broker_orders: usize,
    /// Journal orders the broker acknowledged or filled but no longer shows.
    pub unknown_to_broker: usize,
    /// Broker orders under a tag this journal never created.
    pub unknown_to_journal: usize,
    /// Of [`unbooked_trades`](Self::unbooked_trades), those for orders the journal has (a start
    /// books them).
    pub bookable_trades: usize,
}

impl Inspection {
    /// Whether the journal and the broker agree on everything shown.
    pub fn agrees(&self) -> bool {
        self.books.iter().all(BookRow::agrees)
            && self.unbooked_trades.is_empty()
            && self.orders.is_empty()
            && self
                .journal_account
                .as_deref()
                .is_none_or(|a| a == self.book_account)
    }

    /// What the differences mean and what to do, one sentence each (empty when they agree);
    /// `dir` is the account's place, for the commands named.
    pub fn advice(&self, dir: &AccountDir) -> Vec<String> {
        let flags = dir.flags();
        if let Some(journal) = self
            .journal_account
            .as_deref()
            .filter(|a| *a != self.book_account)
        {
            return vec![format!(
                "the journal belongs to account {journal}, the broker book to {}: they are not a pair, and `sharewise run` refuses to start on them. Use the data directory that holds {journal}'s book, or move this journal aside and rebuild one for {} with `sharewise recover {flags}`",
                self.book_account, self.book_account
            )];
        }
        let mut out = Vec::new();
        if self.unknown_to_journal > 0 {
            out.push(format!(
                "{} broker orders are unknown to this journal: it is not the journal that traded this book (a stale copy, or orders placed by another program). Restore the right journal, or move this one aside and rebuild it with `sharewise recover {flags}`; until then a start books none of their fills",
                self.unknown_to_journal
            ));
        }
        if self.bookable_trades > 0 {
            out.push(format!(
                "`sharewise run` books the {} broker fills the journal lacks when it starts",
                self.bookable_trades
            ));
        }
        if self.unknown_to_broker > 0 {
            out.push(format!(
                "{} journal orders are unknown to the broker: a start cannot settle them and keeps the account restricted (reducing, or halted with `[run] on_book_mismatch = \"halted\"`) until the broker shows them",
                self.unknown_to_broker
            ));
        }
        if out.is_empty() && !self.agrees() {
            out.push("the positions or P&L differ although every order matches: a start keeps the account restricted (`[run] on_book_mismatch`) and sends no orders in the symbols that differ until the books agree; look for trades made outside ShareWise".to_string());
        }
        out
    }
}

/// How many orders the paper broker's book in `dir` knows (its day book and history); `None`
/// when there is no book. For the journal commands' hints: a journal that is missing or empty
/// beside a book that traded was deleted or replaced, and `sharewise recover` rebuilds it.
pub fn broker_book_orders(dir: &Path) -> Result<Option<usize>, LiveError> {
    let path = dir.join(BOOK_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    // The fee and fill settings do not change what the book holds.
    let book = PaperBroker::open_read_only(&path, sharewise_brokers::PaperConfig::default(), [])?;
    Ok(Some(book.orders_since(TimestampNs::MIN).len()))
}

/// Compares the journal and the paper broker's book of the account at `dir` (see the module
/// docs); `settings` are the ones the account trades with.
pub fn inspect(dir: &AccountDir, settings: &Settings) -> Result<Inspection, LiveError> {
    let (journal_path, book_path) = (dir.journal(), dir.book());
    if !journal_path.exists() {
        return Err(LiveError::Pairing(format!("no journal at {}: nothing to compare (`sharewise recover {}` rebuilds one from the broker's history)", journal_path.display(), dir.flags())));
    }
    let symbols = state_dir::read(&dir.root)?
        .map(|r| r.symbols)
        .unwrap_or_default();
    let state = read_state(&journal_path)?;
    let journal_account = JournalReader::open(&journal_path)
        .ok()
        .and_then(|r| r.account_id().ok().flatten());
    let book = PaperBroker::open_read_only(
        &book_path,
        paper_config(settings)?,
        instruments_of(&symbols),
    )?;
    let broker_orders = book.orders_since(TimestampNs::MIN);
    let at_broker: HashMap<_, _> = broker_orders.iter().map(|o| (o.tag(), o)).collect();
    let mut orders = Vec::new();
    let (mut unknown_to_broker, mut unknown_to_journal) = (0, 0);
    for o in state.orders() {
        if !at_broker.contains_key(&o.client_id)
            && (o.broker_order_id.is_some() || o.filled_qty > 0)
        {
            unknown_to_broker += 1;
        }
        match at_broker.get(&o.client_id) {
            Some(b) if b.filled_qty != o.filled_qty => orders.push(format!(
                "{}: filled {} in the journal, {} at the broker",
                o.client_id, o.filled_qty, b.filled_qty
            )),
            Some(b) if b.status.is_terminal() && !o.status.is_terminal() => orders.push(format!(
                "{}: {} in the journal, {:?} at the broker",
                o.client_id, o.status, b.status
            )),
            Some(_) => {}
            None if o.broker_order_id.is_some() => orders.push(format!(
                "{}: acknowledged as {} in the journal, unknown to the broker",
                o.client_id,
                o.broker_order_id.as_deref().unwrap_or_default()
            )),
            None if o.filled_qty > 0 => orders.push(format!(
                "{}: filled {} in the journal, unknown to the broker",
                o.client_id, o.filled_qty
            )),
            None => {}
        }
    }
    for b in &broker_orders {
        if state.order(b.tag()).is_none() {
            unknown_to_journal += 1;
            orders.push(format!(
                "{}: {:?} at the broker ({}), unknown to the journal",
                b.tag(),
                b.status,
                b.order_id
            ));
        }
    }
    let unbooked_trades = book
        .trades_after(TimestampNs::MIN)
        .into_iter()
        .filter(|t| {
            !OrderEvent::Filled {
                fill: t.fill,
                trade_id: t.trade_id.clone(),
            }
            .fill_key()
            .is_some_and(|k| state.has_fill(&k))
        })
        .collect::<Vec<BrokerTrade>>();
    let bookable_trades = unbooked_trades
        .iter()
        .filter(|t| state.order(t.fill.client_id).is_some())
        .count();
    Ok(Inspection {
        journal_account,
        book_account: book.account_id().to_string(),
        books: books::side_by_side(&state.positions(), &book.positions(), &symbols),
        unbooked_trades,
        orders,
        journal_orders: state.orders().len(),
        broker_orders: broker_orders.len(),
        unknown_to_broker,
        unknown_to_journal,
        bookable_trades,
    })
}

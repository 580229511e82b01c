//! Restart: the account's starting book, rebuilt from the journal after reconciliation.
//!
//! - cash and positions (by symbol, so instrument ids may change between runs);
//! - the exits of every open position: the stop-loss and take-profit journalled with the order
//!   that opened it, re-armed (a position without them is still watched, for the trailing stop);
//! - today's realised P&L (net of fees), so the daily loss limit counts what was lost before the
//!   restart instead of starting again from zero.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sharewise_engine::time::{ist_day, TimestampNs};
use sharewise_engine::types::{InstrumentId, Portfolio, Position, Price, Side};
use sharewise_store::{Journal, OrderEvent, OrderStatus};

use crate::error::LiveError;
use sharewise_engine::account::Bracket;

/// What the account actor starts from.
#[derive(Clone, Debug, PartialEq)]
pub struct Restored {
    /// Cash and positions by instrument id (index into the daemon's symbols).
    pub portfolio: Portfolio,
    /// Exits to watch, by instrument index.
    pub brackets: Vec<(usize, Bracket)>,
    /// P&L realised on the IST day of the resume point, net of fees.
    pub realized_today: Decimal,
    /// That IST day (`i64::MIN` on a fresh start).
    pub realized_day: i64,
}

/// Rebuilds the book for `symbols` (instrument id = index) from `journal`.
pub fn restore(
    journal: &Journal,
    symbols: &[String],
    opening_cash: Decimal,
    resume: TimestampNs,
) -> Result<Restored, LiveError> {
    let index = |symbol: &str| symbols.iter().position(|s| s == symbol);
    let mut portfolio = Portfolio::new(journal.cash(opening_cash), symbols.len());
    let mut brackets = Vec::new();
    let orders = journal.orders();
    for p in journal.positions().into_iter().filter(|p| p.qty != 0) {
        let Some(i) = index(&p.symbol) else { continue };
        portfolio.positions[i] = Position {
            instrument: InstrumentId(i as u32),
            qty: p.qty,
            avg_price: p.avg_price,
            realized_pnl: p.realized_pnl,
        };
        let opening_side = if p.qty > 0 { Side::Buy } else { Side::Sell };
        // The latest filled order on the position's side is the one that opened (or last added to) it.
        let opener = orders.iter().rev().find(|o| {
            o.symbol == p.symbol
                && o.side == opening_side
                && o.filled_qty > 0
                && o.status != OrderStatus::Rejected
        });
        let (stop, target) = opener.map_or((None, None), |o| (o.stop_loss, o.take_profit));
        let mut bracket = Bracket::armed(stop, target);
        bracket.start(Price::from_decimal(p.avg_price).unwrap_or(Price::ZERO));
        brackets.push((i, bracket));
    }
    let (realized_today, realized_day) = if resume == TimestampNs::MIN {
        (Decimal::ZERO, i64::MIN)
    } else {
        (realized_on(journal, ist_day(resume))?, ist_day(resume))
    };
    Ok(Restored {
        portfolio,
        brackets,
        realized_today,
        realized_day,
    })
}

/// P&L realised by the journal's fills on IST day `day`, net of their fees.
fn realized_on(journal: &Journal, day: i64) -> Result<Decimal, LiveError> {
    let symbol_of: HashMap<_, _> = journal
        .orders()
        .into_iter()
        .map(|o| (o.client_id, o.symbol))
        .collect();
    let mut positions: HashMap<String, Position> = HashMap::new();
    let mut realized = Decimal::ZERO;
    for entry in journal.entries()? {
        let OrderEvent::Filled { fill, .. } = entry.event else {
            continue;
        };
        let Some(symbol) = symbol_of.get(&fill.client_id) else {
            continue;
        };
        let position = positions
            .entry(symbol.clone())
            .or_insert_with(|| Position::flat(fill.instrument));
        let pnl = position.apply(&fill) - fill.fees;
        if ist_day(fill.ts) == day {
            realized += pnl;
        }
    }
    Ok(realized)
}

//! Restart: make the journal agree with the broker before trading — and never guess.
//!
//! The broker's order book and trade book are the truth about what reached the exchange; the
//! journal is the truth about what we asked for. Reconciliation reads the broker's orders and
//! trades **since the oldest order still in flight** (and at least since the day before the
//! journal's last activity), from its day book *and its history of earlier days*, so an order
//! that filled and left the day book overnight is still found.
//!
//! 1. Every order the journal still has in flight is looked up by its tag:
//!    - found → its acknowledgement (with the broker's order id) or rejection is journalled;
//!    - not found, and never acknowledged (`new`, `sent`, or an ambiguous placement) → it never
//!      reached the broker (the daemon died between journalling and sending, or the request was
//!      lost on the way) and is marked cancelled. Nothing is re-sent: a stale signal is not a
//!      reason to trade;
//!    - not found, but acknowledged before (`open`, `partially_filled`) → the broker had it, so
//!      it is **not** called "never sent": it becomes `unresolved` and stays so until the broker
//!      shows it.
//! 2. Every execution in that window is journalled; fills already there are recognised by
//!    their trade id and skipped, so each is booked exactly once, across day boundaries. A fill
//!    that cannot be booked (it does not fit its order) is reported as unresolved.
//! 3. Final states are journalled (cancelled at the broker); a broker fill count the trade book
//!    cannot explain is unresolved; orders still open are handed to the account actor.
//!
//! Whatever is unresolved is listed in [`Reconciled::unresolved`]: the daemon starts the account
//! `reducing` (exits only) until a later start proves it, and says so.

use std::collections::HashMap;

use sharewise_brokers::{Broker, BrokerOrder, VenueStatus};
use sharewise_engine::time::{ist_day, ist_midnight, TimestampNs};
use sharewise_engine::types::ClientOrderId;
use sharewise_store::{Journal, OrderEvent, OrderRecord, OrderStatus, Recorded};

use crate::account::WorkingOrder;
use crate::error::LiveError;
use sharewise_engine::account::Bracket;

/// What reconciliation changed and what it could not settle.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciled {
    /// Fills found at the broker and journalled now.
    pub fills_added: u64,
    /// One line per order whose state changed, for the operator.
    pub changes: Vec<String>,
    /// Orders still working at the broker.
    pub working: Vec<WorkingOrder>,
    /// What the broker's books could not prove, one line each: the account starts `reducing`.
    pub unresolved: Vec<String>,
    /// The highest client order id the broker showed (the next one must be above it).
    pub broker_max_id: Option<ClientOrderId>,
}

/// Where reconciliation starts reading the broker's books: the oldest order still in flight,
/// and at least IST midnight of the day before the journal's last activity (late fills of
/// orders settled just before a crash). `TimestampNs::MIN` for an empty journal.
pub fn window_start(journal: &Journal) -> TimestampNs {
    let state = journal.state();
    let Some(last) = state.last_update() else {
        return TimestampNs::MIN;
    };
    let recent = ist_midnight(ist_day(last) - 1);
    state
        .oldest_in_flight()
        .map_or(recent, |oldest| oldest.min(recent))
}

/// Brings `journal` in line with `broker` (see the module docs).
pub async fn reconcile<B: Broker>(
    journal: &mut Journal,
    broker: &B,
) -> Result<Reconciled, LiveError> {
    let mut out = Reconciled::default();
    let since = window_start(journal);
    let at_broker: HashMap<ClientOrderId, BrokerOrder> = broker
        .orders_since(since)
        .await?
        .into_iter()
        .map(|o| (o.tag(), o))
        .collect();
    out.broker_max_id = at_broker.keys().max().copied();
    let in_flight: Vec<OrderRecord> = journal
        .orders()
        .into_iter()
        .filter(|o| !o.status.is_terminal())
        .collect();
    // 1. Every order in flight, looked up by its tag (acknowledged before its fills are booked,
    //    so the journal keeps the broker's order id).
    let mut found = Vec::with_capacity(in_flight.len());
    for record in in_flight {
        let id = record.client_id;
        let known = match at_broker.get(&id) {
            Some(o) => Some(o.clone()),
            None => broker.order_by_tag(id).await?,
        };
        match known {
            Some(order) => {
                settle_found(journal, &record, &order, &mut out)?;
                found.push(order);
            }
            None => settle_missing(journal, &record, broker.books_from(), &mut out)?,
        }
    }
    // 2. Every execution the journal lacks (known trade ids are skipped).
    for trade in broker.trades_since(since).await? {
        let id = trade.fill.client_id;
        if journal.state().order(id).is_none() {
            out.unresolved.push(format!("{id}: broker fill {} of {} @ {} is for an order this journal never created; not booked", trade.trade_id, trade.fill.qty, trade.fill.price));
            continue;
        }
        match journal.record(&OrderEvent::Filled {
            fill: trade.fill,
            trade_id: trade.trade_id.clone(),
        }) {
            Ok(Recorded::Appended(_)) => {
                out.fills_added += 1;
                out.changes.push(format!(
                    "{id}: fill {} of {} @ {} booked from the broker",
                    trade.trade_id, trade.fill.qty, trade.fill.price
                ));
            }
            Ok(Recorded::DuplicateFill) => {}
            Err(e) => out.unresolved.push(format!(
                "{id}: broker fill {} not booked: {e}",
                trade.trade_id
            )),
        }
    }
    // 3. Final states, and what is still working.
    for order in found {
        settle_final(journal, &order, &mut out)?;
    }
    Ok(out)
}

/// An in-flight order the broker has: journal what the broker says happened to the placement.
fn settle_found(
    journal: &mut Journal,
    record: &OrderRecord,
    order: &BrokerOrder,
    out: &mut Reconciled,
) -> Result<(), LiveError> {
    let id = record.client_id;
    let now = order.updated_ts.max(record.updated_ts);
    if record.status == OrderStatus::New {
        journal.record(&OrderEvent::Sent {
            client_id: id,
            ts: now,
        })?;
    }
    if order.status == VenueStatus::Rejected {
        let reason = order
            .status_message
            .clone()
            .unwrap_or_else(|| "rejected by the broker".into());
        journal.record(&OrderEvent::Rejected {
            client_id: id,
            reason,
            ts: now,
        })?;
        out.changes.push(format!("{id}: rejected at the broker"));
    } else if matches!(
        record.status,
        OrderStatus::New | OrderStatus::Sent | OrderStatus::Unresolved
    ) {
        journal.record(&OrderEvent::Acknowledged {
            client_id: id,
            broker_order_id: order.order_id.clone(),
            ts: now,
        })?;
        out.changes.push(format!(
            "{id}: was {}, found at the broker as {}",
            record.status, order.order_id
        ));
    }
    Ok(())
}

/// An in-flight order the broker does not have, in its day book or its history.
fn settle_missing(
    journal: &mut Journal,
    record: &OrderRecord,
    books_from: TimestampNs,
    out: &mut Reconciled,
) -> Result<(), LiveError> {
    let id = record.client_id;
    // Acknowledged (it existed), or placed before the broker's books begin (Kite keeps only the
    // day's): not finding it proves nothing.
    let unprovable = match &record.broker_order_id {
        Some(broker_id) => Some(format!(
            "acknowledged as {broker_id} ({}) but not in the broker's order book or history",
            record.status
        )),
        None if record.created_ts < books_from => Some(format!(
            "{} before the broker's books begin (they keep only the day's): its contract note says whether it traded",
            record.status
        )),
        None => None,
    };
    if let Some(reason) = unprovable {
        if record.status != OrderStatus::Unresolved {
            journal.record(&OrderEvent::Unresolved {
                client_id: id,
                reason: reason.clone(),
                ts: record.updated_ts,
            })?;
        }
        out.unresolved
            .push(format!("{id}: {reason}; check it with the broker"));
        return Ok(());
    }
    journal.record(&OrderEvent::Cancelled {
        client_id: id,
        ts: record.updated_ts,
    })?;
    let why = if record.status == OrderStatus::New {
        "never sent"
    } else {
        "never reached the broker: not in its order book or history"
    };
    out.changes
        .push(format!("{id}: was {}, {why} → cancelled", record.status));
    Ok(())
}

/// Journals a found order's final state; hands on what still works.
fn settle_final(
    journal: &mut Journal,
    order: &BrokerOrder,
    out: &mut Reconciled,
) -> Result<(), LiveError> {
    let id = order.tag();
    let Some(record) = journal.state().order(id).cloned() else {
        return Ok(());
    };
    if record.filled_qty < order.filled_qty {
        let reason = format!(
            "the broker reports {} filled but its trade book shows {}",
            order.filled_qty, record.filled_qty
        );
        if !record.status.is_terminal() && record.status != OrderStatus::Unresolved {
            journal.record(&OrderEvent::Unresolved {
                client_id: id,
                reason: reason.clone(),
                ts: order.updated_ts.max(record.updated_ts),
            })?;
        }
        out.unresolved
            .push(format!("{id}: {reason}; check the broker's trade book"));
        return Ok(());
    }
    match order.status {
        VenueStatus::Cancelled if !record.status.is_terminal() => {
            journal.record(&OrderEvent::Cancelled {
                client_id: id,
                ts: order.updated_ts.max(record.updated_ts),
            })?;
            out.changes.push(format!("{id}: cancelled at the broker"));
        }
        VenueStatus::Pending | VenueStatus::Open | VenueStatus::PartiallyFilled => {
            out.working.push(WorkingOrder {
                remaining: order.pending_qty(),
                order: order.request,
                bracket: Bracket::default(),
            });
        }
        _ => {}
    }
    Ok(())
}

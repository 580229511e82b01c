//! Restart: rebuild from the journal, then make the journal agree with the broker before trading.
//!
//! 1. Every order the journal still has in flight is looked up by its tag: found → its
//!    acknowledgement (with the broker's order id) is journalled; not found → it never reached
//!    the broker (the daemon died between journalling and sending) and is marked cancelled.
//!    Nothing is re-sent: a stale signal is not a reason to trade.
//! 2. Every execution in the broker's trade book is journalled (fills already there are
//!    recognised by their trade id and skipped), so fills that happened while the daemon was
//!    down, or after its last journal write, are booked exactly once.
//! 3. Final states (cancelled at the broker) are journalled; open orders are handed on.
//!
//! What remains working is handed to the account actor.

use sharewise_brokers::{Broker, OrderStatus as BrokerStatus};
use sharewise_engine::types::ClientOrderId;
use sharewise_store::{Journal, OrderEvent, OrderStatus, Recorded};

use crate::account::WorkingOrder;
use crate::brackets::Bracket;
use crate::error::LiveError;

/// What reconciliation changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciled {
    /// Fills found at the broker and journalled now.
    pub fills_added: u64,
    /// One line per order whose state changed, for the operator.
    pub changes: Vec<String>,
    /// Orders still working at the broker.
    pub working: Vec<WorkingOrder>,
}

/// Brings `journal` in line with `broker` (see the module docs).
pub async fn reconcile<B: Broker>(journal: &mut Journal, broker: &B) -> Result<Reconciled, LiveError> {
    let mut out = Reconciled::default();
    let pending: Vec<(ClientOrderId, OrderStatus)> =
        journal.orders().into_iter().filter(|o| !o.status.is_terminal()).map(|o| (o.client_id, o.status)).collect();
    // 1. Look every order in flight up by its tag; acknowledge the ones the broker has (before
    //    their fills, so the journal keeps the broker's order id).
    let mut found = Vec::with_capacity(pending.len());
    for (id, status) in pending {
        let Some(at_broker) = broker.order_by_tag(id).await? else {
            journal.record(&OrderEvent::Cancelled { client_id: id, ts: journal_ts(journal, id) })?;
            out.changes.push(format!("{id}: was {status}, unknown to the broker (never sent) → cancelled"));
            continue;
        };
        let now = at_broker.updated_ts.max(journal_ts(journal, id));
        if status == OrderStatus::New {
            journal.record(&OrderEvent::Sent { client_id: id, ts: now })?;
        }
        if at_broker.status == BrokerStatus::Rejected {
            let reason = at_broker.status_message.clone().unwrap_or_else(|| "rejected by the broker".into());
            journal.record(&OrderEvent::Rejected { client_id: id, reason, ts: now })?;
            out.changes.push(format!("{id}: rejected at the broker"));
            continue;
        }
        if matches!(status, OrderStatus::New | OrderStatus::Sent | OrderStatus::Unresolved) {
            journal.record(&OrderEvent::Acknowledged { client_id: id, broker_order_id: at_broker.order_id.clone(), ts: now })?;
            out.changes.push(format!("{id}: was {status}, found at the broker as {}", at_broker.order_id));
        }
        found.push(at_broker);
    }
    // 2. Book every execution the journal lacks (known trade ids are skipped).
    for trade in broker.trades().await? {
        let id = trade.fill.client_id;
        if journal.state().order(id).is_none() {
            continue; // not ours
        }
        match journal.record(&OrderEvent::Filled { fill: trade.fill, trade_id: trade.trade_id.clone() }) {
            Ok(Recorded::Appended(_)) => {
                out.fills_added += 1;
                out.changes.push(format!("{id}: fill {} of {} @ {} booked from the broker", trade.trade_id, trade.fill.qty, trade.fill.price));
            }
            Ok(Recorded::DuplicateFill) => {}
            Err(e) => out.changes.push(format!("{id}: broker fill {} not booked: {e}", trade.trade_id)),
        }
    }
    // 3. Final states, and what is still working.
    for at_broker in found {
        let id = at_broker.tag();
        match at_broker.status {
            BrokerStatus::Cancelled => {
                let now = at_broker.updated_ts.max(journal_ts(journal, id));
                journal.record(&OrderEvent::Cancelled { client_id: id, ts: now })?;
                out.changes.push(format!("{id}: cancelled at the broker"));
            }
            BrokerStatus::Filled => {
                let filled = journal.state().order(id).map_or(0, |o| o.filled_qty);
                if filled != at_broker.filled_qty {
                    out.changes.push(format!("{id}: broker says filled {} but its trade book shows {filled}; check the broker", at_broker.filled_qty));
                }
            }
            BrokerStatus::Pending | BrokerStatus::Open | BrokerStatus::PartiallyFilled => {
                out.working.push(WorkingOrder { remaining: at_broker.pending_qty(), order: at_broker.request, bracket: Bracket::default() });
            }
            BrokerStatus::Rejected => {}
        }
    }
    Ok(out)
}

fn journal_ts(journal: &Journal, id: ClientOrderId) -> i64 {
    journal.state().order(id).map_or(0, |o| o.updated_ts)
}

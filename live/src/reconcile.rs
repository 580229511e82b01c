//! Restart: rebuild from the journal, then make the journal agree with the broker before trading.
//!
//! 1. Every execution in the broker's trade book is journalled (fills already there are
//!    recognised by their trade id and skipped), so fills that happened while the daemon was
//!    down, or after its last journal write, are booked exactly once.
//! 2. Every order the journal still has in flight is looked up by its tag: found → its
//!    acknowledgement and final state are journalled; not found → it never reached the broker
//!    (the daemon died between journalling and sending) and is marked cancelled. Nothing is
//!    re-sent: a stale signal is not a reason to trade.
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
    for trade in broker.trades().await? {
        let id = trade.fill.client_id;
        let Some(status) = journal.state().order(id).map(|o| o.status) else { continue };
        if status == OrderStatus::New {
            // Sent is journalled before any placement, so a fill implies it was sent.
            journal.record(&OrderEvent::Sent { client_id: id, ts: trade.fill.ts })?;
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
    let pending: Vec<(ClientOrderId, OrderStatus)> =
        journal.orders().into_iter().filter(|o| !o.status.is_terminal()).map(|o| (o.client_id, o.status)).collect();
    for (id, status) in pending {
        let found = broker.order_by_tag(id).await?;
        let Some(found) = found else {
            journal.record(&OrderEvent::Cancelled { client_id: id, ts: journal_ts(journal, id) })?;
            out.changes.push(format!("{id}: was {status}, unknown to the broker (never sent) → cancelled"));
            continue;
        };
        let now = found.updated_ts.max(journal_ts(journal, id));
        if status == OrderStatus::New {
            journal.record(&OrderEvent::Sent { client_id: id, ts: now })?;
        }
        let current = journal.state().order(id).map_or(status, |o| o.status);
        match found.status {
            BrokerStatus::Rejected => {
                let reason = found.status_message.clone().unwrap_or_else(|| "rejected by the broker".into());
                journal.record(&OrderEvent::Rejected { client_id: id, reason, ts: now })?;
                out.changes.push(format!("{id}: rejected at the broker"));
                continue;
            }
            _ if matches!(current, OrderStatus::New | OrderStatus::Sent | OrderStatus::Unresolved) => {
                journal.record(&OrderEvent::Acknowledged { client_id: id, broker_order_id: found.order_id.clone(), ts: now })?;
                out.changes.push(format!("{id}: was {current}, found at the broker as {}", found.order_id));
            }
            _ => {}
        }
        match found.status {
            BrokerStatus::Cancelled => {
                journal.record(&OrderEvent::Cancelled { client_id: id, ts: now })?;
                out.changes.push(format!("{id}: cancelled at the broker"));
            }
            BrokerStatus::Filled => {
                let filled = journal.state().order(id).map_or(0, |o| o.filled_qty);
                if filled != found.filled_qty {
                    out.changes.push(format!("{id}: broker says filled {} but its trade book shows {filled}; check the broker", found.filled_qty));
                }
            }
            BrokerStatus::Pending | BrokerStatus::Open | BrokerStatus::PartiallyFilled => {
                out.working.push(WorkingOrder { order: found.request, remaining: found.pending_qty(), bracket: Bracket::default() });
            }
            BrokerStatus::Rejected => {}
        }
    }
    Ok(out)
}

fn journal_ts(journal: &Journal, id: ClientOrderId) -> i64 {
    journal.state().order(id).map_or(0, |o| o.updated_ts)
}

//! What the journal stores: one [`OrderEvent`] per order transition, numbered by a sequence.

use serde::{Deserialize, Serialize};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Fill, Order, Price};

/// One order transition, as the order actor journals it before acting on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum OrderEvent {
    /// The engine created an order (status `new`).
    Created {
        /// The order as the engine intends to send it.
        order: Order,
        /// Trading symbol, e.g. `RELIANCE`.
        symbol: String,
        /// Name of the strategy that asked for it.
        strategy: String,
        /// Protective stop the engine manages for the position this order opens, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stop_loss: Option<Price>,
        /// Profit target the engine manages for the position this order opens, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        take_profit: Option<Price>,
    },
    /// The placement is about to be sent to the broker (status `sent`).
    Sent {
        /// The order.
        client_id: ClientOrderId,
        /// When, UTC ns.
        ts: TimestampNs,
    },
    /// The broker accepted the order (status `open`).
    Acknowledged {
        /// The order.
        client_id: ClientOrderId,
        /// The broker's order id.
        broker_order_id: String,
        /// When, UTC ns.
        ts: TimestampNs,
    },
    /// A partial or complete execution (status `partially_filled` or `filled`).
    Filled {
        /// The execution; its `client_id` names the order.
        fill: Fill,
        /// The broker's trade id: a fill with a key already journalled is ignored.
        trade_id: String,
    },
    /// The order was cancelled (status `cancelled`).
    Cancelled {
        /// The order.
        client_id: ClientOrderId,
        /// When, UTC ns.
        ts: TimestampNs,
    },
    /// The broker, exchange or RMS rejected the order (status `rejected`).
    Rejected {
        /// The order.
        client_id: ClientOrderId,
        /// The broker's reason.
        reason: String,
        /// When, UTC ns.
        ts: TimestampNs,
    },
    /// The broker's reply was ambiguous (status `unresolved`): reconcile by tag before acting.
    Unresolved {
        /// The order.
        client_id: ClientOrderId,
        /// What was ambiguous, e.g. `timeout after 5s`.
        reason: String,
        /// When, UTC ns.
        ts: TimestampNs,
    },
}

impl OrderEvent {
    /// The order the event is about.
    pub fn client_id(&self) -> ClientOrderId {
        match self {
            OrderEvent::Created { order, .. } => order.client_id,
            OrderEvent::Filled { fill, .. } => fill.client_id,
            OrderEvent::Sent { client_id, .. }
            | OrderEvent::Acknowledged { client_id, .. }
            | OrderEvent::Cancelled { client_id, .. }
            | OrderEvent::Rejected { client_id, .. }
            | OrderEvent::Unresolved { client_id, .. } => *client_id,
        }
    }

    /// When the event happened, UTC ns.
    pub fn ts(&self) -> TimestampNs {
        match self {
            OrderEvent::Created { order, .. } => order.created_ts,
            OrderEvent::Filled { fill, .. } => fill.ts,
            OrderEvent::Sent { ts, .. }
            | OrderEvent::Acknowledged { ts, .. }
            | OrderEvent::Cancelled { ts, .. }
            | OrderEvent::Rejected { ts, .. }
            | OrderEvent::Unresolved { ts, .. } => *ts,
        }
    }

    /// The idempotency key of a fill (`<client id>/<trade id>`), `None` for other events.
    pub fn fill_key(&self) -> Option<String> {
        match self {
            OrderEvent::Filled { fill, trade_id } => {
                Some(format!("{}/{}", fill.client_id, trade_id))
            }
            _ => None,
        }
    }
}

/// An event as stored: its sequence number (1, 2, 3, ... in commit order) and the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Monotonically increasing, starting at 1, never reused.
    pub seq: u64,
    /// The transition.
    pub event: OrderEvent,
}

/// What [`crate::Journal::record`] did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Durably committed under this sequence number: the caller may now act on it.
    Appended(u64),
    /// A fill whose key was already journalled: nothing written, nothing to act on.
    DuplicateFill,
}

/// One event of a [`crate::Journal::record_batch`]: what was done with it and the order it
/// moved, as that event left it (for publishing the transition once the batch is committed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Appended (with its sequence number) or a duplicate fill (nothing written).
    pub recorded: Recorded,
    /// The order's status before this event (`None` for `Created` and duplicates).
    pub from: Option<crate::OrderStatus>,
    /// The order after this event (`None` for duplicates).
    pub order: Option<crate::OrderRecord>,
}

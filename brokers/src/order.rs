//! What a broker reports back: order statuses, order-book entries, placement outcomes, funds.
//!
//! Status mapping from broker vocabularies onto [`VenueStatus`] (brokers.md §0):
//!
//! | [`VenueStatus`] | Kite (upper case) / Upstox (lower case) |
//! | --- | --- |
//! | `Pending` | `PUT ORDER REQ RECEIVED`, `AMO REQ RECEIVED`, `VALIDATION PENDING`, `OPEN PENDING` |
//! | `Open` | `OPEN`, `TRIGGER PENDING`, `MODIFY*`, `MODIFIED`, `CANCEL PENDING`, `NOT MODIFIED`, `NOT CANCELLED` |
//! | `PartiallyFilled` | an `Open` status with `0 < filled < quantity` |
//! | `Filled` | `COMPLETE` |
//! | `Cancelled` | `CANCELLED`, `CANCELLED AFTER MARKET ORDER` (filled may be > 0) |
//! | `Rejected` | `REJECTED` |

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Fill, Order, OrderType, Price, Qty};

/// An order's state at the broker or exchange, in the common vocabulary (the journal's own
/// lifecycle, with `created`, `sent` and `unresolved`, is `sharewise_store::OrderStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VenueStatus {
    /// Accepted by the broker, not yet live at the exchange.
    Pending,
    /// Live at the exchange (including trigger pending), nothing filled.
    Open,
    /// Live with `0 < filled < quantity`.
    PartiallyFilled,
    /// Completely filled (terminal).
    Filled,
    /// Cancelled, possibly after partial fills (terminal).
    Cancelled,
    /// Refused by the broker or exchange (terminal).
    Rejected,
}

impl VenueStatus {
    /// Whether no further change can happen.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            VenueStatus::Filled | VenueStatus::Cancelled | VenueStatus::Rejected
        )
    }

    /// Maps a Kite or Upstox status string (either case) with the fill counts; `None` if unknown.
    pub fn from_broker(status: &str, filled: Qty, quantity: Qty) -> Option<VenueStatus> {
        let s = status.trim().to_ascii_uppercase();
        let live = || {
            if filled > 0 && filled < quantity {
                VenueStatus::PartiallyFilled
            } else {
                VenueStatus::Open
            }
        };
        Some(match s.as_str() {
            "PUT ORDER REQ RECEIVED"
            | "AMO REQ RECEIVED"
            | "AFTER MARKET ORDER REQ RECEIVED"
            | "VALIDATION PENDING"
            | "OPEN PENDING" => VenueStatus::Pending,
            "OPEN"
            | "TRIGGER PENDING"
            | "MODIFY VALIDATION PENDING"
            | "MODIFY PENDING"
            | "MODIFIED"
            | "NOT MODIFIED"
            | "NOT CANCELLED"
            | "CANCEL PENDING"
            | "MODIFY AFTER MARKET ORDER REQ RECEIVED"
            // AliceBlue's Noren-lineage words and its underscore spelling [U].
            | "TRIGGER_PENDING"
            | "NEW"
            | "REPLACED" => live(),
            "COMPLETE" => VenueStatus::Filled,
            "CANCELLED" | "CANCELED" | "CANCELLED AFTER MARKET ORDER" => VenueStatus::Cancelled,
            "REJECTED" => VenueStatus::Rejected,
            _ => return None,
        })
    }
}

/// One entry of a broker's order book, in common terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerOrder {
    /// The broker's order id (Kite `order_id`).
    pub order_id: String,
    /// The order as it now stands (after any modifications); `request.client_id` is the tag.
    pub request: Order,
    /// Lifecycle state.
    pub status: VenueStatus,
    /// Shares filled so far.
    pub filled_qty: Qty,
    /// Average fill price in rupees (zero when nothing filled).
    pub avg_price: Decimal,
    /// The broker's reason for a rejection or cancellation, if any.
    pub status_message: Option<String>,
    /// Time of the last change, UTC ns.
    pub updated_ts: TimestampNs,
}

impl BrokerOrder {
    /// Our client order id, sent as the broker's `tag`.
    pub fn tag(&self) -> ClientOrderId {
        self.request.client_id
    }

    /// Shares still to fill (zero once terminal).
    pub fn pending_qty(&self) -> Qty {
        if self.status.is_terminal() {
            0
        } else {
            self.request.qty - self.filled_qty
        }
    }
}

/// The result of a placement that did not fail outright.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceOutcome {
    /// The broker acknowledged the order (a duplicate tag returns the existing order).
    Placed(BrokerOrder),
    /// The reply was ambiguous (timeout, 5xx after the request was sent): the order may or may
    /// not exist. Look it up with [`Broker::order_by_tag`](crate::Broker::order_by_tag) before
    /// doing anything else; never re-send blindly.
    Unresolved {
        /// The tag to look up.
        tag: ClientOrderId,
        /// What made the reply ambiguous.
        reason: String,
    },
}

/// A change to an open order; `None` fields are left as they are (Kite's modify fields).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modify {
    /// New total quantity (must exceed what has already filled).
    pub qty: Option<Qty>,
    /// New pricing.
    pub order_type: Option<OrderType>,
    /// New limit price.
    pub limit_price: Option<Price>,
    /// New trigger price.
    pub trigger_price: Option<Price>,
}

/// Cash and margin of the account, rupees (Kite `margins.equity`, Upstox `equity`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funds {
    /// Cash at the start of the session (Kite `available.opening_balance`).
    pub opening_balance: Decimal,
    /// Cash now: opening balance less buys plus sells less charges (Kite `net`).
    pub cash: Decimal,
    /// Realised P&L of the session, before charges.
    pub realized_pnl: Decimal,
}

/// One execution from the broker's trade book (Kite `GET /trades`): the fill and the broker's
/// trade id, which makes journalling it idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerTrade {
    /// The broker's trade id, unique per account and day.
    pub trade_id: String,
    /// The execution; `fill.client_id` is the order's tag.
    pub fill: Fill,
}

/// Shares held in the demat account (delivered by earlier days' CNC buys), in common terms
/// (Kite `GET /portfolio/holdings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    /// The instrument.
    pub instrument: sharewise_engine::types::InstrumentId,
    /// Shares held, those still settling (T+1) included.
    pub qty: Qty,
    /// Of them, bought yesterday and not yet settled (Kite `t1_quantity`).
    pub t1_qty: Qty,
    /// Average buying price, rupees.
    pub avg_price: Decimal,
}

#[cfg(test)]
mod aliceblue_words {
    use super::VenueStatus;

    #[test]
    fn aliceblues_extra_status_words_are_known() {
        let of = |s: &str| VenueStatus::from_broker(s, 0, 5);
        assert_eq!(of("trigger_pending"), Some(VenueStatus::Open));
        assert_eq!(of("new"), Some(VenueStatus::Open));
        assert_eq!(of("replaced"), Some(VenueStatus::Open));
        assert_eq!(of("canceled"), Some(VenueStatus::Cancelled));
        assert_eq!(
            of("after market order req received"),
            Some(VenueStatus::Pending)
        );
        assert_eq!(
            VenueStatus::from_broker("new", 2, 5),
            Some(VenueStatus::PartiallyFilled)
        );
    }
}

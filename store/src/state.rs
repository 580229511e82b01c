//! Rebuilding current orders, positions and cash by folding journal events in sequence order.
//!
//! The same fold validates a new event (before it is written) and replays stored ones (on open
//! and for readers), so a journal can only ever contain transitions the lifecycle allows.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Fill, Position, Price, Qty, Side};

use crate::error::StoreError;
use crate::event::OrderEvent;
use crate::status::OrderStatus;

/// The current state of one order, rebuilt from its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// Our idempotent id (the broker's `tag`).
    pub client_id: ClientOrderId,
    /// Trading symbol.
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: Side,
    /// Ordered quantity.
    pub qty: Qty,
    /// Quantity filled so far.
    pub filled_qty: Qty,
    /// Volume-weighted average fill price, rupees (zero before the first fill).
    pub avg_fill_price: Decimal,
    /// Lifecycle state.
    pub status: OrderStatus,
    /// The broker's order id once acknowledged.
    pub broker_order_id: Option<String>,
    /// Strategy that created the order.
    pub strategy: String,
    /// Stop-loss the engine manages for the position this order opens, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_loss: Option<Price>,
    /// Profit target the engine manages for the position this order opens, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take_profit: Option<Price>,
    /// The last rejection or ambiguity reason, if any.
    pub reason: Option<String>,
    /// When the order was created, UTC ns.
    pub created_ts: TimestampNs,
    /// When its last event happened, UTC ns.
    pub updated_ts: TimestampNs,
}

/// Net holding of one symbol, rebuilt from fills with the engine's [`Position::apply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionRecord {
    /// Trading symbol.
    pub symbol: String,
    /// Signed shares: positive long, negative short.
    pub qty: Qty,
    /// Average entry price of the open quantity, rupees.
    pub avg_price: Decimal,
    /// P&L realised by closing fills, before fees, rupees.
    pub realized_pnl: Decimal,
}

/// Everything the journal's events imply: orders, positions, cash flow and seen fill keys, kept
/// up to date event by event.
#[derive(Clone, Debug, Default)]
pub struct JournalState {
    orders: BTreeMap<ClientOrderId, OrderRecord>,
    positions: BTreeMap<String, Position>,
    /// Cash moved by fills: sells add, buys and fees subtract.
    cash_flow: Decimal,
    fill_keys: HashSet<String>,
    last_seq: u64,
}

impl JournalState {
    /// Whether `key` (see [`OrderEvent::fill_key`]) was already applied.
    pub fn has_fill(&self, key: &str) -> bool {
        self.fill_keys.contains(key)
    }

    /// The status `event` would move its order to, or why it may not happen.
    pub(crate) fn check(&self, event: &OrderEvent) -> Result<OrderStatus, StoreError> {
        let id = event.client_id();
        let current = self.orders.get(&id);
        if let OrderEvent::Created { order, .. } = event {
            return match current {
                Some(_) => Err(StoreError::DuplicateOrder(id)),
                None if order.qty <= 0 => Err(StoreError::BadOrder {
                    client_id: id,
                    what: format!("qty {} must be > 0", order.qty),
                }),
                None => Ok(OrderStatus::New),
            };
        }
        let current = current.ok_or(StoreError::UnknownOrder(id))?;
        let to = match event {
            OrderEvent::Created { .. } => OrderStatus::New, // handled above
            OrderEvent::Sent { .. } => OrderStatus::Sent,
            OrderEvent::Acknowledged { .. } if current.filled_qty > 0 => {
                OrderStatus::PartiallyFilled
            }
            OrderEvent::Acknowledged { .. } => OrderStatus::Open,
            OrderEvent::Cancelled { .. } => OrderStatus::Cancelled,
            OrderEvent::Rejected { .. } => OrderStatus::Rejected,
            OrderEvent::Unresolved { .. } => OrderStatus::Unresolved,
            // Brokers report executions late: a fill that happened before a cancel took effect
            // still books, and the order stays cancelled.
            OrderEvent::Filled { fill, .. } if current.status == OrderStatus::Cancelled => {
                check_fill(current, fill)?;
                return Ok(OrderStatus::Cancelled);
            }
            OrderEvent::Filled { fill, .. } => check_fill(current, fill)?,
        };
        if current.status.can_become(to) {
            Ok(to)
        } else {
            Err(StoreError::IllegalTransition {
                client_id: id,
                from: current.status,
                to,
            })
        }
    }

    /// Applies an event already accepted by [`JournalState::check`] (or read back from the journal).
    pub(crate) fn apply(&mut self, seq: u64, event: &OrderEvent) -> Result<(), StoreError> {
        let key = event.fill_key();
        if key.as_deref().is_some_and(|k| self.has_fill(k)) {
            self.last_seq = seq;
            return Ok(());
        }
        let to = self.check(event)?;
        self.fill_keys.extend(key);
        let ts = event.ts();
        self.last_seq = seq;
        if let OrderEvent::Created {
            order,
            symbol,
            strategy,
            stop_loss,
            take_profit,
        } = event
        {
            self.orders.insert(
                order.client_id,
                OrderRecord {
                    client_id: order.client_id,
                    symbol: symbol.clone(),
                    side: order.side,
                    qty: order.qty,
                    filled_qty: 0,
                    avg_fill_price: Decimal::ZERO,
                    status: to,
                    broker_order_id: None,
                    strategy: strategy.clone(),
                    stop_loss: *stop_loss,
                    take_profit: *take_profit,
                    reason: None,
                    created_ts: order.created_ts,
                    updated_ts: order.created_ts,
                },
            );
            return Ok(());
        }
        let Some(order) = self.orders.get_mut(&event.client_id()) else {
            return Err(StoreError::UnknownOrder(event.client_id()));
        };
        order.status = to;
        order.updated_ts = ts;
        match event {
            OrderEvent::Acknowledged {
                broker_order_id, ..
            } => order.broker_order_id = Some(broker_order_id.clone()),
            OrderEvent::Rejected { reason, .. } | OrderEvent::Unresolved { reason, .. } => {
                order.reason = Some(reason.clone())
            }
            OrderEvent::Filled { fill, .. } => {
                let new_qty = order.filled_qty + fill.qty;
                order.avg_fill_price = (order.avg_fill_price * Decimal::from(order.filled_qty)
                    + fill.price.notional(fill.qty))
                    / Decimal::from(new_qty);
                order.filled_qty = new_qty;
                let symbol = order.symbol.clone();
                self.positions
                    .entry(symbol)
                    .or_insert_with(|| Position::flat(fill.instrument))
                    .apply(fill);
                self.cash_flow -= fill.price.notional(fill.side.sign() * fill.qty) + fill.fees;
            }
            _ => {}
        }
        Ok(())
    }

    /// Every order by client id, in id order.
    pub fn orders(&self) -> Vec<OrderRecord> {
        self.orders.values().cloned().collect()
    }

    /// The latest `updated_ts` or `created_ts` of any order (`None` for an empty journal):
    /// where the journal's timeline stands, read without copying the orders.
    pub fn last_activity(&self) -> Option<TimestampNs> {
        self.orders
            .values()
            .map(|o| o.updated_ts.max(o.created_ts))
            .max()
    }

    /// The latest `updated_ts` of any order (`None` for an empty journal).
    pub fn last_update(&self) -> Option<TimestampNs> {
        self.orders.values().map(|o| o.updated_ts).max()
    }

    /// The oldest creation time of an order still in flight (not terminal), if any.
    pub fn oldest_in_flight(&self) -> Option<TimestampNs> {
        self.orders
            .values()
            .filter(|o| !o.status.is_terminal())
            .map(|o| o.created_ts)
            .min()
    }

    /// One order, if journalled.
    pub fn order(&self, client_id: ClientOrderId) -> Option<&OrderRecord> {
        self.orders.get(&client_id)
    }

    /// Sequence number of the last event applied (0 for an empty journal).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Positions by symbol, flat ones included (their realised P&L still counts).
    pub fn positions(&self) -> Vec<PositionRecord> {
        self.positions
            .iter()
            .map(|(symbol, p)| PositionRecord {
                symbol: symbol.clone(),
                qty: p.qty,
                avg_price: p.avg_price,
                realized_pnl: p.realized_pnl,
            })
            .collect()
    }

    /// `initial` plus the cash every journalled fill moved (fees included).
    pub fn cash(&self, initial: Decimal) -> Decimal {
        initial + self.cash_flow
    }

    /// One past the highest client id ever journalled (1 for an empty journal).
    pub fn next_client_id(&self) -> ClientOrderId {
        ClientOrderId(self.orders.keys().next_back().map_or(1, |id| id.0 + 1))
    }
}

fn check_fill(order: &OrderRecord, fill: &Fill) -> Result<OrderStatus, StoreError> {
    let bad = |what: String| StoreError::BadFill {
        client_id: order.client_id,
        what,
    };
    if fill.side != order.side {
        return Err(bad(format!(
            "side {} does not match order side {}",
            fill.side, order.side
        )));
    }
    let remaining = order.qty - order.filled_qty;
    if fill.qty <= 0 || fill.qty > remaining {
        return Err(bad(format!(
            "qty {} outside 1..={remaining} (remaining)",
            fill.qty
        )));
    }
    Ok(if fill.qty == remaining {
        OrderStatus::Filled
    } else {
        OrderStatus::PartiallyFilled
    })
}

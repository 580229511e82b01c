//! JSON views for `sharewise orders` and `sharewise positions`.
//!
//! Orders: `[{"client_id":1,"tag":"SW0000000001","symbol":"INFY","side":"BUY","qty":10,
//! "filled_qty":4,"avg_fill_price":"1500.00","status":"partially_filled",...}]`.
//! Positions: `[{"symbol":"INFY","qty":-5,"avg_price":"1500","realized_pnl":"12.5",
//! "unrealized_pnl":"-3"}]`; money is a decimal string, `unrealized_pnl` is `null` without a mark.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Price, Qty, Side};

use crate::state::JournalState;
use crate::status::OrderStatus;

/// One row of the orders view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderView {
    /// Numeric client id.
    pub client_id: u64,
    /// The client id as sent to the broker's `tag`, e.g. `SW0000000001`.
    pub tag: String,
    /// Trading symbol.
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: Side,
    /// Ordered quantity.
    pub qty: Qty,
    /// Filled quantity.
    pub filled_qty: Qty,
    /// Average fill price, rupees.
    pub avg_fill_price: Decimal,
    /// Lifecycle state, `snake_case`.
    pub status: OrderStatus,
    /// The broker's order id, once acknowledged.
    pub broker_order_id: Option<String>,
    /// Strategy that created it.
    pub strategy: String,
    /// Last rejection or ambiguity reason.
    pub reason: Option<String>,
    /// Creation time, UTC ns.
    pub created_ts: TimestampNs,
    /// Time of the last event, UTC ns.
    pub updated_ts: TimestampNs,
}

/// One row of the positions view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PositionView {
    /// Trading symbol.
    pub symbol: String,
    /// Signed shares.
    pub qty: Qty,
    /// Average entry price, rupees.
    pub avg_price: Decimal,
    /// Realised P&L before fees, rupees.
    pub realized_pnl: Decimal,
    /// Open P&L at the mark, rupees; `None` when no mark was given for the symbol.
    pub unrealized_pnl: Option<Decimal>,
}

/// Every order in client-id order (decimals normalised: `100`, not `100.0000`).
pub fn orders_view(state: &JournalState) -> Vec<OrderView> {
    state
        .orders()
        .into_iter()
        .map(|o| OrderView {
            client_id: o.client_id.0,
            tag: o.client_id.to_string(),
            symbol: o.symbol,
            side: o.side,
            qty: o.qty,
            filled_qty: o.filled_qty,
            avg_fill_price: o.avg_fill_price.normalize(),
            status: o.status,
            broker_order_id: o.broker_order_id,
            strategy: o.strategy,
            reason: o.reason,
            created_ts: o.created_ts,
            updated_ts: o.updated_ts,
        })
        .collect()
}

/// Every position by symbol, with unrealised P&L at `marks[symbol]` (a flat position's is zero).
pub fn positions_view(state: &JournalState, marks: &HashMap<String, Price>) -> Vec<PositionView> {
    state
        .positions()
        .into_iter()
        .map(|p| {
            let unrealized_pnl = match (p.qty, marks.get(&p.symbol)) {
                (0, _) => Some(Decimal::ZERO),
                (qty, Some(mark)) => Some((mark.to_decimal() - p.avg_price) * Decimal::from(qty)),
                (_, None) => None,
            };
            PositionView {
                symbol: p.symbol,
                qty: p.qty,
                avg_price: p.avg_price.normalize(),
                realized_pnl: p.realized_pnl.normalize(),
                unrealized_pnl: unrealized_pnl.map(|d| d.normalize()),
            }
        })
        .collect()
}

//! JSON views for `sharewise orders` and `sharewise positions`.
//!
//! Orders: `[{"client_id":1,"tag":"SW0000000001","symbol":"INFY","side":"BUY","qty":10,
//! "filled_qty":4,"avg_fill_price":"1500.00","status":"partially_filled",...}]`.
//! Positions: `[{"symbol":"INFY","qty":-5,"avg_price":"1500","realized_pnl":"12.5",
//! "unrealized_pnl":"-3"}]`; money is a decimal string, `unrealized_pnl` is `null` without a mark.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_engine::types::{Price, Qty};

use crate::state::{JournalState, OrderRecord};

/// One row of the orders view: the rebuilt order plus its broker tag, flattened into one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderView {
    /// The client id as sent to the broker's `tag`, e.g. `SW0000000001`.
    pub tag: String,
    /// The order as rebuilt from the journal (its average price normalised: `100`, not `100.0000`).
    #[serde(flatten)]
    pub order: OrderRecord,
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
        .map(|mut order| {
            order.avg_fill_price = order.avg_fill_price.normalize();
            OrderView {
                tag: order.client_id.to_string(),
                order,
            }
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

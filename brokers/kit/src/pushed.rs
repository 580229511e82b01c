//! What an account's update stream has told its subscriber, so each execution and each change of
//! an order is pushed exactly once, whichever way it was heard first (the broker's WebSocket or a
//! catch-up read of the order book after a reconnection), and an order's trades always go out
//! before the state they complete.
//!
//! The adapter supplies the broker's side through [`UpdateSource`] (how to read an order's
//! trades, how to push); [`on_order`] does the rest.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::MutexGuard;

use sharewise_brokers::{BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate};
use sharewise_engine::types::ClientOrderId;

/// What the stream remembers across reconnections.
#[derive(Debug, Default)]
pub struct Pushed {
    /// Each order as last pushed, with `filled_qty` counted only as far as its pushed trades
    /// cover it (so a fill the broker's trade book did not list yet is looked for again).
    orders: HashMap<ClientOrderId, BrokerOrder>,
    /// Shares of each order's pushed trades.
    filled: HashMap<ClientOrderId, i64>,
    /// Trade ids already pushed.
    trades: HashSet<String>,
}

/// The broker's side of an update stream.
pub trait UpdateSource: Sync {
    /// The executions of `order` in the broker's trade book, in common terms.
    fn order_trades(
        &self,
        order: &BrokerOrder,
    ) -> impl Future<Output = Result<Vec<BrokerTrade>, BrokerError>> + Send;

    /// Hands `update` to the subscriber (waiting for room: never dropped).
    fn push(&self, update: BrokerUpdate) -> impl Future<Output = ()> + Send;

    /// What has been pushed so far (held only between awaits).
    fn pushed(&self) -> MutexGuard<'_, Pushed>;
}

/// One order's news: its new trades, then its new state. Whether anything was pushed. It is
/// compared with what this stream pushed, never with what a read of the book remembered
/// meanwhile (a cancel's read-back must not hide the fills before it).
pub async fn on_order<S: UpdateSource>(
    source: &S,
    order: BrokerOrder,
) -> Result<bool, BrokerError> {
    let tag = order.tag();
    let heard = source.pushed().orders.get(&tag).cloned();
    if heard.as_ref().is_some_and(|h| same_state(h, &order)) {
        return Ok(false);
    }
    let covered = source.pushed().filled.get(&tag).copied().unwrap_or(0);
    let covered = if order.filled_qty > covered {
        push_trades(source, &order).await?
    } else {
        covered
    };
    let mut as_heard = order.clone();
    as_heard.filled_qty = order.filled_qty.min(covered);
    source.pushed().orders.insert(tag, as_heard);
    source.push(BrokerUpdate::Order(order)).await;
    Ok(true)
}

/// Pushes the executions of `order` not pushed yet; the shares its pushed trades now cover.
async fn push_trades<S: UpdateSource>(source: &S, order: &BrokerOrder) -> Result<i64, BrokerError> {
    let trades = source.order_trades(order).await?;
    let (mut fresh, covered) = {
        let mut pushed = source.pushed();
        let fresh: Vec<BrokerTrade> = trades
            .into_iter()
            .filter(|t| pushed.trades.insert(t.trade_id.clone()))
            .collect();
        let sum = pushed.filled.entry(order.tag()).or_insert(0);
        *sum += fresh.iter().map(|t| t.fill.qty).sum::<i64>();
        (fresh, *sum)
    };
    if !fresh.is_empty() {
        fresh.sort_by_key(|t| t.fill.ts);
        source.push(BrokerUpdate::Trades(fresh)).await;
    }
    Ok(covered)
}

/// Whether two views of an order say the same (nothing to push).
fn same_state(a: &BrokerOrder, b: &BrokerOrder) -> bool {
    a.status == b.status
        && a.filled_qty == b.filled_qty
        && a.request.qty == b.request.qty
        && a.request.limit_price == b.request.limit_price
        && a.request.trigger_price == b.request.trigger_price
        && a.request.order_type == b.request.order_type
}

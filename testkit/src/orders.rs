//! Orders, fills and strategy signals.

use rust_decimal::Decimal;
use sharewise_engine::strategy::{Reason, Signal};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{
    ClientOrderId, Fill, InstrumentId, Order, OrderType, Product, Qty, Side,
};

use crate::money::p;

/// A DAY CNC market order with client id `id`, created at `ts`.
pub fn market(id: u64, instrument: InstrumentId, side: Side, qty: Qty, ts: TimestampNs) -> Order {
    Order::market(ClientOrderId(id), instrument, side, qty, Product::Cnc, ts)
}

/// A DAY CNC limit order at `price` rupees with client id `id`, created at `ts`.
#[track_caller]
pub fn limit(
    id: u64,
    instrument: InstrumentId,
    side: Side,
    qty: Qty,
    price: &str,
    ts: TimestampNs,
) -> Order {
    Order {
        order_type: OrderType::Limit,
        limit_price: Some(p(price)),
        ..market(id, instrument, side, qty, ts)
    }
}

/// A fill of `qty` shares at `price` rupees for order `id`, at `ts`, without fees.
#[track_caller]
pub fn fill(
    id: u64,
    instrument: InstrumentId,
    side: Side,
    qty: Qty,
    price: &str,
    ts: TimestampNs,
) -> Fill {
    Fill {
        client_id: ClientOrderId(id),
        instrument,
        side,
        qty,
        price: p(price),
        ts,
        fees: Decimal::ZERO,
    }
}

/// A signal at `ts` with no limit entry and no exits, confidence 1, reason `test`.
pub fn signal(instrument: InstrumentId, side: Side, ts: TimestampNs) -> Signal {
    Signal {
        ts,
        instrument,
        side,
        entry: None,
        stop_loss: None,
        take_profit: None,
        confidence: 1.0,
        reason: Reason::Text("test".into()),
    }
}

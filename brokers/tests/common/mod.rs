//! Shared helpers for the brokers crate's tests: one NSE instrument, ticks, order builders.
#![allow(dead_code)]

use sharewise_brokers::{PaperBroker, PaperConfig};
use sharewise_engine::types::{
    ClientOrderId, Instrument, InstrumentId, Order, OrderType, Price, Product, Side, Tick, Validity,
};

/// The instrument every test trades (NSE, 0.05 tick).
pub const INST: InstrumentId = InstrumentId(1);

/// Parses a price.
pub fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

/// A paper broker trading [`INST`].
pub fn broker(cfg: PaperConfig) -> PaperBroker {
    PaperBroker::new(cfg, [Instrument::nse_equity(1, "RELIANCE")])
}

/// A tick on [`INST`].
pub fn tick(ts: i64, price: &str, qty: i64) -> Tick {
    Tick {
        ts,
        instrument: INST,
        price: p(price),
        qty,
    }
}

/// A DAY MIS order on [`INST`].
pub fn order(
    id: u64,
    side: Side,
    qty: i64,
    order_type: OrderType,
    limit: Option<&str>,
    trigger: Option<&str>,
) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument: INST,
        side,
        qty,
        order_type,
        limit_price: limit.map(p),
        trigger_price: trigger.map(p),
        product: Product::Mis,
        validity: Validity::Day,
        created_ts: 0,
    }
}

/// A market order.
pub fn market(id: u64, side: Side, qty: i64) -> Order {
    order(id, side, qty, OrderType::Market, None, None)
}

/// A limit order.
pub fn limit(id: u64, side: Side, qty: i64, price: &str) -> Order {
    order(id, side, qty, OrderType::Limit, Some(price), None)
}

/// The same order with IOC validity.
pub fn ioc(mut o: Order) -> Order {
    o.validity = Validity::Ioc;
    o
}

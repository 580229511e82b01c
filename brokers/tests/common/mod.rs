//! The brokers crate's rig: one NSE instrument, paper brokers trading it, ticks on it and DAY MIS
//! order builders. Prices, decimals and temporary directories come from `sharewise-testkit`.
#![allow(dead_code, unused_imports)]

use std::path::Path;

use sharewise_brokers::{PaperBroker, PaperConfig};
use sharewise_engine::types::{Instrument, InstrumentId, Order, OrderType, Product, Side, Tick};
pub use sharewise_testkit::{d, p, tmp};

/// The instrument every test trades (NSE, 0.05 tick).
pub const INST: InstrumentId = InstrumentId(1);

/// The instruments the paper broker knows: [`INST`] as RELIANCE.
pub fn instruments() -> [Instrument; 1] {
    [Instrument::nse_equity(1, "RELIANCE")]
}

/// A paper broker trading [`INST`].
pub fn broker(cfg: PaperConfig) -> PaperBroker {
    PaperBroker::new(cfg, instruments())
}

/// A paper broker trading [`INST`], its book kept in the file `path` (opened or created).
pub fn open(path: &Path, cfg: PaperConfig) -> PaperBroker {
    PaperBroker::open(path, cfg, instruments()).unwrap()
}

/// A tick on [`INST`].
pub fn tick(ts: i64, price: &str, qty: i64) -> Tick {
    sharewise_testkit::tick(INST, ts, price, qty)
}

/// A DAY MIS order on [`INST`], created at 0.
pub fn order(
    id: u64,
    side: Side,
    qty: i64,
    order_type: OrderType,
    limit: Option<&str>,
    trigger: Option<&str>,
) -> Order {
    Order {
        order_type,
        limit_price: limit.map(p),
        trigger_price: trigger.map(p),
        product: Product::Mis,
        ..sharewise_testkit::market(id, INST, side, qty, 0)
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
    o.validity = sharewise_engine::types::Validity::Ioc;
    o
}

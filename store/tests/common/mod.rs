//! Builders shared by the journal tests: order events in the order the daemon journals them.
//! Prices, decimals, fills and temporary directories come from `sharewise-testkit`.
#![allow(dead_code, unused_imports)]

use rust_decimal::Decimal;
use sharewise_engine::types::{ClientOrderId, Fill, InstrumentId, Order, Product, Side};
use sharewise_store::OrderEvent;
pub use sharewise_testkit::{d, p, tmp};

/// A market order for `qty` of instrument 0 created at `ts = id`.
pub fn created(id: u64, symbol: &str, side: Side, qty: i64) -> OrderEvent {
    let order = Order::market(
        ClientOrderId(id),
        InstrumentId(0),
        side,
        qty,
        Product::Mis,
        id as i64,
    );
    OrderEvent::Created {
        order,
        symbol: symbol.to_string(),
        strategy: "ema_cross".to_string(),
        stop_loss: None,
        take_profit: None,
    }
}

/// `Sent` for order `id`.
pub fn sent(id: u64) -> OrderEvent {
    OrderEvent::Sent {
        client_id: ClientOrderId(id),
        ts: 10,
    }
}

/// `Acknowledged` for order `id` with broker id `B<id>`.
pub fn acked(id: u64) -> OrderEvent {
    OrderEvent::Acknowledged {
        client_id: ClientOrderId(id),
        broker_order_id: format!("B{id}"),
        ts: 20,
    }
}

/// A fill of `qty` at `price` rupees with trade id `trade`, fees 1 rupee.
pub fn filled(id: u64, side: Side, qty: i64, price: &str, trade: &str) -> OrderEvent {
    let fill = Fill {
        fees: Decimal::ONE,
        ..sharewise_testkit::fill(id, InstrumentId(0), side, qty, price, 30)
    };
    OrderEvent::Filled {
        fill,
        trade_id: trade.to_string(),
    }
}

/// Records created → sent → acknowledged for order `id`.
pub fn place(j: &mut sharewise_store::Journal, id: u64, symbol: &str, side: Side, qty: i64) {
    for e in [created(id, symbol, side, qty), sent(id), acked(id)] {
        j.record(&e).expect("place");
    }
}

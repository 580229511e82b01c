//! The paper broker with absurd slippage or values: the order is cancelled with a clear broker
//! message, never filled at a wrapped (favourable) price, and nothing panics.

mod common;

use common::*;
use sharewise_brokers::{PaperConfig, VenueStatus};
use sharewise_engine::types::{ClientOrderId, Side};

fn cancelled_message(b: &sharewise_brokers::PaperBroker, id: u64) -> String {
    let order = b.order(ClientOrderId(id)).expect("order in the book");
    assert_eq!(order.status, VenueStatus::Cancelled, "{order:?}");
    order.status_message.clone().unwrap_or_default()
}

#[test]
fn slippage_that_overflows_cancels_the_order_instead_of_a_wrapped_fill() {
    let mut b = broker(PaperConfig {
        slippage_ticks: i64::MAX,
        ..PaperConfig::default()
    });
    b.place(&market(1, Side::Buy, 10)).unwrap();
    let fills = b.on_tick(&tick(1, "100.00", 500)).unwrap();
    assert!(fills.is_empty(), "no fill at a wrapped price: {fills:?}");
    let message = cancelled_message(&b, 1);
    assert!(
        message.contains("slippage_ticks") && message.contains("out of range"),
        "{message}"
    );
    assert!(b.trades().is_empty());
}

#[test]
fn a_sell_slipped_to_zero_or_below_is_cancelled_not_filled() {
    // 100.00 less 2001 ticks of 0.05 is −0.05.
    let mut b = broker(PaperConfig {
        slippage_ticks: 2001,
        ..PaperConfig::default()
    });
    b.place(&market(1, Side::Sell, 10)).unwrap();
    assert!(b.on_tick(&tick(1, "100.00", 500)).unwrap().is_empty());
    assert!(cancelled_message(&b, 1).contains("out of range"));
}

#[test]
fn a_fill_worth_more_than_the_books_hold_is_cancelled() {
    let mut b = broker(PaperConfig::default());
    b.place(&market(1, Side::Buy, 1_000_000_000)).unwrap();
    let huge = sharewise_engine::types::Price(i64::MAX / 100).to_string();
    assert!(b.on_tick(&tick(1, &huge, i64::MAX)).unwrap().is_empty());
    assert!(cancelled_message(&b, 1).contains("fill value"));
}

//! The paper book: idempotent tags, modify and cancel, rejections with their messages.

mod common;

use common::*;
use sharewise_brokers::{ErrorKind, Modify, PaperConfig, VenueStatus};
use sharewise_engine::types::{ClientOrderId, InstrumentId, OrderType, Side};

#[test]
fn placing_a_tag_twice_returns_the_existing_order() {
    let mut b = broker(PaperConfig::default());
    let first = b.place(&limit(42, Side::Buy, 10, "99.00")).unwrap();
    assert_eq!(first.order_id, "PAPER0000000001");
    assert_eq!(b.duplicate_placements(), 0);
    let again = b.place(&limit(42, Side::Buy, 99, "98.00")).unwrap();
    assert_eq!(again, first, "the retry gets the original, not a new order");
    assert_eq!(b.duplicate_placements(), 1);
    assert_eq!(b.orders().len(), 1);
    assert_eq!(b.order(ClientOrderId(42)).unwrap().request.qty, 10);
}

#[test]
fn order_book_is_oldest_first() {
    let mut b = broker(PaperConfig::default());
    for id in [9, 2, 5] {
        b.place(&limit(id, Side::Buy, 1, "99.00")).unwrap();
    }
    let tags: Vec<u64> = b.orders().iter().map(|o| o.tag().0).collect();
    assert_eq!(tags, vec![9, 2, 5]);
}

#[test]
fn modify_reprices_an_open_order() {
    let mut b = broker(PaperConfig::default());
    b.place(&limit(1, Side::Buy, 10, "99.00")).unwrap();
    assert!(b.on_tick(&tick(1, "100.00", 100)).unwrap().is_empty());
    let m = b
        .modify(
            ClientOrderId(1),
            Modify {
                limit_price: Some(p("100.50")),
                qty: Some(20),
                ..Modify::default()
            },
        )
        .unwrap();
    assert_eq!(
        (m.request.limit_price, m.request.qty, m.status),
        (Some(p("100.50")), 20, VenueStatus::Open)
    );
    let fills = b.on_tick(&tick(2, "100.05", 100)).unwrap();
    assert_eq!(
        (fills[0].qty, fills[0].price),
        (20, p("100.05")),
        "re-entered: marketable at its next tick"
    );
    let err = b
        .modify(
            ClientOrderId(1),
            Modify {
                qty: Some(30),
                ..Modify::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        (err.kind, err.message.as_str()),
        (
            ErrorKind::Rejected,
            "Order cannot be modified as it is in COMPLETE state."
        )
    );
}

#[test]
fn modify_checks_quantity_and_the_tick_grid() {
    let mut b = broker(PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    });
    b.place(&limit(1, Side::Buy, 100, "100.00")).unwrap();
    b.on_tick(&tick(1, "99.95", 300)).unwrap();
    let err = b
        .modify(
            ClientOrderId(1),
            Modify {
                qty: Some(30),
                ..Modify::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        "Invalid `quantity`. Quantity should be greater than the filled quantity (30)."
    );
    let err = b
        .modify(
            ClientOrderId(1),
            Modify {
                limit_price: Some(p("100.03")),
                ..Modify::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.message, "Tick size for this script is 0.05. Kindly enter price in the multiple of tick size for this script.");
    assert_eq!(
        b.order(ClientOrderId(1)).unwrap().request.limit_price,
        Some(p("100.00")),
        "a failed modify changes nothing"
    );
}

#[test]
fn modifications_are_capped_at_25() {
    let mut b = broker(PaperConfig::default());
    b.place(&limit(1, Side::Buy, 10, "90.00")).unwrap();
    for i in 0..25 {
        b.modify(
            ClientOrderId(1),
            Modify {
                qty: Some(11 + i),
                ..Modify::default()
            },
        )
        .unwrap();
    }
    let err = b
        .modify(
            ClientOrderId(1),
            Modify {
                qty: Some(50),
                ..Modify::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.message, "Maximum allowed order modifications exceeded.");
}

#[test]
fn cancel_stops_an_open_order_and_keeps_its_fills() {
    let mut b = broker(PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    });
    b.place(&market(1, Side::Buy, 100)).unwrap();
    b.on_tick(&tick(1, "100.00", 200)).unwrap();
    let c = b.cancel(ClientOrderId(1)).unwrap();
    assert_eq!(
        (c.status, c.filled_qty, c.pending_qty()),
        (VenueStatus::Cancelled, 20, 0)
    );
    assert!(b.on_tick(&tick(2, "100.00", 200)).unwrap().is_empty());
    assert_eq!(b.positions()[0].qty, 20);
    let err = b.cancel(ClientOrderId(1)).unwrap_err();
    assert_eq!(
        err.message,
        "Order cannot be cancelled as it is in CANCELLED state."
    );
    let err = b.cancel(ClientOrderId(77)).unwrap_err();
    assert_eq!(
        (err.kind, err.message.as_str()),
        (
            ErrorKind::InvalidInput,
            "Invalid `order_id`: no order tagged SW0000000077."
        )
    );
}

#[test]
fn bad_input_is_rejected_with_kite_like_messages() {
    let mut b = broker(PaperConfig::default());
    let cases = [
        (market(1, Side::Buy, 0), "Invalid `quantity`. Quantity should be greater than zero."),
        (
            limit(2, Side::Buy, 1, "100.02"),
            "Tick size for this script is 0.05. Kindly enter price in the multiple of tick size for this script.",
        ),
        (
            order(3, Side::Sell, 1, OrderType::StopLossMarket, None, Some("99.99")),
            "Tick size for this script is 0.05. Kindly enter trigger_price in the multiple of tick size for this script.",
        ),
        (order(4, Side::Buy, 1, OrderType::Limit, None, None), "Invalid `price`. Price is required for LIMIT and SL orders."),
        (
            order(5, Side::Sell, 1, OrderType::StopLossMarket, None, None),
            "Invalid `trigger_price`. Trigger price is required for SL and SL-M orders.",
        ),
        (
            order(6, Side::Buy, 1, OrderType::StopLoss, Some("100.00"), Some("100.50")),
            "Trigger price for stoploss buy orders should be lower than the order price.",
        ),
        (
            order(7, Side::Sell, 1, OrderType::StopLoss, Some("100.00"), Some("99.50")),
            "Trigger price for stoploss sell orders should be higher than the order price.",
        ),
    ];
    for (o, msg) in cases {
        let err = b.place(&o).unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (ErrorKind::InvalidInput, msg)
        );
        assert!(!err.retry_safe());
    }
    let mut unknown = market(8, Side::Buy, 1);
    unknown.instrument = InstrumentId(99);
    assert_eq!(
        b.place(&unknown).unwrap_err().message,
        "Invalid `tradingsymbol`: instrument 99 is not listed."
    );
    assert!(
        b.orders().is_empty(),
        "rejected input never enters the book"
    );
}

#[test]
fn a_modified_triggered_stop_re_enters_as_a_new_limit() {
    let mut b = broker(PaperConfig::default());
    b.place(&order(
        1,
        Side::Sell,
        10,
        OrderType::StopLoss,
        Some("97.50"),
        Some("98.00"),
    ))
    .unwrap();
    assert!(
        b.on_tick(&tick(1, "97.00", 100)).unwrap().is_empty(),
        "triggered, resting at 97.50"
    );
    let change = Modify {
        limit_price: Some(p("96.50")),
        trigger_price: Some(p("97.00")),
        ..Default::default()
    };
    b.modify(ClientOrderId(1), change).unwrap();
    assert_eq!(
        b.on_tick(&tick(2, "96.95", 100)).unwrap()[0].price,
        p("96.95"),
        "marketable on its next tick"
    );
}

#[test]
fn ticks_of_other_instruments_fill_nothing() {
    let mut b = broker(PaperConfig::default());
    b.place(&market(1, Side::Buy, 10)).unwrap();
    let mut other = tick(1, "50.00", 100);
    other.instrument = InstrumentId(2);
    assert!(b.on_tick(&other).unwrap().is_empty());
    assert_eq!(b.now(), 1, "the clock still moves");
    assert_eq!(
        b.on_tick(&tick(2, "100.00", 100)).unwrap()[0].price,
        p("100.00")
    );
}

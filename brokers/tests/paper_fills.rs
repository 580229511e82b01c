//! The paper broker's fill rules on ticks, with exact prices and quantities.

mod common;

use common::*;
use sharewise_brokers::{PaperConfig, VenueStatus};
use sharewise_engine::types::{ClientOrderId, OrderType, Side};

#[test]
fn market_fills_at_the_next_tick_with_adverse_slippage() {
    let mut b = broker(PaperConfig {
        slippage_ticks: 2,
        ..PaperConfig::default()
    });
    b.place(&market(1, Side::Buy, 10)).unwrap();
    assert!(b.trades().is_empty(), "nothing fills before a tick");
    let fills = b.on_tick(&tick(1, "100.00", 500)).unwrap();
    assert_eq!(
        (fills.len(), fills[0].qty, fills[0].price),
        (1, 10, p("100.10"))
    );
    b.place(&market(2, Side::Sell, 10)).unwrap();
    let fills = b.on_tick(&tick(2, "100.00", 500)).unwrap();
    assert_eq!(fills[0].price, p("99.90"));
    let order = b.order(ClientOrderId(1)).unwrap();
    assert_eq!(
        (order.status, order.filled_qty, order.avg_price),
        (VenueStatus::Filled, 10, d("100.10"))
    );
    let funds = b.funds();
    assert_eq!(funds.cash, d("999998"), "1 000 000 - 1001 + 999");
    assert_eq!(funds.realized_pnl, d("-2"));
    assert_eq!(b.positions()[0].qty, 0);
}

#[test]
fn limit_fills_when_a_tick_trades_through_it() {
    let mut b = broker(PaperConfig::default());
    b.place(&limit(1, Side::Buy, 5, "99.50")).unwrap();
    assert!(b.on_tick(&tick(1, "100.00", 100)).unwrap().is_empty());
    assert!(
        b.on_tick(&tick(2, "99.50", 100)).unwrap().is_empty(),
        "touching is not trading through"
    );
    let fills = b.on_tick(&tick(3, "99.45", 100)).unwrap();
    assert_eq!(
        (fills[0].qty, fills[0].price),
        (5, p("99.50")),
        "filled at the limit, not the tick"
    );
    b.place(&limit(2, Side::Sell, 5, "100.50")).unwrap();
    assert!(b.on_tick(&tick(4, "100.45", 100)).unwrap().is_empty());
    assert!(b.on_tick(&tick(5, "100.50", 100)).unwrap().is_empty());
    assert_eq!(
        b.on_tick(&tick(6, "100.55", 100)).unwrap()[0].price,
        p("100.50")
    );
}

#[test]
fn marketable_limit_fills_at_the_arrival_tick_price() {
    let mut b = broker(PaperConfig {
        slippage_ticks: 3,
        ..PaperConfig::default()
    });
    b.place(&limit(1, Side::Buy, 5, "101.00")).unwrap();
    assert_eq!(
        b.on_tick(&tick(1, "100.00", 100)).unwrap()[0].price,
        p("100.00"),
        "no slippage on limits"
    );
    b.place(&limit(2, Side::Sell, 5, "99.00")).unwrap();
    assert_eq!(
        b.on_tick(&tick(2, "99.95", 100)).unwrap()[0].price,
        p("99.95")
    );
}

#[test]
fn stop_loss_triggers_then_works_as_a_limit() {
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
    assert!(b.on_tick(&tick(1, "98.05", 100)).unwrap().is_empty());
    let fills = b.on_tick(&tick(2, "97.90", 100)).unwrap();
    assert_eq!(
        (fills[0].qty, fills[0].price),
        (10, p("97.90")),
        "triggered and marketable: tick price"
    );

    b.place(&order(
        2,
        Side::Sell,
        10,
        OrderType::StopLoss,
        Some("97.50"),
        Some("98.00"),
    ))
    .unwrap();
    assert!(
        b.on_tick(&tick(3, "97.00", 100)).unwrap().is_empty(),
        "gapped below the limit: rests"
    );
    assert_eq!(b.order(ClientOrderId(2)).unwrap().status, VenueStatus::Open);
    assert!(b.on_tick(&tick(4, "97.50", 100)).unwrap().is_empty());
    assert_eq!(
        b.on_tick(&tick(5, "98.10", 100)).unwrap()[0].price,
        p("97.50"),
        "fills at the limit once traded through"
    );

    b.place(&order(
        3,
        Side::Buy,
        10,
        OrderType::StopLoss,
        Some("101.50"),
        Some("101.00"),
    ))
    .unwrap();
    assert!(b.on_tick(&tick(6, "100.95", 100)).unwrap().is_empty());
    assert_eq!(
        b.on_tick(&tick(7, "101.00", 100)).unwrap()[0].price,
        p("101.00")
    );
}

#[test]
fn stop_loss_market_fills_at_the_trigger_tick_plus_slippage() {
    let mut b = broker(PaperConfig {
        slippage_ticks: 1,
        ..PaperConfig::default()
    });
    b.place(&order(
        1,
        Side::Sell,
        10,
        OrderType::StopLossMarket,
        None,
        Some("98.00"),
    ))
    .unwrap();
    assert!(b.on_tick(&tick(1, "98.05", 100)).unwrap().is_empty());
    assert_eq!(
        b.on_tick(&tick(2, "97.80", 100)).unwrap()[0].price,
        p("97.75")
    );
    b.place(&order(
        2,
        Side::Buy,
        10,
        OrderType::StopLossMarket,
        None,
        Some("102.00"),
    ))
    .unwrap();
    assert!(b.on_tick(&tick(3, "101.95", 100)).unwrap().is_empty());
    assert_eq!(
        b.on_tick(&tick(4, "102.10", 100)).unwrap()[0].price,
        p("102.15")
    );
}

#[test]
fn partial_fills_take_a_share_of_each_tick() {
    let mut b = broker(PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    });
    b.place(&market(1, Side::Buy, 100)).unwrap();
    assert_eq!(b.on_tick(&tick(1, "100.00", 500)).unwrap()[0].qty, 50);
    let o = b.order(ClientOrderId(1)).unwrap();
    assert_eq!(
        (o.status, o.filled_qty, o.pending_qty()),
        (VenueStatus::PartiallyFilled, 50, 50)
    );
    assert_eq!(b.on_tick(&tick(2, "100.05", 300)).unwrap()[0].qty, 30);
    assert_eq!(b.on_tick(&tick(3, "100.10", 1000)).unwrap()[0].qty, 20);
    let o = b.order(ClientOrderId(1)).unwrap();
    assert_eq!((o.status, o.avg_price), (VenueStatus::Filled, d("100.035")));
    assert_eq!(b.funds().cash, d("989996.5"));
}

#[test]
fn partial_fill_budget_is_shared_oldest_first() {
    let mut b = broker(PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    });
    b.place(&market(7, Side::Buy, 8)).unwrap();
    b.place(&market(3, Side::Buy, 8)).unwrap();
    let fills = b.on_tick(&tick(1, "100.00", 100)).unwrap();
    let got: Vec<(u64, i64)> = fills.iter().map(|f| (f.client_id.0, f.qty)).collect();
    assert_eq!(got, vec![(7, 8), (3, 2)]);
}

#[test]
fn ioc_cancels_the_remainder_after_its_first_tick() {
    let mut b = broker(PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    });
    b.place(&ioc(limit(1, Side::Buy, 100, "100.00"))).unwrap();
    assert_eq!(b.on_tick(&tick(1, "99.95", 300)).unwrap()[0].qty, 30);
    let o = b.order(ClientOrderId(1)).unwrap();
    assert_eq!(
        (o.status, o.filled_qty, o.pending_qty()),
        (VenueStatus::Cancelled, 30, 0)
    );
    assert!(b.on_tick(&tick(2, "99.90", 300)).unwrap().is_empty());

    b.place(&ioc(limit(2, Side::Buy, 10, "100.00"))).unwrap();
    assert!(b.on_tick(&tick(3, "100.10", 300)).unwrap().is_empty());
    let o = b.order(ClientOrderId(2)).unwrap();
    assert_eq!((o.status, o.filled_qty), (VenueStatus::Cancelled, 0));
    assert_eq!(
        o.status_message.as_deref(),
        Some("IOC order: unfilled quantity cancelled.")
    );
}

#[test]
fn latency_keeps_an_order_pending_until_it_is_live() {
    const MS: i64 = 1_000_000;
    let mut b = broker(PaperConfig {
        latency_ns: 500 * MS,
        ..PaperConfig::default()
    });
    b.set_clock(1_000 * MS).unwrap();
    assert_eq!(
        b.place(&market(1, Side::Buy, 10)).unwrap().status,
        VenueStatus::Pending
    );
    assert!(b
        .on_tick(&tick(1_499 * MS, "100.00", 100))
        .unwrap()
        .is_empty());
    assert_eq!(
        b.order(ClientOrderId(1)).unwrap().status,
        VenueStatus::Pending
    );
    let fills = b.on_tick(&tick(1_500 * MS, "100.20", 100)).unwrap();
    assert_eq!((fills[0].price, fills[0].ts), (p("100.20"), 1_500 * MS));
    assert_eq!(
        b.order(ClientOrderId(1)).unwrap().status,
        VenueStatus::Filled
    );
}

//! The paper book outlives the process: reopen the snapshot and get the same orders, positions,
//! cash and clock, and keep trading where it left off.

mod common;

use common::*;
use sharewise_brokers::{PaperBroker, PaperConfig, VenueStatus};
use sharewise_engine::types::{ClientOrderId, Side};

#[test]
fn reopen_restores_orders_positions_cash_and_clock() {
    let dir = tmp();
    let path = dir.path().join("paper.json");
    let cfg = PaperConfig {
        max_fill_pct: Some(10),
        ..PaperConfig::default()
    };
    let (orders, positions, funds, trades) = {
        let mut b = open(&path, cfg.clone());
        b.place(&market(1, Side::Buy, 100)).unwrap();
        b.place(&limit(2, Side::Sell, 5, "120.00")).unwrap();
        b.on_tick(&tick(1_000, "100.00", 300)).unwrap();
        b.place(&market(1, Side::Buy, 100)).unwrap(); // a duplicate, counted
        (b.orders(), b.positions(), b.funds(), b.trades().to_vec())
    };
    assert!(path.exists());
    assert!(
        !dir.path().join("paper.json.tmp").exists(),
        "the temporary file was renamed away"
    );

    let mut b = open(
        &path,
        PaperConfig {
            opening_cash: 1.into(),
            ..cfg
        },
    );
    assert_eq!(b.orders(), orders);
    assert_eq!(b.positions(), positions);
    assert_eq!(b.funds(), funds);
    assert_eq!(
        b.funds().cash,
        "997000".parse().unwrap(),
        "saved cash wins over the new config"
    );
    assert_eq!(b.trades(), trades.as_slice());
    assert_eq!((b.now(), b.duplicate_placements()), (1_000, 1));

    let fills = b.on_tick(&tick(2_000, "100.05", 1000)).unwrap();
    assert_eq!(
        (fills[0].client_id, fills[0].qty),
        (ClientOrderId(1), 70),
        "the open remainder keeps filling"
    );
    let fills = b.on_tick(&tick(3_000, "120.05", 1000)).unwrap();
    assert_eq!(
        (fills[0].client_id, fills[0].price),
        (ClientOrderId(2), p("120.00"))
    );
    let next = b.place(&market(3, Side::Sell, 95)).unwrap();
    assert_eq!(
        next.order_id, "PAPER0000000003",
        "order ids continue after a reopen"
    );
    drop(b);

    let b = open(&path, PaperConfig::default());
    assert_eq!(
        b.order(ClientOrderId(1)).unwrap().status,
        VenueStatus::Filled
    );
    assert_eq!(b.positions()[0].qty, 95);
    assert_eq!(b.order(ClientOrderId(3)).unwrap().status, VenueStatus::Open);
}

#[test]
fn a_new_file_starts_from_the_configured_cash() {
    let dir = tmp();
    let path = dir.path().join("fresh.json");
    let b = open(
        &path,
        PaperConfig {
            opening_cash: 250_000.into(),
            ..PaperConfig::default()
        },
    );
    assert_eq!(b.funds().cash, 250_000.into());
    assert!(path.exists(), "the empty book is written at once");
}

#[test]
fn a_corrupt_snapshot_is_an_error_not_an_empty_book() {
    let dir = tmp();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, b"{not json").unwrap();
    let err = PaperBroker::open(&path, PaperConfig::default(), []).unwrap_err();
    assert_eq!(err.kind, sharewise_brokers::ErrorKind::Storage);
    assert!(
        err.message.starts_with(&format!(
            "the paper broker's book {} is damaged (",
            path.display()
        )),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("restore it from a backup"),
        "{}",
        err.message
    );
}

#[test]
fn a_resting_limit_keeps_its_trade_through_rule_after_a_reopen() {
    let dir = tmp();
    let path = dir.path().join("resting.json");
    {
        let mut b = open(&path, PaperConfig::default());
        b.place(&limit(1, Side::Buy, 10, "99.50")).unwrap();
        assert!(b.on_tick(&tick(1, "100.00", 100)).unwrap().is_empty());
    }
    let mut b = open(&path, PaperConfig::default());
    let fills = b.on_tick(&tick(2, "99.00", 100)).unwrap();
    assert_eq!(
        fills[0].price,
        p("99.50"),
        "still resting: fills at the limit, not as a new arrival"
    );
}

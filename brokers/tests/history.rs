//! The paper broker's history: finished orders and fills of earlier IST days stay queryable
//! (by tag and since a time), survive a reopen, and an interrupted day's end neither loses nor
//! doubles them.

mod common;

use common::*;
use sharewise_brokers::{PaperBroker, PaperConfig, VenueStatus};
use sharewise_engine::time::NANOS_PER_DAY;
use sharewise_engine::types::{ClientOrderId, Side};

/// 2026-01-05 13:30 IST.
const DAY1: i64 = 1_767_600_000_000_000_000;

/// Day 1: order 1 fills (P00000001), order 2 stays open; day 2 starts.
fn two_days(b: &mut PaperBroker) {
    b.place(&market(1, Side::Buy, 10)).unwrap();
    b.on_tick(&tick(DAY1, "100.00", 100)).unwrap();
    b.place(&limit(2, Side::Buy, 5, "90.00")).unwrap();
    b.on_tick(&tick(DAY1 + NANOS_PER_DAY, "101.00", 100))
        .unwrap();
}

#[test]
fn yesterdays_orders_and_fills_are_found_by_tag_and_since_a_time() {
    let dir = tmp();
    let path = dir.path().join("paper.json");
    let mut b = open(&path, PaperConfig::default());
    two_days(&mut b);
    assert_eq!(
        b.orders().iter().map(|o| o.tag().0).collect::<Vec<_>>(),
        [2],
        "the day book holds today's"
    );
    let archived = b
        .order(ClientOrderId(1))
        .expect("order 1 is in the history");
    assert_eq!(
        (archived.status, archived.filled_qty),
        (VenueStatus::Filled, 10)
    );
    assert_eq!(
        b.orders_since(i64::MIN)
            .iter()
            .map(|o| o.tag().0)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(
        b.orders_since(DAY1 + 1).is_empty(),
        "both last changed at DAY1 (order 2 waits untouched)"
    );
    let trades = b.trades_after(i64::MIN);
    assert_eq!(
        trades
            .iter()
            .map(|t| (t.trade_id.as_str(), t.fill.client_id.0))
            .collect::<Vec<_>>(),
        [("P00000001", 1)]
    );
    assert!(b.trades_after(DAY1 + 1).is_empty());
    assert!(
        dir.path().join("paper-history/2026-01-05.json").is_file(),
        "one file per archived day"
    );

    // A reopened book (a restart) still has them.
    drop(b);
    let b = open(&path, PaperConfig::default());
    assert_eq!(b.order(ClientOrderId(1)).unwrap().filled_qty, 10);
    assert_eq!(b.trades_after(i64::MIN).len(), 1);
    assert_eq!(b.max_tag(), Some(ClientOrderId(2)));
    assert!(!b.is_fresh());
}

#[test]
fn a_day_end_interrupted_before_the_book_was_written_is_neither_lost_nor_doubled() {
    let dir = tmp();
    let path = dir.path().join("paper.json");
    let mut b = open(&path, PaperConfig::default());
    b.place(&market(1, Side::Buy, 10)).unwrap();
    b.on_tick(&tick(DAY1, "100.00", 100)).unwrap();
    let book_before_day_end = std::fs::read(&path).unwrap();
    b.on_tick(&tick(DAY1 + NANOS_PER_DAY, "101.00", 100))
        .unwrap();
    drop(b);
    // The crash: the history file was written, the book was not.
    std::fs::write(&path, book_before_day_end).unwrap();
    let mut b = open(&path, PaperConfig::default());
    assert_eq!(b.orders().len(), 1, "the book still holds order 1");
    assert_eq!(
        b.orders_since(i64::MIN).len(),
        1,
        "and the history does not add it twice"
    );
    assert_eq!(b.trades_after(i64::MIN).len(), 1);
    // The day ends again on the next tick: archived once.
    b.on_tick(&tick(DAY1 + NANOS_PER_DAY + 1, "101.00", 100))
        .unwrap();
    assert_eq!(b.orders_since(i64::MIN).len(), 1);
    assert_eq!(b.trades_after(i64::MIN).len(), 1);
    assert!(b.orders().is_empty());
}

#[test]
fn every_book_has_an_account_id_and_an_older_book_is_stamped_once() {
    let dir = tmp();
    let path = dir.path().join("paper.json");
    let b = open(&path, PaperConfig::default());
    let id = b.account_id().to_string();
    assert!(id.starts_with("paper-") && id.len() == 18, "{id}");
    assert!(b.is_fresh());
    drop(b);
    assert_eq!(
        open(&path, PaperConfig::default()).account_id(),
        id,
        "the id is kept"
    );
    // A book written before stamps existed.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("account_id");
    std::fs::write(&path, json.to_string()).unwrap();
    let mut b = open(&path, PaperConfig::default());
    assert_eq!(b.account_id(), "");
    let stamped = b.stamp_account().unwrap();
    assert_eq!(b.stamp_account().unwrap(), stamped, "stamped once");
    assert_eq!(open(&path, PaperConfig::default()).account_id(), stamped);
}

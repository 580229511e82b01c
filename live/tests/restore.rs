//! Restart: the account's book rebuilt from the journal — positions, the exits journalled with
//! the order that opened them, and today's realised P&L for the daily loss limit.

mod common;

use common::*;
use rust_decimal::Decimal;
use sharewise_engine::time::NANOS_PER_DAY;
use sharewise_engine::types::{InstrumentId, Order, Side};
use sharewise_live::restore::restore;
use sharewise_store::{Journal, OrderEvent};

/// Journals `order` through to a fill at `price` (as the order actor does).
fn traded(
    journal: &mut Journal,
    order: Order,
    price: &str,
    stop: Option<&str>,
    target: Option<&str>,
) {
    let id = order.client_id;
    journal
        .record(&OrderEvent::Created {
            order,
            symbol: "INFY".into(),
            strategy: AUTO_NAME.into(),
            stop_loss: stop.map(p),
            take_profit: target.map(p),
        })
        .unwrap();
    journal
        .record(&OrderEvent::Sent {
            client_id: id,
            ts: order.created_ts,
        })
        .unwrap();
    let fill = fill(
        id.0,
        order.instrument,
        order.side,
        order.qty,
        price,
        order.created_ts,
    );
    journal
        .record(&OrderEvent::Filled {
            fill,
            trade_id: format!("T{}", id.0),
        })
        .unwrap();
}

#[test]
fn an_open_position_gets_back_its_stop_and_target_and_today_keeps_its_losses() {
    let dir = tmp();
    let mut journal = Journal::open(dir.path().join("journal.redb")).unwrap();
    let yesterday = at(10, 0, 0) - NANOS_PER_DAY;
    // Yesterday: +50. Today: -30 on a round trip, then a long entry with a stop and a target.
    traded(
        &mut journal,
        market(1, INFY, Side::Buy, 10, yesterday),
        "100",
        None,
        None,
    );
    traded(
        &mut journal,
        market(2, INFY, Side::Sell, 10, yesterday + 1),
        "105",
        None,
        None,
    );
    traded(
        &mut journal,
        market(3, INFY, Side::Buy, 10, at(10, 0, 0)),
        "100",
        None,
        None,
    );
    traded(
        &mut journal,
        market(4, INFY, Side::Sell, 10, at(10, 5, 0)),
        "97",
        None,
        None,
    );
    traded(
        &mut journal,
        market(5, INFY, Side::Buy, 10, at(11, 0, 0)),
        "98",
        Some("95"),
        Some("110"),
    );

    // TCS is not in the journal; symbols in a new order: INFY is now id 1.
    let symbols = vec!["TCS".to_string(), "INFY".to_string()];
    let r = restore(&journal, &symbols, Decimal::from(100_000), at(11, 30, 0)).unwrap();
    assert_eq!(r.portfolio.positions[1].qty, 10);
    assert_eq!(r.portfolio.positions[1].instrument, InstrumentId(1));
    assert_eq!(r.portfolio.positions[1].avg_price, d("98"));
    assert_eq!(r.portfolio.cash, d("99040"), "100000 + 50 - 30 - 980");
    assert_eq!(
        r.realized_today,
        d("-30"),
        "the daily loss limit sees today's loss, not yesterday's gain"
    );
    assert_eq!(r.brackets.len(), 1);
    let (i, bracket) = r.brackets[0];
    assert_eq!(
        (i, bracket.is_armed(), bracket.levels()),
        (1, true, (Some(p("95")), Some(p("110"))))
    );

    // A fresh start has nothing to restore.
    let empty = Journal::open(dir.path().join("empty.redb")).unwrap();
    let r = restore(&empty, &symbols, Decimal::from(100_000), i64::MIN).unwrap();
    assert!(r.brackets.is_empty() && r.realized_today.is_zero() && r.realized_day == i64::MIN);
}

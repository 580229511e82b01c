//! The JSON the `orders` and `positions` commands print.

mod common;

use std::collections::HashMap;

use common::{filled, p, place, tmp};
use sharewise_engine::types::Side;
use sharewise_store::{orders_view, positions_view, Journal, StoreError};

#[test]
fn views_carry_the_interface_fields() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("j.redb")).unwrap();
    place(&mut j, 1, "INFY", Side::Buy, 10);
    j.record(&filled(1, Side::Buy, 10, "100", "T1")).unwrap();
    place(&mut j, 2, "INFY", Side::Sell, 4);
    j.record(&filled(2, Side::Sell, 4, "105.5", "T2")).unwrap();
    place(&mut j, 3, "TCS", Side::Sell, 2);
    j.record(&filled(3, Side::Sell, 2, "3000", "T3")).unwrap();

    let orders = serde_json::to_value(orders_view(j.state())).unwrap();
    assert_eq!(orders[1]["client_id"], 2);
    assert_eq!(orders[1]["tag"], "SW0000000002");
    assert_eq!(orders[1]["side"], "SELL");
    assert_eq!(
        (orders[1]["qty"].as_i64(), orders[1]["filled_qty"].as_i64()),
        (Some(4), Some(4))
    );
    assert_eq!(orders[1]["status"], "filled");
    assert_eq!(orders[1]["avg_fill_price"], "105.5");

    let marks = HashMap::from([("INFY".to_string(), p("110"))]);
    let positions = serde_json::to_value(positions_view(j.state(), &marks)).unwrap();
    let infy = &positions[0];
    assert_eq!(
        (infy["symbol"].as_str(), infy["qty"].as_i64()),
        (Some("INFY"), Some(6))
    );
    assert_eq!(
        (
            &infy["avg_price"],
            &infy["realized_pnl"],
            &infy["unrealized_pnl"]
        ),
        (&"100".into(), &"22".into(), &"60".into())
    );
    let tcs = &positions[1];
    assert_eq!(
        (tcs["qty"].as_i64(), tcs["avg_price"].as_str()),
        (Some(-2), Some("3000"))
    );
    assert!(tcs["unrealized_pnl"].is_null(), "no mark given for TCS");
}

#[test]
fn reading_a_missing_journal_names_the_file() {
    let dir = tmp();
    let path = dir.path().join("nope.redb");
    let err = sharewise_store::JournalReader::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Db { .. }));
    assert!(err.to_string().contains("nope.redb"), "{err}");
}

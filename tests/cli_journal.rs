//! `sharewise orders` and `sharewise positions` on a journal written the way the daemon writes it
//! (through `sharewise_store::Journal`), as other tools will read them.

mod cli_support;

use cli_support::*;
use sharewise_engine::types::{ClientOrderId, InstrumentId, Order, Product, Side};
use sharewise_store::{Journal, OrderEvent};

fn order(j: &mut Journal, id: u64, symbol: &str, side: Side, qty: i64) {
    let order = Order::market(
        ClientOrderId(id),
        InstrumentId(0),
        side,
        qty,
        Product::Mis,
        id as i64,
    );
    j.record(&OrderEvent::Created {
        order,
        symbol: symbol.into(),
        strategy: "sma_cross".into(),
        stop_loss: None,
        take_profit: None,
    })
    .unwrap();
    j.record(&OrderEvent::Sent {
        client_id: ClientOrderId(id),
        ts: 10,
    })
    .unwrap();
}

fn fill(j: &mut Journal, id: u64, side: Side, qty: i64, price: &str) {
    j.record(&OrderEvent::Filled {
        fill: sharewise_testkit::fill(id, InstrumentId(0), side, qty, price, 30),
        trade_id: format!("T{id}"),
    })
    .unwrap();
}

#[test]
fn orders_and_positions_print_the_interface_fields_as_json() {
    let dir = tmp();
    {
        let mut j = Journal::open(dir.path().join("journal.redb")).unwrap();
        order(&mut j, 1, "INFY", Side::Buy, 10);
        fill(&mut j, 1, Side::Buy, 10, "1500.00");
        order(&mut j, 2, "INFY", Side::Sell, 4);
        fill(&mut j, 2, Side::Sell, 4, "1510.50");
        order(&mut j, 3, "TCS", Side::Sell, 2); // sent, not filled yet
    }
    let out = sw(&["orders", "--data-dir", s(dir.path()), "--json"]).ok();
    let orders: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let third = &orders[2];
    assert_eq!(
        (
            third["client_id"].as_u64(),
            third["symbol"].as_str(),
            third["side"].as_str()
        ),
        (Some(3), Some("TCS"), Some("SELL"))
    );
    assert_eq!(
        (
            third["qty"].as_i64(),
            third["filled_qty"].as_i64(),
            third["status"].as_str()
        ),
        (Some(2), Some(0), Some("sent"))
    );
    assert_eq!(orders[0]["status"], "filled");
    assert_eq!(orders[0]["account"], "main");

    let out = sw(&["positions", "--data-dir", s(dir.path()), "--json"]).ok();
    let positions: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let infy = &positions[0];
    assert_eq!(
        (infy["symbol"].as_str(), infy["qty"].as_i64()),
        (Some("INFY"), Some(6))
    );
    assert_eq!(
        (&infy["avg_price"], &infy["realized_pnl"]),
        (&"1500".into(), &"42".into())
    );
    assert!(
        infy.get("unrealized_pnl").is_some(),
        "the field is present (null without a live mark)"
    );

    sw(&["orders", "--data-dir", s(dir.path())])
        .ok()
        .stdout_has(&["SW0000000003", "TCS", "sent", "3 orders"]);
}

#[test]
fn every_account_is_shown_by_name_and_one_can_be_chosen() {
    let dir = tmp();
    {
        let mut main = Journal::open(dir.path().join("journal.redb")).unwrap();
        order(&mut main, 1, "INFY", Side::Buy, 10);
        fill(&mut main, 1, Side::Buy, 10, "1500.00");
        std::fs::create_dir_all(dir.path().join("accounts/alice")).unwrap();
        let mut alice = Journal::open(dir.path().join("accounts/alice/journal.redb")).unwrap();
        order(&mut alice, 1, "TCS", Side::Buy, 3);
        fill(&mut alice, 1, Side::Buy, 3, "3400.00");
    }
    let out = sw(&["positions", "--data-dir", s(dir.path()), "--json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let seen: Vec<(&str, &str, i64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap(),
                r["symbol"].as_str().unwrap(),
                r["qty"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [("main", "INFY", 10), ("alice", "TCS", 3)]);

    let out = sw(&[
        "orders",
        "--data-dir",
        s(dir.path()),
        "--account",
        "alice",
        "--json",
    ])
    .ok();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (&rows[0]["account"], &rows[0]["symbol"]),
        (&"alice".into(), &"TCS".into())
    );

    sw(&["orders", "--data-dir", s(dir.path())])
        .ok()
        .stdout_has(&["account main", "INFY", "account alice", "TCS", "1 orders"]);
    sw(&["positions", "--data-dir", s(dir.path()), "--account", "bob"])
        .fails()
        .stderr_has(&["no account `bob` in", "(it holds main, alice)"]);
}

#[test]
fn a_missing_journal_says_how_to_make_one() {
    let dir = tmp();
    sw(&["orders", "--data-dir", s(dir.path())])
        .fails()
        .stderr_has(&["no order journal", "sharewise run --data-dir"]);
}

/// Writes a journal in `dir`, then flips bytes in the middle of the file until reading it fails
/// (some bytes redb never reads), and returns the journal's path.
fn damaged_journal(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("journal.redb");
    {
        let mut j = Journal::open(&path).unwrap();
        for id in 1..=20 {
            order(&mut j, id, "INFY", Side::Buy, 10);
            fill(&mut j, id, Side::Buy, 10, "1500.00");
        }
    }
    let clean = std::fs::read(&path).unwrap();
    for offset in (clean.len() / 4..clean.len()).step_by(512) {
        let mut bytes = clean.clone();
        bytes[offset..offset + 64]
            .iter_mut()
            .for_each(|b| *b ^= 0x5A);
        std::fs::write(&path, &bytes).unwrap();
        if sharewise_store::read_state(&path).is_err() {
            std::fs::write(&path, &bytes).unwrap(); // as damaged as found, whatever the read did
            return path;
        }
    }
    panic!("no corruption of {} was noticed", path.display());
}

#[test]
fn a_damaged_journal_is_an_error_naming_the_file_and_the_way_out() {
    let dir = tmp();
    let path = damaged_journal(dir.path());
    let expected = [
        s(&path),
        "is damaged",
        "keep a copy",
        &format!("sharewise recover --data-dir {}", s(dir.path())),
    ];
    let out = sw(&["orders", "--data-dir", s(dir.path())])
        .fails()
        .stderr_has(&expected);
    assert_eq!(out.status.code(), Some(1), "{out}");
    let out = sw(&["positions", "--data-dir", s(dir.path()), "--json"])
        .fails()
        .stderr_has(&expected);
    assert_eq!(out.status.code(), Some(1), "{out}");
    let out = sw(&["run", "--data-dir", s(dir.path()), "--stop-after", "1"])
        .fails()
        .stderr_has(&expected);
    assert_eq!(out.status.code(), Some(1), "{out}");
}

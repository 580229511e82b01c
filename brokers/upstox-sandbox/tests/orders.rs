//! Orders as an Upstox client meets them: a limit order far below the market placed (v3),
//! shown in the book in order_book.json's shape, modified, cancelled, its history oldest first;
//! a market order filled on the price path and seen in the trades, positions and funds; v2's
//! answer; refusals naming the field.

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_limit_order_rests_is_modified_cancelled_and_its_history_tells_each_state() {
    let user = logged_in().await;
    let (status, placed) = user.place(&order(INFY, "BUY", 5, "LIMIT", 100.0)).await;
    assert_eq!(status, 200, "{placed}");
    assert_eq!(placed["status"], "success");
    assert!(placed["metadata"]["latency"].is_u64(), "{placed}");
    let id = placed["data"]["order_ids"][0].as_str().unwrap().to_string();
    assert_eq!(id.len(), 15);
    assert!(id.starts_with("260105"), "YYMMDD of the live day: {id}");

    let (_, book) = user.get("/v2/order/retrieve-all").await;
    let row = &book["data"][0];
    assert_eq!(keys(row), fixture_keys("order_book.json"));
    assert_eq!(row["order_id"], id.as_str());
    assert_eq!(row["status"], "open");
    assert_eq!(row["instrument_token"], INFY);
    assert_eq!(
        (row["trading_symbol"].as_str(), row["price"].as_f64()),
        (Some("INFY"), Some(100.0))
    );
    assert_eq!(
        (row["product"].as_str(), row["variety"].as_str()),
        (Some("D"), Some("SIMPLE"))
    );
    assert_eq!(row["tag"], "sw42");
    assert_eq!(row["order_timestamp"].as_str().unwrap().len(), 19);

    let change = json!({"order_id": id, "quantity": 4, "validity": "DAY", "price": 101.5,
        "order_type": "LIMIT", "disclosed_quantity": 0, "trigger_price": 0});
    let (status, modified) =
        User::send(user.request(Method::PUT, "/v3/order/modify").json(&change)).await;
    assert_eq!(status, 200, "{modified}");
    assert_eq!(
        keys(&modified),
        keys(
            &serde_json::from_str(include_str!(
                "../../../../shared/fixtures/upstox/modify_order_v3.json"
            ))
            .unwrap()
        )
    );
    assert_eq!(modified["data"]["order_id"], id.as_str());
    let (_, details) = user.get(&format!("/v2/order/details?order_id={id}")).await;
    assert_eq!(
        (
            details["data"]["quantity"].as_i64(),
            details["data"]["price"].as_f64()
        ),
        (Some(4), Some(101.5))
    );
    assert_eq!(details["data"]["order_request_id"], "2");

    let (status, cancelled) =
        User::send(user.request(Method::DELETE, &format!("/v3/order/cancel?order_id={id}"))).await;
    assert_eq!((status, &cancelled["data"]["order_id"]), (200, &json!(id)));
    let (_, history) = user.get(&format!("/v2/order/history?order_id={id}")).await;
    let states: Vec<&str> = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["put order req received", "open", "open", "cancelled"]
    );
    let (_, by_tag) = user.get("/v2/order/history?tag=sw42").await;
    assert_eq!(by_tag["data"].as_array().unwrap().len(), 4);

    let (status, again) =
        User::send(user.request(Method::DELETE, &format!("/v2/order/cancel?order_id={id}"))).await;
    assert_eq!(status, 400, "{again}");
    let (status, unknown) = user.get("/v2/order/details?order_id=260105999999999").await;
    assert_eq!(
        (status, error_of(&unknown).0.as_str()),
        (404, "UDAPI100010")
    );
}

#[tokio::test]
async fn a_market_order_fills_and_shows_in_trades_positions_and_funds() {
    let user = logged_in().await;
    let (status, placed) = user.place(&order(INFY, "BUY", 5, "MARKET", 0.0)).await;
    assert_eq!(status, 200, "{placed}");
    let id = placed["data"]["order_ids"][0].as_str().unwrap().to_string();
    let mut filled = None;
    for _ in 0..100 {
        let (_, details) = user.get(&format!("/v2/order/details?order_id={id}")).await;
        if details["data"]["status"] == "complete" {
            filled = Some(details["data"].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let filled = filled.expect("the market order never filled");
    assert_eq!(
        (
            filled["filled_quantity"].as_i64(),
            filled["pending_quantity"].as_i64()
        ),
        (Some(5), Some(0))
    );
    let avg = filled["average_price"].as_f64().unwrap();
    assert!((1000.0..3000.0).contains(&avg), "{avg}");

    let (_, trades) = user.get("/v2/order/trades/get-trades-for-day").await;
    let trade = &trades["data"][0];
    let want: std::collections::BTreeSet<String> = [
        "exchange",
        "product",
        "trading_symbol",
        "tradingsymbol",
        "instrument_token",
        "order_type",
        "transaction_type",
        "quantity",
        "exchange_order_id",
        "order_id",
        "exchange_timestamp",
        "average_price",
        "trade_id",
        "order_ref_id",
        "order_timestamp",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(keys(trade), want);
    assert_eq!(
        (trade["order_id"].as_str(), trade["quantity"].as_i64()),
        (Some(id.as_str()), Some(5))
    );
    assert_eq!(trade["average_price"].as_f64(), Some(avg));
    let (_, of_order) = user.get(&format!("/v2/order/trades?order_id={id}")).await;
    assert_eq!(of_order["data"][0]["trade_id"], trade["trade_id"]);

    let (_, positions) = user.get("/v2/portfolio/short-term-positions").await;
    let p = &positions["data"][0];
    assert_eq!(keys(p), fixture_keys("positions.json"));
    assert_eq!(
        (p["quantity"].as_i64(), p["instrument_token"].as_str()),
        (Some(5), Some(INFY))
    );
    assert_eq!(
        (p["day_buy_quantity"].as_i64(), p["average_price"].as_f64()),
        (Some(5), Some(avg))
    );

    let (_, funds) = user.get("/v2/user/get-funds-and-margin").await;
    assert_eq!(
        keys(&funds["data"]["equity"]),
        keys(&json!({"used_margin":0,"payin_amount":0,
        "span_margin":0,"adhoc_margin":0,"notional_cash":0,"available_margin":0,"exposure_margin":0}))
    );
    let available = funds["data"]["equity"]["available_margin"]
        .as_f64()
        .unwrap();
    let used = funds["data"]["equity"]["used_margin"].as_f64().unwrap();
    assert!(
        (available - (1_000_000.0 - 5.0 * avg)).abs() < 0.01,
        "{available}"
    );
    assert!((used - 5.0 * avg).abs() < 0.01, "{used}");
    assert_eq!(funds["data"]["commodity"]["available_margin"], 0.0);
    let (_, holdings) = user.get("/v2/portfolio/long-term-holdings").await;
    assert_eq!(holdings["data"], json!([]));
}

#[tokio::test]
async fn v2_answers_one_order_id_and_bad_placements_are_refused_naming_the_field() {
    let user = logged_in().await;
    let mut v2 = order(TCS, "BUY", 1, "LIMIT", 100.0);
    v2.as_object_mut().unwrap().remove("market_protection");
    let (status, placed) =
        User::send(user.request(Method::POST, "/v2/order/place").json(&v2)).await;
    assert_eq!(status, 200, "{placed}");
    assert!(placed["data"]["order_id"].is_string());
    assert!(placed.get("metadata").is_none(), "v2 carries no metadata");

    let refusals = [
        (json!({"quantity": 0}), "UDAPI100038", "quantity"),
        (json!({"product": "CNC"}), "UDAPI100038", "product"),
        (
            json!({"instrument_token": "NSE_EQ|INE000000000"}),
            "UDAPI100011",
            "instrument_token",
        ),
        (
            json!({"order_type": "MARKET", "price": 0, "market_protection": 0}),
            "UDAPI100038",
            "market_protection",
        ),
        (json!({"price": 0}), "UDAPI100038", "price"),
        (json!({"validity": "GTC"}), "UDAPI100038", "validity"),
        (json!({"is_amo": null}), "UDAPI100036", "is_amo"),
    ];
    for (change, code, field) in refusals {
        let mut bad = order(INFY, "BUY", 1, "LIMIT", 100.0);
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let (status, body) = user.place(&bad).await;
        assert_eq!(status, 400, "{change}: {body}");
        assert_eq!(
            error_of(&body),
            (code.to_string(), json!(field)),
            "{change}"
        );
    }
}

//! Orders through the sandbox with Zerodha's own Rust client: a market order filled on the price
//! path and seen in the order book, its history and the trades; a limit order far from the
//! market left open, modified, then cancelled; and Kite's refusals of bad placements, each naming the field.

mod common;

use std::time::Duration;

use common::logged_in;
use kiteconnect::{Exchange, OrderParams, OrderType, Product, TransactionType, Variety};

fn infy(side: TransactionType, qty: i64) -> OrderParams {
    OrderParams::new()
        .exchange(Exchange::Nse)
        .tradingsymbol("INFY")
        .transaction_type(side)
        .quantity(qty)
        .product(Product::Cnc)
}

#[tokio::test]
async fn a_market_order_fills_on_the_price_path_and_shows_in_book_history_and_trades() {
    let (kite, _) = logged_in().await;
    let placed = kite
        .place_order(
            Variety::Regular,
            infy(TransactionType::Buy, 5)
                .order_type(OrderType::Market)
                .market_protection(-1.0)
                .tag("sw42"),
        )
        .await
        .unwrap();

    let mut status = String::new();
    // Up to 20 s (the history sessions are played before the live open), polling within
    // Kite's 10 requests/s.
    for _ in 0..134 {
        let book = kite.orders().await.unwrap();
        let order = book.iter().find(|o| o.order_id == placed.order_id).unwrap();
        status = order.status.clone();
        if status == "COMPLETE" {
            assert_eq!(order.filled_quantity, 5.0);
            assert_eq!(order.pending_quantity, 0.0);
            assert!(order.average_price > 1000.0, "{}", order.average_price);
            assert_eq!(order.tag.as_deref(), Some("sw42"));
            assert_eq!(order.instrument_token, 408_065);
            assert_eq!(order.market_protection, Some(-1.0));
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(status, "COMPLETE", "the market order never filled");
    // The reads below come in a burst: a fresh second of Kite's 10 requests/s for them.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let history = kite.order_history(&placed.order_id).await.unwrap();
    assert_eq!(history.last().unwrap().status, "COMPLETE");
    let trades = kite.trades().await.unwrap();
    assert_eq!(trades.len(), 1);
    assert_eq!(trades[0].order_id, placed.order_id);
    assert_eq!(
        (trades[0].quantity, trades[0].transaction_type.as_str()),
        (5.0, "BUY")
    );
    assert!(
        kite.holdings().await.unwrap().is_empty(),
        "the day's buy settles after the day"
    );
    let of_order = kite.order_trades(&placed.order_id).await.unwrap();
    assert_eq!(of_order.len(), 1);
    assert_eq!(of_order[0].trade_id, trades[0].trade_id);
    assert!(kite.order_trades("nope").await.is_err());
}

#[tokio::test]
async fn a_limit_order_away_from_the_market_rests_is_modified_and_cancelled() {
    let (kite, _) = logged_in().await;
    let placed = kite
        .place_order(
            Variety::Regular,
            infy(TransactionType::Buy, 3)
                .order_type(OrderType::Limit)
                .price(100.0),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let open = kite.order_history(&placed.order_id).await.unwrap();
    assert_eq!(open[0].status, "OPEN");
    assert_eq!(open[0].price, 100.0);

    // Modified: a new price and quantity, still far below the market.
    kite.modify_order(
        Variety::Regular,
        &placed.order_id,
        OrderParams::new().quantity(4).price(101.5),
    )
    .await
    .unwrap();
    let modified = kite.order_history(&placed.order_id).await.unwrap();
    assert_eq!((modified[0].quantity, modified[0].price), (4.0, 101.5));
    let off_grid = kite
        .modify_order(
            Variety::Regular,
            &placed.order_id,
            OrderParams::new().price(101.52),
        )
        .await
        .unwrap_err();
    let off_grid = off_grid.to_string();
    assert!(off_grid.contains("InputException"), "{off_grid}");
    assert!(
        off_grid.contains("Tick size for this script is 0.05"),
        "{off_grid}"
    );

    kite.cancel_order(Variety::Regular, &placed.order_id, None)
        .await
        .unwrap();
    let cancelled = kite.order_history(&placed.order_id).await.unwrap();
    assert_eq!(cancelled[0].status, "CANCELLED");
    assert_eq!(cancelled[0].cancelled_quantity, 4.0);
    // A second cancel is refused: the order is no longer open.
    let again = kite
        .cancel_order(Variety::Regular, &placed.order_id, None)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("OrderException"), "{again}");
}

#[tokio::test]
async fn bad_placements_are_refused_naming_the_field() {
    let (kite, _) = logged_in().await;
    let refused = |params: OrderParams, variety: Variety| {
        let kite = kite.clone();
        async move {
            kite.place_order(variety, params)
                .await
                .unwrap_err()
                .to_string()
        }
    };
    let market = || infy(TransactionType::Buy, 1).order_type(OrderType::Market);
    let cases = [
        (
            infy(TransactionType::Buy, 0).order_type(OrderType::Market),
            Variety::Regular,
            "`quantity`",
        ),
        (
            market().tradingsymbol("NOPE"),
            Variety::Regular,
            "NOPE is not listed",
        ),
        (market().tag("x".repeat(21)), Variety::Regular, "`tag`"),
        (
            infy(TransactionType::Buy, 1).order_type(OrderType::Limit),
            Variety::Regular,
            "Missing `price`",
        ),
        (market(), Variety::Amo, "`regular` orders only"),
        (market(), Variety::Regular, "need `market_protection`"),
        (
            market().market_protection(0.0),
            Variety::Regular,
            "need `market_protection`",
        ),
    ];
    for (params, variety, needle) in cases {
        let message = refused(params, variety).await;
        assert!(message.contains("InputException"), "{message}");
        assert!(message.contains(needle), "{needle}: {message}");
    }
    assert!(
        kite.orders().await.unwrap().is_empty(),
        "nothing refused was booked"
    );
}

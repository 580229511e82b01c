//! The sandbox's ticker WebSocket through Zerodha's own Rust client: it connects with the
//! session, subscribes, and decodes the sandbox's binary ticks in each mode; a bad token is
//! refused at the handshake.

mod common;

use common::logged_in;
use kiteconnect::ticker::Mode;
use kiteconnect::{AccessToken, KiteConnect, TickerEvent};

const INFY: u32 = 408_065;
const TCS: u32 = 2_953_217;

#[tokio::test]
async fn the_official_ticker_streams_the_sandboxs_ticks_in_each_mode() {
    let (kite, addr) = logged_in().await;
    let url = url::Url::parse(&format!("ws://{addr}/")).unwrap();
    let (ticker, mut events) = kite.ticker().url(url).spawn().unwrap();
    ticker.subscribe(&[INFY], Mode::Full).unwrap();
    ticker.subscribe(&[TCS], Mode::Ltp).unwrap();

    let (mut full, mut ltp) = (None, None);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while (full.is_none() || ltp.is_none()) && tokio::time::Instant::now() < deadline {
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.recv()).await else {
            break;
        };
        match event {
            TickerEvent::Ticks(ticks) => {
                for tick in ticks {
                    match tick.instrument_token {
                        INFY if tick.depth.is_some() => full = Some(tick),
                        TCS => ltp = Some(tick),
                        INFY => {}
                        other => panic!("token {other} was never subscribed"),
                    }
                }
            }
            TickerEvent::Closed(why) => panic!("ticker closed: {why:?}"),
            _ => {}
        }
    }
    let full = full.expect("no full-mode INFY tick within 20 s");
    let last = full.last_price.unwrap();
    assert!((1000.0..3000.0).contains(&last), "{last}");
    assert!(full.high.unwrap() >= last && full.low.unwrap() <= last);
    assert!(full.volume.unwrap() > 0);
    assert!(full.exchange_time.unwrap() > 1_700_000_000);
    let depth = full.depth.unwrap();
    assert!(depth.buy[0].price <= last && depth.sell[0].price > last);
    let ltp = ltp.expect("no LTP-mode TCS tick within 20 s");
    assert!(ltp.last_price.unwrap() > 1000.0);
    assert_eq!(ltp.volume, None, "an LTP packet carries the price only");
    ticker.close();
}

#[tokio::test]
async fn a_ticker_with_a_bad_token_is_refused_at_the_handshake() {
    let (_, addr) = logged_in().await;
    let stranger = KiteConnect::builder("sandbox_api_key")
        .access_token(AccessToken::new("not-a-session").unwrap())
        .build()
        .unwrap();
    let url = url::Url::parse(&format!("ws://{addr}/")).unwrap();
    let (_ticker, mut events) = stranger.ticker().url(url).spawn().unwrap();
    loop {
        match events.recv().await {
            Some(TickerEvent::Closed(why)) => {
                let why = format!("{why:?}");
                assert!(why.contains("Rejected"), "{why}");
                break;
            }
            Some(TickerEvent::Ticks(_)) => panic!("a stranger got ticks"),
            Some(_) => {}
            None => panic!("the ticker ended without saying why"),
        }
    }
}

#[tokio::test]
async fn order_updates_arrive_on_the_ticker_as_the_order_moves() {
    use kiteconnect::{Exchange, OrderParams, OrderType, Product, TransactionType, Variety};
    let (kite, addr) = logged_in().await;
    let url = url::Url::parse(&format!("ws://{addr}/")).unwrap();
    let (ticker, mut events) = kite.ticker().url(url).spawn().unwrap();
    // Wait for the connection before placing, so no update is missed.
    loop {
        match events.recv().await {
            Some(TickerEvent::Connected) => break,
            Some(TickerEvent::Closed(why)) => panic!("ticker closed: {why:?}"),
            Some(_) => {}
            None => panic!("the ticker ended"),
        }
    }
    let placed = kite
        .place_order(
            Variety::Regular,
            OrderParams::new()
                .exchange(Exchange::Nse)
                .tradingsymbol("TCS")
                .transaction_type(TransactionType::Buy)
                .quantity(2)
                .product(Product::Mis)
                .order_type(OrderType::Market)
                .market_protection(-1.0)
                .tag("upd1"),
        )
        .await
        .unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !seen.contains(&"COMPLETE".to_string()) {
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.recv()).await else {
            panic!("no COMPLETE update within 20 s; saw {seen:?}");
        };
        if let TickerEvent::OrderUpdate(order) = event {
            assert_eq!(order.order_id, placed.order_id);
            assert_eq!(order.tag.as_deref(), Some("upd1"));
            seen.push(order.status.clone());
        }
    }
    assert_ne!(
        seen[0], "COMPLETE",
        "the placement is announced before its fill: {seen:?}"
    );
    ticker.close();
}

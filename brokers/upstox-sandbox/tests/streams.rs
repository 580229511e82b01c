//! The market data feed v3 and the portfolio stream as a client meets them: the single-use
//! authorize URL, `market_info` first, an `initial_feed` snapshot after `sub`, `live_feed`
//! messages with the day's volume rising, a bad request closing the socket with its reason, and
//! an order update per state change of a placed order.

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use sharewise_upstox_proto::{feed, full_feed, FeedResponse, MarketStatus, Message as _, Type};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn authorize(user: &User, path: &str) -> String {
    let (status, body) = user.get(path).await;
    assert_eq!(status, 200, "{body}");
    let url = body["data"]["authorized_redirect_uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(body["data"]["authorizedRedirectUri"], url.as_str());
    assert!(url.starts_with(&format!("ws://{}/", user.addr)), "{url}");
    url
}

/// The next binary frame as a FeedResponse (pings skipped), within 10 s.
async fn next_feed(ws: &mut Socket) -> FeedResponse {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
        match frame
            .expect("no feed message within 10 s")
            .unwrap()
            .unwrap()
        {
            Message::Binary(bytes) => return FeedResponse::decode(bytes.as_ref()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

fn vtt(message: &FeedResponse, key: &str) -> Option<i64> {
    match &message.feeds.get(key)?.feed_union {
        Some(feed::FeedUnion::FullFeed(f)) => match &f.full_feed_union {
            Some(full_feed::FullFeedUnion::MarketFf(m)) => Some(m.vtt),
            _ => None,
        },
        _ => None,
    }
}

#[tokio::test]
async fn the_market_feed_sends_market_info_a_snapshot_then_live_ticks() {
    let user = logged_in().await;
    let url = authorize(&user, "/v3/feed/market-data-feed/authorize").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    assert!(
        tokio_tungstenite::connect_async(&url).await.is_err(),
        "the URL works once"
    );

    let info = next_feed(&mut ws).await;
    assert_eq!(info.r#type(), Type::MarketInfo);
    let status = info.market_info.as_ref().unwrap().segment_status["NSE_EQ"];
    assert_eq!(status, MarketStatus::NormalOpen as i32);
    assert!(info.current_ts > 1_767_000_000_000, "{}", info.current_ts);

    let sub = json!({"guid": "g1", "method": "sub",
        "data": {"mode": "full", "instrumentKeys": [INFY, "NSE_EQ|UNKNOWN"]}});
    ws.send(Message::Binary(sub.to_string().into_bytes().into()))
        .await
        .unwrap();
    let mut last_vtt = 0;
    let mut live = 0;
    while live < 3 {
        let message = next_feed(&mut ws).await;
        assert_eq!(
            message.feeds.keys().collect::<Vec<_>>(),
            [INFY],
            "unknown keys are ignored"
        );
        let v = vtt(&message, INFY).expect("a full feed in full mode");
        assert!(
            v > last_vtt,
            "vtt rises with each trade: {v} after {last_vtt}"
        );
        last_vtt = v;
        live += 1;
    }

    // A later subscription gets the instrument's snapshot first.
    let sub = json!({"guid": "g2", "method": "sub",
        "data": {"mode": "full", "instrumentKeys": [TCS]}});
    ws.send(Message::Binary(sub.to_string().into_bytes().into()))
        .await
        .unwrap();
    let snapshot = loop {
        let message = next_feed(&mut ws).await;
        if message.r#type() == Type::InitialFeed {
            break message;
        }
        assert_eq!(message.r#type(), Type::LiveFeed);
    };
    assert_eq!(snapshot.feeds.keys().collect::<Vec<_>>(), [TCS]);
    let Some(feed::FeedUnion::FullFeed(full)) = &snapshot.feeds[TCS].feed_union else {
        panic!("a full feed in full mode");
    };
    let Some(full_feed::FullFeedUnion::MarketFf(m)) = &full.full_feed_union else {
        panic!("a market full feed");
    };
    let ltpc = m.ltpc.unwrap();
    assert!((2000.0..6000.0).contains(&ltpc.ltp), "{}", ltpc.ltp);
    assert!(ltpc.cp > 0.0 && ltpc.ltt >= info.current_ts, "{ltpc:?}");
    assert!(snapshot.current_ts >= ltpc.ltt);
    assert_eq!(m.market_level.as_ref().unwrap().bid_ask_quote.len(), 5);
    let intervals: Vec<&str> = m
        .market_ohlc
        .as_ref()
        .unwrap()
        .ohlc
        .iter()
        .map(|o| o.interval.as_str())
        .collect();
    assert_eq!(intervals, ["1d", "I1"]);
    let day = &m.market_ohlc.as_ref().unwrap().ohlc[0];
    assert!(day.high >= ltpc.ltp && day.low <= ltpc.ltp && day.vol == m.vtt);
    assert!(m.tbq > 0.0 && m.tsq > 0.0 && m.atp > 0.0);

    let ltpc_mode = json!({"guid": "g2", "method": "change_mode",
        "data": {"mode": "ltpc", "instrumentKeys": [INFY]}});
    ws.send(Message::Binary(ltpc_mode.to_string().into_bytes().into()))
        .await
        .unwrap();
    let mut saw_ltpc = false;
    for _ in 0..200 {
        let message = next_feed(&mut ws).await;
        if let Some(f) = message.feeds.get(INFY) {
            saw_ltpc = matches!(f.feed_union, Some(feed::FeedUnion::Ltpc(_)));
            if saw_ltpc {
                break;
            }
        }
    }
    assert!(saw_ltpc, "change_mode to ltpc sends LTPC only");

    ws.send(Message::Binary(b"not json".to_vec().into()))
        .await
        .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert!(frame.reason.contains("Invalid request"), "{}", frame.reason);
                break;
            }
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_portfolio_stream_sends_an_update_per_state_change() {
    let user = logged_in().await;
    let url = authorize(
        &user,
        "/v2/feed/portfolio-stream-feed/authorize?update_types=order,position,holding",
    )
    .await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (_, placed) = user.place(&order(INFY, "BUY", 2, "MARKET", 0.0)).await;
    let id = placed["data"]["order_ids"][0].as_str().unwrap().to_string();

    let mut statuses = Vec::new();
    while statuses.last() != Some(&"complete".to_string()) {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
        let Message::Text(text) = frame.expect("no update within 10 s").unwrap().unwrap() else {
            continue;
        };
        let update: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(update["update_type"], "order");
        assert_eq!(
            (update["user_id"].as_str(), update["userId"].as_str()),
            (Some("SW0001"), Some("SW0001"))
        );
        assert_eq!(
            (
                update["order_id"].as_str(),
                update["instrument_key"].as_str()
            ),
            (Some(id.as_str()), Some(INFY))
        );
        for field in [
            "exchange",
            "instrument_token",
            "trading_symbol",
            "tradingsymbol",
            "product",
            "order_type",
            "average_price",
            "price",
            "trigger_price",
            "quantity",
            "disclosed_quantity",
            "pending_quantity",
            "transaction_type",
            "order_ref_id",
            "exchange_order_id",
            "parent_order_id",
            "validity",
            "status",
            "is_amo",
            "variety",
            "tag",
            "exchange_timestamp",
            "status_message",
            "order_request_id",
            "order_timestamp",
            "filled_quantity",
            "guid",
            "placed_by",
            "status_message_raw",
        ] {
            assert!(update.get(field).is_some(), "{field} missing from {update}");
        }
        statuses.push(update["status"].as_str().unwrap().to_string());
    }
    assert_eq!(statuses, ["put order req received", "open", "complete"]);
}

//! Upstox's checks and the faults on demand: the 11th order in a second gets 429 `UDAPI10005`
//! (error_rate_limited.json), orders from an address off the whitelist get 403, and the armed
//! faults (fail_next, stall_placements, drop_sockets, expire_sessions) do what they say.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::StreamExt;
use serde_json::json;
use sharewise_upstox_sandbox::SandboxConfig;

fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../../shared/fixtures/upstox/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn the_eleventh_order_in_a_second_is_refused_with_upstoxs_429() {
    let user = logged_in().await;
    let started = Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(user.place(&order(INFY, "BUY", 1, "LIMIT", 100.0)).await);
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the burst took over a second"
    );
    assert!(
        statuses[..10].iter().all(|(s, _)| *s == 200),
        "{statuses:?}"
    );
    assert_eq!(statuses[10].0, 429);
    assert_eq!(statuses[10].1, fixture("error_rate_limited.json"));
    let (status, _) = user.get("/v2/order/retrieve-all").await;
    assert_eq!(status, 200, "other APIs count apart");
}

#[tokio::test]
async fn orders_from_an_address_off_the_whitelist_are_refused() {
    let user = logged_in_with(SandboxConfig {
        allowed_ips: vec!["10.1.2.3".parse().unwrap()],
        ..fast()
    })
    .await;
    let (status, body) = user.place(&order(INFY, "BUY", 1, "LIMIT", 100.0)).await;
    assert_eq!(status, 403);
    let (code, _) = error_of(&body);
    assert_eq!(code, "UDAPI100403");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("127.0.0.1") && message.contains("static IP"),
        "{message}"
    );
    let (status, _) = user.get("/v2/order/retrieve-all").await;
    assert_eq!(status, 200, "reads answer any address");
}

#[tokio::test]
async fn armed_faults_fail_stall_cut_and_expire() {
    let user = logged_in().await;
    let armed = user
        .faults(json!({"fail_next": {"count": 2, "error_code": "UDAPI100500"}}))
        .await;
    assert_eq!(armed["data"]["failing_next"], 2);
    for _ in 0..2 {
        let (status, body) = user.get("/v2/user/profile").await;
        assert_eq!((status, error_of(&body).0.as_str()), (500, "UDAPI100500"));
    }
    assert_eq!(user.get("/v2/user/profile").await.0, 200);
    user.faults(json!({"fail_next": {"count": 1, "error_type": "UDAPI10005", "status": 429}}))
        .await;
    assert_eq!(
        user.get("/v2/user/profile").await.1,
        fixture("error_rate_limited.json")
    );

    user.faults(json!({"stall_placements": {"count": 1, "ms": 600}}))
        .await;
    let started = Instant::now();
    let (status, placed) = user.place(&order(INFY, "BUY", 1, "LIMIT", 100.0)).await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the answer came on time"
    );
    let id = placed["data"]["order_ids"][0].as_str().unwrap();
    let (_, book) = user.get("/v2/order/retrieve-all").await;
    assert_eq!(
        book["data"][0]["order_id"], id,
        "the stalled order was booked"
    );

    let (_, auth) = user.get("/v3/feed/market-data-feed/authorize").await;
    let url = auth["data"]["authorized_redirect_uri"].as_str().unwrap();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let _market_info = ws.next().await.unwrap().unwrap();
    let dropped = user.faults(json!({"drop_sockets": true})).await;
    assert_eq!(dropped["data"]["sockets_dropped"], 1);
    let end = loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
        {
            // Pings and ticks already in flight before the cut.
            Some(Ok(m)) if !m.is_close() => continue,
            end => break end,
        }
    };
    assert!(
        matches!(end, None | Some(Err(_))),
        "cut without a close frame: {end:?}"
    );

    let expired = user.faults(json!({"expire_sessions": true})).await;
    assert_eq!(
        expired["data"]["sessions_expired"], 2,
        "the access and the extended token"
    );
    let (status, body) = user.get("/v2/user/profile").await;
    assert_eq!((status, body), (401, fixture("error_invalid_token.json")));
}

//! Kite's checks before the handlers, through Zerodha's client: the 10 requests/s limit answered
//! with 429 `NetworkException` and room again a second later, and slow answers on demand.

mod common;

use std::time::{Duration, Instant};

use common::logged_in;

#[tokio::test]
async fn more_than_ten_reads_in_a_second_get_429_and_room_returns() {
    let (kite, _) = logged_in().await;
    let calls: Vec<_> = (0..15)
        .map(|_| {
            let kite = kite.clone();
            tokio::spawn(async move { kite.orders().await.map(|_| ()).map_err(|e| e.to_string()) })
        })
        .collect();
    let mut refused = 0;
    for call in calls {
        if let Err(text) = call.await.unwrap() {
            assert!(
                text.contains("NetworkException") && text.contains("429"),
                "{text}"
            );
            refused += 1;
        }
    }
    // Five when all fifteen land in the same second, as they do unless the machine stalls.
    assert!(
        (1..=5).contains(&refused),
        "15 reads at once, {refused} refused"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    kite.orders().await.unwrap();
}

#[tokio::test]
async fn slow_answers_come_late_and_then_on_time() {
    let (kite, addr) = logged_in().await;
    let armed = reqwest::Client::new()
        .post(format!("http://{addr}/__sandbox/faults"))
        .body(r#"{"slow": {"count": 1, "ms": 700}}"#)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert!(armed.status().is_success());
    let t0 = Instant::now();
    kite.profile().await.unwrap();
    assert!(
        t0.elapsed() >= Duration::from_millis(700),
        "{:?}",
        t0.elapsed()
    );
    let t1 = Instant::now();
    kite.profile().await.unwrap();
    assert!(
        t1.elapsed() < Duration::from_millis(700),
        "{:?}",
        t1.elapsed()
    );
}

//! Kite's live feed against the sandbox's ticker: trades of every listed instrument in time order
//! per instrument; the socket cut and the feed back (reconnected, resubscribed, trading) within
//! 5 s with the gap counted; a feed thread that does not read gets conflated trades, counted, in
//! time order per instrument, while the socket reader never waits.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{arm, logged_in};
use serde_json::json;
use sharewise_engine::types::Tick;
use sharewise_kite::feed::{FeedConfig, KiteFeed};
use sharewise_kite::KiteAccount;
use sharewise_kite_sandbox::SandboxConfig;

fn feed(account: &KiteAccount, addr: &str, config: &SandboxConfig, queue: usize) -> KiteFeed {
    let tokens = config.listing.iter().map(|l| l.token).collect();
    let session = account.clone();
    KiteFeed::start(
        FeedConfig {
            ws_url: format!("ws://{addr}"),
            api_key: config.identity.api_key.clone(),
            egress_ip: None,
            tokens,
            stale_after: Duration::from_secs(3),
            queue,
        },
        Arc::new(move || session.current_token()),
    )
    .unwrap()
}

/// Up to `n` trades within `within`.
fn take(feed: &KiteFeed, n: usize, within: Duration) -> Vec<Tick> {
    let deadline = Instant::now() + within;
    let mut out = Vec::new();
    while out.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match feed.ticks().recv_timeout(left) {
            Ok(t) => out.push(t),
            Err(_) => break,
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trades_stream_and_a_cut_socket_is_back_within_five_seconds_with_the_gap_counted() {
    let (account, addr, config) = logged_in().await;
    let feed = feed(&account, &addr, &config, 65_536);
    let stats = feed.stats();
    let first = tokio::task::block_in_place(|| take(&feed, 200, Duration::from_secs(20)));
    assert_eq!(first.len(), 200, "the feed is quiet");
    let mut last_ts = vec![0; config.listing.len()];
    for t in &first {
        let k = t.instrument.0 as usize;
        assert!(k < config.listing.len(), "{t:?}");
        assert!(t.ts >= last_ts[k], "instrument {k} went back in time");
        assert!(t.qty > 0 && t.price.units() > 0, "{t:?}");
        last_ts[k] = t.ts;
    }
    assert_eq!(stats.connects.load(Ordering::Relaxed), 1);

    let cut = arm(&addr, json!({"drop_sockets": true})).await;
    assert!(cut["sockets_dropped"].as_u64().unwrap() >= 1, "{cut}");
    let t0 = Instant::now();
    let back = tokio::task::block_in_place(|| {
        while stats.connects.load(Ordering::Relaxed) < 2 && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Drain what was queued before the cut, then wait for a trade of the new connection.
        while feed.ticks().try_recv().is_ok() {}
        take(
            &feed,
            1,
            Duration::from_secs(5).saturating_sub(t0.elapsed()),
        )
    });
    assert_eq!(back.len(), 1, "no trade within 5 s of the cut");
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    assert_eq!(stats.connects.load(Ordering::Relaxed), 2);
    assert!(
        stats.gaps.load(Ordering::Relaxed) >= 1,
        "the sandbox traded while the socket was down"
    );
    assert!(stats.gap_volume.load(Ordering::Relaxed) > 0);
    assert_eq!(stats.bad.load(Ordering::Relaxed), 0);
    feed.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_thread_that_falls_behind_gets_conflated_trades_counted_and_in_time_order() {
    let (account, addr, config) = logged_in().await;
    let feed = feed(&account, &addr, &config, 4);
    let stats = feed.stats();
    // Do not read for a while: the queue of 4 fills, the rest is conflated per instrument.
    while stats.trades.load(Ordering::Relaxed) + stats.conflated.load(Ordering::Relaxed) < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    feed.stop();
    let got: Vec<Tick> = tokio::task::block_in_place(|| feed.ticks().try_iter().collect());
    assert!(
        stats.conflated.load(Ordering::Relaxed) > 0,
        "nothing conflated"
    );
    let handed = stats.trades.load(Ordering::Relaxed) as usize;
    assert!(got.len() <= handed);
    let mut last_ts = vec![0; config.listing.len()];
    for t in &got {
        let k = t.instrument.0 as usize;
        assert!(t.ts >= last_ts[k], "instrument {k} went back in time");
        last_ts[k] = t.ts;
    }
}

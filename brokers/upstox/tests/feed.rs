//! Upstox's live feed against the sandbox's market data feed v3: trades of the subscribed shares
//! with the day's volume rising, in time order per instrument; the sockets cut and the feed back
//! on a newly authorised address with the gap counted; an expired token refused once and not
//! offered again (no hammering) until the token source gives a fresh one, then trading again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sharewise_engine::types::Tick;
use sharewise_upstox::feed::{FeedConfig, FeedError, FeedStats, TokenSource, UpstoxFeed};
use sharewise_upstox_sandbox::{serve, Sandbox, SandboxConfig};

/// Shares subscribed: the first four of the sandbox's listing.
const SUBSCRIBED: usize = 4;

/// A sandbox with its price path at 600× on a free loopback port: its `host:port` and config.
async fn sandbox() -> (String, SandboxConfig) {
    let config = SandboxConfig {
        speed: 600.0,
        ..SandboxConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(serve(listener, Sandbox::new(config.clone())));
    (addr, config)
}

/// Logs in as a user would (the dialog's redirect with a code, then the token exchange): the
/// access token.
async fn log_in(addr: &str, config: &SandboxConfig) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let who = &config.identity;
    let res = http
        .get(format!("http://{addr}/v2/login/authorization/dialog"))
        .query(&[
            ("response_type", "code"),
            ("client_id", who.api_key.as_str()),
            ("redirect_uri", who.redirect_uri.as_str()),
            ("state", "feed-test"),
        ])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let code = location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_string();
    let res = http
        .post(format!("http://{addr}/v2/login/authorization/token"))
        .form(&[
            ("code", code.as_str()),
            ("client_id", who.api_key.as_str()),
            ("client_secret", who.api_secret.as_str()),
            ("redirect_uri", who.redirect_uri.as_str()),
            ("grant_type", "authorization_code"),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// Arms sandbox faults; the sandbox's answer.
async fn arm(addr: &str, faults: Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/__sandbox/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "arming {faults} failed");
    res.json::<Value>().await.unwrap()["data"].clone()
}

fn config(addr: &str, sandbox: &SandboxConfig, queue: usize) -> FeedConfig {
    FeedConfig {
        base_url: format!("http://{addr}"),
        egress_ip: None,
        keys: sandbox.listing[..SUBSCRIBED]
            .iter()
            .map(|l| format!("NSE_EQ|{}", l.isin))
            .collect(),
        stale_after: Duration::from_secs(3),
        queue,
    }
}

/// A token source the test can change: the feed's session.
fn session(token: &str) -> (Arc<Mutex<Option<String>>>, TokenSource) {
    let current = Arc::new(Mutex::new(Some(token.to_string())));
    let read = Arc::clone(&current);
    let source: TokenSource = Arc::new(move || read.lock().ok()?.clone());
    (current, source)
}

/// Up to `n` trades within `within`.
fn take(feed: &UpstoxFeed, n: usize, within: Duration) -> Vec<Tick> {
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

/// Waits up to `within` for `counter` to reach `at_least`; whether it did.
fn until(counter: &AtomicU64, at_least: u64, within: Duration) -> bool {
    let t0 = Instant::now();
    while counter.load(Ordering::Relaxed) < at_least {
        if t0.elapsed() > within {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

fn get(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// Trades of the subscribed shares only, each a rise of volume at a price, in time order per
/// instrument.
fn check_trades(ticks: &[Tick]) {
    let mut last_ts = [0; SUBSCRIBED];
    for t in ticks {
        let k = t.instrument.0 as usize;
        assert!(k < SUBSCRIBED, "{t:?}");
        assert!(t.ts >= last_ts[k], "instrument {k} went back in time");
        assert!(t.qty > 0 && t.price.units() > 0, "{t:?}");
        last_ts[k] = t.ts;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trades_stream_and_cut_sockets_come_back_on_a_new_address_with_the_gap_counted() {
    let (addr, sandbox_config) = sandbox().await;
    let token = log_in(&addr, &sandbox_config).await;
    let (_session, source) = session(&token);
    let feed = UpstoxFeed::start(config(&addr, &sandbox_config, 65_536), source).unwrap();
    let stats: Arc<FeedStats> = feed.stats();
    let first = tokio::task::block_in_place(|| take(&feed, 200, Duration::from_secs(20)));
    assert_eq!(first.len(), 200, "the feed is quiet");
    check_trades(&first);
    let traded: std::collections::HashSet<u32> = first.iter().map(|t| t.instrument.0).collect();
    assert!(traded.len() >= 2, "only {traded:?} traded");
    assert_eq!((get(&stats.connects), get(&stats.up)), (1, 1));

    let cut = arm(&addr, json!({"drop_sockets": true})).await;
    assert!(cut["sockets_dropped"].as_u64().unwrap() >= 1, "{cut}");
    let t0 = Instant::now();
    let back = tokio::task::block_in_place(|| {
        // The sandbox refuses a used address at the handshake: back means authorised anew.
        assert!(
            until(&stats.reconnects, 1, Duration::from_secs(5)),
            "not back"
        );
        while feed.ticks().try_recv().is_ok() {}
        take(&feed, 20, Duration::from_secs(5))
    });
    assert!(!back.is_empty(), "no trade after the cut");
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    check_trades(&back);
    assert_eq!(get(&stats.connects), 2);
    assert!(
        get(&stats.gaps) >= 1,
        "the sandbox traded while the socket was down"
    );
    assert!(get(&stats.gap_volume) > 0);
    assert_eq!((get(&stats.bad), get(&stats.refused)), (0, 0));
    assert!(get(&stats.frames) > 0);
    feed.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_not_offered_again_and_a_fresh_one_resumes_the_feed() {
    let (addr, sandbox_config) = sandbox().await;
    let token = log_in(&addr, &sandbox_config).await;
    let (current, source) = session(&token);
    let feed = UpstoxFeed::start(config(&addr, &sandbox_config, 65_536), source).unwrap();
    let stats = feed.stats();
    let first = tokio::task::block_in_place(|| take(&feed, 20, Duration::from_secs(20)));
    assert_eq!(first.len(), 20, "the feed is quiet");

    // The session ends (as at 03:30 IST) and the socket with it.
    let ended = arm(
        &addr,
        json!({"expire_sessions": true, "drop_sockets": true}),
    )
    .await;
    assert!(ended["sessions_expired"].as_u64().unwrap() >= 1, "{ended}");
    tokio::task::block_in_place(|| {
        assert!(
            until(&stats.refused, 1, Duration::from_secs(5)),
            "the expired token was not refused"
        );
        // Two seconds of a refused token: asked once, not again.
        std::thread::sleep(Duration::from_secs(2));
        while feed.ticks().try_recv().is_ok() {}
    });
    assert_eq!(
        get(&stats.refused),
        1,
        "the refused token was offered again"
    );
    assert_eq!((get(&stats.connects), get(&stats.up)), (1, 0));

    // A new login: the feed is back by itself.
    let fresh = log_in(&addr, &sandbox_config).await;
    *current.lock().unwrap() = Some(fresh);
    let back = tokio::task::block_in_place(|| {
        assert!(
            until(&stats.connects, 2, Duration::from_secs(5)),
            "not back"
        );
        take(&feed, 20, Duration::from_secs(10))
    });
    assert_eq!(back.len(), 20, "no trades after the new login");
    check_trades(&back);
    assert_eq!((get(&stats.refused), get(&stats.up)), (1, 1));
    feed.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_feed_thread_gets_conflated_trades_counted_and_in_time_order() {
    let (addr, sandbox_config) = sandbox().await;
    let token = log_in(&addr, &sandbox_config).await;
    let (_session, source) = session(&token);
    let feed = UpstoxFeed::start(config(&addr, &sandbox_config, 4), source).unwrap();
    let stats = feed.stats();
    // Do not read for a while: the queue of 4 fills, the rest is conflated per instrument.
    let t0 = Instant::now();
    while get(&stats.conflated) < 50 && t0.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    feed.stop();
    assert!(get(&stats.conflated) >= 50, "nothing conflated");
    let got: Vec<Tick> = tokio::task::block_in_place(|| feed.ticks().try_iter().collect());
    assert!(!got.is_empty() && got.len() as u64 <= get(&stats.trades));
    check_trades(&got);
}

#[test]
fn a_feed_needs_instruments_each_once() {
    let source: TokenSource = Arc::new(|| None);
    let mut c = FeedConfig {
        base_url: "http://127.0.0.1:9".into(),
        egress_ip: None,
        keys: Vec::new(),
        stale_after: Duration::from_secs(3),
        queue: 16,
    };
    let err = |c: &FeedConfig| UpstoxFeed::start(c.clone(), Arc::clone(&source)).unwrap_err();
    assert_eq!(err(&c), FeedError::Empty);
    c.keys = vec!["NSE_EQ|INE002A01018".into(); 2];
    assert_eq!(err(&c), FeedError::Duplicate("NSE_EQ|INE002A01018".into()));
    c.keys = (0..4001).map(|k| format!("NSE_EQ|X{k}")).collect();
    assert_eq!(err(&c), FeedError::TooMany(4001));
}

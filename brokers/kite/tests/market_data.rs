//! The account's market data against the sandbox: NSE tokens from Kite's instrument dump (an
//! unlisted symbol named), and historical candles as the daemon's warm-start history: the last
//! bars that closed before the live open, oldest first.

mod common;

use std::collections::HashMap;

use common::logged_in;
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{ist_midnight, NSE_OPEN_IST_NS};
use sharewise_feeds::{History, HistoryRequest};
use sharewise_kite::account::market_data::KiteHistory;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_come_from_the_dump_and_history_from_the_candles() {
    let (account, _addr, config) = logged_in().await;
    let symbols = vec!["INFY".to_string(), "TCS".to_string()];
    let tokens = account.nse_tokens(&symbols).await.unwrap();
    let listed = |s: &str| config.listing.iter().find(|l| l.symbol == s).unwrap().token;
    assert_eq!(tokens, vec![listed("INFY"), listed("TCS")]);
    let e = account
        .nse_tokens(&["INFY".to_string(), "NOPE".to_string()])
        .await
        .unwrap_err();
    assert!(
        e.message.contains("NOPE") && !e.message.contains("INFY,"),
        "{e}"
    );

    let until = ist_midnight(config.start_day) + NSE_OPEN_IST_NS;
    let named: HashMap<String, u32> = symbols.iter().cloned().zip(tokens).collect();
    let bars = tokio::task::spawn_blocking(move || {
        let mut history = KiteHistory::new(account, named);
        history.bars(&HistoryRequest {
            symbol: "INFY",
            interval: BarInterval::M5,
            until,
            count: 100,
        })
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(bars.len(), 100);
    assert!(bars.windows(2).all(|w| w[0].ts < w[1].ts), "oldest first");
    assert!(
        bars.iter()
            .all(|b| BarInterval::M5.bucket_end(b.ts) <= until),
        "none from the future"
    );
    assert!(bars
        .iter()
        .all(|b| b.low <= b.open && b.open <= b.high && b.volume > 0));
}

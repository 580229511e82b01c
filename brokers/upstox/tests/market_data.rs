//! Upstox's market data against the sandbox: instrument keys from the day's gzip'd dump, and
//! candles (past days and today) as the warm start's history, closed bars only, oldest first.

mod common;

use sharewise_engine::bars::BarInterval;
use sharewise_feeds::{History, HistoryRequest};
use sharewise_upstox::account::market_data::UpstoxHistory;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_come_from_the_dump_and_unknown_symbols_are_named() {
    let (account, _, config) = common::logged_in().await;
    let symbols: Vec<String> = ["INFY", "RELIANCE"].map(String::from).to_vec();
    let keys = account.nse_keys(&symbols).await.unwrap();
    assert_eq!(keys, ["NSE_EQ|INE009A01021", "NSE_EQ|INE002A01018"]);
    assert_eq!(config.listing.len(), 10);
    let e = account
        .nse_keys(&["INFY".to_string(), "NOSUCH".to_string()])
        .await
        .unwrap_err();
    assert!(e.message.contains("NOSUCH"), "{e}");
    // The account's own shares come from what it opened with; others from the dump.
    let own = account.keys(&["RELIANCE".to_string()]).await.unwrap();
    assert_eq!(own, ["NSE_EQ|INE002A01018"]);
    let other = account.keys(&["ITC".to_string()]).await.unwrap();
    assert_eq!(other, ["NSE_EQ|INE154A01025"]);
}

#[test]
fn history_gives_closed_bars_oldest_first_across_days() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _, _) = rt.block_on(common::logged_in());
    let key = rt
        .block_on(account.nse_keys(&["RELIANCE".to_string()]))
        .unwrap()
        .remove(0);
    let mut history = UpstoxHistory::new(
        account,
        [("RELIANCE".to_string(), key)].into_iter().collect(),
    );
    // The sandbox's clock: its live day (2026-01-05) has begun.
    let until =
        sharewise_engine::time::ist_midnight(sharewise_engine::time::days_from_civil(2026, 1, 5))
            + 15 * 3600 * sharewise_engine::time::NANOS_PER_SEC;
    let bars = history
        .bars(&HistoryRequest {
            symbol: "RELIANCE",
            interval: BarInterval::H1,
            count: 20,
            until,
        })
        .unwrap();
    assert_eq!(
        bars.len(),
        20,
        "five sessions of history hold 20 hourly bars"
    );
    assert!(bars.windows(2).all(|w| w[0].ts < w[1].ts), "oldest first");
    assert!(bars
        .iter()
        .all(|b| BarInterval::H1.bucket_end(b.ts) <= until && b.low <= b.high && b.volume > 0));
    let e = history
        .bars(&HistoryRequest {
            symbol: "TCS",
            interval: BarInterval::M1,
            count: 5,
            until,
        })
        .unwrap_err();
    assert!(e.reason.contains("not among"), "{e:?}");
}

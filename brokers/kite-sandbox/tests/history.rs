//! Historical candles from the sandbox through Zerodha's client: the history sessions' minute and
//! day candles in Kite's shape, well formed, none from the future, and a refused interval.

mod common;

use chrono::NaiveDate;
use common::logged_in;

const INFY: u32 = 408_065;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

#[tokio::test]
async fn the_history_sessions_come_back_as_kite_candles() {
    // Live on Monday 2026-01-05; five weekday sessions of history before it.
    let (kite, _) = logged_in().await;
    let minutes = kite
        .historical_data(
            INFY,
            "minute",
            at(2026, 1, 2, 9, 15),
            at(2026, 1, 2, 15, 30),
            false,
            false,
        )
        .await
        .unwrap();
    assert!(
        minutes.len() > 300,
        "{} minute candles on a full session",
        minutes.len()
    );
    assert_eq!(minutes[0].date.to_rfc3339(), "2026-01-02T09:15:00+05:30");
    for c in &minutes {
        assert!(
            c.high >= c.open.max(c.close) && c.low <= c.open.min(c.close),
            "{c:?}"
        );
        assert!(c.volume > 0);
    }

    let days = kite
        .historical_data(
            INFY,
            "day",
            at(2025, 12, 1, 0, 0),
            at(2026, 2, 1, 0, 0),
            false,
            false,
        )
        .await
        .unwrap();
    let dates: Vec<String> = days
        .iter()
        .map(|c| c.date.date_naive().to_string())
        .collect();
    assert_eq!(
        dates,
        [
            "2025-12-29",
            "2025-12-30",
            "2025-12-31",
            "2026-01-01",
            "2026-01-02"
        ],
        "the history sessions, and no candle of a day that has not closed"
    );
    let friday = days.last().unwrap();
    assert_eq!(
        friday.close,
        minutes.last().unwrap().close,
        "one path, two intervals"
    );

    let refused = kite
        .historical_data(
            INFY,
            "3minute",
            at(2026, 1, 2, 9, 15),
            at(2026, 1, 2, 15, 30),
            false,
            false,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("InputException") && refused.contains("3minute"),
        "{refused}"
    );
}

//! The market's reads: v3 candles newest first and consistent with the live day, the intraday
//! candles, and the gzip JSON instrument dump listing the ten shares.

mod common;

use std::io::Read;
use std::time::Duration;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn candles_come_newest_first_and_agree_with_the_live_day() {
    let user = logged_in().await;
    // History: the five weekday sessions before 2026-01-05.
    let path = "/v3/historical-candle/NSE_EQ%7CINE009A01021/days/1/2026-01-02/2025-12-29";
    let (status, body) = user.get(path).await;
    assert_eq!(status, 200, "{body}");
    let days = body["data"]["candles"].as_array().unwrap();
    assert_eq!(days.len(), 5, "{body}");
    assert_eq!(days[0][0], "2026-01-02T00:00:00+05:30", "newest first");
    assert_eq!(days[4][0], "2025-12-29T00:00:00+05:30");
    for c in days {
        let (o, h, l, cl) = (
            c[1].as_f64().unwrap(),
            c[2].as_f64().unwrap(),
            c[3].as_f64().unwrap(),
            c[4].as_f64().unwrap(),
        );
        assert!(h >= o.max(cl) && l <= o.min(cl), "{c}");
        assert!(c[5].as_i64().unwrap() > 0 && c[6] == 0, "{c}");
    }

    // Let the live day run a few minutes of simulated time.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, minutes) = user
        .get(&format!(
            "/v3/historical-candle/intraday/{}/minutes/1",
            INFY.replace('|', "%7C")
        ))
        .await;
    let minutes = minutes["data"]["candles"].as_array().unwrap().clone();
    assert!(minutes.len() >= 3, "{minutes:?}");
    assert_eq!(
        minutes.last().unwrap()[0],
        "2026-01-05T09:15:00+05:30",
        "oldest last"
    );
    let stamps: Vec<&str> = minutes.iter().map(|c| c[0].as_str().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] > w[1]), "{stamps:?}");

    let (_, twos) = user
        .get(&format!(
            "/v3/historical-candle/intraday/{}/minutes/2",
            INFY.replace('|', "%7C")
        ))
        .await;
    let twos = twos["data"]["candles"].as_array().unwrap();
    let oldest = twos.last().unwrap();
    let (m1, m2) = (&minutes[minutes.len() - 1], &minutes[minutes.len() - 2]);
    assert_eq!(oldest[0], "2026-01-05T09:15:00+05:30");
    assert_eq!(
        oldest[1], m1[1],
        "a 2-minute candle opens with its first minute"
    );
    assert_eq!(oldest[4], m2[4], "and closes with its second");
    assert_eq!(
        oldest[5].as_i64(),
        Some(m1[5].as_i64().unwrap() + m2[5].as_i64().unwrap())
    );

    let (_, today) = user
        .get(&format!(
            "/v3/historical-candle/intraday/{}/days/1",
            INFY.replace('|', "%7C")
        ))
        .await;
    let day = &today["data"]["candles"][0];
    assert_eq!(day[0], "2026-01-05T00:00:00+05:30");
    assert_eq!(day[1], m1[1], "the day opens with its first minute");
    let volume: i64 = minutes.iter().map(|c| c[5].as_i64().unwrap()).sum();
    assert!(
        day[5].as_i64().unwrap() >= volume,
        "the running day holds every closed minute"
    );

    let (status, body) = user
        .get("/v3/historical-candle/NSE_EQ%7CINE009A01021/minutes/301/2026-01-02/2026-01-02")
        .await;
    assert_eq!(
        (status, error_of(&body)),
        (400, ("UDAPI100038".to_string(), Value::from("interval")))
    );
}

#[tokio::test]
async fn the_instrument_dump_is_gzip_json_of_the_ten_shares() {
    let config = fast();
    let addr = start(&config).await;
    let res = http()
        .get(format!(
            "http://{addr}/market-quote/instruments/exchange/NSE.json.gz"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let gz = res.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_ref())
        .read_to_string(&mut text)
        .unwrap();
    let listing: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(listing.len(), 10);
    let reliance = listing
        .iter()
        .find(|i| i["trading_symbol"] == "RELIANCE")
        .unwrap();
    assert_eq!(reliance["instrument_key"], "NSE_EQ|INE002A01018");
    assert_eq!(reliance["isin"], "INE002A01018");
    assert_eq!(
        (
            reliance["segment"].as_str(),
            reliance["instrument_type"].as_str()
        ),
        (Some("NSE_EQ"), Some("EQ"))
    );
    assert_eq!(
        (
            reliance["exchange_token"].as_str(),
            reliance["tick_size"].as_f64()
        ),
        (Some("2885"), Some(5.0))
    );
    assert_eq!(reliance["lot_size"], 1);
    let keys: Vec<&str> = listing
        .iter()
        .map(|i| i["instrument_key"].as_str().unwrap())
        .collect();
    for isin in [
        "INE467B01029",
        "INE040A01034",
        "INE009A01021",
        "INE090A01021",
        "INE062A01020",
        "INE397D01024",
        "INE154A01025",
        "INE018A01030",
        "INE238A01034",
    ] {
        assert!(keys.contains(&format!("NSE_EQ|{isin}").as_str()), "{isin}");
    }
}

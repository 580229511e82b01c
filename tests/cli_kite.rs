//! Kite Connect historical-candles JSON (`.json`) as input to `backtest` and `indicators`, using
//! the fixtures in `feeds/tests/data/`.

mod cli_support;

use cli_support::*;

const MINUTE: &str = "feeds/tests/data/historical_minute.json";
const WITH_OI: &str = "feeds/tests/data/historical_oi.json";

/// The fixture's candles as `[ts, o, h, l, c, v, (oi)]`.
fn candles(rel: &str) -> Vec<Vec<serde_json::Value>> {
    let v = read_json(&repo(rel));
    v["data"]["candles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_array().unwrap().clone())
        .collect()
}

/// `2017-12-15T09:15:00+0530` (Kite) → `2017-12-15T09:15:00+05:30` (our ISO output).
fn iso(kite_ts: &str) -> String {
    let (head, offset) = kite_ts.split_at(kite_ts.len() - 5);
    format!("{head}{}:{}", &offset[..3], &offset[3..])
}

#[test]
fn backtest_reads_kite_candles_and_writes_iso_times() {
    let dir = tmp();
    let out = dir.path().join("o");
    let kite = candles(MINUTE);
    // fast=1/slow=2 so the six-candle fixture trades.
    let run = sw(&[
        "backtest",
        "--data",
        s(&repo(MINUTE)),
        "--param",
        "fast=1",
        "--param",
        "slow=2",
        "--qty",
        "10",
        "--out",
        s(&out),
    ])
    .ok();
    assert!(run.stdout.contains("final equity"), "{run}");
    let r = read_json(&out.join("report.json"));
    assert_eq!(r["bars"], kite.len());
    assert_eq!(r["symbol"], "HISTORICAL", "symbol from the file name");

    let eq = read_csv(&out.join("equity.csv"));
    let expected_ts: Vec<String> = kite.iter().map(|c| iso(c[0].as_str().unwrap())).collect();
    assert_eq!(
        eq.column("ts"),
        expected_ts,
        "equity rows carry the candles' times in ISO IST"
    );
    assert_eq!(eq.rows[0][0], "2017-12-15T09:15:00+05:30");

    let trades = read_csv(&out.join("trades.csv"));
    assert!(!trades.rows.is_empty(), "{run}");
    let open_of = |ts: &str| -> i64 {
        let c = kite
            .iter()
            .find(|c| iso(c[0].as_str().unwrap()) == ts)
            .unwrap_or_else(|| panic!("no candle at {ts}"));
        (c[1].as_f64().unwrap() * 100.0).round() as i64
    };
    for t in &trades.rows {
        assert!(t[0].ends_with("+05:30"), "ISO entry time {t:?}");
        assert_eq!(
            paise(&t[4]),
            open_of(&t[0]),
            "entry at the candle's open: {t:?}"
        );
    }
    // Σ closed pnl + open position at the last close = final equity − cash.
    let last_close = (kite.last().unwrap()[4].as_f64().unwrap() * 100.0).round() as i64;
    let mut total = 0;
    for t in &trades.rows {
        total += if t[1].is_empty() {
            t[3].parse::<i64>().unwrap() * (last_close - paise(&t[4]))
        } else {
            paise(&t[6])
        };
    }
    assert_eq!(
        total,
        paise(r["final_equity"].as_str().unwrap()) - 100_000_000
    );
}

#[test]
fn candles_with_open_interest_are_read_too() {
    let dir = tmp();
    let out = dir.path().join("o");
    sw(&[
        "backtest",
        "--data",
        s(&repo(WITH_OI)),
        "--qty",
        "1",
        "--out",
        s(&out),
    ])
    .ok();
    assert_eq!(
        read_json(&out.join("report.json"))["bars"],
        candles(WITH_OI).len()
    );
}

#[test]
fn indicators_on_kite_candles() {
    let dir = tmp();
    let out = dir.path().join("k.csv");
    sw(&[
        "indicators",
        "--data",
        s(&repo(MINUTE)),
        "--out",
        s(&out),
        "--set",
        "sma:3",
        "--set",
        "obv",
        "--set",
        "vwap",
    ])
    .ok();
    let t = read_csv(&out);
    let kite = candles(MINUTE);
    assert_eq!(t.header_line(), "ts,sma_3,obv,vwap");
    assert_eq!(t.rows.len(), kite.len());
    assert_eq!(t.rows[0][0], "2017-12-15T09:15:00+05:30");
    let f = |c: &serde_json::Value| c.as_f64().unwrap();
    assert_eq!(t.column("sma_3")[..2], ["", ""]);
    let (mut obv, mut pv, mut vol) = (0f64, 0f64, 0f64);
    for (i, c) in kite.iter().enumerate() {
        let (h, l, close, v) = (f(&c[2]), f(&c[3]), f(&c[4]), f(&c[5]));
        if i == 0 {
            obv = v;
        } else {
            let prev = f(&kite[i - 1][4]);
            obv += if close > prev {
                v
            } else if close < prev {
                -v
            } else {
                0.0
            };
        }
        pv += (h + l + close) / 3.0 * v;
        vol += v;
        let row = &t.rows[i];
        assert_eq!(row[2].parse::<f64>().unwrap(), obv, "obv row {i}");
        assert!(
            (row[3].parse::<f64>().unwrap() - pv / vol).abs() < 1e-9,
            "vwap row {i}: {} vs {}",
            row[3],
            pv / vol
        );
        if i >= 2 {
            let sma = (f(&kite[i - 2][4]) + f(&kite[i - 1][4]) + close) / 3.0;
            assert!(
                (row[1].parse::<f64>().unwrap() - sma).abs() < 1e-9,
                "sma_3 row {i}"
            );
        }
    }
}

#[test]
fn a_kite_error_response_is_reported() {
    let dir = tmp();
    let path = dir.path().join("err.json");
    std::fs::write(&path, r#"{"status":"error","message":"Invalid `api_key` or `access_token`.","error_type":"TokenException"}"#).unwrap();
    sw(&["backtest", "--data", s(&path), "--qty", "10"])
        .fails()
        .stderr_has(&["err.json", "TokenException"]);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"status":"success","data":{"candles":[["2017-12-15T09:15:00+0530",1704.5,1705,1706,1702.8,2499]]}}"#).unwrap();
    sw(&["backtest", "--data", s(&bad), "--qty", "10"])
        .fails()
        .stderr_has(&["bad.json", "candle 1", "low"]);
}

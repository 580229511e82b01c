//! Tick files (`ts,price,qty`) end to end: ticks outside the 09:15–15:30 IST session fall in no
//! bar, and the user is told how many were dropped and why (summary, `indicators`, report.json).

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

/// 09:15 IST on 2026-01-05, the first session `generate` writes, in epoch ms.
const OPEN_MS: i64 = 1_767_584_700_000;
const MINUTE_MS: i64 = 60_000;

/// One generated session of ticks with one pre-open tick (09:05 IST) before them and, when
/// `after_close`, one closing-session tick (15:35 IST) after them.
fn ticks_with_outsiders(dir: &Path, after_close: bool) -> PathBuf {
    let clean = dir.join("clean_ticks.csv");
    sw(&[
        "generate",
        "ticks",
        "--symbol",
        "RELIANCE",
        "--days",
        "1",
        "--seed",
        "1",
        "--out",
        s(&clean),
    ])
    .ok();
    let mut rows = lines(&clean);
    let price = rows[1].split(',').nth(1).unwrap().to_string();
    rows.insert(1, format!("{},{price},5", OPEN_MS - 10 * MINUTE_MS));
    if after_close {
        rows.push(format!("{},{price},7", OPEN_MS + (6 * 60 + 20) * MINUTE_MS));
    }
    write_lines(dir, "RELIANCE_ticks.csv", &rows)
}

#[test]
fn backtest_reports_ticks_outside_the_session() {
    let dir = tmp();
    let data = ticks_with_outsiders(dir.path(), true);
    let out = dir.path().join("report");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--out",
        s(&out),
    ])
    .ok()
    .stdout_has(&["dropped 2 ticks outside 09:15–15:30 IST: 1 before the open, 1 after the close"]);
    let r = read_json(&out.join("report.json"));
    assert_eq!(
        r["dropped_ticks"],
        serde_json::json!({"before_open": 1, "after_close": 1, "late": 0}),
        "{r:#}"
    );
    assert_eq!(r["bars"], 375, "the outsiders make no bar of their own");
}

#[test]
fn a_single_pre_open_tick_is_reported_in_the_singular() {
    let dir = tmp();
    let data = ticks_with_outsiders(dir.path(), false);
    let run = sw(&["backtest", "--data", s(&data), "--qty", "10"])
        .ok()
        .stdout_has(&["dropped 1 tick outside 09:15–15:30 IST: 1 before the open"]);
    assert!(!run.stdout.contains("after the close"), "{run}");
}

#[test]
fn indicators_and_sweeps_report_dropped_ticks_too() {
    let dir = tmp();
    let data = ticks_with_outsiders(dir.path(), true);
    let ind = dir.path().join("ind.csv");
    sw(&[
        "indicators",
        "--data",
        s(&data),
        "--out",
        s(&ind),
        "--set",
        "sma:5",
    ])
    .ok()
    .stdout_has(&["wrote 375 rows", "dropped 2 ticks outside 09:15–15:30 IST"]);
    let sweep = dir.path().join("sweep");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--sweep",
        "fast=5:10:5",
        "--out",
        s(&sweep),
    ])
    .ok()
    .stderr_has(&["dropped 2 ticks outside 09:15–15:30 IST"]);
}

#[test]
fn clean_ticks_and_bar_files_report_no_drops() {
    let dir = tmp();
    let ticks = dir.path().join("t.csv");
    sw(&[
        "generate",
        "ticks",
        "--days",
        "1",
        "--seed",
        "1",
        "--out",
        s(&ticks),
    ])
    .ok();
    let out = dir.path().join("t_report");
    let run = sw(&[
        "backtest",
        "--data",
        s(&ticks),
        "--qty",
        "10",
        "--out",
        s(&out),
    ])
    .ok();
    assert!(!run.stdout.contains("dropped"), "{run}");
    assert_eq!(
        read_json(&out.join("report.json"))["dropped_ticks"],
        serde_json::json!({"before_open": 0, "after_close": 0, "late": 0})
    );

    let bars = gen_bars(dir.path(), "b.csv", 1, 1, &[]);
    let out = dir.path().join("b_report");
    let run = sw(&[
        "backtest",
        "--data",
        s(&bars),
        "--qty",
        "10",
        "--out",
        s(&out),
    ])
    .ok();
    assert!(!run.stdout.contains("dropped"), "{run}");
    assert!(
        read_json(&out.join("report.json"))["dropped_ticks"].is_null(),
        "bar files have no ticks to drop"
    );
}

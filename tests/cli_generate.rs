//! `sharewise generate bars|ticks` as a user runs it: file layout, NSE session grid, price format,
//! determinism, timestamp formats.

mod cli_support;

use cli_support::*;

/// 2026-01-05 09:15 IST (the default `--start`) in epoch milliseconds.
const FIRST_MS: i64 = 1_767_584_700_000;
const IST_OFFSET_MS: i64 = 19_800_000;
const DAY_MS: i64 = 86_400_000;

/// Parses a generated price cell, checking it is written with two decimals on the 5-paise grid.
#[track_caller]
fn price(cell: &str) -> i64 {
    let p = paise(cell);
    assert!(p > 0, "price {cell} should be positive");
    assert_eq!(p % 5, 0, "price {cell} is not on the 0.05 tick grid");
    p
}

#[test]
fn bars_file_has_header_and_375_rows_per_session() {
    let dir = tmp();
    let run = sw(&[
        "generate",
        "bars",
        "--symbol",
        "RELIANCE",
        "--days",
        "3",
        "--seed",
        "1",
        "--out",
        s(&dir.path().join("r.csv")),
    ])
    .ok();
    assert!(
        run.stdout.contains("wrote 1125 1m bars of RELIANCE"),
        "{run}"
    );
    let t = read_csv(&dir.path().join("r.csv"));
    assert_eq!(t.header_line(), "ts,open,high,low,close,volume");
    assert_eq!(t.rows.len(), 3 * 375);

    let ts: Vec<i64> = t
        .column("ts")
        .iter()
        .map(|c| c.parse().expect("epoch ms"))
        .collect();
    assert_eq!(ts[0], FIRST_MS, "first bar is 2026-01-05 09:15 IST");
    for (day, session) in ts.chunks(375).enumerate() {
        // Mon 5, Tue 6, Wed 7 January 2026.
        assert_eq!(
            session[0],
            FIRST_MS + day as i64 * DAY_MS,
            "session {day} opens at 09:15 IST"
        );
        assert!(
            session.windows(2).all(|w| w[1] - w[0] == 60_000),
            "session {day}: one bar per minute"
        );
        let last_minute = (session[374] + IST_OFFSET_MS) % DAY_MS;
        assert_eq!(
            last_minute,
            (15 * 60 + 29) * 60_000,
            "session {day}: last bar starts 15:29 IST"
        );
    }
}

#[test]
fn bar_prices_have_two_decimals_on_the_tick_grid_and_consistent_ohlc() {
    let dir = tmp();
    let path = gen_bars(dir.path(), "r.csv", 3, 1, &[]);
    let t = read_csv(&path);
    for (i, row) in t.rows.iter().enumerate() {
        let line = i + 2;
        let (o, h, l, c) = (
            price(&row[1]),
            price(&row[2]),
            price(&row[3]),
            price(&row[4]),
        );
        assert!(
            h >= o.max(c) && l <= o.min(c) && l <= h,
            "line {line}: inconsistent OHLC {row:?}"
        );
        let v: i64 = row[5]
            .parse()
            .unwrap_or_else(|_| panic!("line {line}: volume {:?} is not a whole number", row[5]));
        assert!(v > 0, "line {line}: volume {v}");
    }
    assert_eq!(
        t.rows[0][1], "1500.00",
        "default --price 1500 is the first open"
    );
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seed_or_symbol_differ() {
    let dir = tmp();
    let a = std::fs::read(gen_bars(dir.path(), "a.csv", 3, 1, &[])).unwrap();
    let b = std::fs::read(gen_bars(dir.path(), "b.csv", 3, 1, &[])).unwrap();
    let c = std::fs::read(gen_bars(dir.path(), "c.csv", 3, 2, &[])).unwrap();
    assert!(
        a == b,
        "same seed, same options: the files must be byte-identical"
    );
    assert!(a != c, "seed 2 must give different bars from seed 1");
    let other = dir.path().join("tcs.csv");
    sw(&[
        "generate",
        "bars",
        "--symbol",
        "TCS",
        "--days",
        "3",
        "--seed",
        "1",
        "--out",
        s(&other),
    ])
    .ok();
    assert!(
        a != std::fs::read(&other).unwrap(),
        "the symbol is mixed into the seed"
    );
}

#[test]
fn iso_timestamps_are_ist_with_offset_and_prices_match_the_ms_file() {
    let dir = tmp();
    let ms = read_csv(&gen_bars(dir.path(), "ms.csv", 2, 1, &[]));
    let iso = read_csv(&gen_bars(dir.path(), "iso.csv", 2, 1, &["--ts", "iso"]));
    assert_eq!(iso.header_line(), "ts,open,high,low,close,volume");
    let ts = iso.column("ts");
    assert_eq!(ts[0], "2026-01-05T09:15:00+05:30");
    assert_eq!(ts[1], "2026-01-05T09:16:00+05:30");
    assert_eq!(ts[374], "2026-01-05T15:29:00+05:30");
    assert_eq!(ts[375], "2026-01-06T09:15:00+05:30");
    assert_eq!(ms.rows.len(), iso.rows.len());
    for (a, b) in ms.rows.iter().zip(&iso.rows) {
        assert_eq!(a[1..], b[1..], "only the timestamp format differs");
    }
}

#[test]
fn weekends_are_skipped() {
    let dir = tmp();
    // Saturday 3 January moves to Monday 5 January; 6 sessions run Mon 5 .. Mon 12.
    let t = read_csv(&gen_bars(
        dir.path(),
        "w.csv",
        6,
        1,
        &["--ts", "iso", "--start", "2026-01-03"],
    ));
    let ts = t.column("ts");
    assert_eq!(ts[0], "2026-01-05T09:15:00+05:30");
    assert_eq!(ts[4 * 375], "2026-01-09T09:15:00+05:30", "Friday");
    assert_eq!(ts[5 * 375], "2026-01-12T09:15:00+05:30", "then Monday");
}

#[test]
fn five_minute_bars_give_75_per_session() {
    let dir = tmp();
    let t = read_csv(&gen_bars(dir.path(), "i5.csv", 2, 1, &["--interval", "5m"]));
    assert_eq!(t.rows.len(), 150);
    let ts: Vec<i64> = t.column("ts").iter().map(|c| c.parse().unwrap()).collect();
    assert!(ts[..75].windows(2).all(|w| w[1] - w[0] == 300_000));
    assert_eq!(ts[75], FIRST_MS + DAY_MS);
}

#[test]
fn ticks_file_has_header_and_sane_rows() {
    let dir = tmp();
    let out = dir.path().join("t.csv");
    let run = sw(&[
        "generate",
        "ticks",
        "--symbol",
        "RELIANCE",
        "--days",
        "1",
        "--seed",
        "1",
        "--out",
        s(&out),
    ])
    .ok();
    assert!(run.stdout.contains("ticks of RELIANCE"), "{run}");
    let t = read_csv(&out);
    assert_eq!(t.header_line(), "ts,price,qty");
    assert!(
        t.rows.len() > 100,
        "a session has many trades, got {}",
        t.rows.len()
    );
    let mut prev = i64::MIN;
    for row in &t.rows {
        let ts: i64 = row[0].parse().expect("epoch ms");
        assert!(ts >= prev, "ticks go back in time at {row:?}");
        prev = ts;
        let minute = (ts + IST_OFFSET_MS) % DAY_MS;
        assert!(
            ((9 * 60 + 15) * 60_000..(15 * 60 + 30) * 60_000).contains(&minute),
            "tick outside 09:15-15:30 IST: {row:?}"
        );
        price(&row[1]);
        assert!(row[2].parse::<i64>().expect("qty") > 0);
    }
    let again = dir.path().join("t2.csv");
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
        s(&again),
    ])
    .ok();
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&again).unwrap(),
        "ticks are deterministic too"
    );

    let iso = dir.path().join("ti.csv");
    sw(&[
        "generate",
        "ticks",
        "--days",
        "1",
        "--ts",
        "iso",
        "--out",
        s(&iso),
    ])
    .ok();
    let first = &read_csv(&iso).rows[0][0];
    assert!(
        first.starts_with("2026-01-05T09:15:") && first.ends_with("+05:30"),
        "ISO tick time {first:?}"
    );
}

#[test]
fn bad_generate_options_are_errors() {
    let dir = tmp();
    let out = dir.path().join("x.csv");
    sw(&[
        "generate",
        "bars",
        "--start",
        "2026-13-01",
        "--out",
        s(&out),
    ])
    .fails()
    .stderr_has(&["--start", "2026-13-01", "YYYY-MM-DD"]);
    sw(&["generate", "bars", "--interval", "7m", "--out", s(&out)])
        .fails()
        .stderr_has(&["7m", "1m"]);
    sw(&["generate", "bars", "--ts", "unix", "--out", s(&out)])
        .fails()
        .stderr_has(&["unix"]);
    sw(&["generate", "bars", "--days", "1"])
        .fails()
        .stderr_has(&["--out"]);
}

#[test]
fn ticks_create_the_output_directory_like_bars_do() {
    let dir = tmp();
    gen_bars(&dir.path().join("bars-dir"), "b.csv", 1, 1, &[]);
    let out = dir.path().join("ticks-dir").join("t.csv");
    sw(&["generate", "ticks", "--days", "1", "--out", s(&out)]).ok();
    assert!(out.is_file());
}

//! `sharewise indicators` end to end: column names, readiness (empty cells), and every value
//! against TA-Lib's output on the committed reference bars (`engine/tests/data/talib_ref.csv`).

mod cli_support;

use cli_support::*;

const SETS: [&str; 11] = [
    "sma:20",
    "ema:20",
    "rsi:14",
    "macd:12:26:9",
    "bbands:20:2:2",
    "atr:14",
    "stoch:14:3:3",
    "obv",
    "adx:14",
    "vwap",
    "cdl:engulfing",
];

const HEADER: &str = "ts,sma_20,ema_20,rsi_14,macd_12_26_9,macdsignal_12_26_9,macdhist_12_26_9,bbupper_20_2_2,bbmiddle_20_2_2,bblower_20_2_2,atr_14,stochk_14_3_3,stochd_14_3_3,obv,adx_14,plusdi_14,minusdi_14,vwap,cdl_engulfing";

fn indicators(data: &std::path::Path, out: &std::path::Path, sets: &[&str]) -> Run {
    let mut args = vec!["indicators", "--data", s(data), "--out", s(out)];
    for set in sets {
        args.push("--set");
        args.push(set);
    }
    sw(&args).ok()
}

fn first_filled(t: &Table, col: &str) -> Option<usize> {
    t.column(col).iter().position(|c| !c.is_empty())
}

#[test]
fn every_column_matches_talib_from_its_first_ready_bar() {
    let dir = tmp();
    let out = dir.path().join("ind.csv");
    let run = indicators(&repo("engine/tests/data/ref_bars.csv"), &out, &SETS);
    assert!(run.stdout.contains("wrote 5000 rows × 18 columns"), "{run}");
    let ours = read_csv(&out);
    let talib = read_csv(&repo("engine/tests/data/talib_ref.csv"));
    assert_eq!(ours.header_line(), HEADER);
    assert_eq!(ours.rows.len(), talib.rows.len());
    assert_eq!(
        ours.column("ts"),
        talib.column("ts"),
        "one row per input bar, same timestamps"
    );

    for col in ours.header.iter().skip(1) {
        let first = first_filled(&ours, col).unwrap_or_else(|| panic!("{col}: never ready"));
        let (a, b) = (ours.column(col), talib.column(col));
        if col.starts_with("cdl_") {
            // TA-Lib writes 0 during the lookback; we leave the cell empty. CDLENGULFING's lookback is 2.
            assert_eq!(first, 2, "{col}: first value");
            let mut hits = 0;
            for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                let y: f64 = y.parse().unwrap();
                if x.is_empty() {
                    assert!(
                        i < first && y == 0.0,
                        "{col} row {i}: empty but TA-Lib has {y}"
                    );
                } else {
                    assert_eq!(
                        x.parse::<f64>().unwrap(),
                        y,
                        "{col} row {i} (ts {})",
                        ours.rows[i][0]
                    );
                    hits += (y != 0.0) as usize;
                }
            }
            assert!(
                hits > 10,
                "{col}: the reference data should contain patterns, found {hits}"
            );
            continue;
        }
        assert_eq!(
            Some(first),
            first_filled(&talib, col),
            "{col}: first ready row differs from TA-Lib"
        );
        for (i, (x, y)) in a.iter().zip(&b).enumerate().skip(first) {
            assert!(!x.is_empty(), "{col} row {i}: empty after becoming ready");
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            let tol = 1e-9 * x.abs().max(y.abs()).max(1e-3);
            assert!(
                (x - y).abs() <= tol,
                "{col} row {i} (ts {}): ours {x} vs TA-Lib {y}",
                ours.rows[i][0]
            );
        }
    }
}

/// Volume spike and range breakout checked against a plain re-computation from their definitions.
#[test]
fn volume_spike_and_breakout_columns() {
    let dir = tmp();
    let out = dir.path().join("v.csv");
    let bars = read_csv(&repo("engine/tests/data/ref_bars.csv"));
    indicators(
        &repo("engine/tests/data/ref_bars.csv"),
        &out,
        &["volspike:20:3", "breakout:20"],
    );
    let t = read_csv(&out);
    assert_eq!(t.header_line(), "ts,volspike_20_3,breakout_20");
    let vol: Vec<i64> = bars
        .column("volume")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let high: Vec<i64> = bars.column("high").iter().map(|v| paise(v)).collect();
    let low: Vec<i64> = bars.column("low").iter().map(|v| paise(v)).collect();
    let close: Vec<i64> = bars.column("close").iter().map(|v| paise(v)).collect();
    let (mut spikes, mut ups, mut downs) = (0, 0, 0);
    for (i, row) in t.rows.iter().enumerate() {
        if i < 20 {
            assert_eq!(
                row[1..],
                ["", ""],
                "row {i}: not ready before 20 prior bars"
            );
            continue;
        }
        // Spike: volume > 3 × mean of the previous 20 volumes (strict).
        let spike = if vol[i] * 20 > 3 * vol[i - 20..i].iter().sum::<i64>() {
            "100"
        } else {
            "0"
        };
        assert_eq!(row[1], spike, "volspike row {i}");
        let hi = *high[i - 20..i].iter().max().unwrap();
        let lo = *low[i - 20..i].iter().min().unwrap();
        let breakout = if close[i] > hi {
            "100"
        } else if close[i] < lo {
            "-100"
        } else {
            "0"
        };
        assert_eq!(row[2], breakout, "breakout row {i}");
        spikes += (spike == "100") as usize;
        ups += (breakout == "100") as usize;
        downs += (breakout == "-100") as usize;
    }
    assert!(
        spikes > 0 && ups > 0 && downs > 0,
        "the data exercises every outcome: {spikes} spikes, {ups} up, {downs} down"
    );
}

#[test]
fn iso_input_keeps_iso_timestamps_and_cells_stay_empty_until_ready() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "iso.csv", 1, 1, &["--ts", "iso"]);
    let out = dir.path().join("o.csv");
    indicators(&data, &out, &["sma:5", "rsi:3", "obv"]);
    let t = read_csv(&out);
    assert_eq!(t.header_line(), "ts,sma_5,rsi_3,obv");
    assert_eq!(t.column("ts"), read_csv(&data).column("ts"));
    assert_eq!(first_filled(&t, "sma_5"), Some(4));
    assert_eq!(first_filled(&t, "rsi_3"), Some(3));
    assert_eq!(first_filled(&t, "obv"), Some(0));
    // SMA(5) is the plain mean of the last five closes.
    let closes: Vec<f64> = read_csv(&data)
        .column("close")
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    for (i, cell) in t.column("sma_5").iter().enumerate().skip(4) {
        let expected = closes[i - 4..=i].iter().sum::<f64>() / 5.0;
        assert!(
            (cell.parse::<f64>().unwrap() - expected).abs() < 1e-9,
            "sma_5 row {i}"
        );
    }
}

#[test]
fn bad_specs_are_errors_naming_the_spec() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let out = dir.path().join("o.csv");
    let run = |sets: &[&str]| {
        let mut args = vec!["indicators", "--data", s(&data), "--out", s(&out)];
        for set in sets {
            args.extend(["--set", set]);
        }
        sw(&args)
    };
    run(&["foo:3"]).fails().stderr_has(&["foo", "sma"]);
    run(&["sma:0"]).fails().stderr_has(&["sma:0", "period"]);
    run(&["cdl:nosuch"])
        .fails()
        .stderr_has(&["nosuch", "engulfing"]);
    run(&["volspike:20"]).fails().stderr_has(&["volspike"]);
    run(&["sma:20", "sma:20"])
        .fails()
        .stderr_has(&["sma_20", "twice"]);
    sw(&["indicators", "--data", s(&data), "--out", s(&out)])
        .fails()
        .stderr_has(&["--set"]);
}

#[test]
fn a_failed_run_leaves_no_partial_output() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let mut rows = lines(&data);
    let mut f: Vec<String> = rows[3].split(',').map(String::from).collect();
    f[2] = "1.00".into();
    rows[3] = f.join(",");
    let bad = write_lines(dir.path(), "bad.csv", &rows);
    let out = dir.path().join("o.csv");
    sw(&[
        "indicators",
        "--data",
        s(&bad),
        "--out",
        s(&out),
        "--set",
        "sma:5",
    ])
    .fails()
    .stderr_has(&["bad.csv:4", "high"]);
    assert!(
        !out.exists(),
        "partial output left behind:\n{}",
        std::fs::read_to_string(&out).unwrap_or_default()
    );
}

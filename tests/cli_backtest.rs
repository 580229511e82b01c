//! `sharewise backtest` end to end: the summary table, the four report files, and the arithmetic
//! that ties them together (trade P&L, equity curve, metrics) on small generated files.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

const CASH_PAISE: i64 = 1_000_000 * 100;

/// The canonical single run from the README: SMA 10/30, 10 shares, ₹10 lakh, no costs.
fn backtest(data: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "backtest",
        "--data",
        s(data),
        "--strategy",
        "sma_cross",
        "--param",
        "fast=10",
        "--param",
        "slow=30",
        "--qty",
        "10",
        "--cash",
        "1000000",
        "--commission",
        "none",
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    sw(&args).ok()
}

/// The value printed after `label` in the summary table.
#[track_caller]
fn summary_value<'a>(run: &'a Run, label: &str) -> &'a str {
    run.stdout
        .lines()
        .map(str::trim_start)
        .find_map(|l| {
            l.strip_prefix(label)
                .filter(|rest| rest.starts_with(' '))
                .map(str::trim)
        })
        .unwrap_or_else(|| panic!("summary has no {label:?} line:\n{run}"))
}

struct Setup {
    _dir: TempDir,
    data: PathBuf,
    out: PathBuf,
    run: Run,
}

fn three_day_run(extra_gen: &[&str]) -> Setup {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE_1m.csv", 3, 1, extra_gen);
    let out = dir.path().join("report");
    let run = backtest(&data, &out, &[]);
    Setup {
        data,
        out,
        run,
        _dir: dir,
    }
}

#[test]
fn prints_a_summary_table_and_writes_four_files() {
    let st = three_day_run(&[]);
    let run = &st.run;
    for label in [
        "strategy",
        "bars",
        "initial cash",
        "final equity",
        "total return",
        "Sharpe",
        "Sortino",
        "max drawdown",
        "trades",
        "win rate",
        "exposure",
        "fees",
    ] {
        summary_value(run, label);
    }
    assert_eq!(
        summary_value(run, "strategy"),
        "sma_cross(10,30) on RELIANCE",
        "symbol comes from the file name RELIANCE_1m.csv"
    );
    assert_eq!(summary_value(run, "bars"), "1125");
    assert_eq!(summary_value(run, "initial cash"), "1000000.00");
    assert_eq!(summary_value(run, "fees"), "0.00");
    assert!(run.stdout.contains("wrote "), "{run}");
    for f in ["report.json", "trades.csv", "equity.csv", "equity.svg"] {
        assert!(st.out.join(f).is_file(), "missing {f}\n{run}");
    }
}

#[test]
fn report_json_has_every_documented_key_and_agrees_with_the_summary() {
    let st = three_day_run(&[]);
    let r = read_json(&st.out.join("report.json"));
    for key in [
        "bars",
        "trades",
        "final_equity",
        "elapsed_s",
        "bars_per_s",
        "total_return",
        "cagr",
        "annual_volatility",
        "sharpe",
        "sortino",
        "calmar",
        "max_drawdown",
        "max_drawdown_value",
        "max_drawdown_duration_s",
        "win_rate",
        "profit_factor",
        "avg_win",
        "avg_loss",
        "exposure",
    ] {
        assert!(r.get(key).is_some(), "report.json lacks {key:?}: {r:#}");
    }
    assert_eq!(r["bars"], 1125);
    assert_eq!(r["strategy"], "sma_cross(10,30)");
    assert_eq!(r["symbol"], "RELIANCE");
    assert_eq!(r["initial_cash"], "1000000.00");
    assert_eq!(r["fees"], "0.00");
    for money_key in ["final_equity", "max_drawdown_value", "avg_win", "avg_loss"] {
        let v = r[money_key]
            .as_str()
            .unwrap_or_else(|| panic!("{money_key} should be a money string: {}", r[money_key]));
        assert!(is_money(v), "{money_key} = {v:?} should have two decimals");
    }
    for num_key in [
        "elapsed_s",
        "bars_per_s",
        "total_return",
        "max_drawdown",
        "exposure",
    ] {
        assert!(
            r[num_key].is_number(),
            "{num_key} should be a number: {}",
            r[num_key]
        );
    }
    assert!(r["elapsed_s"].as_f64().unwrap() >= 0.0);
    assert!(r["bars_per_s"].as_f64().unwrap() > 0.0);
    let exposure = r["exposure"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&exposure), "exposure {exposure}");

    let final_equity = r["final_equity"].as_str().unwrap();
    assert_eq!(
        summary_value(&st.run, "final equity"),
        final_equity,
        "table and report.json agree"
    );
    assert_eq!(summary_value(&st.run, "trades"), r["trades"].to_string());
    let total_return = r["total_return"].as_f64().unwrap();
    let expected = (paise(final_equity) - CASH_PAISE) as f64 / CASH_PAISE as f64;
    assert!(
        (total_return - expected).abs() < 1e-12,
        "total_return {total_return} vs (final-cash)/cash {expected}"
    );
}

#[test]
fn trades_csv_is_in_input_units_and_fills_at_the_next_open() {
    let st = three_day_run(&[]);
    let data = read_csv(&st.data);
    let open_at: std::collections::HashMap<&str, i64> = data
        .rows
        .iter()
        .map(|r| (r[0].as_str(), paise(&r[1])))
        .collect();
    let trades = read_csv(&st.out.join("trades.csv"));
    assert_eq!(
        trades.header_line(),
        "entry_ts,exit_ts,side,qty,entry_price,exit_price,pnl"
    );
    assert!(
        trades.rows.len() >= 5,
        "3 days of SMA 10/30 should trade: {}",
        trades.rows.len()
    );
    for t in &trades.rows {
        assert!(
            t[0].parse::<i64>().is_ok(),
            "entry_ts {:?} should be epoch ms like the input",
            t[0]
        );
        assert_eq!(t[2], "BUY", "long-only by default");
        assert_eq!(t[3], "10", "--qty 10");
        let entry = paise(&t[4]);
        assert_eq!(
            Some(&entry),
            open_at.get(t[0].as_str()),
            "entry at the open of the entry bar: {t:?}"
        );
        if t[1].is_empty() {
            assert!(
                t[5].is_empty() && t[6].is_empty(),
                "an open trade has no exit price or pnl: {t:?}"
            );
            continue;
        }
        assert!(
            t[1].parse::<i64>().unwrap() > t[0].parse::<i64>().unwrap(),
            "exit after entry: {t:?}"
        );
        let exit = paise(&t[5]);
        assert_eq!(
            Some(&exit),
            open_at.get(t[1].as_str()),
            "exit at the open of the exit bar: {t:?}"
        );
        assert_eq!(
            paise(&t[6]),
            (exit - entry) * 10,
            "pnl = (exit - entry) × qty: {t:?}"
        );
    }
}

#[test]
fn trade_pnl_and_open_position_add_up_to_final_equity() {
    let st = three_day_run(&[]);
    let r = read_json(&st.out.join("report.json"));
    let trades = read_csv(&st.out.join("trades.csv"));
    let data = read_csv(&st.data);
    let last_close = paise(&data.rows.last().unwrap()[4]);
    let closed: Vec<_> = trades.rows.iter().filter(|t| !t[1].is_empty()).collect();
    let open: Vec<_> = trades.rows.iter().filter(|t| t[1].is_empty()).collect();
    assert_eq!(
        r["trades"],
        closed.len(),
        "report `trades` counts closed rows of trades.csv"
    );
    assert_eq!(r["open_trades"], open.len());
    let realised: i64 = closed.iter().map(|t| paise(&t[6])).sum();
    let unrealised: i64 = open
        .iter()
        .map(|t| t[3].parse::<i64>().unwrap() * (last_close - paise(&t[4])))
        .sum();
    assert_eq!(
        realised + unrealised,
        paise(r["final_equity"].as_str().unwrap()) - CASH_PAISE,
        "Σ pnl + open mark = final equity − cash"
    );

    let wins: Vec<i64> = closed
        .iter()
        .map(|t| paise(&t[6]))
        .filter(|p| *p > 0)
        .collect();
    let losses: Vec<i64> = closed
        .iter()
        .map(|t| paise(&t[6]))
        .filter(|p| *p <= 0)
        .collect();
    let win_rate = r["win_rate"].as_f64().unwrap();
    assert!(
        (win_rate - wins.len() as f64 / closed.len() as f64).abs() < 1e-12,
        "win_rate {win_rate}"
    );
    let pf = r["profit_factor"].as_f64().unwrap();
    let expected_pf = wins.iter().sum::<i64>() as f64 / -(losses.iter().sum::<i64>() as f64);
    assert!(
        (pf - expected_pf).abs() < 1e-9,
        "profit_factor {pf} vs {expected_pf}"
    );
    let avg_win = paise(r["avg_win"].as_str().unwrap()) as f64;
    assert!(
        (avg_win - wins.iter().sum::<i64>() as f64 / wins.len() as f64).abs() <= 0.5,
        "avg_win {avg_win} paise"
    );
}

#[test]
fn equity_csv_has_one_row_per_bar_and_matches_the_report() {
    let st = three_day_run(&[]);
    let r = read_json(&st.out.join("report.json"));
    let eq = read_csv(&st.out.join("equity.csv"));
    let data = read_csv(&st.data);
    assert_eq!(eq.header_line(), "ts,equity,drawdown");
    assert_eq!(eq.rows.len(), data.rows.len(), "one equity row per bar");
    assert_eq!(
        eq.column("ts"),
        data.column("ts"),
        "equity ts are the bars' ts, in the input's unit"
    );
    let equity: Vec<i64> = eq.column("equity").iter().map(|e| paise(e)).collect();
    assert_eq!(equity[0], CASH_PAISE, "flat before the first fill");
    assert_eq!(
        *equity.last().unwrap(),
        paise(r["final_equity"].as_str().unwrap())
    );
    let (mut peak, mut worst_value, mut worst_frac) = (i64::MIN, 0i64, 0f64);
    for (e, row) in equity.iter().zip(&eq.rows) {
        peak = peak.max(*e);
        let dd: f64 = row[2].parse().unwrap();
        let expected = (peak - e) as f64 / peak as f64;
        assert!(
            (dd - expected).abs() <= 5e-7,
            "drawdown {dd} at {} vs (peak−equity)/peak {expected}",
            row[0]
        );
        worst_value = worst_value.max(peak - e);
        worst_frac = worst_frac.max(expected);
    }
    assert_eq!(
        paise(r["max_drawdown_value"].as_str().unwrap()),
        worst_value,
        "max_drawdown_value is the deepest peak-to-trough"
    );
    assert!((r["max_drawdown"].as_f64().unwrap() - worst_frac).abs() < 1e-9);
}

#[test]
fn equity_svg_is_a_whole_svg_document() {
    let st = three_day_run(&[]);
    let svg = std::fs::read_to_string(st.out.join("equity.svg")).unwrap();
    assert!(
        svg.starts_with("<svg"),
        "starts with <svg: {:?}",
        &svg[..svg.len().min(60)]
    );
    assert!(svg.trim_end().ends_with("</svg>"), "ends with </svg>");
    assert_eq!(svg.matches("<svg").count(), 1);
    assert_eq!(svg.matches("</svg>").count(), 1);
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("<path"), "draws the equity curve");
    assert!(svg.contains("sma_cross(10,30)"), "titled with the strategy");
    assert_eq!(
        svg.matches("<text").count(),
        svg.matches("</text>").count(),
        "text elements are closed"
    );
}

#[test]
fn iso_input_gives_iso_output() {
    let st = three_day_run(&["--ts", "iso"]);
    let trades = read_csv(&st.out.join("trades.csv"));
    let first = &trades.rows[0];
    for ts in [&first[0], &first[1]] {
        assert!(
            ts.starts_with("2026-01-0")
                && ts.ends_with("+05:30")
                && ts.len() == "2026-01-05T09:15:00+05:30".len(),
            "ISO ts {ts:?}"
        );
    }
    let eq = read_csv(&st.out.join("equity.csv"));
    assert_eq!(eq.rows[0][0], "2026-01-05T09:15:00+05:30");
    assert_eq!(eq.column("ts"), read_csv(&st.data).column("ts"));

    // The same bars in epoch ms give the same trades, only the timestamps are written differently.
    let ms = three_day_run(&[]);
    let ms_trades = read_csv(&ms.out.join("trades.csv"));
    assert_eq!(ms_trades.rows.len(), trades.rows.len());
    for (a, b) in ms_trades.rows.iter().zip(&trades.rows) {
        assert_eq!(a[2..], b[2..]);
    }
    assert_eq!(
        read_json(&ms.out.join("report.json"))["final_equity"],
        read_json(&st.out.join("report.json"))["final_equity"]
    );
}

#[test]
fn sma_cross_reference_file_matches_the_exact_reference() {
    let dir = tmp();
    let out = dir.path().join("o");
    let run = backtest(&repo("engine/tests/data/sma_cross_bars.csv"), &out, &[]);
    let reference = read_json(&repo("engine/tests/data/peers/exact_summary.json"));
    let r = read_json(&out.join("report.json"));
    assert_eq!(reference["final_equity"], "999990.00");
    assert_eq!(reference["trades"], 565);
    assert_eq!(r["final_equity"], reference["final_equity"], "{run}");
    assert_eq!(r["trades"], reference["trades"]);
    assert_eq!(summary_value(&run, "final equity"), "999990.00");
    assert_eq!(summary_value(&run, "trades"), "565");
    let ours = std::fs::read_to_string(out.join("trades.csv")).unwrap();
    let exact = std::fs::read_to_string(repo("engine/tests/data/peers/exact_trades.csv")).unwrap();
    assert!(
        ours == exact,
        "trades.csv differs from engine/tests/data/peers/exact_trades.csv"
    );
}

#[test]
fn zerodha_charges_are_the_difference_in_final_equity() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 5, 1, &[]);
    backtest(&data, &dir.path().join("none"), &[]);
    let run = sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--commission",
        "zerodha",
        "--out",
        s(&dir.path().join("z")),
    ])
    .ok();
    let none = read_json(&dir.path().join("none/report.json"));
    let z = read_json(&dir.path().join("z/report.json"));
    let fees = paise(z["fees"].as_str().unwrap());
    assert!(fees > 0, "zerodha charges something: {z:#}");
    assert_eq!(summary_value(&run, "fees"), z["fees"].as_str().unwrap());
    assert_eq!(
        z["trades"], none["trades"],
        "charges do not change the signals at this size"
    );
    assert_eq!(
        paise(none["final_equity"].as_str().unwrap()) - paise(z["final_equity"].as_str().unwrap()),
        fees
    );
}

#[test]
fn symbol_flag_and_config_defaults() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "some-file.csv", 2, 1, &[]);
    let out = dir.path().join("o");
    // No --strategy/--param/--qty: config/default.toml's sma_cross 10/30, 10 shares, ₹10 lakh.
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--symbol",
        "INFY",
        "--out",
        s(&out),
    ])
    .ok();
    let r = read_json(&out.join("report.json"));
    assert_eq!(r["symbol"], "INFY");
    assert_eq!(r["strategy"], "sma_cross(10,30)");
    assert_eq!(r["initial_cash"], "1000000.00");
    assert!(read_csv(&out.join("trades.csv"))
        .rows
        .iter()
        .all(|t| t[3] == "10"));
    let explicit = dir.path().join("e");
    backtest(&data, &explicit, &["--symbol", "INFY"]);
    assert_eq!(
        read_json(&explicit.join("report.json"))["final_equity"],
        r["final_equity"],
        "defaults equal the explicit flags"
    );
}

#[test]
fn a_config_file_sets_strategy_and_sizing() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    let config = dir.path().join("my.toml");
    std::fs::write(&config, "[backtest]\ncash = \"500000\"\n\n[backtest.sizing]\nmethod = \"fixed_qty\"\nvalue = \"3\"\n\n[strategy]\nname = \"ema_cross\"\nparams = { fast = 5, slow = 20 }\n").unwrap();
    let out = dir.path().join("o");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--config",
        s(&config),
        "--out",
        s(&out),
    ])
    .ok();
    let r = read_json(&out.join("report.json"));
    assert_eq!(r["strategy"], "ema_cross(5,20)");
    assert_eq!(r["initial_cash"], "500000.00");
    let trades = read_csv(&out.join("trades.csv"));
    assert!(
        !trades.rows.is_empty() && trades.rows.iter().all(|t| t[3] == "3"),
        "3 shares per trade from the config"
    );
    // Flags override the file.
    let out2 = dir.path().join("o2");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--config",
        s(&config),
        "--qty",
        "7",
        "--cash",
        "2000000",
        "--out",
        s(&out2),
    ])
    .ok();
    let r2 = read_json(&out2.join("report.json"));
    assert_eq!(r2["initial_cash"], "2000000.00");
    assert!(read_csv(&out2.join("trades.csv"))
        .rows
        .iter()
        .all(|t| t[3] == "7"));
}

#[test]
fn every_listed_strategy_runs() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    for (name, shown) in [
        ("sma_cross", "sma_cross(10,30)"),
        ("ema_cross", "ema_cross(12,26)"),
        ("rsi_reversion", "rsi_reversion(14,30,70)"),
        ("macd_cross", "macd_cross(12,26,9)"),
        ("bollinger_breakout", "bollinger_breakout(20,2)"),
    ] {
        let out = dir.path().join(name);
        sw(&[
            "backtest",
            "--data",
            s(&data),
            "--strategy",
            name,
            "--qty",
            "10",
            "--out",
            s(&out),
        ])
        .ok();
        let r = read_json(&out.join("report.json"));
        assert_eq!(r["strategy"], shown);
        assert_eq!(r["bars"], 1125);
    }
}

#[test]
fn intraday_shorts_with_mis() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    let out = dir.path().join("o");
    backtest(&data, &out, &["--product", "mis", "--allow-short"]);
    let trades = read_csv(&out.join("trades.csv"));
    let shorts: Vec<_> = trades.rows.iter().filter(|t| t[2] == "SELL").collect();
    assert!(!shorts.is_empty(), "SELL signals open shorts under MIS");
    for t in shorts.iter().filter(|t| !t[1].is_empty()) {
        assert_eq!(
            paise(&t[6]),
            (paise(&t[4]) - paise(&t[5])) * 10,
            "short pnl = (entry − exit) × qty: {t:?}"
        );
    }
}

#[test]
fn allow_short_without_mis_is_refused() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--allow-short",
    ])
    .fails()
    .stderr_has(&["--allow-short", "mis"]);
}

#[test]
fn skip_bad_rows_are_counted_in_the_report() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 1, 1, &[]);
    let mut rows = lines(&data);
    let mut f: Vec<String> = rows[3].split(',').map(String::from).collect();
    f[2] = "1.00".into(); // high far below the body
    rows[3] = f.join(",");
    let bad = write_lines(dir.path(), "bad.csv", &rows);
    let out = dir.path().join("o");
    let run = sw(&[
        "backtest",
        "--data",
        s(&bad),
        "--qty",
        "10",
        "--skip-bad",
        "--out",
        s(&out),
    ])
    .ok();
    assert!(run.stdout.contains("skipped 1 row"), "{run}");
    let r = read_json(&out.join("report.json"));
    assert_eq!(r["bars"], 374);
    assert_eq!(r["skipped_rows"]["high_below_body"], 1, "{r:#}");
}

#[test]
fn closed_stdout_does_not_panic_or_lose_the_report() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 2, 1, &[]);
    let out = dir.path().join("o");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader); // like `| head` that has already exited
    let output = bin()
        .args([
            "backtest",
            "--data",
            s(&data),
            "--qty",
            "10",
            "--out",
            s(&out),
        ])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "status {}; stderr:\n{stderr}",
        output.status
    );
    assert_ne!(output.status.code(), Some(101), "exit 101 is a Rust panic");
    assert!(
        out.join("report.json").is_file(),
        "the report files are still written"
    );
}

#[test]
fn sizing_and_slippage_flags_change_quantities_and_fills() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    let base = dir.path().join("base");
    backtest(&data, &base, &[]);
    let base_trades = read_csv(&base.join("trades.csv"));
    let run_with = |name: &str, flags: &[&str]| -> Table {
        let out = dir.path().join(name);
        let mut args = vec!["backtest", "--data", s(&data), "--out", s(&out)];
        args.extend_from_slice(flags);
        sw(&args).ok();
        read_csv(&out.join("trades.csv"))
    };

    // ₹1 lakh (10 000 000 paise) per entry: the most whole shares that fit.
    for t in &run_with("value", &["--value", "100000"]).rows {
        assert_eq!(
            t[3].parse::<i64>().unwrap(),
            10_000_000 / paise(&t[4]),
            "--value 100000: {t:?}"
        );
    }
    // 10 % of ₹10 lakh equity is the same ₹1 lakh on the first entry.
    let pct = run_with("pct", &["--pct-equity", "10"]);
    assert_eq!(
        pct.rows[0][3].parse::<i64>().unwrap(),
        10_000_000 / paise(&pct.rows[0][4])
    );
    // 12 shares in lots of 5 → 10.
    assert!(run_with("lot", &["--qty", "12", "--lot-size", "5"])
        .rows
        .iter()
        .all(|t| t[3] == "10"));
    // Two ticks of adverse slippage: buy 0.10 higher, sell 0.10 lower than the no-slippage fills.
    let slip = run_with("slip", &["--qty", "10", "--slippage-ticks", "2"]);
    assert_eq!(slip.rows.len(), base_trades.rows.len());
    for (a, b) in slip.rows.iter().zip(&base_trades.rows) {
        assert_eq!(paise(&a[4]), paise(&b[4]) + 10, "entry {a:?} vs {b:?}");
        if !a[5].is_empty() {
            assert_eq!(paise(&a[5]), paise(&b[5]) - 10, "exit {a:?} vs {b:?}");
        }
    }
    // Risk 1 % of equity with a 1 % stop: about ₹10 000 lost if the stop is hit.
    let risk = run_with("risk", &["--risk-pct", "1", "--param", "stop_pct=1"]);
    assert!(!risk.rows.is_empty());
    let t = &risk.rows[0];
    let at_risk = t[3].parse::<f64>().unwrap() * paise(&t[4]) as f64 / 100.0 * 0.01;
    assert!(
        (9_000.0..=10_100.0).contains(&at_risk),
        "first trade risks ₹{at_risk:.2}: {t:?}"
    );
}

#[test]
fn risk_sizing_without_a_stop_is_refused() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    sw(&["backtest", "--data", s(&data), "--risk-pct", "1"])
        .fails()
        .stderr_has(&["stop_pct"]);
}

//! `sharewise backtest --sweep` and `--walk-forward` end to end: sweep.csv ordering and contents
//! (each row checked against a plain single run), walk-forward windows and their report.

mod cli_support;

use std::path::Path;

use cli_support::*;

const SWEEP_HEADER: &str = "params,trades,total_return,cagr,sharpe,sortino,max_drawdown,win_rate,profit_factor,final_equity,error";

fn sweep(data: &Path, out: &Path, axes: &[&str], extra: &[&str]) -> Run {
    let mut args = vec![
        "backtest",
        "--data",
        s(data),
        "--strategy",
        "sma_cross",
        "--qty",
        "10",
        "--out",
        s(out),
    ];
    for a in axes {
        args.extend(["--sweep", a]);
    }
    args.extend_from_slice(extra);
    sw(&args)
}

/// `fast=5 slow=20` → `["--param", "fast=5", "--param", "slow=20"]`.
fn params_as_flags(params: &str) -> Vec<String> {
    params
        .split(' ')
        .flat_map(|p| ["--param".to_string(), p.to_string()])
        .collect()
}

/// Asserts rows are sorted by the `sharpe` column, best first, empty (no Sharpe) after numbers,
/// failed rows (non-empty `error`) last.
#[track_caller]
fn assert_sorted(t: &Table) {
    let (sharpe, error) = (t.col("sharpe"), t.col("error"));
    let rank = |r: &Vec<String>| -> (u8, f64) {
        if !r[error].is_empty() {
            (2, 0.0)
        } else if r[sharpe].is_empty() {
            (1, 0.0)
        } else {
            (0, -r[sharpe].parse::<f64>().unwrap())
        }
    };
    for w in t.rows.windows(2) {
        assert!(
            rank(&w[0]) <= rank(&w[1]),
            "sweep.csv not sorted by sharpe (desc, empty then errors last): {:?} before {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn sweep_writes_a_sorted_grid_matching_single_runs() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 5, 1, &[]);
    let out = dir.path().join("sw");
    let run = sweep(&data, &out, &["fast=5:10:5", "slow=20:30:10"], &[]).ok();
    assert!(
        run.stderr
            .contains("sweeping 4 combinations over 1875 bars"),
        "{run}"
    );
    assert!(run.stdout.contains("sweep.csv"), "{run}");
    let t = read_csv(&out.join("sweep.csv"));
    assert_eq!(t.header_line(), SWEEP_HEADER);
    assert_eq!(t.rows.len(), 4);
    let mut grid: Vec<&str> = t.column("params");
    grid.sort();
    assert_eq!(
        grid,
        [
            "fast=10 slow=20",
            "fast=10 slow=30",
            "fast=5 slow=20",
            "fast=5 slow=30"
        ]
    );
    assert!(
        t.column("sharpe").iter().all(|s| !s.is_empty()),
        "5 days is enough for a Sharpe: {:?}",
        t.rows
    );
    assert_sorted(&t);

    // Each row is what a plain backtest with those parameters reports.
    for row in &t.rows {
        let single = dir.path().join(row[0].replace([' ', '='], "_"));
        let flags = params_as_flags(&row[0]);
        let mut args = vec![
            "backtest",
            "--data",
            s(&data),
            "--strategy",
            "sma_cross",
            "--qty",
            "10",
            "--out",
            s(&single),
        ];
        args.extend(flags.iter().map(String::as_str));
        sw(&args).ok();
        let r = read_json(&single.join("report.json"));
        assert_eq!(
            row[t.col("final_equity")],
            r["final_equity"].as_str().unwrap(),
            "{}",
            row[0]
        );
        assert_eq!(row[t.col("trades")], r["trades"].to_string(), "{}", row[0]);
        let sharpe: f64 = row[t.col("sharpe")].parse().unwrap();
        assert!(
            (sharpe - r["sharpe"].as_f64().unwrap()).abs() < 1e-6,
            "{}: sharpe",
            row[0]
        );
        assert!(row[t.col("error")].is_empty());
    }
}

#[test]
fn runs_without_sharpe_and_invalid_combinations_sort_last() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 5, 1, &[]);
    let out = dir.path().join("sw");
    // slow=1900 never becomes ready on 1875 bars: no trades, no Sharpe. fast >= slow cannot run.
    sweep(&data, &out, &["fast=10:20:10", "slow=20:1900:1880"], &[]).ok();
    let t = read_csv(&out.join("sweep.csv"));
    assert_eq!(t.rows.len(), 4);
    assert_sorted(&t);
    let by = |p: &str| {
        t.rows
            .iter()
            .find(|r| r[0] == p)
            .unwrap_or_else(|| panic!("no row {p}: {:?}", t.rows))
    };
    assert!(!by("fast=10 slow=20")[t.col("sharpe")].is_empty());
    assert_eq!(by("fast=10 slow=1900")[t.col("sharpe")], "");
    assert_eq!(by("fast=10 slow=1900")[t.col("trades")], "0");
    assert_eq!(by("fast=10 slow=1900")[t.col("final_equity")], "1000000.00");
    let bad = by("fast=20 slow=20");
    assert!(
        bad[t.col("error")].contains("fast (20) must be shorter than slow (20)"),
        "{bad:?}"
    );
    assert_eq!(
        t.rows[0][0], "fast=10 slow=20",
        "the only run with a Sharpe comes first"
    );
    assert_eq!(
        t.rows[3][0], "fast=20 slow=20",
        "the failed combination comes last"
    );
}

#[test]
fn sweep_over_an_unknown_parameter_is_an_error() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 2, 1, &[]);
    sweep(&data, &dir.path().join("sw"), &["fsat=5:10:5"], &[])
        .fails()
        .stderr_has(&["fsat"]);
}

#[test]
fn bad_sweep_specs_are_errors() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 1, 1, &[]);
    let out = dir.path().join("sw");
    sweep(&data, &out, &["fast=10:5:5"], &[])
        .fails()
        .stderr_has(&["fast=10:5:5", "step"]);
    sweep(&data, &out, &["fast=a:b:c"], &[])
        .fails()
        .stderr_has(&["fast=a:b:c", "name=start:end:step"]);
    assert!(!out.exists(), "nothing written on a bad spec");
}

#[test]
fn walk_forward_writes_windows_and_an_out_of_sample_report() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 5, 1, &[]);
    let out = dir.path().join("wf");
    let run = sweep(
        &data,
        &out,
        &["fast=5:10:5", "slow=20:30:10"],
        &["--walk-forward", "train=750,test=375"],
    )
    .ok();
    assert!(run.stdout.contains("out-of-sample"), "{run}");
    let t = read_csv(&out.join("walk_forward.csv"));
    assert_eq!(t.header_line(), "window,train_start,test_start,test_end,best_params,train_sharpe,test_return,test_sharpe,test_trades");
    let windows: Vec<Vec<&str>> = t
        .rows
        .iter()
        .map(|r| r[..4].iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        windows,
        [
            ["0", "0", "750", "1125"],
            ["1", "375", "1125", "1500"],
            ["2", "750", "1500", "1875"]
        ],
        "rolling windows over 1875 bars"
    );
    let grid = [
        "fast=5 slow=20",
        "fast=5 slow=30",
        "fast=10 slow=20",
        "fast=10 slow=30",
    ];
    for r in &t.rows {
        assert!(
            grid.contains(&r[4].as_str()),
            "best params {:?} come from the grid",
            r[4]
        );
    }

    let r = read_json(&out.join("report.json"));
    assert_eq!(r["mode"], "walk_forward");
    assert_eq!(r["train"], 750);
    assert_eq!(r["test"], 375);
    assert_eq!(r["windows"], 3);
    assert_eq!(r["bars"], 3 * 375, "only test bars are reported");
    let window_trades: u64 = t
        .column("test_trades")
        .iter()
        .map(|n| n.parse::<u64>().unwrap())
        .sum();
    assert_eq!(r["trades"], window_trades, "trades = Σ test_trades");
    assert!(is_money(r["final_equity"].as_str().unwrap()), "{r:#}");
    // Chained test returns give the final equity.
    let chained: f64 = t
        .column("test_return")
        .iter()
        .map(|x| 1.0 + x.parse::<f64>().unwrap())
        .product();
    let final_equity = paise(r["final_equity"].as_str().unwrap()) as f64 / 100.0;
    assert!(
        (final_equity / 1e6 - chained).abs() < 1e-5,
        "final equity {final_equity} vs chained test returns {chained}"
    );

    // Window 0's pick is the top of a plain sweep over its training bars.
    let train = write_lines(dir.path(), "train0.csv", &lines(&data)[..751]);
    let sw0 = dir.path().join("sw0");
    sweep(&train, &sw0, &["fast=5:10:5", "slow=20:30:10"], &[]).ok();
    let top = &read_csv(&sw0.join("sweep.csv")).rows[0];
    assert_eq!(
        t.rows[0][4], top[0],
        "window 0 best params = best sweep row on bars 0..750"
    );
    let (a, b): (f64, f64) = (t.rows[0][5].parse().unwrap(), top[4].parse().unwrap());
    assert!((a - b).abs() < 1e-6, "train_sharpe {a} vs sweep sharpe {b}");
}

#[test]
fn walk_forward_money_has_two_decimals() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 5, 1, &[]);
    let out = dir.path().join("wf");
    sweep(
        &data,
        &out,
        &["fast=5:10:5", "slow=20:30:10"],
        &["--walk-forward", "train=750,test=375"],
    )
    .ok();
    let r = read_json(&out.join("report.json"));
    for (key, v) in [
        ("final_equity", &r["final_equity"]),
        ("max_drawdown_value", &r["max_drawdown_value"]),
        ("avg_win", &r["avg_win"]),
        ("avg_loss", &r["avg_loss"]),
    ] {
        let text = v
            .as_str()
            .unwrap_or_else(|| panic!("{key} should be a money string: {v}"));
        assert!(is_money(text), "{key} = {text:?} should have two decimals");
    }
}

#[test]
fn walk_forward_needs_a_sweep_and_enough_bars() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 2, 1, &[]);
    let out = dir.path().join("wf");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--walk-forward",
        "train=375,test=375",
        "--out",
        s(&out),
    ])
    .fails()
    .stderr_has(&["--sweep"]);
    assert!(!out.exists(), "nothing written when --sweep is missing");
    sweep(
        &data,
        &out,
        &["fast=5:10:5"],
        &["--walk-forward", "train=5000,test=375"],
    )
    .fails()
    .stderr_has(&["750 bars", "train=5000"]);
    sweep(&data, &out, &["fast=5:10:5"], &["--walk-forward", "bogus"])
        .fails()
        .stderr_has(&["bogus", "train=N,test=M"]);
}

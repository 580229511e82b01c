//! `--walk-forward train=N,test=M`: on each rolling window, pick the `--sweep` grid's best
//! parameters (by Sharpe) on the training bars, then trade them on the following test bars.
//! Only the test windows are reported, as one out-of-sample account: each window starts with the
//! previous window's final equity, and a position still open at a window's end is squared off at
//! its last close (through the commission model), so money is carried exactly, never via `f64`.

use std::io::Write;

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde_json::json;
use sharewise_engine::backtest::optimize::{WalkForward, Window};
use sharewise_engine::backtest::{EquityPoint, Metrics, Trade};
use sharewise_engine::strategy::Params;
use sharewise_engine::types::Bar;

use super::backtest::{BacktestArgs, Plan};
use super::sweep::{load_for_grid, params_text, parse_grid, run_grid};
use crate::report::format::{money, ratio_or_empty, ratio_or_na};
use crate::report::metrics_json;

/// One test window's outcome.
struct WindowRow {
    window: Window,
    best: Params,
    train_sharpe: Option<f64>,
    test: Metrics,
}

/// The test windows chained into one account.
struct OutOfSample {
    curve: Vec<EquityPoint>,
    trades: Vec<Trade>,
    bars_in_market: u64,
    final_equity: Decimal,
}

/// Runs walk-forward optimisation.
pub fn run(args: &BacktestArgs, plan: &Plan, spec: &str) -> Result<()> {
    let wf = WalkForward::parse(spec)?;
    if args.sweeps.is_empty() {
        bail!("--walk-forward re-optimises parameters on each window: give the grid with --sweep, e.g. --sweep fast=5:20:5 --sweep slow=20:60:10");
    }
    let combos = parse_grid(args, plan)?;
    let loaded = load_for_grid(args)?;
    let bars = &loaded.bars;
    let windows = wf.windows(bars.len());
    if windows.is_empty() {
        bail!(
            "{} has {} bars, not more than train={}: no test window",
            args.data.display(),
            bars.len(),
            wf.train
        );
    }
    eprintln!(
        "walk-forward: {} windows × {} combinations",
        windows.len(),
        combos.len()
    );

    let mut oos = OutOfSample {
        curve: Vec::new(),
        trades: Vec::new(),
        bars_in_market: 0,
        final_equity: plan.config.initial_cash,
    };
    let mut rows = Vec::with_capacity(windows.len());
    for (i, w) in windows.iter().enumerate() {
        let ranked = run_grid(plan, &combos, &bars[w.train_start..w.test_start], false);
        let Some((best, train_sharpe)) = ranked.iter().find_map(|r| {
            r.outcome
                .as_ref()
                .ok()
                .map(|(m, _)| (r.params.clone(), m.sharpe))
        }) else {
            bail!("window {i}: no parameter combination could run on the training bars");
        };
        let test = trade_window(plan, &best, bars, w, &mut oos)?;
        rows.push(WindowRow {
            window: *w,
            best,
            train_sharpe,
            test,
        });
    }
    let metrics = Metrics::compute(
        &oos.curve,
        &oos.trades,
        plan.config.initial_cash,
        oos.bars_in_market,
    );

    print_windows(&rows);
    say!("out-of-sample only ({} bars):", oos.curve.len());
    say!("  total return  {:.3} %", metrics.total_return * 100.0);
    say!("  Sharpe        {}", ratio_or_na(metrics.sharpe, 3));
    say!("  max drawdown  {:.3} %", metrics.max_drawdown * 100.0);
    say!("  trades        {}", metrics.trade_count);
    say!("  final equity  {}", money(oos.final_equity));

    if let Some(dir) = &args.out {
        write_files(dir, &wf, &rows, &oos, &metrics, plan.config.initial_cash)?;
        say!(
            "wrote {}",
            dir.join("{walk_forward.csv, report.json}").display()
        );
    }
    Ok(())
}

/// Trades `best` on window `w`'s test bars, starting from `oos.final_equity` with the strategy
/// warmed on the training bars; squares off at the window's end and appends the window to `oos`.
fn trade_window(
    plan: &Plan,
    best: &Params,
    bars: &[Bar],
    w: &Window,
    oos: &mut OutOfSample,
) -> Result<Metrics> {
    let test_bars = &bars[w.test_start..w.test_end];
    let mut bt = plan
        .backtester_with_cash(best, oos.final_equity)?
        .record_signals(false);
    bt.reserve(test_bars.len());
    // Warm the strategy's indicators on the training window so it can trade from the first test bar.
    for bar in &bars[w.train_start..w.test_start] {
        bt.warm_up(bar);
    }
    for bar in test_bars {
        bt.on_bar(bar);
    }
    // The next window starts flat with this one's equity: no position vanishes between them.
    bt.close_out();
    let result = bt.finish();
    // Exposure is bars-in-market / bars, both integers well below 2^52: this recovers the count exactly.
    oos.bars_in_market += (result.metrics.exposure * result.bars() as f64).round() as u64;
    oos.curve.extend_from_slice(&result.curve);
    oos.trades.extend(result.trades);
    oos.final_equity = result.final_equity;
    Ok(result.metrics)
}

fn print_windows(rows: &[WindowRow]) {
    say!(
        "{:>3} {:>17} {:>17} {:<24} {:>11} {:>10} {:>10} {:>7}",
        "win",
        "train bars",
        "test bars",
        "best params",
        "train shrp",
        "test ret%",
        "test shrp",
        "trades"
    );
    for (i, r) in rows.iter().enumerate() {
        let w = &r.window;
        say!(
            "{:>3} {:>17} {:>17} {:<24} {:>11} {:>10.3} {:>10} {:>7}",
            i,
            format!("{}..{}", w.train_start, w.test_start),
            format!("{}..{}", w.test_start, w.test_end),
            params_text(&r.best),
            ratio_or_na(r.train_sharpe, 3),
            r.test.total_return * 100.0,
            ratio_or_na(r.test.sharpe, 3),
            r.test.trade_count
        );
    }
}

/// Writes `walk_forward.csv` (one row per window) and `report.json` (the out-of-sample account).
fn write_files(
    dir: &std::path::Path,
    wf: &WalkForward,
    rows: &[WindowRow],
    oos: &OutOfSample,
    metrics: &Metrics,
    initial_cash: Decimal,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("walk_forward.csv");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    writeln!(out, "window,train_start,test_start,test_end,best_params,train_sharpe,test_return,test_sharpe,test_trades")?;
    for (i, r) in rows.iter().enumerate() {
        let w = &r.window;
        writeln!(
            out,
            "{i},{},{},{},{},{},{:.6},{},{}",
            w.train_start,
            w.test_start,
            w.test_end,
            params_text(&r.best),
            ratio_or_empty(r.train_sharpe),
            r.test.total_return,
            ratio_or_empty(r.test.sharpe),
            r.test.trade_count
        )?;
    }
    out.flush()?;
    let mut report = json!({
        "mode": "walk_forward",
        "train": wf.train,
        "test": wf.test,
        "windows": rows.len(),
        "bars": oos.curve.len(),
        "trades": metrics.trade_count,
        "initial_cash": money(initial_cash),
        "final_equity": money(oos.final_equity),
    });
    if let serde_json::Value::Object(map) = &mut report {
        map.extend(metrics_json(metrics));
    }
    let path = dir.join("report.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

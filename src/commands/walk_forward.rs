//! `--walk-forward train=N,test=M`: on each rolling window, pick the `--sweep` grid's best
//! parameters (by Sharpe) on the training bars, then trade them on the following test bars.
//! Only the test windows are reported: their equity curves chained into one out-of-sample curve.

use std::io::Write;

use anyhow::{bail, Context, Result};
use rust_decimal::prelude::ToPrimitive;
use serde_json::json;
use sharewise_engine::backtest::optimize::WalkForward;
use sharewise_engine::backtest::{EquityPoint, Metrics, Trade};
use sharewise_engine::strategy::Params;

use super::backtest::{BacktestArgs, Plan};
use super::sweep::{parse_grid, run_grid};
use crate::data::load_bars;
use crate::report::{metrics_json, money};

/// Runs walk-forward optimisation.
pub fn run(args: &BacktestArgs, plan: &Plan, spec: &str) -> Result<()> {
    let wf = WalkForward::parse(spec)?;
    if args.sweeps.is_empty() {
        bail!("--walk-forward re-optimises parameters on each window: give the grid with --sweep, e.g. --sweep fast=5:20:5 --sweep slow=20:60:10");
    }
    let combos = parse_grid(args, plan)?;
    let loaded = load_bars(&args.data, args.skip_bad, args.bar_interval)?;
    if loaded.skipped.total() > 0 {
        eprintln!("{}", loaded.skipped);
    }
    let bars = &loaded.bars;
    let windows = wf.windows(bars.len());
    if windows.is_empty() {
        bail!("{} has {} bars, not more than train={}: no test window", args.data.display(), bars.len(), wf.train);
    }
    eprintln!("walk-forward: {} windows × {} combinations", windows.len(), combos.len());

    let initial = plan.config.initial_cash.to_f64().unwrap_or(1.0);
    let mut carry = initial;
    let mut curve: Vec<EquityPoint> = Vec::new();
    let mut trades: Vec<Trade> = Vec::new();
    let mut bars_in_market = 0u64;
    let mut rows = Vec::new();
    for (i, w) in windows.iter().enumerate() {
        let ranked = run_grid(plan, &combos, &bars[w.train_start..w.test_start], false);
        let Some((best, train_sharpe)) = ranked.iter().find_map(|r| r.outcome.as_ref().ok().map(|(m, _)| (r.params.clone(), m.sharpe))) else {
            bail!("window {i}: no parameter combination could run on the training bars");
        };
        let mut bt = plan.backtester(&best)?.record_signals(false);
        // Warm the strategy's indicators on the end of the training window so it can trade from the first test bar.
        for bar in &bars[w.train_start..w.test_start] {
            bt.warm_up(bar);
        }
        let result = bt.run_slice(&bars[w.test_start..w.test_end]);
        let m = &result.metrics;
        let scale = carry / initial;
        curve.extend(result.curve.iter().map(|p| EquityPoint { ts: p.ts, equity: (p.equity as f64 * scale).round() as i64 }));
        carry *= 1.0 + m.total_return;
        bars_in_market += (m.exposure * result.bars() as f64).round() as u64;
        trades.extend(result.trades.iter().filter(|t| t.pnl.is_some()).cloned());
        rows.push((i, *w, best, train_sharpe, m.clone()));
    }
    let oos = Metrics::compute(&curve, &trades, plan.config.initial_cash, bars_in_market);

    say!("{:>3} {:>17} {:>17} {:<24} {:>11} {:>10} {:>10} {:>7}", "win", "train bars", "test bars", "best params", "train shrp", "test ret%", "test shrp", "trades");
    let fmt_params = |p: &Params| p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
    for (i, w, best, train_sharpe, m) in &rows {
        say!(
            "{:>3} {:>17} {:>17} {:<24} {:>11} {:>10.3} {:>10} {:>7}",
            i,
            format!("{}..{}", w.train_start, w.test_start),
            format!("{}..{}", w.test_start, w.test_end),
            fmt_params(best),
            train_sharpe.map_or("n/a".into(), |s| format!("{s:.3}")),
            m.total_return * 100.0,
            m.sharpe.map_or("n/a".into(), |s| format!("{s:.3}")),
            m.trade_count
        );
    }
    say!("out-of-sample only ({} bars):", curve.len());
    say!("  total return  {:.3} %", oos.total_return * 100.0);
    say!("  Sharpe        {}", oos.sharpe.map_or("n/a".into(), |s| format!("{s:.3}")));
    say!("  max drawdown  {:.3} %", oos.max_drawdown * 100.0);
    say!("  trades        {}", oos.trade_count);

    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("walk_forward.csv"))?);
        writeln!(out, "window,train_start,test_start,test_end,best_params,train_sharpe,test_return,test_sharpe,test_trades")?;
        for (i, w, best, train_sharpe, m) in &rows {
            let sharpe = |s: Option<f64>| s.map_or(String::new(), |v| format!("{v:.6}"));
            writeln!(out, "{i},{},{},{},{},{},{:.6},{},{}", w.train_start, w.test_start, w.test_end, fmt_params(best), sharpe(*train_sharpe), m.total_return, sharpe(m.sharpe), m.trade_count)?;
        }
        out.flush()?;
        let final_equity = plan.config.initial_cash * rust_decimal::Decimal::try_from(carry / initial).unwrap_or_default();
        let mut report = json!({
            "mode": "walk_forward",
            "train": wf.train,
            "test": wf.test,
            "windows": rows.len(),
            "bars": curve.len(),
            "trades": oos.trade_count,
            "final_equity": money(final_equity),
        });
        if let serde_json::Value::Object(map) = &mut report {
            map.extend(metrics_json(&oos));
        }
        std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report)? + "\n")?;
        say!("wrote {}/{{walk_forward.csv, report.json}}", dir.display());
    }
    Ok(())
}

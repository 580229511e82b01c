//! `--sweep`: runs the parameter grid in parallel on all cores and writes a table sorted by Sharpe.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sharewise_engine::backtest::optimize::{grid, SweepAxis};
use sharewise_engine::backtest::Metrics;
use sharewise_engine::strategy::{self, ParamError, Params, StrategyError};
use sharewise_engine::types::Bar;

use super::backtest::{BacktestArgs, Plan};
use crate::data::{dropped_ticks_line, load_bars, LoadedBars};
use crate::report::format::{money, ratio_or_empty, ratio_or_na};

/// One grid point's outcome.
pub struct SweepRow {
    /// The swept parameters.
    pub params: Params,
    /// Its metrics, or why it could not run (e.g. fast >= slow).
    pub outcome: Result<(Metrics, rust_decimal::Decimal), String>,
}

/// The grid from the `--sweep` flags; a swept name the strategy does not have is an error.
pub fn parse_grid(args: &BacktestArgs, plan: &Plan) -> Result<Vec<Params>> {
    let axes = args
        .sweeps
        .iter()
        .map(|s| SweepAxis::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let combos = grid(&axes)?;
    if let Some(first) = combos.first() {
        let mut params = plan.params.clone();
        for (k, v) in first.iter() {
            params.set(k, v);
        }
        if let Err(e @ StrategyError::Param(ParamError::Unknown { .. })) =
            strategy::build(&plan.strategy, &params)
        {
            bail!("--sweep: {e}");
        }
    }
    Ok(combos)
}

/// Runs every grid point over `bars` in parallel, with a progress bar on stderr.
pub fn run_grid(
    plan: &Plan,
    combos: &[Params],
    bars: &[Bar],
    show_progress: bool,
) -> Vec<SweepRow> {
    let progress = if show_progress {
        ProgressBar::new(combos.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} sweep [{bar:40}] {pos}/{len} runs, {per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let mut rows: Vec<SweepRow> = combos
        .par_iter()
        .map(|params| {
            let outcome = plan
                .run_on(params, bars)
                .map(|r| (r.metrics, r.final_equity))
                .map_err(|e| e.to_string());
            progress.inc(1);
            SweepRow {
                params: params.clone(),
                outcome,
            }
        })
        .collect();
    progress.finish_and_clear();
    sort_by_sharpe(&mut rows);
    rows
}

/// Best Sharpe first; runs without a Sharpe, then failed runs, last.
pub fn sort_by_sharpe(rows: &mut [SweepRow]) {
    let key = |r: &SweepRow| match &r.outcome {
        Ok((m, _)) => m.sharpe.unwrap_or(f64::NEG_INFINITY),
        Err(_) => f64::NAN,
    };
    rows.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        match (ka.is_nan(), kb.is_nan()) {
            (false, false) => kb.total_cmp(&ka),
            (a_nan, b_nan) => a_nan.cmp(&b_nan),
        }
    });
}

/// `fast=5 slow=20`: parameters as one table cell.
pub(crate) fn params_text(p: &Params) -> String {
    p.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads `--data` whole for a sweep or walk-forward, telling stderr what was skipped or dropped.
pub(crate) fn load_for_grid(args: &BacktestArgs) -> Result<LoadedBars> {
    let loaded = load_bars(&args.data, args.skip_bad, args.bar_interval)?;
    if loaded.skipped.total() > 0 {
        eprintln!("{}", loaded.skipped);
    }
    if let Some(line) = loaded.dropped_ticks.as_ref().and_then(dropped_ticks_line) {
        eprintln!("{line}");
    }
    Ok(loaded)
}

/// Runs `--sweep`.
pub fn run(args: &BacktestArgs, plan: &Plan) -> Result<()> {
    let combos = parse_grid(args, plan)?;
    let loaded = load_for_grid(args)?;
    eprintln!(
        "sweeping {} combinations over {} bars on {} threads",
        combos.len(),
        loaded.bars.len(),
        rayon::current_num_threads()
    );
    let rows = run_grid(plan, &combos, &loaded.bars, true);
    say!(
        "{:<28} {:>7} {:>10} {:>9} {:>9} {:>16}",
        "params",
        "trades",
        "return %",
        "sharpe",
        "max dd %",
        "final equity"
    );
    for row in rows.iter().take(20) {
        match &row.outcome {
            Ok((m, eq)) => say!(
                "{:<28} {:>7} {:>10.3} {:>9} {:>9.3} {:>16}",
                params_text(&row.params),
                m.trade_count,
                m.total_return * 100.0,
                ratio_or_na(m.sharpe, 3),
                m.max_drawdown * 100.0,
                money(*eq)
            ),
            Err(e) => say!("{:<28} skipped: {e}", params_text(&row.params)),
        }
    }
    if rows.len() > 20 {
        say!("… {} more rows", rows.len() - 20);
    }
    if let Some(dir) = &args.out {
        write_sweep_csv(dir, &rows)?;
        say!(
            "wrote {} (sorted by Sharpe)",
            dir.join("sweep.csv").display()
        );
    }
    Ok(())
}

fn write_sweep_csv(dir: &Path, rows: &[SweepRow]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("sweep.csv");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    writeln!(out, "params,trades,total_return,cagr,sharpe,sortino,max_drawdown,win_rate,profit_factor,final_equity,error")?;
    for row in rows {
        match &row.outcome {
            Ok((m, eq)) => writeln!(
                out,
                "{},{},{:.6},{},{},{},{:.6},{},{},{},",
                params_text(&row.params),
                m.trade_count,
                m.total_return,
                ratio_or_empty(m.cagr),
                ratio_or_empty(m.sharpe),
                ratio_or_empty(m.sortino),
                m.max_drawdown,
                ratio_or_empty(m.win_rate),
                ratio_or_empty(m.profit_factor),
                money(*eq)
            )?,
            Err(e) => writeln!(
                out,
                "{},,,,,,,,,,\"{}\"",
                params_text(&row.params),
                e.replace('"', "'")
            )?,
        }
    }
    out.flush()?;
    Ok(())
}

//! `sharewise bench backtest`: generates a minute-bar file and reports backtest throughput, with and
//! without the report files of `backtest --out` written.
//! `sharewise bench pipeline`: tick → decision latency through the actor runtime vs. a baseline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sharewise_engine::backtest::BacktestResult;
use sharewise_feeds::{BarReader, ReadOptions, TimeFormat};

use super::generate::{write_bars, GenOptions, TsFormat};
use crate::report::{write_report_dir, RunInfo};

/// `sharewise bench` arguments.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand, Debug)]
enum BenchWhat {
    /// Whole-run, whole-command (report written) and engine-only bars/s for SMA(10)/SMA(30) on
    /// generated minute bars, and the report writer's MB/s.
    Backtest(BacktestBenchArgs),
    /// Tick → decision latency through the actor runtime (feed + engine thread) vs. a plain rtrb baseline.
    Pipeline(PipelineBenchArgs),
}

/// Options of `sharewise bench pipeline`.
#[derive(Args, Debug)]
pub struct PipelineBenchArgs {
    /// Ticks to send (10 instruments, round-robin).
    #[arg(long, default_value_t = 1_000_000)]
    ticks: usize,
    /// Feed rate for the latency runs, ticks per second (0 = as fast as possible, which measures
    /// queueing); maximum throughput is always measured flat out as well.
    #[arg(long, default_value_t = 100_000)]
    rate: u64,
    /// Alternating runtime/baseline rounds the latency runs are split into.
    #[arg(long, default_value_t = 4)]
    rounds: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Engine wait policy: spins before yielding (default: `[runtime] spin_iterations`).
    #[arg(long)]
    spins: Option<u32>,
    /// Engine wait policy: microseconds of yielding before parking (default: `[runtime] yield_us`).
    #[arg(long)]
    yield_us: Option<u64>,
    /// Engine wait policy: longest park, microseconds (default: `[runtime] park_timeout_us`).
    #[arg(long)]
    park_us: Option<u64>,
    /// Pin the feed thread to core 0 and the engine thread to core 1 (both runs).
    #[arg(long)]
    pin: bool,
}

/// Options of `sharewise bench backtest`.
#[derive(Args, Debug)]
pub struct BacktestBenchArgs {
    /// Minute bars to generate (rounded up to whole 375-bar sessions).
    #[arg(long, default_value_t = 1_000_000)]
    bars: usize,
    /// Repetitions of each phase (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Use this bar CSV instead of generating one.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// Runs `sharewise bench`.
pub fn run(args: BenchArgs) -> Result<()> {
    match args.what {
        BenchWhat::Backtest(args) => backtest(args),
        BenchWhat::Pipeline(args) => pipeline(args),
    }
}

/// Runs `sharewise bench pipeline`.
fn pipeline(args: PipelineBenchArgs) -> Result<()> {
    anyhow::ensure!(args.ticks > 0, "--ticks must be > 0");
    let defaults = sharewise_actors::Placement::default();
    let placement = sharewise_actors::Placement {
        spin_iterations: args.spins.unwrap_or(defaults.spin_iterations),
        yield_us: args.yield_us.unwrap_or(defaults.yield_us),
        park_timeout_us: args.park_us.unwrap_or(defaults.park_timeout_us).max(1),
        pin_cores: args.pin,
        feed: sharewise_actors::ThreadSpec {
            core: Some(0),
            ..defaults.feed.clone()
        },
        engine: sharewise_actors::ThreadSpec {
            core: Some(1),
            ..defaults.engine.clone()
        },
        ..defaults
    };
    let r = sharewise_benches::pipeline::run(args.ticks, args.rate, &placement, args.rounds)
        .context("running the pipeline benchmark")?;
    if args.json {
        say!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    let rate = if r.rate == 0 {
        "as fast as possible".to_string()
    } else {
        format!("{} ticks/s", r.rate)
    };
    say!("pipeline benchmark: {} ticks, {} instruments, feed {rate} in {} alternating rounds; SMA(10)/SMA(30) → risk review (fixed 10 shares); engine waits: {} spins, {} µs yielding, parks ≤ {} µs", r.ticks, r.instruments, r.rounds, r.spins, r.yield_us, r.park_us);
    say!(
        "  {:<26} {:>10} {:>10} {:>10} {:>12} {:>14}",
        "tick → decision (ns)",
        "p50",
        "p99",
        "p99.9",
        "max",
        "max ticks/s"
    );
    let row = |name: &str, l: &sharewise_benches::pipeline::Latency, tps: f64| {
        say!(
            "  {name:<26} {:>10} {:>10} {:>10} {:>12} {:>14.0}",
            l.p50_ns,
            l.p99_ns,
            l.p999_ns,
            l.max_ns,
            tps
        );
    };
    row("runtime", &r.runtime.decision, r.ticks_per_s);
    row(
        "baseline (rtrb, spin)",
        &r.baseline.decision,
        r.baseline_ticks_per_s,
    );
    say!(
        "  {:<26} {:>10} {:>10} {:>10} {:>12} {:>14}",
        "runtime, order intents",
        r.runtime.intent.p50_ns,
        r.runtime.intent.p99_ns,
        r.runtime.intent.p999_ns,
        r.runtime.intent.max_ns,
        format!("({})", r.runtime.intent.count)
    );
    say!(
        "  runtime / baseline: p50 {:.2}x, p99 {:.2}x",
        r.ratio_p50,
        r.ratio_p99
    );
    say!(
        "  runtime stages: feed→engine p50 {} / p99 {} ns, engine chain p50 {} / p99 {} ns",
        r.stage_feed_to_engine.p50,
        r.stage_feed_to_engine.p99,
        r.stage_engine_chain.p50,
        r.stage_engine_chain.p99
    );
    say!(
        "  link: delivered {}, conflated {}, dropped {}, parked {}; intents {} (runtime) / {} (baseline)",
        r.delivered, r.conflated, r.dropped, r.parked, r.runtime.intents, r.baseline.intents
    );
    Ok(())
}

/// Runs `sharewise bench backtest`.
fn backtest(args: BacktestBenchArgs) -> Result<()> {
    let scratch = tempfile_dir()?;
    let report = measure_backtest(&args, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let report = report?;
    if args.json {
        say!("{}", serde_json::to_string(&report)?);
    } else {
        print_backtest_table(&report);
    }
    Ok(())
}

/// Runs the backtest benchmark on `--data` (or bars generated into `scratch`), writing the report
/// files of each whole-command repetition into `scratch/report`.
fn measure_backtest(
    args: &BacktestBenchArgs,
    scratch: &Path,
) -> Result<sharewise_benches::backtest::BacktestBench> {
    let path = match &args.data {
        Some(p) => p.clone(),
        None => generate_bench_bars(scratch, args.bars, args.json)?,
    };
    let time_format = time_format_of(&path)?;
    let report_dir = scratch.join("report");
    let mut write =
        |result: &BacktestResult| -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
            Ok(write_bench_report(&report_dir, &path, time_format, result)?)
        };
    sharewise_benches::backtest::run(&path, args.repeat, Some(&mut write))
        .with_context(|| format!("benchmarking {}", path.display()))
}

/// Generates `bars` minute bars (whole 375-bar sessions) into `dir`.
fn generate_bench_bars(dir: &Path, bars: usize, quiet: bool) -> Result<PathBuf> {
    let out = dir.join("bench_bars.csv");
    let days = bars.div_ceil(375) as u32;
    let options = GenOptions {
        symbol: "BENCH".into(),
        days,
        seed: 1,
        start: "2016-01-04".into(),
        price: "1500".into(),
        vol: 0.25,
        drift: 0.10,
        interval: "1m".into(),
        ts: TsFormat::Ms,
        out: out.clone(),
    };
    if !quiet {
        eprintln!(
            "generating {} minute bars ({days} sessions) into {}",
            days as usize * 375,
            out.display()
        );
    }
    write_bars(&options)?;
    Ok(out)
}

/// The timestamp format of the bar file at `path` (the report writes timestamps the same way).
fn time_format_of(path: &Path) -> Result<TimeFormat> {
    let mut reader = BarReader::open(path, ReadOptions::STRICT)?;
    if let Some(bar) = reader.next() {
        bar?;
    }
    Ok(reader.time_format().unwrap_or(TimeFormat::EpochMillis))
}

/// Writes the `--out` files of `result` into `dir`, as `sharewise backtest` does; returns their size.
fn write_bench_report(
    dir: &Path,
    data: &Path,
    time_format: TimeFormat,
    result: &BacktestResult,
) -> Result<u64> {
    let info = RunInfo {
        data: data.display().to_string(),
        time_format,
        elapsed_s: 0.0,
        skipped: BTreeMap::new(),
        dropped_ticks: None,
    };
    write_report_dir(dir, result, &info)?;
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        bytes += entry?.metadata()?.len();
    }
    Ok(bytes)
}

/// The human-readable table of `sharewise bench backtest`.
fn print_backtest_table(report: &sharewise_benches::backtest::BacktestBench) {
    say!("backtest benchmark: SMA(10)/SMA(30), fixed 10 shares, no costs, {} bars ({:.1} MB CSV), median of {}", report.bars, report.file_bytes as f64 / 1e6, report.repetitions);
    let row = |name: &str, t: &sharewise_benches::backtest::Throughput| {
        say!(
            "  {name:<34} {:>12.0} bars/s  ({:.3} s; range {:.0}–{:.0})",
            t.median_bars_per_s,
            t.median_s,
            t.min_bars_per_s,
            t.max_bars_per_s
        );
    };
    row("whole run (CSV read + backtest)", &report.whole_run);
    row("  + equity curve & signal log", &report.whole_run_recording);
    if let Some(t) = &report.whole_command {
        row("  + report files written (--out)", t);
    }
    row("engine only (bars in memory)", &report.engine_only);
    row(
        "  + equity curve & signal log",
        &report.engine_only_recording,
    );
    row("CSV read only", &report.read_only);
    if let Some(w) = &report.report {
        say!(
            "  {:<34} {:>12.0} MB/s    ({:.3} s for {:.1} MB; range {:.0}–{:.0})",
            "report writing alone",
            w.median_mb_per_s,
            w.median_s,
            w.bytes as f64 / 1e6,
            w.min_mb_per_s,
            w.max_mb_per_s
        );
    }
    say!(
        "  trades {}, final equity {}",
        report.trades,
        report.final_equity
    );
}

/// A scratch directory under the system temp dir for the generated file.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("sharewise-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

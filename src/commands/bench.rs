//! `sharewise bench backtest`: generates a minute-bar file and reports backtest throughput, with and
//! without the report files of `backtest --out` written.
//! `sharewise bench pipeline`: tick → decision latency through the actor runtime vs. a baseline.
//! `sharewise bench orders`: the order path through the Kite adapter ([`super::bench_orders`]).

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
    /// Tick → decision latency through the actor runtime (feed + engine thread), waiting by
    /// spin_park and by busy_poll, vs. a plain rtrb baseline over a sweep of feed rates; engine
    /// CPU; flat-out throughput.
    Pipeline(PipelineBenchArgs),
    /// Placement → acknowledgement through the Kite adapter against the bundled sandbox on
    /// loopback, beside the in-process paper broker, and the placement rate held under Kite's
    /// 10 orders/s.
    Orders(super::bench_orders::OrdersBenchArgs),
}

/// Options of `sharewise bench pipeline`.
#[derive(Args, Debug)]
pub struct PipelineBenchArgs {
    /// Feed rates of the latency sweep, ticks per second, comma-separated.
    #[arg(long, alias = "rate", value_delimiter = ',', default_values_t = sharewise_benches::pipeline::DEFAULT_RATES)]
    rates: Vec<u64>,
    /// Seconds of feed per contender at each rate (split over the rounds).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Rounds that alternate baseline, spin_park and busy_poll (at every rate and flat out).
    #[arg(long, default_value_t = 4)]
    rounds: usize,
    /// Ticks per contender for the flat-out throughput runs (0 skips them).
    #[arg(long, default_value_t = 3_000_000)]
    ticks: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// spin_park: spins before parking (default: `[runtime] spin_iterations`).
    #[arg(long)]
    spins: Option<u32>,
    /// spin_park: microseconds of yielding before parking (default: `[runtime] yield_us`).
    #[arg(long)]
    yield_us: Option<u64>,
    /// spin_park: longest park, microseconds (default: `[runtime] park_timeout_us`).
    #[arg(long)]
    park_us: Option<u64>,
    /// Pin the feed thread to core 0 and the engine thread to core 1 (every contender).
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
        BenchWhat::Orders(args) => super::bench_orders::run(args),
    }
}

/// Runs `sharewise bench pipeline`.
fn pipeline(args: PipelineBenchArgs) -> Result<()> {
    anyhow::ensure!(
        !args.rates.is_empty() && args.rates.iter().all(|r| *r > 0),
        "--rates must list feed rates above 0 ticks/s, e.g. 300,3000"
    );
    anyhow::ensure!(
        args.seconds.is_finite() && args.seconds > 0.0,
        "--seconds must be above 0, got {}",
        args.seconds
    );
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
    let options = sharewise_benches::pipeline::SweepOptions {
        rates: args.rates,
        seconds: args.seconds,
        rounds: args.rounds,
        flat_ticks: args.ticks,
        placement,
    };
    let r =
        sharewise_benches::pipeline::sweep(&options).context("running the pipeline benchmark")?;
    if args.json {
        say!("{}", serde_json::to_string(&r)?);
    } else {
        print_pipeline(&r);
    }
    Ok(())
}

/// The human-readable table of `sharewise bench pipeline`.
fn print_pipeline(r: &sharewise_benches::pipeline::SweepReport) {
    let pinned = if r.pinned {
        "feed on core 0, engine on core 1"
    } else {
        "threads unpinned"
    };
    say!("pipeline benchmark: SMA(10)/SMA(30) → risk review (fixed 10 shares), {} instruments; at each rate baseline, spin_park and busy_poll alternate over {} rounds, {} s of feed each; spin_park: {} spins, {} µs yielding, parks ≤ {} µs; {pinned}; (others N) = cores other processes used meanwhile", r.instruments, r.rounds, r.seconds, r.spins, r.yield_us, r.park_us);
    say!(
        "  {:>13}  {:<20} {:>9} {:>9} {:>9} {:>9} {:>12} {:>13} {:>10}",
        "rate/s",
        "tick → decision, µs",
        "p50",
        "p99",
        "p99.9",
        "max",
        "engine CPU %",
        "process CPU %",
        "conflated"
    );
    for row in &r.rates {
        let contenders = [
            ("baseline", &row.baseline),
            ("spin_park (default)", &row.spin_park),
            ("busy_poll", &row.busy_poll),
        ];
        for (i, (name, c)) in contenders.into_iter().enumerate() {
            let rate = match i {
                0 => row.rate.to_string(),
                1 => others(row.others_cores),
                _ => String::new(),
            };
            let l = &c.decision;
            say!(
                "  {rate:>13}  {name:<20} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>12.1} {:>13.1} {:>10}",
                us(l.p50_ns),
                us(l.p99_ns),
                us(l.p999_ns),
                us(l.max_ns),
                c.engine_cpu_pct,
                c.process_cpu_pct,
                c.conflated
            );
        }
    }
    print_flat_out(&r.flat_out);
    print_targets(r);
}

/// Other processes' CPU during a measurement, for the table's first column.
fn others(cores: Option<f64>) -> String {
    cores.map_or(String::new(), |c| format!("(others {c:.1})"))
}

/// Nanoseconds as microseconds.
fn us(ns: u64) -> f64 {
    ns as f64 / 1000.0
}

/// The flat-out lines of `sharewise bench pipeline`.
fn print_flat_out(f: &sharewise_benches::pipeline::FlatOut) {
    if f.ticks == 0 {
        return;
    }
    let others = f.others_cores.map_or(String::new(), |c| {
        format!("; other processes used {c:.1} cores meanwhile")
    });
    say!(
        "  flat out, {} ticks each, median of the rounds: ticks handled/s (offered/s){others}",
        f.ticks
    );
    let rows = [
        ("baseline", &f.baseline, None),
        ("spin_park (default)", &f.spin_park, Some(f.ratio_spin_park)),
        ("busy_poll", &f.busy_poll, Some(f.ratio_busy_poll)),
    ];
    for (name, t, ratio) in rows {
        let vs = ratio.map_or(String::new(), |x| format!("  {x:.2}× baseline"));
        say!(
            "    {name:<20} {:>6.2} M ({:.2} M; rounds {:.2}–{:.2} M), engine CPU {:.0} %, conflated {}{vs}",
            t.ticks_per_s / 1e6,
            t.offered_per_s / 1e6,
            t.min_ticks_per_s / 1e6,
            t.max_ticks_per_s / 1e6,
            t.engine_cpu_pct,
            t.conflated
        );
    }
}

/// The targets line of `sharewise bench pipeline`.
fn print_targets(r: &sharewise_benches::pipeline::SweepReport) {
    let yes = |b: bool| if b { "met" } else { "NOT met" };
    let t = &r.targets;
    let cpu = match t.default_cpu_at_300_within_5pct {
        Some(b) => yes(b),
        None => "not measured (300/s not swept)",
    };
    let flat = match t.throughput_at_least_0_8x {
        Some(b) => yes(b),
        None => "not measured",
    };
    say!("  targets: busy_poll p50/p99 within 1.5× of the baseline at every rate: {}; spin_park p99 < 200 µs at every rate: {}; spin_park engine CPU ≤ 5 % at 300/s: {cpu}; flat out ≥ 0.8× the baseline: {flat}", yes(t.busy_poll_within_1_5x), yes(t.default_p99_under_200us));
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

//! Backtest throughput: the whole run from a CSV file (read + indicators + strategy + fills +
//! metrics) and the engine alone on bars already in memory, SMA(10)/SMA(30), fixed 10 shares.
//! Given the binary's report writer, also the whole command with its report files written (what
//! `sharewise backtest --out DIR` does) and the writer's own speed, in the same repetitions.
//!
//! Each figure is the median of several repetitions (min and max are reported too): these machines
//! are shared, so one run says little.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use sharewise_engine::backtest::{BacktestConfig, BacktestResult, Backtester};
use sharewise_engine::strategy::{ExitRules, SmaCross};
use sharewise_engine::types::{Bar, Instrument, Product};
use sharewise_feeds::{BarReader, FeedError, ReadOptions};
use sharewise_risk::{Limits, PreTradeRisk, Sizing};

/// Throughput of one measured phase over its repetitions, bars per second.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    /// Median bars/s.
    pub median_bars_per_s: f64,
    /// Slowest repetition's bars/s.
    pub min_bars_per_s: f64,
    /// Fastest repetition's bars/s.
    pub max_bars_per_s: f64,
    /// Median wall time, seconds.
    pub median_s: f64,
}

impl Throughput {
    fn from_times(bars: usize, mut secs: Vec<f64>) -> Throughput {
        secs.sort_by(f64::total_cmp);
        let median = secs[secs.len() / 2];
        Throughput {
            median_bars_per_s: bars as f64 / median,
            min_bars_per_s: bars as f64 / secs[secs.len() - 1],
            max_bars_per_s: bars as f64 / secs[0],
            median_s: median,
        }
    }
}

/// Speed of writing one run's report files, over the repetitions.
#[derive(Clone, Debug, Serialize)]
pub struct ReportSpeed {
    /// Size of the files written, bytes.
    pub bytes: u64,
    /// Median MB/s (10^6 bytes per second).
    pub median_mb_per_s: f64,
    /// Slowest repetition's MB/s.
    pub min_mb_per_s: f64,
    /// Fastest repetition's MB/s.
    pub max_mb_per_s: f64,
    /// Median wall time, seconds.
    pub median_s: f64,
}

impl ReportSpeed {
    fn from_times(bytes: u64, mut secs: Vec<f64>) -> ReportSpeed {
        secs.sort_by(f64::total_cmp);
        let mb = bytes as f64 / 1e6;
        ReportSpeed {
            bytes,
            median_mb_per_s: mb / secs[secs.len() / 2],
            min_mb_per_s: mb / secs[secs.len() - 1],
            max_mb_per_s: mb / secs[0],
            median_s: secs[secs.len() / 2],
        }
    }
}

/// Writes a run's report files (the binary's `--out` writer) and returns their total size, bytes.
pub type WriteReport<'a> =
    dyn FnMut(&BacktestResult) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> + 'a;

/// Why the benchmark stopped.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The bar file could not be read.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The report writer failed.
    #[error("writing the report files")]
    Report(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The benchmark's findings.
#[derive(Clone, Debug, Serialize)]
pub struct BacktestBench {
    /// Bars in the file.
    pub bars: usize,
    /// Size of the CSV file, bytes.
    pub file_bytes: u64,
    /// Repetitions per phase.
    pub repetitions: usize,
    /// CSV read + backtest + metrics.
    pub whole_run: Throughput,
    /// The same, also recording the equity curve and signal log (what `--out` writes).
    pub whole_run_recording: Throughput,
    /// The same, then writing the report files: the whole `backtest --out` command (`null`
    /// without a report writer).
    pub whole_command: Option<Throughput>,
    /// The report writing alone, timed inside [`BacktestBench::whole_command`].
    pub report: Option<ReportSpeed>,
    /// Backtest + metrics on in-memory bars.
    pub engine_only: Throughput,
    /// The same, also recording the equity curve and signal log.
    pub engine_only_recording: Throughput,
    /// CSV read alone.
    pub read_only: Throughput,
    /// Trades of the run (every repetition must agree).
    pub trades: usize,
    /// Final equity of the run, rupees.
    pub final_equity: String,
}

/// The benchmarked strategy and gate: SMA(10)/SMA(30) long-only, 10 shares, no costs.
/// `recording` keeps the per-bar equity curve and the signal log, as `sharewise backtest --out`
/// does; without it the run keeps what `sharewise backtest` prints (metrics, trades).
pub fn sma_backtester(recording: bool) -> Backtester<SmaCross, PreTradeRisk> {
    let strategy =
        SmaCross::new(10, 30, ExitRules::default()).unwrap_or_else(|e| panic!("10 < 30: {e}"));
    let risk = PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Cnc);
    Backtester::new(
        BacktestConfig::default(),
        Instrument::nse_equity(0, "BENCH"),
        strategy,
        risk,
    )
    .record_curve(recording)
    .record_signals(recording)
}

/// Reads `path` and backtests it in one streaming pass.
pub fn whole_run(
    path: &Path,
    expected_bars: usize,
    recording: bool,
) -> Result<BacktestResult, FeedError> {
    let mut bt = sma_backtester(recording);
    bt.reserve(expected_bars);
    for bar in BarReader::open(path, ReadOptions::STRICT)? {
        bt.on_bar(&bar?);
    }
    Ok(bt.finish())
}

/// Reads every bar of `path` into memory.
pub fn read_all(path: &Path) -> Result<Vec<Bar>, FeedError> {
    let expected = std::fs::metadata(path).map_or(0, |m| m.len() as usize / 45);
    let mut bars = Vec::with_capacity(expected);
    for bar in BarReader::open(path, ReadOptions::STRICT)? {
        bars.push(bar?);
    }
    Ok(bars)
}

/// Wall times of each phase, one entry per repetition.
#[derive(Default)]
struct Times {
    whole: Vec<f64>,
    whole_rec: Vec<f64>,
    engine: Vec<f64>,
    engine_rec: Vec<f64>,
    read: Vec<f64>,
    command: Vec<f64>,
    report: Vec<f64>,
    report_bytes: u64,
}

impl Times {
    /// One repetition of every phase; `check` asserts each run equals the reference.
    fn repeat_once(
        &mut self,
        path: &Path,
        bars: &[Bar],
        check: &dyn Fn(&BacktestResult),
        report: Option<&mut WriteReport<'_>>,
    ) -> Result<(), BenchError> {
        let n = bars.len();
        for (recording, times) in [(false, &mut self.whole), (true, &mut self.whole_rec)] {
            let t = Instant::now();
            let r = whole_run(path, n, recording)?;
            times.push(t.elapsed().as_secs_f64());
            check(&r);
        }
        if let Some(write) = report {
            let t = Instant::now();
            let r = whole_run(path, n, true)?;
            let ran = t.elapsed().as_secs_f64();
            self.report_bytes = write(&r).map_err(BenchError::Report)?;
            let total = t.elapsed().as_secs_f64();
            self.command.push(total);
            self.report.push(total - ran);
            check(&r);
        }
        for (recording, times) in [(false, &mut self.engine), (true, &mut self.engine_rec)] {
            let t = Instant::now();
            let mut bt = sma_backtester(recording);
            bt.reserve(n);
            let r = bt.run_slice(bars);
            times.push(t.elapsed().as_secs_f64());
            check(&r);
        }
        let t = Instant::now();
        let count = read_all(path)?.len();
        self.read.push(t.elapsed().as_secs_f64());
        assert_eq!(count, n);
        Ok(())
    }
}

/// Measures every phase on the bar CSV at `path`, `repetitions` times each; with `report`, also
/// the whole command with the report files written by it.
pub fn run(
    path: &Path,
    repetitions: usize,
    mut report: Option<&mut WriteReport<'_>>,
) -> Result<BacktestBench, BenchError> {
    let repetitions = repetitions.max(1);
    let bars = read_all(path)?;
    let n = bars.len();
    let reference = sma_backtester(false).run(bars.iter().copied());
    let sliced = sma_backtester(false).run_slice(&bars);
    assert_eq!(
        (sliced.trades, sliced.final_equity),
        (reference.trades.clone(), reference.final_equity),
        "run_slice must equal run"
    );
    let check = |r: &BacktestResult| {
        assert_eq!(
            (r.trades.len(), r.final_equity),
            (reference.trades.len(), reference.final_equity),
            "every repetition must produce the same backtest"
        );
    };
    let mut times = Times::default();
    for _ in 0..repetitions {
        times.repeat_once(path, &bars, &check, report.as_deref_mut())?;
    }
    let with_report = !times.command.is_empty();
    Ok(BacktestBench {
        bars: n,
        file_bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        repetitions,
        whole_run: Throughput::from_times(n, times.whole),
        whole_run_recording: Throughput::from_times(n, times.whole_rec),
        whole_command: with_report.then(|| Throughput::from_times(n, times.command)),
        report: with_report.then(|| ReportSpeed::from_times(times.report_bytes, times.report)),
        engine_only: Throughput::from_times(n, times.engine),
        engine_only_recording: Throughput::from_times(n, times.engine_rec),
        read_only: Throughput::from_times(n, times.read),
        trades: reference.metrics.trade_count,
        final_equity: format!("{:.2}", reference.final_equity),
    })
}

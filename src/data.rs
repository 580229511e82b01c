//! Opens market-data files by their kind: Kite historical-candles JSON (`.json`), CSV bars
//! (`ts,open,high,low,close,volume`), or CSV ticks (`ts,price,qty`), which are aggregated into time
//! bars on the IST session grid.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};
use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::types::{Bar, InstrumentId};
use sharewise_feeds::{BarReader, FeedError, KiteCandleReader, ReadOptions, SkipReport, TickReader, TimeFormat};

/// A streaming source of validated bars.
pub enum BarSource {
    /// `ts,open,high,low,close,volume` CSV.
    Csv(BarReader<File>),
    /// Kite Connect historical candles JSON.
    Kite(KiteCandleReader),
    /// `ts,price,qty` CSV, aggregated into bars.
    Ticks(TickReader<File>, BarAggregator),
}

impl BarSource {
    /// Opens `path`; `.json` files are read as Kite candles, CSVs with a `price` column and no
    /// `open` column as ticks (aggregated into `interval` bars), anything else as CSV bars.
    pub fn open(path: &Path, skip_bad: bool, interval: BarInterval) -> Result<BarSource> {
        let options = if skip_bad { ReadOptions::SKIP_BAD } else { ReadOptions::STRICT };
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Ok(if is_json {
            BarSource::Kite(KiteCandleReader::open(path, options)?)
        } else if is_tick_file(path)? {
            BarSource::Ticks(TickReader::open(path, InstrumentId(0), options)?, BarAggregator::new(interval))
        } else {
            BarSource::Csv(BarReader::open(path, options)?)
        })
    }

    /// The input's timestamp format (epoch ms when the file had no rows).
    pub fn time_format(&self) -> TimeFormat {
        match self {
            BarSource::Csv(r) => r.time_format(),
            BarSource::Kite(r) => r.time_format(),
            BarSource::Ticks(r, _) => r.time_format(),
        }
        .unwrap_or(TimeFormat::EpochMillis)
    }

    /// Rows skipped so far under `--skip-bad`.
    pub fn skipped(&self) -> SkipReport {
        match self {
            BarSource::Csv(r) => *r.skipped(),
            BarSource::Kite(r) => *r.skipped(),
            BarSource::Ticks(r, _) => *r.skipped(),
        }
    }
}

impl Iterator for BarSource {
    type Item = Result<Bar, FeedError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            BarSource::Csv(r) => r.next(),
            BarSource::Kite(r) => r.next(),
            BarSource::Ticks(ticks, agg) => loop {
                match ticks.next() {
                    Some(Ok(tick)) => {
                        if let Some(bar) = agg.push(tick) {
                            return Some(Ok(bar));
                        }
                    }
                    Some(Err(e)) => return Some(Err(e)),
                    None => return agg.flush().map(Ok),
                }
            },
        }
    }
}

/// Whether the CSV header names tick columns (`price`, no `open`).
fn is_tick_file(path: &Path) -> Result<bool> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut header = String::new();
    BufReader::new(file).read_line(&mut header).with_context(|| format!("cannot read {}", path.display()))?;
    let columns: Vec<String> = header.trim().trim_start_matches('\u{feff}').split(',').map(|c| c.trim().to_ascii_lowercase()).collect();
    Ok(columns.iter().any(|c| c == "price") && !columns.iter().any(|c| c == "open"))
}

/// Bars read whole into memory (sweeps and walk-forward reuse them many times).
pub struct LoadedBars {
    /// The bars in time order.
    pub bars: Vec<Bar>,
    /// What `--skip-bad` dropped.
    pub skipped: SkipReport,
}

/// Reads every bar of `path`, stopping at the first bad row unless `skip_bad`.
pub fn load_bars(path: &Path, skip_bad: bool, interval: BarInterval) -> Result<LoadedBars> {
    let mut source = BarSource::open(path, skip_bad, interval)?;
    let mut bars = Vec::new();
    for bar in source.by_ref() {
        bars.push(bar.with_context(|| format!("reading {}", path.display()))?);
    }
    Ok(LoadedBars { bars, skipped: source.skipped() })
}

/// `--skip-bad` counts per kind, for reports (only kinds that occurred).
pub fn skip_counts(report: &SkipReport) -> std::collections::BTreeMap<String, u64> {
    [
        ("bad_field", report.bad_field),
        ("high_below_body", report.high_below_body),
        ("low_above_body", report.low_above_body),
        ("negative_volume", report.negative_volume),
        ("time_backwards", report.time_backwards),
        ("time_repeat", report.time_repeat),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| (k.to_string(), n))
    .collect()
}

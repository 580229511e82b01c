//! Opens market-data files by their kind: Kite historical-candles JSON (`.json`), CSV bars
//! (`ts,open,high,low,close,volume`), or CSV ticks (`ts,price,qty`), which are aggregated into time
//! bars on the IST session grid.

use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};
use sharewise_engine::bars::{BarAggregator, BarInterval, Ignored};
use sharewise_engine::types::{Bar, InstrumentId};
use sharewise_feeds::{
    is_tick_csv, BarReader, FeedError, KiteCandleReader, ReadOptions, SkipReport, TickReader,
    TimeFormat,
};

/// Bytes per CSV bar row assumed when sizing buffers ahead (`1767584700000,1500.05,…` is ~45).
const CSV_BYTES_PER_BAR: u64 = 45;

/// Upper bound of [`BarSource::estimated_bars`]: a guess must not reserve gigabytes up front.
const MAX_ESTIMATED_BARS: u64 = 50_000_000;

/// A streaming source of validated bars.
pub enum BarSource {
    /// `ts,open,high,low,close,volume` CSV.
    Csv {
        /// The reader.
        reader: BarReader<File>,
        /// The file's size in bytes (for [`BarSource::estimated_bars`]).
        file_len: u64,
    },
    /// Kite Connect historical candles JSON.
    Kite(KiteCandleReader),
    /// `ts,price,qty` CSV, aggregated into bars.
    Ticks(TickReader<File>, BarAggregator),
}

impl BarSource {
    /// Opens `path`; `.json` files are read as Kite candles, CSVs with a `price` column and no
    /// `open` column as ticks (aggregated into `interval` bars), anything else as CSV bars.
    pub fn open(path: &Path, skip_bad: bool, interval: BarInterval) -> Result<BarSource> {
        let options = if skip_bad {
            ReadOptions::SKIP_BAD
        } else {
            ReadOptions::STRICT
        };
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Ok(if is_json {
            BarSource::Kite(KiteCandleReader::open(path, options)?)
        } else if is_tick_csv(path)? {
            BarSource::Ticks(
                TickReader::open(path, InstrumentId(0), options)?,
                BarAggregator::new(interval),
            )
        } else {
            let file_len = std::fs::metadata(path).map_or(0, |m| m.len());
            BarSource::Csv {
                reader: BarReader::open(path, options)?,
                file_len,
            }
        })
    }

    /// About how many bars a CSV bar file holds, from its size (capped at 50 million); `None`
    /// for ticks and Kite JSON, whose size says little about the bar count.
    pub fn estimated_bars(&self) -> Option<usize> {
        match self {
            BarSource::Csv { file_len, .. } => {
                usize::try_from((file_len / CSV_BYTES_PER_BAR).min(MAX_ESTIMATED_BARS)).ok()
            }
            BarSource::Kite(_) | BarSource::Ticks(..) => None,
        }
    }

    /// Ticks that fell in no bar so far (outside the session, or late); `None` unless the file
    /// holds ticks.
    pub fn dropped_ticks(&self) -> Option<Ignored> {
        match self {
            BarSource::Ticks(_, agg) => Some(agg.ignored()),
            BarSource::Csv { .. } | BarSource::Kite(_) => None,
        }
    }

    /// The input's timestamp format (epoch ms when the file had no rows).
    pub fn time_format(&self) -> TimeFormat {
        match self {
            BarSource::Csv { reader, .. } => reader.time_format(),
            BarSource::Kite(r) => r.time_format(),
            BarSource::Ticks(r, _) => r.time_format(),
        }
        .unwrap_or(TimeFormat::EpochMillis)
    }

    /// Rows skipped so far under `--skip-bad`.
    pub fn skipped(&self) -> SkipReport {
        match self {
            BarSource::Csv { reader, .. } => *reader.skipped(),
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
            BarSource::Csv { reader, .. } => reader.next(),
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

/// Bars read whole into memory (sweeps and walk-forward reuse them many times).
pub struct LoadedBars {
    /// The bars in time order.
    pub bars: Vec<Bar>,
    /// What `--skip-bad` dropped.
    pub skipped: SkipReport,
    /// Ticks that fell in no bar (tick files only).
    pub dropped_ticks: Option<Ignored>,
}

/// Reads every bar of `path`, stopping at the first bad row unless `skip_bad`. Prints nothing:
/// the caller reports `skipped` and `dropped_ticks`.
pub fn load_bars(path: &Path, skip_bad: bool, interval: BarInterval) -> Result<LoadedBars> {
    let mut source = BarSource::open(path, skip_bad, interval)?;
    let mut bars = Vec::new();
    for bar in source.by_ref() {
        bars.push(bar.with_context(|| format!("reading {}", path.display()))?);
    }
    Ok(LoadedBars {
        bars,
        skipped: source.skipped(),
        dropped_ticks: source.dropped_ticks(),
    })
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

/// `dropped 12 ticks outside 09:15–15:30 IST: 10 before the open, 2 after the close`, or `None`
/// when no tick was dropped.
pub fn dropped_ticks_line(ignored: &Ignored) -> Option<String> {
    let total = ignored.total();
    if total == 0 {
        return None;
    }
    let parts: Vec<String> = [
        (ignored.before_open, "before the open"),
        (ignored.after_close, "after the close"),
        (ignored.late, "late (older than a bar already built)"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let plural = if total == 1 { "" } else { "s" };
    let which = if ignored.late == 0 {
        "outside 09:15–15:30 IST"
    } else {
        "outside 09:15–15:30 IST or late"
    };
    Some(format!(
        "dropped {total} tick{plural} {which}: {}",
        parts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_ticks_line_names_each_kind() {
        assert_eq!(dropped_ticks_line(&Ignored::default()), None);
        let ignored = Ignored {
            before_open: 10,
            after_close: 2,
            late: 0,
        };
        assert_eq!(
            dropped_ticks_line(&ignored).unwrap(),
            "dropped 12 ticks outside 09:15–15:30 IST: 10 before the open, 2 after the close"
        );
        let ignored = Ignored {
            before_open: 0,
            after_close: 0,
            late: 1,
        };
        assert_eq!(dropped_ticks_line(&ignored).unwrap(), "dropped 1 tick outside 09:15–15:30 IST or late: 1 late (older than a bar already built)");
    }
}

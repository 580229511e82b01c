//! Streaming reader of trade (tick) CSVs: `ts,price,qty`.
//!
//! Same header, timestamp and validation rules as [`crate::BarReader`], except that several trades
//! may share a timestamp (only a timestamp going backwards is bad) and the instrument id is given
//! by the caller, since one file holds one instrument.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Price, Tick};

use crate::error::{FeedError, RowProblem};
use crate::rows::{CsvRows, FieldKind, Fields, RowFormat, Values};
use crate::timefmt::TimeFormat;
use crate::validate::{check_volume, price, whole, ReadOptions, SkipReport, TimeLine};

/// The tick row layout, stamped with one instrument.
pub(crate) struct TickRow(pub(crate) InstrumentId);

impl RowFormat for TickRow {
    type Item = Tick;
    const COLUMNS: &'static [&'static str] = &["ts", "price", "qty"];
    const KINDS: &'static [FieldKind] = &[FieldKind::Time, FieldKind::Price, FieldKind::Whole];

    #[inline]
    fn parse(&self, f: &Fields<'_>, ts: TimestampNs, time: &TimeLine) -> Result<Tick, RowProblem> {
        let price = price(f[1], "price")?;
        let qty = whole(f[2], "qty")?;
        self.build(&[ts, price.units(), qty, 0, 0, 0], time)
    }

    #[inline]
    fn build(&self, v: &Values, time: &TimeLine) -> Result<Tick, RowProblem> {
        let (ts, price, qty) = (v[0], Price(v[1]), v[2]);
        check_volume(qty, "qty")?;
        time.check_order(ts, true)?;
        Ok(Tick {
            ts,
            instrument: self.0,
            price,
            qty,
        })
    }
}

/// Whether the CSV at `path` holds ticks rather than bars: its header names a `price` column and
/// no `open` column (case and a byte-order mark ignored). Errors name `path`.
pub fn is_tick_csv(path: impl AsRef<Path>) -> Result<bool, FeedError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|error| FeedError::Open {
        path: path.to_path_buf(),
        error,
    })?;
    let mut header = String::new();
    BufReader::new(file)
        .read_line(&mut header)
        .map_err(|error| FeedError::Io {
            source_name: path.display().to_string(),
            error,
        })?;
    let columns: Vec<String> = header
        .trim()
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    Ok(columns.iter().any(|c| c == "price") && !columns.iter().any(|c| c == "open"))
}

/// Reads validated [`Tick`]s from a CSV one at a time; an iterator of `Result<Tick, FeedError>`.
pub struct TickReader<R> {
    rows: CsvRows<R, TickRow>,
}

impl TickReader<File> {
    /// Opens a tick CSV file of `instrument`; errors name `path`.
    pub fn open(
        path: impl AsRef<Path>,
        instrument: InstrumentId,
        options: ReadOptions,
    ) -> Result<TickReader<File>, FeedError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|error| FeedError::Open {
            path: path.to_path_buf(),
            error,
        })?;
        TickReader::new(file, path.display().to_string(), instrument, options)
    }
}

impl<R: Read> TickReader<R> {
    /// Reads ticks of `instrument` from `reader`; `source` names it in errors.
    pub fn new(
        reader: R,
        source: impl Into<String>,
        instrument: InstrumentId,
        options: ReadOptions,
    ) -> Result<TickReader<R>, FeedError> {
        Ok(TickReader {
            rows: CsvRows::new(reader, source.into(), options, TickRow(instrument))?,
        })
    }

    /// The file's timestamp format, known once a row with a readable `ts` has been read.
    pub fn time_format(&self) -> Option<TimeFormat> {
        self.rows.time_format()
    }

    /// Rows skipped so far (skip-bad mode).
    pub fn skipped(&self) -> &SkipReport {
        self.rows.report()
    }

    /// The instrument the ticks are stamped with.
    pub fn instrument(&self) -> InstrumentId {
        self.rows.format.0
    }
}

impl<R: Read> Iterator for TickReader<R> {
    type Item = Result<Tick, FeedError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next_item()
    }
}

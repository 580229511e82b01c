//! Streaming reader of OHLCV bar CSVs: `ts,open,high,low,close,volume`.
//!
//! Columns are found by name in the header (case-insensitive, any order, extra columns ignored).
//! `ts` is epoch milliseconds or ISO-8601 with offset (see [`crate::timefmt`]); the detected
//! format is available from [`BarReader::time_format`] so outputs can be written in the same unit.
//! The file is read in 1 MiB blocks and one bar is parsed at a time, so memory does not grow with
//! the file; ordinary rows take a fast path (see the `rows` module) that reads about 30M bars/s.
//!
//! ```
//! use sharewise_feeds::{BarReader, ReadOptions, TimeFormat};
//!
//! let csv = "ts,open,high,low,close,volume\n2026-01-05T09:15:00+0530,100,101,99.5,100.5,1200\n";
//! let mut reader = BarReader::new(csv.as_bytes(), "inline.csv", ReadOptions::STRICT).unwrap();
//! let bar = reader.next().unwrap().unwrap();
//! assert_eq!(bar.close.to_string(), "100.50");
//! assert_eq!(reader.time_format(), Some(TimeFormat::IST));
//! ```

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Bar, Price};

use crate::error::{FeedError, RowProblem};
use crate::rows::{CsvRows, FieldKind, Fields, RowFormat, Values};
use crate::timefmt::TimeFormat;
use crate::validate::{check_ohlc, check_volume, price, whole, ReadOptions, SkipReport, TimeLine};

/// The bar row layout.
pub(crate) struct BarRow;

impl RowFormat for BarRow {
    type Item = Bar;
    const COLUMNS: &'static [&'static str] = &["ts", "open", "high", "low", "close", "volume"];
    const KINDS: &'static [FieldKind] = &[
        FieldKind::Time,
        FieldKind::Price,
        FieldKind::Price,
        FieldKind::Price,
        FieldKind::Price,
        FieldKind::Whole,
    ];

    #[inline]
    fn parse(&self, f: &Fields<'_>, ts: TimestampNs, time: &TimeLine) -> Result<Bar, RowProblem> {
        let open = price(f[1], "open")?;
        let high = price(f[2], "high")?;
        let low = price(f[3], "low")?;
        let close = price(f[4], "close")?;
        let volume = whole(f[5], "volume")?;
        self.build(
            &[
                ts,
                open.units(),
                high.units(),
                low.units(),
                close.units(),
                volume,
            ],
            time,
        )
    }

    #[inline]
    fn build(&self, v: &Values, time: &TimeLine) -> Result<Bar, RowProblem> {
        let (ts, open, high, low, close, volume) = (
            v[0],
            Price(v[1]),
            Price(v[2]),
            Price(v[3]),
            Price(v[4]),
            v[5],
        );
        check_ohlc(open, high, low, close)?;
        check_volume(volume, "volume")?;
        time.check_order(ts, false)?;
        Ok(Bar {
            ts,
            open,
            high,
            low,
            close,
            volume,
        })
    }
}

/// Reads validated [`Bar`]s from a CSV one at a time; an iterator of `Result<Bar, FeedError>`.
///
/// In strict mode the first bad row ends the iteration with an error; with
/// [`ReadOptions::SKIP_BAD`] bad rows are counted in [`BarReader::skipped`] instead.
pub struct BarReader<R> {
    rows: CsvRows<R, BarRow>,
}

impl BarReader<File> {
    /// Opens a bar CSV file; errors name `path`.
    pub fn open(
        path: impl AsRef<Path>,
        options: ReadOptions,
    ) -> Result<BarReader<File>, FeedError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|error| FeedError::Open {
            path: path.to_path_buf(),
            error,
        })?;
        BarReader::new(file, path.display().to_string(), options)
    }
}

impl<R: Read> BarReader<R> {
    /// Reads bars from `reader`; `source` names it in errors (a path, or e.g. `stdin`).
    pub fn new(
        reader: R,
        source: impl Into<String>,
        options: ReadOptions,
    ) -> Result<BarReader<R>, FeedError> {
        Ok(BarReader {
            rows: CsvRows::new(reader, source.into(), options, BarRow)?,
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

    /// The source name used in errors.
    pub fn source(&self) -> &str {
        self.rows.source()
    }
}

impl<R: Read> Iterator for BarReader<R> {
    type Item = Result<Bar, FeedError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next_item()
    }
}

//! The streaming CSV engine behind [`crate::BarReader`] and [`crate::TickReader`]: header lookup,
//! one reused `ByteRecord`, line numbers, strict / skip-bad handling.

use std::io::Read;

use csv::ByteRecord;
use sharewise_engine::time::TimestampNs;

use crate::error::{FeedError, Location, RowAt, RowProblem};
use crate::timefmt::TimeFormat;
use crate::validate::{ReadOptions, SkipReport, TimeLine};

/// Most columns any row format needs.
pub(crate) const MAX_COLUMNS: usize = 6;

/// One CSV row layout: its required columns and how a row becomes an item.
pub(crate) trait RowFormat {
    /// What a row becomes.
    type Item;
    /// Required column names, lower case, in the order `parse` expects their indices.
    const COLUMNS: &'static [&'static str];
    /// Parses and validates the rest of a row whose `ts` (column 0) has been read; checks time
    /// order against `time`.
    fn parse(&self, cols: &[usize; MAX_COLUMNS], rec: &ByteRecord, ts: TimestampNs, time: &TimeLine) -> Result<Self::Item, RowProblem>;
}

/// A CSV source read row by row.
pub(crate) struct CsvRows<R, F> {
    rdr: csv::Reader<R>,
    record: ByteRecord,
    cols: [usize; MAX_COLUMNS],
    source: String,
    options: ReadOptions,
    report: SkipReport,
    time: TimeLine,
    done: bool,
    pub(crate) format: F,
}

impl<R: Read, F: RowFormat> CsvRows<R, F> {
    /// Reads the header and finds the required columns (case-insensitive, extra columns ignored).
    pub(crate) fn new(reader: R, source: String, options: ReadOptions, format: F) -> Result<CsvRows<R, F>, FeedError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).buffer_capacity(64 * 1024).from_reader(reader);
        let header = rdr.byte_headers().map_err(|e| csv_error(e, &source, 1))?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let mut cols = [0; MAX_COLUMNS];
        for (slot, want) in cols.iter_mut().zip(F::COLUMNS) {
            *slot = names.iter().position(|n| n == want).ok_or_else(|| FeedError::MissingColumn {
                source_name: source.clone(),
                column: want,
                header: header.iter().map(String::from_utf8_lossy).collect::<Vec<_>>().join(","),
            })?;
        }
        Ok(CsvRows { rdr, record: ByteRecord::new(), cols, source, options, report: SkipReport::default(), time: TimeLine::default(), done: false, format })
    }

    /// The next valid item, a fatal error, or `None` at the end (and after any error).
    pub(crate) fn next_item(&mut self) -> Option<Result<F::Item, FeedError>> {
        while !self.done {
            match self.rdr.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    let line = e.position().map_or(0, |p| p.line());
                    return Some(Err(csv_error(e, &self.source, line)));
                }
            }
            if self.done {
                break;
            }
            let parsed = self.time.parse(self.record.get(self.cols[0])).and_then(|ts| {
                let item = self.format.parse(&self.cols, &self.record, ts, &self.time)?;
                Ok((item, ts))
            });
            match parsed {
                Ok((item, ts)) => {
                    self.time.accept(ts);
                    return Some(Ok(item));
                }
                Err(problem) if self.options.skip_bad => self.report.count(problem.kind()),
                Err(problem) => {
                    self.done = true;
                    let line = self.record.position().map_or(0, |p| p.line());
                    let at = Location { source: self.source.clone(), at: RowAt::Line(line) };
                    return Some(Err(FeedError::BadRow { at, problem }));
                }
            }
        }
        None
    }

    /// Rows skipped so far.
    pub(crate) fn report(&self) -> &SkipReport {
        &self.report
    }

    /// The file's timestamp format, once a row with a readable `ts` has been seen.
    pub(crate) fn time_format(&self) -> Option<TimeFormat> {
        self.time.format
    }

    /// The source name used in errors.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }
}

fn csv_error(e: csv::Error, source: &str, line: u64) -> FeedError {
    if !e.is_io_error() {
        let at = Location { source: source.to_string(), at: RowAt::Line(line) };
        return FeedError::Csv { at, message: e.to_string() };
    }
    match e.into_kind() {
        csv::ErrorKind::Io(err) => FeedError::Io { source_name: source.to_string(), source: err },
        other => FeedError::Csv { at: Location { source: source.to_string(), at: RowAt::Line(line) }, message: format!("{other:?}") },
    }
}

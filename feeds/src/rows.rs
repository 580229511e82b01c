//! The streaming CSV engine behind [`crate::BarReader`] and [`crate::TickReader`]: header lookup,
//! block reading, line numbers, strict / skip-bad handling.
//!
//! The input is read 1 MiB at a time into one reused buffer ([`block`]), so memory stays constant.
//! Each row then takes the first of these paths that accepts it; all give the same result:
//!
//! 1. **shape** ([`shape`]): a row laid out like the previous one (same field widths, same
//!    dots) is checked 8 bytes at a time and its fields read straight from their places —
//!    nearly every row of an ordinary epoch-milliseconds file;
//! 2. **fast** ([`fast`]): another quote-free line whose fields are plain numbers (or an
//!    ISO-8601 `ts`) is split and parsed in one pass;
//! 3. **split**: any other line without a quote or a bare `\r` is split at its commas and read by
//!    the validators of [`crate::validate`], which name the bad field;
//! 4. **record** ([`record`]): a line with a quote or a bare `\r` (or the last line, if it has no
//!    line end) is read by `csv-core`, the parser inside the `csv` crate (quoted fields may span
//!    lines), then validated as in 3.
//!
//! Paths 1 and 2 accept only what 3 would read to the same values and decline everything else,
//! so the messages of bad rows are always those of [`crate::validate`]. `rows/tests.rs` reads
//! every kind of input with the fast paths on and off, in blocks of many sizes, and compares.
//!
//! The header is always read by 4. Empty lines are skipped. Line numbers count `\n`s, so an error
//! names the line an editor shows the row starting on, for LF and CRLF files alike.

mod block;
mod fast;
mod numbers;
mod record;
mod shape;
#[cfg(test)]
mod tests;

use std::io::Read;

use memchr::{memchr, memchr2};
use sharewise_engine::time::TimestampNs;

use crate::error::{FeedError, Location, RowAt, RowProblem};
use crate::timefmt::TimeFormat;
use crate::validate::{ReadOptions, SkipReport, TimeLine};

use self::block::{Block, BLOCK_SIZE};
use self::fast::Layout;
pub(crate) use self::fast::Values;
use self::record::Record;

/// Most columns any row format needs.
pub(crate) const MAX_COLUMNS: usize = 6;

/// A row's required fields by role (the order of [`RowFormat::COLUMNS`]); `None` if the row is
/// too short to have one.
pub(crate) type Fields<'a> = [Option<&'a [u8]>; MAX_COLUMNS];

/// How the fast path reads a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// The `ts` column (always role 0).
    Time,
    /// A positive decimal price, as fixed-point units.
    Price,
    /// A whole number (volume, quantity).
    Whole,
}

/// One CSV row layout: its required columns and how a row becomes an item.
pub(crate) trait RowFormat {
    /// What a row becomes.
    type Item;
    /// Required column names, lower case; `ts` first.
    const COLUMNS: &'static [&'static str];
    /// How each of [`RowFormat::COLUMNS`] is read on the fast path.
    const KINDS: &'static [FieldKind];
    /// Parses and validates the rest of a row whose `ts` (role 0) has been read; checks time
    /// order against `time`.
    fn parse(
        &self,
        fields: &Fields<'_>,
        ts: TimestampNs,
        time: &TimeLine,
    ) -> Result<Self::Item, RowProblem>;
    /// Validates a row whose fields the fast path has already read into `values` (by role, as
    /// [`RowFormat::KINDS`] says); the same checks, in the same order, as after parsing in
    /// [`RowFormat::parse`].
    fn build(&self, values: &Values, time: &TimeLine) -> Result<Self::Item, RowProblem>;
}

/// A row read: the item or what is wrong with it, and the line it starts on.
type Row<T> = (Result<(T, TimestampNs), RowProblem>, u64);

/// A CSV source read row by row.
pub(crate) struct CsvRows<R, F> {
    block: Block<R>,
    record: Record,
    layout: Layout,
    /// The line the next unconsumed byte is on.
    line: u64,
    /// Whether the fast and split paths may be used (tests turn them off).
    fast: bool,
    source: String,
    options: ReadOptions,
    report: SkipReport,
    time: TimeLine,
    done: bool,
    pub(crate) format: F,
}

impl<R: Read, F: RowFormat> CsvRows<R, F> {
    /// Reads the header and finds the required columns (case-insensitive, extra columns ignored).
    pub(crate) fn new(
        reader: R,
        source: String,
        options: ReadOptions,
        format: F,
    ) -> Result<CsvRows<R, F>, FeedError> {
        CsvRows::with_block_size(reader, source, options, format, BLOCK_SIZE, true)
    }

    /// [`CsvRows::new`] reading `block_size` bytes at a time; `fast: false` sends every row
    /// through `csv-core` (for tests comparing the paths).
    pub(crate) fn with_block_size(
        reader: R,
        source: String,
        options: ReadOptions,
        format: F,
        block_size: usize,
        fast: bool,
    ) -> Result<CsvRows<R, F>, FeedError> {
        let io_error = |source_name: &str, e| FeedError::Io {
            source_name: source_name.to_string(),
            error: e,
        };
        let mut block = Block::new(reader, block_size);
        block.fill_at_least(3).map_err(|e| io_error(&source, e))?;
        let mut record = Record::new();
        let newlines = record.read(&mut block).map_err(|e| io_error(&source, e))?;
        let header: Vec<&[u8]> = if newlines.is_some() {
            record.fields().collect()
        } else {
            Vec::new()
        };
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
            })
            .collect();
        let mut cols = [0; MAX_COLUMNS];
        for (slot, want) in cols.iter_mut().zip(F::COLUMNS) {
            *slot =
                names
                    .iter()
                    .position(|n| n == want)
                    .ok_or_else(|| FeedError::MissingColumn {
                        source_name: source.clone(),
                        column: want,
                        header: header
                            .iter()
                            .map(|h| String::from_utf8_lossy(h))
                            .collect::<Vec<_>>()
                            .join(","),
                    })?;
        }
        let layout = Layout::new(&cols[..F::COLUMNS.len()], F::KINDS);
        let line = 1 + newlines.unwrap_or(0);
        Ok(CsvRows {
            block,
            record,
            layout,
            line,
            fast,
            source,
            options,
            report: SkipReport::default(),
            time: TimeLine::default(),
            done: false,
            format,
        })
    }

    /// The next valid item, a fatal error, or `None` at the end (and after any error).
    #[inline]
    pub(crate) fn next_item(&mut self) -> Option<Result<F::Item, FeedError>> {
        while !self.done {
            let (parsed, line) = match self.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    self.done = true;
                    return Some(Err(FeedError::Io {
                        source_name: self.source.clone(),
                        error: e,
                    }));
                }
            };
            match parsed {
                Ok((item, ts)) => {
                    self.time.accept(ts);
                    return Some(Ok(item));
                }
                Err(problem) if self.options.skip_bad => self.report.count(problem.kind()),
                Err(problem) => {
                    self.done = true;
                    let at = Location {
                        source: self.source.clone(),
                        at: RowAt::Line(line),
                    };
                    return Some(Err(FeedError::BadRow { at, problem }));
                }
            }
        }
        self.done = true;
        None
    }

    /// Reads and checks the next non-empty row, or `None` at the end of the input.
    #[inline]
    fn next_row(&mut self) -> std::io::Result<Option<Row<F::Item>>> {
        loop {
            let rest = self.block.rest();
            match rest.first() {
                None => {
                    if !self.block.refill()? {
                        return Ok(None);
                    }
                    continue;
                }
                Some(b'\n' | b'\r') => {
                    self.skip_empty_lines();
                    continue;
                }
                Some(_) => {}
            }
            if self.fast {
                if let Some((values, format, end)) = self.layout.parse(rest, F::KINDS) {
                    if self.time.note_format(format) {
                        let parsed = self
                            .format
                            .build(&values, &self.time)
                            .map(|item| (item, values[0]));
                        return Ok(Some(self.take_line(parsed, end)));
                    }
                }
            }
            let Some(end) = memchr(b'\n', rest).filter(|_| self.fast) else {
                if self.fast && self.block.refill()? {
                    continue; // a line cut at the end of the block
                }
                return self.record_row(); // the last line, without a line end
            };
            let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
            if memchr2(b'"', b'\r', line).is_some() {
                return self.record_row();
            }
            let parsed = check(&self.format, &mut self.time, &self.layout.split(line));
            return Ok(Some(self.take_line(parsed, end)));
        }
    }

    /// Ends a row read from one line whose `\n` is at `end`.
    #[inline]
    fn take_line(
        &mut self,
        parsed: Result<(F::Item, TimestampNs), RowProblem>,
        end: usize,
    ) -> Row<F::Item> {
        let row = (parsed, self.line);
        self.block.consume(end + 1);
        self.line += 1;
        row
    }

    /// Consumes the line ends at the front of the buffer, counting lines.
    #[cold]
    fn skip_empty_lines(&mut self) {
        let rest = self.block.rest();
        let n = rest
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(rest.len());
        self.line += memchr::memchr_iter(b'\n', &rest[..n]).count() as u64;
        self.block.consume(n);
    }

    /// Reads the row starting at the front of the buffer with `csv-core`.
    #[cold]
    #[inline(never)]
    fn record_row(&mut self) -> std::io::Result<Option<Row<F::Item>>> {
        let line = self.line;
        let Some(newlines) = self.record.read(&mut self.block)? else {
            return Ok(None);
        };
        self.line += newlines;
        let fields = self.layout.pick(self.record.fields());
        Ok(Some((check(&self.format, &mut self.time, &fields), line)))
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

/// The general path: parses `ts`, then the rest of the row.
fn check<F: RowFormat>(
    format: &F,
    time: &mut TimeLine,
    fields: &Fields<'_>,
) -> Result<(F::Item, TimestampNs), RowProblem> {
    let ts = time.parse(fields[0])?;
    Ok((format.parse(fields, ts, time)?, ts))
}

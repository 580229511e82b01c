//! Errors of the market-data readers, each carrying where in which file it happened.

use std::fmt;
use std::path::PathBuf;

use sharewise_engine::types::Price;

/// Where a row came from: a file (or stream name) plus a line or a JSON array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The path (or name) of the source, as given to the reader.
    pub source: String,
    /// The row within the source.
    pub at: RowAt,
}

/// The position of a row inside its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowAt {
    /// A 1-based text line, as an editor shows it (the CSV header is line 1).
    Line(u64),
    /// A 1-based index into a JSON array of candles.
    Candle(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            RowAt::Line(line) => write!(f, "{}:{line}", self.source),
            RowAt::Candle(n) => write!(f, "{}: candle {n}", self.source),
        }
    }
}

/// The kinds of bad row the validator knows; [`crate::SkipReport`] counts one per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BadRowKind {
    /// A field that is missing, empty, `NaN` or otherwise unparsable.
    BadField,
    /// `high` below `max(open, close)` (also catches `high < low`).
    HighBelowBody,
    /// `low` above `min(open, close)`.
    LowAboveBody,
    /// A negative volume or quantity.
    NegativeVolume,
    /// A timestamp earlier than the last accepted row's.
    TimeBackwards,
    /// A timestamp equal to the last accepted row's (bars only; ticks may share a timestamp).
    TimeRepeat,
}

/// What is wrong with one row; the message names the field and its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// A required field is absent or blank.
    #[error("field `{field}` is empty")]
    Empty {
        /// Column name.
        field: &'static str,
    },
    /// A field whose text cannot be read.
    #[error("field `{field}` = `{value}` {reason}")]
    Unparsable {
        /// Column name.
        field: &'static str,
        /// The text found.
        value: String,
        /// Why it was rejected, e.g. `is not a decimal price`.
        reason: String,
    },
    /// `high` below the bar's body.
    #[error("field `high` = {high} is below max(open, close) = {body}")]
    HighBelowBody {
        /// The bar's high.
        high: Price,
        /// `max(open, close)`.
        body: Price,
    },
    /// `low` above the bar's body.
    #[error("field `low` = {low} is above min(open, close) = {body}")]
    LowAboveBody {
        /// The bar's low.
        low: Price,
        /// `min(open, close)`.
        body: Price,
    },
    /// A negative volume or quantity.
    #[error("field `{field}` = {value} is negative")]
    Negative {
        /// Column name (`volume` or `qty`).
        field: &'static str,
        /// The value found.
        value: i64,
    },
    /// A timestamp earlier than the previous accepted row's.
    #[error("field `ts` = {value} goes backwards (previous accepted row: {previous})")]
    TimeBackwards {
        /// This row's timestamp, in the file's format.
        value: String,
        /// The previous accepted row's timestamp, in the file's format.
        previous: String,
    },
    /// A timestamp equal to the previous accepted row's.
    #[error("field `ts` = {value} repeats the previous row's timestamp")]
    TimeRepeat {
        /// The repeated timestamp, in the file's format.
        value: String,
    },
}

impl RowProblem {
    /// The counter this problem belongs to.
    pub const fn kind(&self) -> BadRowKind {
        match self {
            RowProblem::Empty { .. } | RowProblem::Unparsable { .. } => BadRowKind::BadField,
            RowProblem::HighBelowBody { .. } => BadRowKind::HighBelowBody,
            RowProblem::LowAboveBody { .. } => BadRowKind::LowAboveBody,
            RowProblem::Negative { .. } => BadRowKind::NegativeVolume,
            RowProblem::TimeBackwards { .. } => BadRowKind::TimeBackwards,
            RowProblem::TimeRepeat { .. } => BadRowKind::TimeRepeat,
        }
    }

    /// A field whose text was rejected for `reason`.
    pub(crate) fn unparsable(
        field: &'static str,
        value: &[u8],
        reason: impl fmt::Display,
    ) -> RowProblem {
        RowProblem::Unparsable {
            field,
            value: String::from_utf8_lossy(value).into_owned(),
            reason: reason.to_string(),
        }
    }
}

/// Everything that can go wrong reading market data.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The file could not be opened. (The OS error is part of the message, not a separate
    /// `source()`, so error chains do not print it twice.)
    #[error("cannot open {}: {error}", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// Reading failed part-way.
    #[error("{source_name}: read error: {error}")]
    Io {
        /// The path (or name) of the source.
        source_name: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// The CSV structure itself is broken (not a single bad value).
    #[error("{at}: malformed CSV: {message}")]
    Csv {
        /// Where.
        at: Location,
        /// The CSV parser's description.
        message: String,
    },
    /// The header lacks a column the format needs.
    #[error("{source_name}:1: missing required column `{column}` (header is `{header}`)")]
    MissingColumn {
        /// The path (or name) of the source.
        source_name: String,
        /// The column looked for.
        column: &'static str,
        /// The header found, comma-joined.
        header: String,
    },
    /// One row failed validation (the default, strict mode stops here).
    #[error("{at}: {problem}")]
    BadRow {
        /// Where.
        at: Location,
        /// What is wrong.
        problem: RowProblem,
    },
    /// Kite answered with its error envelope.
    #[error("{source_name}: Kite returned an error ({error_type}): {message}")]
    Kite {
        /// The path (or name) of the source.
        source_name: String,
        /// Kite's `error_type`, e.g. `TokenException`.
        error_type: String,
        /// Kite's `message`.
        message: String,
    },
    /// The JSON is valid but not a historical-candles response.
    #[error("{source_name}: not a Kite historical-candles response: {detail}")]
    KiteShape {
        /// The path (or name) of the source.
        source_name: String,
        /// What was expected and not found.
        detail: String,
    },
    /// The text is not JSON.
    #[error("{source_name}: invalid JSON: {source}")]
    Json {
        /// The path (or name) of the source.
        source_name: String,
        /// The parser's error (with line and column).
        source: serde_json::Error,
    },
}

impl FeedError {
    /// The row problem, if this error is a validation failure.
    pub fn row_problem(&self) -> Option<&RowProblem> {
        match self {
            FeedError::BadRow { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

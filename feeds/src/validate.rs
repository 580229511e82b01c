//! Row validation shared by every reader: field parsing, OHLC consistency, time order, and the
//! strict / skip-bad modes.
//!
//! Per row the readers check, in this order: every field present and parsable (`NaN`, letters,
//! non-positive prices and fractional volumes are bad fields); `high >= max(open, close)`;
//! `low <= min(open, close)` (together these imply `high >= low`); volume not negative; timestamp
//! later than the last *accepted* row's (ticks may repeat a timestamp, bars may not).
//!
//! In strict mode (the default) a reader stops at the first bad row with a [`crate::FeedError`]
//! naming the source, line, field and value. With [`ReadOptions::skip_bad`] it drops bad rows and
//! counts them in a [`SkipReport`].

use std::fmt;

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Price, PriceError};

use crate::error::{BadRowKind, RowProblem};
use crate::timefmt::{parse_timestamp_bytes, TimeError, TimeFormat};

/// How a reader treats bad rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip bad rows and count them (`--skip-bad`) instead of stopping at the first one.
    pub skip_bad: bool,
}

impl ReadOptions {
    /// Stop at the first bad row (the default).
    pub const STRICT: ReadOptions = ReadOptions { skip_bad: false };
    /// Skip bad rows and count them per kind.
    pub const SKIP_BAD: ReadOptions = ReadOptions { skip_bad: true };
}

/// How many rows were skipped, per kind of problem (all zero in strict mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipReport {
    /// Missing, empty, `NaN` or unparsable fields.
    pub bad_field: u64,
    /// `high` below `max(open, close)`.
    pub high_below_body: u64,
    /// `low` above `min(open, close)`.
    pub low_above_body: u64,
    /// Negative volume or quantity.
    pub negative_volume: u64,
    /// Timestamp earlier than the last accepted row's.
    pub time_backwards: u64,
    /// Timestamp equal to the last accepted row's.
    pub time_repeat: u64,
}

impl SkipReport {
    /// Rows skipped in all.
    pub const fn total(&self) -> u64 {
        self.bad_field
            + self.high_below_body
            + self.low_above_body
            + self.negative_volume
            + self.time_backwards
            + self.time_repeat
    }

    /// The counter for `kind`.
    pub const fn get(&self, kind: BadRowKind) -> u64 {
        match kind {
            BadRowKind::BadField => self.bad_field,
            BadRowKind::HighBelowBody => self.high_below_body,
            BadRowKind::LowAboveBody => self.low_above_body,
            BadRowKind::NegativeVolume => self.negative_volume,
            BadRowKind::TimeBackwards => self.time_backwards,
            BadRowKind::TimeRepeat => self.time_repeat,
        }
    }

    /// Counts one skipped row of `kind`.
    pub fn count(&mut self, kind: BadRowKind) {
        let slot = match kind {
            BadRowKind::BadField => &mut self.bad_field,
            BadRowKind::HighBelowBody => &mut self.high_below_body,
            BadRowKind::LowAboveBody => &mut self.low_above_body,
            BadRowKind::NegativeVolume => &mut self.negative_volume,
            BadRowKind::TimeBackwards => &mut self.time_backwards,
            BadRowKind::TimeRepeat => &mut self.time_repeat,
        };
        *slot += 1;
    }
}

/// `skipped 3 rows: 2 high below max(open, close), 1 repeated timestamp`.
impl fmt::Display for SkipReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        write!(
            f,
            "skipped {total} row{}",
            if total == 1 { "" } else { "s" }
        )?;
        let parts = [
            (self.bad_field, "bad field", "bad fields"),
            (
                self.high_below_body,
                "high below max(open, close)",
                "high below max(open, close)",
            ),
            (
                self.low_above_body,
                "low above min(open, close)",
                "low above min(open, close)",
            ),
            (self.negative_volume, "negative volume", "negative volumes"),
            (
                self.time_backwards,
                "timestamp going backwards",
                "timestamps going backwards",
            ),
            (
                self.time_repeat,
                "repeated timestamp",
                "repeated timestamps",
            ),
        ];
        let mut sep = ": ";
        for (n, one, many) in parts.into_iter().filter(|(n, _, _)| *n > 0) {
            write!(f, "{sep}{n} {}", if n == 1 { one } else { many })?;
            sep = ", ";
        }
        Ok(())
    }
}

/// Trimmed text of a required field.
#[inline]
pub(crate) fn text<'a>(raw: Option<&'a [u8]>, field: &'static str) -> Result<&'a [u8], RowProblem> {
    // Byte-level trimming: the parsers below accept only ASCII, so non-UTF-8 input fails there
    // with the field named, without a UTF-8 check on every field of every row.
    let s = raw.ok_or(RowProblem::Empty { field })?.trim_ascii();
    if s.is_empty() {
        return Err(RowProblem::Empty { field });
    }
    Ok(s)
}

/// A strictly positive price.
#[inline]
pub(crate) fn price(raw: Option<&[u8]>, field: &'static str) -> Result<Price, RowProblem> {
    let s = text(raw, field)?;
    match Price::parse_bytes(s) {
        Ok(p) if p.units() > 0 => Ok(p),
        Ok(_) => Err(RowProblem::unparsable(field, s, "must be positive")),
        Err(PriceError::OutOfRange(_)) => Err(RowProblem::unparsable(field, s, "is out of range")),
        Err(_) => Err(RowProblem::unparsable(field, s, "is not a decimal price")),
    }
}

/// A whole number (volume, quantity); negative values parse and are checked separately.
#[inline]
pub(crate) fn whole(raw: Option<&[u8]>, field: &'static str) -> Result<i64, RowProblem> {
    let s = text(raw, field)?;
    let (negative, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        all => (false, all),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        let reason =
            if digits.iter().all(|b| b.is_ascii_digit() || *b == b'.') && !digits.is_empty() {
                "is not a whole number"
            } else {
                "is not a number"
            };
        return Err(RowProblem::unparsable(field, s, reason));
    }
    let v = digits
        .iter()
        .try_fold(0i64, |acc, d| {
            acc.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .ok_or_else(|| RowProblem::unparsable(field, s, "is out of range"))?;
    Ok(if negative { -v } else { v })
}

/// OHLC consistency: `high >= max(open, close)` and `low <= min(open, close)`.
#[inline]
pub(crate) fn check_ohlc(
    open: Price,
    high: Price,
    low: Price,
    close: Price,
) -> Result<(), RowProblem> {
    let (top, bottom) = (open.max(close), open.min(close));
    if high < top {
        return Err(RowProblem::HighBelowBody { high, body: top });
    }
    if low > bottom {
        return Err(RowProblem::LowAboveBody { low, body: bottom });
    }
    Ok(())
}

/// Volume or quantity not negative.
#[inline]
pub(crate) fn check_volume(value: i64, field: &'static str) -> Result<(), RowProblem> {
    if value < 0 {
        return Err(RowProblem::Negative { field, value });
    }
    Ok(())
}

/// A file's timestamp state: its detected format and the last accepted row's time.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TimeLine {
    pub(crate) format: Option<TimeFormat>,
    last: Option<TimestampNs>,
}

impl TimeLine {
    /// Parses a `ts` field; the first parsable one fixes the file's format.
    #[inline]
    pub(crate) fn parse(&mut self, raw: Option<&[u8]>) -> Result<TimestampNs, RowProblem> {
        let s = text(raw, "ts")?;
        let (ts, fmt) = parse_timestamp_bytes(s).map_err(|e| RowProblem::unparsable("ts", s, e))?;
        if !self.note_format(fmt) {
            let file = self.format.map_or("", TimeFormat::kind_name);
            return Err(RowProblem::unparsable(
                "ts",
                s,
                TimeError::FormatChanged(file),
            ));
        }
        Ok(ts)
    }

    /// Records the format of a `ts` just read (the first one fixes the file's); `false` if it is
    /// not the file's kind.
    #[inline]
    pub(crate) fn note_format(&mut self, format: TimeFormat) -> bool {
        match self.format {
            None => {
                self.format = Some(format);
                true
            }
            Some(file) => file.same_kind(format),
        }
    }

    /// Checks `ts` against the last accepted row (`allow_repeat` for ticks).
    #[inline]
    pub(crate) fn check_order(
        &self,
        ts: TimestampNs,
        allow_repeat: bool,
    ) -> Result<(), RowProblem> {
        let Some(last) = self.last else { return Ok(()) };
        let fmt = self.format.unwrap_or(TimeFormat::EpochMillis);
        if ts < last {
            return Err(RowProblem::TimeBackwards {
                value: fmt.format(ts),
                previous: fmt.format(last),
            });
        }
        if ts == last && !allow_repeat {
            return Err(RowProblem::TimeRepeat {
                value: fmt.format(ts),
            });
        }
        Ok(())
    }

    /// Records `ts` as the last accepted row's.
    #[inline]
    pub(crate) fn accept(&mut self, ts: TimestampNs) {
        self.last = Some(ts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_reads_like_a_sentence() {
        let mut r = SkipReport::default();
        assert_eq!(r.to_string(), "skipped 0 rows");
        r.count(BadRowKind::TimeRepeat);
        assert_eq!(r.to_string(), "skipped 1 row: 1 repeated timestamp");
        r.count(BadRowKind::HighBelowBody);
        r.count(BadRowKind::HighBelowBody);
        assert_eq!(
            r.to_string(),
            "skipped 3 rows: 2 high below max(open, close), 1 repeated timestamp"
        );
        r.count(BadRowKind::TimeRepeat);
        r.count(BadRowKind::BadField);
        assert_eq!(
            r.to_string(),
            "skipped 5 rows: 1 bad field, 2 high below max(open, close), 2 repeated timestamps"
        );
        assert_eq!((r.total(), r.get(BadRowKind::HighBelowBody)), (5, 2));
    }

    #[test]
    fn whole_numbers_only() {
        assert_eq!(whole(Some(b" 123 "), "volume"), Ok(123));
        assert_eq!(whole(Some(b"-5"), "volume"), Ok(-5));
        let msg = |raw: &[u8]| whole(Some(raw), "volume").unwrap_err().to_string();
        assert_eq!(
            msg(b"12.5"),
            "field `volume` = `12.5` is not a whole number"
        );
        assert_eq!(
            msg(b"123.0"),
            "field `volume` = `123.0` is not a whole number"
        );
        assert_eq!(msg(b"NaN"), "field `volume` = `NaN` is not a number");
        assert_eq!(
            msg(b"99999999999999999999"),
            "field `volume` = `99999999999999999999` is out of range"
        );
        assert_eq!(
            whole(Some(b"  "), "volume").unwrap_err().to_string(),
            "field `volume` is empty"
        );
        assert_eq!(
            whole(None, "volume").unwrap_err().to_string(),
            "field `volume` is empty"
        );
    }

    #[test]
    fn prices_must_be_positive_decimals() {
        assert_eq!(price(Some(b"1573.15"), "open"), Ok(Price(15_731_500)));
        let msg = |raw: &[u8]| price(Some(raw), "open").unwrap_err().to_string();
        assert_eq!(msg(b"NaN"), "field `open` = `NaN` is not a decimal price");
        assert_eq!(msg(b"0"), "field `open` = `0` must be positive");
        assert_eq!(
            msg(b"\xff"),
            "field `open` = `\u{fffd}` is not a decimal price"
        );
    }
}

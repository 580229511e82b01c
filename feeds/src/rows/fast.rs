//! The fast paths: the file's column layout, and lines read in one pass when every field is
//! plainly written (`1767584700000`, `1573.15`, `1200`, or an ISO-8601 `ts`).
//!
//! [`Layout::parse`] tries, in order: the row's [`Shaper`] (in-order layouts); a split first —
//! a 64-bit mask of the `,` and `\n` bytes of the line's first 64 bytes gives every field's bounds
//! at once, so the fields are parsed independently of each other, each in a word or two; and for
//! longer lines (or the last bytes of a block), reading field after field.
//!
//! Anything else — a sign, spaces, an exponent, a quote, a bare `\r`, too few fields, a zero
//! price, five decimals in a word, a number near the range limits — makes it answer `None`, and
//! the row goes through the general path ([`Layout::split`] or the `csv-core` record) with the
//! validators of [`crate::validate`], which word the error. So for every row it accepts, the
//! fast path must give exactly the values the general path would.

use sharewise_engine::time::TimestampNs;

use crate::timefmt::{parse_timestamp_bytes, TimeFormat};

use super::numbers::{
    digits, epoch_nanos, epoch_words, price, price_word, separators, whole, whole_word,
};
use super::shape::Shaper;
use super::{FieldKind, Fields, MAX_COLUMNS};

/// Marks a file column no row format asks for.
const SKIP: u8 = u8::MAX;

/// Parsed values of a row by role (column of the row format): `ts` in nanoseconds, prices in
/// fixed-point units, whole numbers as they are.
pub(crate) type Values = [i64; MAX_COLUMNS];

/// A row read by the fast path: its values, the format of its `ts`, the index of its `\n`.
pub(crate) type FastRow = (Values, TimeFormat, usize);

/// Why the split-first reading gave no row.
enum Miss {
    /// The row needs the general path.
    Decline,
    /// The line does not end within the first 64 bytes: read it field by field.
    Long,
}

/// Where each required column sits in the file.
pub(crate) struct Layout {
    /// For each file column up to the last required one: its role, or [`SKIP`].
    roles: Vec<u8>,
    /// The kind of each role.
    kinds: [FieldKind; MAX_COLUMNS],
    /// Whether the file starts with exactly the required columns, in the format's order.
    in_order: bool,
    /// The shape of recent rows (in-order layouts only).
    shaper: Shaper,
}

impl Layout {
    /// `cols[role]` is the file column of each role; `kinds[role]` how to read it.
    pub(crate) fn new(cols: &[usize], kinds: &[FieldKind]) -> Layout {
        let width = cols.iter().max().map_or(0, |c| c + 1);
        let mut roles = vec![SKIP; width];
        for (role, &col) in cols.iter().enumerate() {
            roles[col] = role as u8;
        }
        let mut all = [FieldKind::Whole; MAX_COLUMNS];
        all[..kinds.len()].copy_from_slice(kinds);
        let in_order = cols.iter().enumerate().all(|(role, &col)| role == col);
        Layout {
            roles,
            kinds: all,
            in_order,
            shaper: Shaper::default(),
        }
    }

    /// The fields of a row given its file columns in order, by role (missing ones `None`).
    #[inline]
    pub(crate) fn pick<'a>(&self, columns: impl Iterator<Item = &'a [u8]>) -> Fields<'a> {
        let mut fields = [None; MAX_COLUMNS];
        for (&role, field) in self.roles.iter().zip(columns) {
            if role != SKIP {
                fields[role as usize] = Some(field);
            }
        }
        fields
    }

    /// The general split of a quote-free line with no `\r`: every comma ends a field.
    pub(crate) fn split<'a>(&self, line: &'a [u8]) -> Fields<'a> {
        self.pick(line.split(|&b| b == b','))
    }

    /// Reads the line at the front of `rest` (which must not start with a line end), or `None` if
    /// anything in it needs the general path or its `\n` is not in `rest` yet. `kinds` are the
    /// format's [`RowFormat::KINDS`](super::RowFormat::KINDS) (a constant, so the in-order case
    /// compiles to straight-line code).
    #[inline(always)]
    pub(crate) fn parse(&mut self, rest: &[u8], kinds: &[FieldKind]) -> Option<FastRow> {
        if self.in_order {
            if let Some((values, end)) = self.shaper.read(rest, kinds) {
                return Some((values, TimeFormat::EpochMillis, end));
            }
        }
        if let Some(chunk) = rest.first_chunk::<64>() {
            let mut line = SplitLine {
                rest,
                ends: separators(chunk),
                start: 0,
                line_end: None,
            };
            let mut values = [0; MAX_COLUMNS];
            let mut format = TimeFormat::EpochMillis;
            let read = if self.in_order {
                line.read_in_order(kinds, &mut format).map(|v| values = v)
            } else {
                self.roles.iter().try_for_each(|&role| match role {
                    SKIP => line.skip(),
                    _ => {
                        values[role as usize] =
                            line.read(self.kinds[role as usize], &mut format)?;
                        Ok(())
                    }
                })
            };
            match read.and_then(|()| line.finish()) {
                Ok(end) => return Some((values, format, end)),
                Err(Miss::Decline) => return None,
                Err(Miss::Long) => {}
            }
        }
        self.parse_sequential(rest)
    }

    /// Reads a line field after field, each starting where the last one ended.
    fn parse_sequential(&self, rest: &[u8]) -> Option<FastRow> {
        let mut values = [0; MAX_COLUMNS];
        let mut format = TimeFormat::EpochMillis;
        let mut i = 0;
        for (n, &role) in self.roles.iter().enumerate() {
            if n > 0 {
                if rest.get(i) != Some(&b',') {
                    return None;
                }
                i += 1;
            }
            let s = &rest[i..];
            if role == SKIP {
                i += plain(&s[..memchr::memchr2(b',', b'\n', s)?])?;
                continue;
            }
            let (value, len) = match self.kinds[role as usize] {
                FieldKind::Time => {
                    let (ts, len, fmt) = timestamp(s, &s[..memchr::memchr2(b',', b'\n', s)?])?;
                    format = fmt;
                    (ts, len)
                }
                FieldKind::Price => price(s)?,
                FieldKind::Whole => whole(s)?,
            };
            values[role as usize] = value;
            i += len;
        }
        let end = match &rest[i..] {
            [b'\n', ..] => i,
            [b'\r', b'\n', ..] => i + 1,
            [b',', ..] => unread_tail(rest, i)?,
            _ => return None,
        };
        Some((values, format, end))
    }
}

/// A line whose field ends (`,` and `\n`) within `rest[..64]` are the bits of `ends`, read field by
/// field from the front.
struct SplitLine<'a> {
    rest: &'a [u8],
    ends: u64,
    /// Where the next field starts.
    start: usize,
    /// The line's `\n`, once a field ending there has been read.
    line_end: Option<usize>,
}

impl SplitLine<'_> {
    /// The bounds of the next field (a CRLF line's last field ends before the `\r`).
    #[inline(always)]
    fn next(&mut self) -> Result<(usize, usize), Miss> {
        if self.line_end.is_some() {
            return Err(Miss::Decline); // too few fields
        }
        if self.ends == 0 {
            return Err(Miss::Long);
        }
        let end = self.ends.trailing_zeros() as usize;
        self.ends &= self.ends - 1;
        let start = self.start;
        self.start = end + 1;
        if self.rest[end] != b'\n' {
            return Ok((start, end));
        }
        self.line_end = Some(end);
        Ok((
            start,
            if end > start && self.rest[end - 1] == b'\r' {
                end - 1
            } else {
                end
            },
        ))
    }

    /// Reads the next field as `kind`; a `ts` also sets `format`.
    #[inline(always)]
    fn read(&mut self, kind: FieldKind, format: &mut TimeFormat) -> Result<i64, Miss> {
        let (start, stop) = self.next()?;
        let len = stop - start;
        let word = |at: usize| {
            self.rest
                .get(at..at + 8)
                .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        };
        // Fields of up to 8 (16 for `ts`) bytes are read whole, a word at a time.
        let value = match (kind, word(start)) {
            (FieldKind::Price, Some(x)) if (1..=8).contains(&len) => price_word(x, len),
            (FieldKind::Whole, Some(x)) if (1..=8).contains(&len) => whole_word(x, len),
            (FieldKind::Time, Some(hi)) if (12..=14).contains(&len) => match word(start + 8) {
                Some(lo) => epoch_words(hi, lo, len),
                None => None,
            },
            _ => None,
        };
        if let Some(value) = value {
            if kind == FieldKind::Time {
                *format = TimeFormat::EpochMillis;
            }
            return Ok(value);
        }
        // Anything else: the parsers that find their own end (they may look past the field, and
        // stop at its `,`, `\r` or `\n`); the length they report must be the whole field.
        let s = &self.rest[start..];
        let (value, read) = match kind {
            FieldKind::Time => {
                let (ts, read, fmt) = timestamp(s, &self.rest[start..stop]).ok_or(Miss::Decline)?;
                *format = fmt;
                (ts, read)
            }
            FieldKind::Price => price(s).ok_or(Miss::Decline)?,
            FieldKind::Whole => whole(s).ok_or(Miss::Decline)?,
        };
        if read == len {
            Ok(value)
        } else {
            Err(Miss::Decline)
        }
    }

    /// Reads fields of `kinds` from the front. Written out rather than looped so that, with
    /// `kinds` a constant, every value lands in a fixed slot (a register, not memory).
    #[inline(always)]
    fn read_in_order(
        &mut self,
        kinds: &[FieldKind],
        format: &mut TimeFormat,
    ) -> Result<Values, Miss> {
        let mut v = [0; MAX_COLUMNS];
        macro_rules! slots {
            ($($i:literal)*) => {$(
                if $i < kinds.len() {
                    v[$i] = self.read(kinds[$i], format)?;
                }
            )*};
        }
        slots!(0 1 2 3 4 5);
        Ok(v)
    }

    /// Passes over a field no role needs.
    #[inline]
    fn skip(&mut self) -> Result<(), Miss> {
        let (start, stop) = self.next()?;
        plain(&self.rest[start..stop])
            .map(drop)
            .ok_or(Miss::Decline)
    }

    /// The index of the line's `\n`, once the required fields are read.
    #[inline(always)]
    fn finish(&self) -> Result<usize, Miss> {
        match self.line_end {
            Some(end) => Ok(end),
            None => unread_tail(self.rest, self.start - 1).ok_or(Miss::Decline),
        }
    }
}

/// The length of a field not parsed here, if it holds no `"` and no `\r`.
#[inline]
fn plain(field: &[u8]) -> Option<usize> {
    memchr::memchr2(b'"', b'\r', field)
        .is_none()
        .then_some(field.len())
}

/// The `\n` ending a line whose required fields end at the comma `rest[comma]`, if the columns
/// after it (not read) hold no `"` and no `\r` but the line's own `\r\n`.
#[inline(never)]
fn unread_tail(rest: &[u8], comma: usize) -> Option<usize> {
    let end = comma + memchr::memchr(b'\n', &rest[comma..])?;
    let unread = &rest[comma..end];
    plain(unread.strip_suffix(b"\r").unwrap_or(unread))?;
    Some(end)
}

/// A `ts` starting at `s` whose whole field is `field`: plain epoch milliseconds (12 to 14 digits,
/// in range), else any ISO-8601 text the general parser accepts; `(nanoseconds, length, format)`.
#[inline]
fn timestamp(s: &[u8], field: &[u8]) -> Option<(TimestampNs, usize, TimeFormat)> {
    let (ms, len) = digits(s);
    if len == field.len() {
        return Some((epoch_nanos(ms, len)?, len, TimeFormat::EpochMillis));
    }
    // ISO-8601 through the general parser (a `\r` there would be trimmed as space: keep it a line
    // end; a `"` a quote).
    plain(field)?;
    let (ts, format) = parse_timestamp_bytes(field).ok()?;
    matches!(format, TimeFormat::Iso8601 { .. }).then_some((ts, field.len(), format))
}

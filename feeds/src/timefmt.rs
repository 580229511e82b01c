//! Timestamps in market-data files: epoch milliseconds or ISO-8601 with a UTC offset.
//!
//! A file's format is detected from its first row and remembered as a [`TimeFormat`], so tools can
//! write timestamps back in the unit they were read in. Inside the engine every timestamp is UTC
//! nanoseconds ([`TimestampNs`]).
//!
//! | text | read as |
//! | --- | --- |
//! | `1767584700000` | epoch milliseconds |
//! | `2026-01-05T09:15:00+0530` (Kite) | ISO-8601, offset +05:30 |
//! | `2026-01-05T09:15:00+05:30`, `2026-01-05 09:15:00+05:30` | ISO-8601, offset +05:30 |
//! | `2026-01-05T03:45:00Z`, `…T03:45:00.250Z` | ISO-8601, UTC |
//!
//! Epoch values of fewer than 12 digits (before 1973) are almost surely epoch *seconds* and those
//! of 16 or more micro- or nanoseconds, both rejected rather than misread. Every timestamp must
//! also lie in 1970–2261 ([`MAX_TIMESTAMP_NS`]): [`TimestampNs`] counts nanoseconds since 1970 in
//! an `i64`, which ends in April 2262, so later instants would wrap around (and the session
//! arithmetic needs a little room after the last one). They are refused ([`TimeError::OutOfRange`]). ISO text without an
//! offset is rejected: its instant would be a guess.

use sharewise_engine::time::{
    civil_from_days, days_from_civil, TimestampNs, NANOS_PER_DAY, NANOS_PER_MILLI, NANOS_PER_SEC,
};

/// How a file writes its timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeFormat {
    /// Integer milliseconds since the Unix epoch.
    EpochMillis,
    /// ISO-8601 local time with this offset from UTC, in seconds (IST is `19_800`).
    Iso8601 {
        /// Offset of the file's local time from UTC, seconds.
        offset_secs: i32,
    },
}

/// Why a timestamp could not be read (the reason part of a bad-field error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Neither an integer nor an ISO-8601 date-time.
    #[error("is not a timestamp (expected epoch milliseconds or ISO-8601 with offset, e.g. 2026-01-05T09:15:00+05:30)")]
    NotATimestamp,
    /// A date-time with an impossible field (month 13, 31 February, 25:00, ...).
    #[error("is not a valid date-time")]
    InvalidDateTime,
    /// A date-time without `Z` or `±HH:MM`.
    #[error("has no UTC offset (add `Z` or e.g. `+05:30`)")]
    NoOffset,
    /// An integer too small to be epoch milliseconds.
    #[error("looks like epoch seconds; expected epoch milliseconds")]
    LooksLikeSeconds,
    /// An integer too large to be epoch milliseconds.
    #[error("looks like epoch micro- or nanoseconds; expected epoch milliseconds")]
    TooLarge,
    /// Before 1970 or after 2261 (see [`MAX_TIMESTAMP_NS`]).
    #[error("is outside the years 1970–2261 that timestamps can hold")]
    OutOfRange,
    /// Written in a different format from the file's first row.
    #[error("is not in the file's timestamp format ({0})")]
    FormatChanged(&'static str),
}

const MIN_EPOCH_MS: i64 = 100_000_000_000;
const MAX_EPOCH_MS: i64 = 100_000_000_000_000;

/// 2262-01-01T00:00:00Z: timestamps must be earlier (and not before 1970).
pub const MAX_TIMESTAMP_NS: TimestampNs = 106_651 * NANOS_PER_DAY;

impl TimeFormat {
    /// ISO-8601 in India Standard Time (UTC+05:30).
    pub const IST: TimeFormat = TimeFormat::Iso8601 {
        offset_secs: 19_800,
    };

    /// A short name of the format's kind, for messages.
    pub const fn kind_name(self) -> &'static str {
        match self {
            TimeFormat::EpochMillis => "epoch milliseconds",
            TimeFormat::Iso8601 { .. } => "ISO-8601",
        }
    }

    /// Whether `self` and `other` are the same kind (offsets may differ).
    pub const fn same_kind(self, other: TimeFormat) -> bool {
        matches!(
            (self, other),
            (TimeFormat::EpochMillis, TimeFormat::EpochMillis)
                | (TimeFormat::Iso8601 { .. }, TimeFormat::Iso8601 { .. })
        )
    }

    /// Appends `ts` in this format to `out` (epoch milliseconds truncate sub-millisecond parts).
    pub fn write_to(self, ts: TimestampNs, out: &mut Vec<u8>) {
        match self {
            TimeFormat::EpochMillis => {
                push_i64(out, ts.div_euclid(NANOS_PER_MILLI));
            }
            TimeFormat::Iso8601 { offset_secs } => write_iso(ts, offset_secs, out),
        }
    }

    /// `ts` as text in this format, e.g. `2026-01-05T09:15:00+05:30` or `1767584700000`.
    pub fn format(self, ts: TimestampNs) -> String {
        let mut out = Vec::with_capacity(32);
        self.write_to(ts, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Reads a timestamp in either supported format; returns UTC nanoseconds and the format seen.
pub fn parse_timestamp(text: &str) -> Result<(TimestampNs, TimeFormat), TimeError> {
    parse_timestamp_bytes(text.as_bytes())
}

/// [`parse_timestamp`] on raw bytes (the readers' hot path: no UTF-8 check).
pub fn parse_timestamp_bytes(text: &[u8]) -> Result<(TimestampNs, TimeFormat), TimeError> {
    let s = text.trim_ascii();
    let digits = s.strip_prefix(b"-").unwrap_or(s);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        return parse_epoch_millis(s).map(|ts| (ts, TimeFormat::EpochMillis));
    }
    parse_iso(s)
}

fn parse_epoch_millis(s: &[u8]) -> Result<TimestampNs, TimeError> {
    let (negative, digits) = match s.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if negative {
        return Err(TimeError::LooksLikeSeconds);
    }
    if digits.len() > 15 {
        return Err(TimeError::TooLarge);
    }
    let ms = digits
        .iter()
        .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
    match ms {
        _ if ms < MIN_EPOCH_MS => Err(TimeError::LooksLikeSeconds),
        _ if ms >= MAX_EPOCH_MS => Err(TimeError::TooLarge),
        _ => ms
            .checked_mul(NANOS_PER_MILLI)
            .filter(|ns| *ns < MAX_TIMESTAMP_NS)
            .ok_or(TimeError::OutOfRange),
    }
}

/// `n` ASCII digits at `s[at..]` as a number.
fn num(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
    })
}

fn parse_iso(s: &[u8]) -> Result<(TimestampNs, TimeFormat), TimeError> {
    use TimeError::{InvalidDateTime, NoOffset, NotATimestamp};
    let at = |i: usize| s.get(i).copied();
    let (Some(y), Some(mo), Some(d)) = (num(s, 0, 4), num(s, 5, 2), num(s, 8, 2)) else {
        return Err(NotATimestamp);
    };
    if at(4) != Some(b'-')
        || at(7) != Some(b'-')
        || !matches!(at(10), Some(b'T' | b't' | b' '))
        || at(13) != Some(b':')
    {
        return Err(NotATimestamp);
    }
    let (Some(h), Some(mi)) = (num(s, 11, 2), num(s, 14, 2)) else {
        return Err(NotATimestamp);
    };
    let mut i = 16;
    let mut sec = 0;
    if at(i) == Some(b':') {
        sec = num(s, i + 1, 2).ok_or(NotATimestamp)?;
        i += 3;
    }
    let mut frac_ns = 0i64;
    if matches!(at(i), Some(b'.' | b',')) {
        i += 1;
        let start = i;
        while at(i).is_some_and(|b| b.is_ascii_digit()) {
            if i - start < 9 {
                frac_ns = frac_ns * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return Err(NotATimestamp);
        }
        frac_ns *= 10i64.pow(9u32.saturating_sub((i - start) as u32));
    }
    let offset_secs: i64 = match at(i) {
        None => return Err(NoOffset),
        Some(b'Z' | b'z') if i + 1 == s.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let oh = num(s, i + 1, 2).ok_or(NotATimestamp)?;
            let rest = &s[i + 3..];
            let om = match rest {
                [] => 0,
                [b':', m1, m2] | [m1, m2] => num(&[*m1, *m2], 0, 2).ok_or(NotATimestamp)?,
                _ => return Err(NotATimestamp),
            };
            if oh > 14 || om > 59 {
                return Err(InvalidDateTime);
            }
            let off = oh * 3600 + om * 60;
            if sign == b'-' {
                -off
            } else {
                off
            }
        }
        Some(_) => return Err(NotATimestamp),
    };
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59
    {
        return Err(InvalidDateTime);
    }
    let day = days_from_civil(y, mo as u32, d as u32);
    let local_secs = day * 86_400 + h * 3600 + mi * 60 + sec;
    // Years 0000–9999 keep the seconds far inside i64; only the nanoseconds can overflow.
    let ts = (local_secs - offset_secs)
        .checked_mul(NANOS_PER_SEC)
        .and_then(|ns| ns.checked_add(frac_ns))
        .filter(|ns| (0..MAX_TIMESTAMP_NS).contains(ns))
        .ok_or(TimeError::OutOfRange)?;
    Ok((
        ts,
        TimeFormat::Iso8601 {
            offset_secs: offset_secs as i32,
        },
    ))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn push2(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
}

/// Appends `v` in decimal (the hot-path replacement for `write!`).
#[inline]
pub(crate) fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Appends `v` in decimal.
#[inline]
pub(crate) fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends the last `n` decimal digits of `v` (non-negative), zero-padded.
fn push_digits(out: &mut Vec<u8>, mut v: i64, n: usize) {
    let at = out.len();
    out.resize(at + n, b'0');
    for slot in out[at..].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff|.fffffffff](Z|±HH:MM)`.
fn write_iso(ts: TimestampNs, offset_secs: i32, out: &mut Vec<u8>) {
    let local = ts + i64::from(offset_secs) * NANOS_PER_SEC;
    let (y, m, d) = civil_from_days(local.div_euclid(NANOS_PER_DAY));
    let tod = local.rem_euclid(NANOS_PER_DAY);
    let secs = tod / NANOS_PER_SEC;
    let frac = tod % NANOS_PER_SEC;
    push2(out, y.div_euclid(100));
    push2(out, y.rem_euclid(100));
    out.push(b'-');
    push2(out, i64::from(m));
    out.push(b'-');
    push2(out, i64::from(d));
    out.push(b'T');
    push2(out, secs / 3600);
    out.push(b':');
    push2(out, secs / 60 % 60);
    out.push(b':');
    push2(out, secs % 60);
    if frac != 0 {
        let (digits, value) = if frac % NANOS_PER_MILLI == 0 {
            (3, frac / NANOS_PER_MILLI)
        } else {
            (9, frac)
        };
        out.push(b'.');
        push_digits(out, value, digits);
    }
    if offset_secs == 0 {
        out.push(b'Z');
    } else {
        let off = i64::from(offset_secs.unsigned_abs());
        out.push(if offset_secs < 0 { b'-' } else { b'+' });
        push2(out, off / 3600);
        out.push(b':');
        push2(out, off / 60 % 60);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN_UTC_MS: i64 = 1_767_584_700_000; // 2026-01-05T09:15:00+05:30

    #[test]
    fn reads_epoch_millis_and_every_iso_spelling() {
        let ns = OPEN_UTC_MS * NANOS_PER_MILLI;
        assert_eq!(
            parse_timestamp("1767584700000"),
            Ok((ns, TimeFormat::EpochMillis))
        );
        for text in [
            "2026-01-05T09:15:00+0530",
            "2026-01-05T09:15:00+05:30",
            "2026-01-05 09:15:00+05:30",
            " 2026-01-05T09:15+05:30 ",
        ] {
            assert_eq!(parse_timestamp(text), Ok((ns, TimeFormat::IST)), "{text}");
        }
        assert_eq!(
            parse_timestamp("2026-01-05T03:45:00Z"),
            Ok((ns, TimeFormat::Iso8601 { offset_secs: 0 }))
        );
        assert_eq!(
            parse_timestamp("2026-01-04T22:45:00-05"),
            Ok((
                ns,
                TimeFormat::Iso8601 {
                    offset_secs: -18_000
                }
            ))
        );
        assert_eq!(
            parse_timestamp("2026-01-05T03:45:00.25Z").map(|r| r.0),
            Ok(ns + 250 * NANOS_PER_MILLI)
        );
        assert_eq!(
            parse_timestamp("2026-01-05T03:45:00.000000007Z").map(|r| r.0),
            Ok(ns + 7)
        );
    }

    #[test]
    fn rejects_bad_timestamps_with_a_reason() {
        assert_eq!(
            parse_timestamp("2026-01-05T09:15:00"),
            Err(TimeError::NoOffset)
        );
        assert_eq!(
            parse_timestamp("2026-02-29T09:15:00Z"),
            Err(TimeError::InvalidDateTime)
        );
        assert_eq!(
            parse_timestamp("2026-01-05T24:00:00Z"),
            Err(TimeError::InvalidDateTime)
        );
        assert_eq!(
            parse_timestamp("1767584700"),
            Err(TimeError::LooksLikeSeconds)
        );
        assert_eq!(
            parse_timestamp("1767584700000000"),
            Err(TimeError::TooLarge)
        );
        for far in [
            "9214646400000",
            "9223372036855",
            "99999999999999",
            "2262-01-01T00:00:00Z",
            "9999-12-31T23:59:59+05:30",
            "1969-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_timestamp(far), Err(TimeError::OutOfRange), "{far}");
        }
        assert_eq!(
            parse_timestamp("9214646399999").map(|r| r.0),
            Ok(MAX_TIMESTAMP_NS - NANOS_PER_MILLI)
        );
        assert_eq!(
            parse_timestamp("2262-01-01T05:29:59+05:30").map(|r| r.0),
            Ok(MAX_TIMESTAMP_NS - NANOS_PER_SEC)
        );
        assert_eq!(
            parse_timestamp("1970-01-01T05:30:00+05:30").map(|r| r.0),
            Ok(0)
        );
        for bad in [
            "",
            "NaN",
            "2026/01/05 09:15:00Z",
            "2026-01-05T09:15:00+5:30",
            "2026-01-05T09:15:00Zx",
            "12.5",
        ] {
            assert_eq!(parse_timestamp(bad), Err(TimeError::NotATimestamp), "{bad}");
        }
    }

    #[test]
    fn writes_back_in_the_same_format() {
        let ns = OPEN_UTC_MS * NANOS_PER_MILLI;
        assert_eq!(
            TimeFormat::EpochMillis.format(ns + 999_999),
            "1767584700000"
        );
        assert_eq!(TimeFormat::IST.format(ns), "2026-01-05T09:15:00+05:30");
        assert_eq!(
            TimeFormat::Iso8601 { offset_secs: 0 }.format(ns + 5 * NANOS_PER_MILLI),
            "2026-01-05T03:45:00.005Z"
        );
        assert_eq!(
            TimeFormat::Iso8601 {
                offset_secs: -18_000
            }
            .format(ns + 1),
            "2026-01-04T22:45:00.000000001-05:00"
        );
        for text in [
            "2026-01-05T09:15:00+05:30",
            "2026-01-05T03:45:00.005Z",
            "1767584700123",
        ] {
            let (ts, fmt) = parse_timestamp(text).unwrap();
            assert_eq!(fmt.format(ts), text);
        }
    }
}

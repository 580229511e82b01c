//! Bar intervals and their session-aligned buckets.

use std::fmt;
use std::str::FromStr;

use crate::time::{
    ist_day, ist_midnight, ist_time_of_day, TimestampNs, NANOS_PER_MINUTE, NSE_CLOSE_IST_NS,
    NSE_OPEN_IST_NS,
};

/// Length of a time bar; buckets are aligned to the 09:15 IST session open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BarInterval {
    /// One minute (`"1m"`).
    M1,
    /// Five minutes (`"5m"`).
    M5,
    /// Fifteen minutes (`"15m"`).
    M15,
    /// One hour (`"1h"`); the day's last bucket is the partial 15:15–15:30.
    H1,
    /// One IST trading day (`"1d"`), stamped at its 09:15 open.
    D1,
}

/// Why a bar interval could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown bar interval `{0}`: expected one of 1m, 5m, 15m, 1h, 1d")]
pub struct ParseIntervalError(pub String);

impl BarInterval {
    /// Every interval, finest first.
    pub const ALL: [BarInterval; 5] = [
        BarInterval::M1,
        BarInterval::M5,
        BarInterval::M15,
        BarInterval::H1,
        BarInterval::D1,
    ];

    /// The short name used in configs and file names: `1m`, `5m`, `15m`, `1h`, `1d`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BarInterval::M1 => "1m",
            BarInterval::M5 => "5m",
            BarInterval::M15 => "15m",
            BarInterval::H1 => "1h",
            BarInterval::D1 => "1d",
        }
    }

    /// Bucket length in nanoseconds (`1d` is the whole 375-minute session).
    pub const fn len_ns(self) -> i64 {
        match self {
            BarInterval::M1 => NANOS_PER_MINUTE,
            BarInterval::M5 => 5 * NANOS_PER_MINUTE,
            BarInterval::M15 => 15 * NANOS_PER_MINUTE,
            BarInterval::H1 => 60 * NANOS_PER_MINUTE,
            BarInterval::D1 => NSE_CLOSE_IST_NS - NSE_OPEN_IST_NS,
        }
    }

    /// Start of the bucket holding `ts`, or `None` if `ts` is outside the 09:15–15:30 IST session.
    #[inline]
    pub fn bucket_start(self, ts: TimestampNs) -> Option<TimestampNs> {
        let tod = ist_time_of_day(ts);
        if !(NSE_OPEN_IST_NS..NSE_CLOSE_IST_NS).contains(&tod) {
            return None;
        }
        let since_open = tod - NSE_OPEN_IST_NS;
        Some(ts - since_open % self.len_ns())
    }

    /// Where `ts` lies relative to the session: before the open, inside it, or at/after the close.
    #[inline]
    pub(crate) fn session_side(ts: TimestampNs) -> std::cmp::Ordering {
        let tod = ist_time_of_day(ts);
        if tod < NSE_OPEN_IST_NS {
            std::cmp::Ordering::Less
        } else if tod >= NSE_CLOSE_IST_NS {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }

    /// When the bucket starting at `start` ends: one interval later, or at the session's close
    /// for the day's last, shorter bucket.
    pub fn bucket_end(self, start: TimestampNs) -> TimestampNs {
        let close = BarInterval::session_open(start) + BarInterval::D1.len_ns();
        (start + self.len_ns()).min(close)
    }

    /// Start of the session (09:15 IST) of the IST day containing `ts`.
    #[inline]
    pub fn session_open(ts: TimestampNs) -> TimestampNs {
        ist_midnight(ist_day(ts)) + NSE_OPEN_IST_NS
    }
}

impl fmt::Display for BarInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BarInterval {
    type Err = ParseIntervalError;
    fn from_str(s: &str) -> Result<BarInterval, ParseIntervalError> {
        let t = s.trim();
        BarInterval::ALL
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| ParseIntervalError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::days_from_civil;

    fn ist(h: i64, m: i64) -> TimestampNs {
        ist_midnight(days_from_civil(2026, 1, 5)) + (h * 60 + m) * NANOS_PER_MINUTE
    }

    #[test]
    fn parses_names_and_rejects_others_clearly() {
        for i in BarInterval::ALL {
            assert_eq!(i.as_str().parse::<BarInterval>(), Ok(i));
            assert_eq!(i.to_string(), i.as_str());
        }
        assert_eq!(" 1H ".parse::<BarInterval>(), Ok(BarInterval::H1));
        let err = "2m".parse::<BarInterval>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown bar interval `2m`: expected one of 1m, 5m, 15m, 1h, 1d"
        );
    }

    #[test]
    fn buckets_align_to_the_session_open() {
        let h = BarInterval::H1;
        assert_eq!(h.bucket_start(ist(9, 15)), Some(ist(9, 15)));
        assert_eq!(
            h.bucket_start(ist(10, 14) + 59 * 1_000_000_000),
            Some(ist(9, 15))
        );
        assert_eq!(h.bucket_start(ist(10, 15)), Some(ist(10, 15)));
        assert_eq!(h.bucket_start(ist(15, 29)), Some(ist(15, 15)));
        assert_eq!(
            BarInterval::M15.bucket_start(ist(15, 29)),
            Some(ist(15, 15))
        );
        assert_eq!(BarInterval::M5.bucket_start(ist(9, 19)), Some(ist(9, 15)));
        assert_eq!(
            BarInterval::M1.bucket_start(ist(12, 0) + 1),
            Some(ist(12, 0))
        );
        assert_eq!(BarInterval::D1.bucket_start(ist(15, 29)), Some(ist(9, 15)));
    }

    #[test]
    fn outside_the_session_has_no_bucket() {
        for i in BarInterval::ALL {
            assert_eq!(i.bucket_start(ist(9, 14)), None);
            assert_eq!(i.bucket_start(ist(15, 30)), None);
            assert_eq!(i.bucket_start(ist(0, 0)), None);
        }
        assert_eq!(BarInterval::session_open(ist(3, 0)), ist(9, 15));
    }
}

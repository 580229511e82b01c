//! Intraday (MIS) rules: a position is squared off from 15:20 IST, or as soon as a new IST day
//! finds it still open; entries are refused from the 15:20 cutoff.

use crate::risk::{ReasonCode, Rejection};
use crate::time::{ist_day, ist_time_of_day, TimestampNs, MIS_SQUARE_OFF_IST_NS};

/// Whether entries are closed at `ts` (from the 15:20 IST square-off).
#[inline]
pub fn entries_closed(ts: TimestampNs) -> bool {
    ist_time_of_day(ts) >= MIS_SQUARE_OFF_IST_NS
}

/// Whether an intraday position last traded on IST day `since_day` must be squared off at `ts`.
#[inline]
pub fn square_off_due(ts: TimestampNs, since_day: i64) -> bool {
    entries_closed(ts) || ist_day(ts) > since_day
}

/// The refusal of an intraday entry after the cutoff.
pub fn cutoff() -> Rejection {
    Rejection {
        code: ReasonCode::MisCutoff,
        detail: "intraday (MIS) entries stop at the 15:20 IST square-off".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{days_from_civil, ist_midnight, NANOS_PER_SEC};

    fn at(day: i64, h: i64, m: i64) -> TimestampNs {
        ist_midnight(day) + (h * 3600 + m * 60) * NANOS_PER_SEC
    }

    #[test]
    fn the_square_off_comes_at_1520_or_on_a_new_day() {
        let monday = days_from_civil(2026, 1, 5);
        assert!(!square_off_due(at(monday, 15, 19), monday));
        assert!(square_off_due(at(monday, 15, 20), monday));
        assert!(square_off_due(at(monday + 1, 9, 15), monday));
        assert!(!entries_closed(at(monday + 1, 9, 15)));
    }
}

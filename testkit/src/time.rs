//! Times on the test day: IST wall-clock times as the engine's UTC nanoseconds.
//!
//! Unless a test says otherwise it trades on Monday 2026-01-05 ([`TEST_DAY`]), an ordinary NSE
//! session.

use sharewise_engine::time::{
    days_from_civil, ist_midnight, TimestampNs, NANOS_PER_MINUTE, NANOS_PER_SEC,
};

/// Monday 2026-01-05 as a day number (days since 1970-01-01): the day tests trade on.
pub const TEST_DAY: i64 = 20_458;

/// UTC ns of `y-m-d h:mi:s` IST.
pub fn ist(y: i64, m: u32, d: u32, h: i64, mi: i64, s: i64) -> TimestampNs {
    ist_midnight(days_from_civil(y, m, d)) + (h * 3600 + mi * 60 + s) * NANOS_PER_SEC
}

/// UTC ns of `h:m` IST, `day` days after the test Monday (0 is the Monday itself). Whole minutes,
/// as bars are stamped; [`at`] adds seconds on the Monday.
pub fn day_at(day: i64, h: i64, m: i64) -> TimestampNs {
    ist_midnight(TEST_DAY + day) + (h * 60 + m) * NANOS_PER_MINUTE
}

/// UTC ns of `h:m:s` IST on the test Monday.
pub fn at(h: i64, m: i64, s: i64) -> TimestampNs {
    day_at(0, h, m) + s * NANOS_PER_SEC
}

/// The NSE session open on the test Monday: 09:15 IST.
pub fn session_open() -> TimestampNs {
    at(9, 15, 0)
}

/// Open time of the `i`-th one-minute bar from [`session_open`] (what [`bars`](crate::bars)
/// stamps its bars with).
pub fn bar_ts(i: usize) -> TimestampNs {
    session_open() + i as i64 * NANOS_PER_MINUTE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_day_is_monday_2026_01_05() {
        assert_eq!(TEST_DAY, days_from_civil(2026, 1, 5));
        assert_eq!(sharewise_engine::time::weekday(TEST_DAY), 0, "a Monday");
    }

    #[test]
    fn ist_times_are_utc_nanoseconds() {
        // 2026-01-05T09:15:00+05:30 = 03:45 UTC = 1 767 584 700 s after the epoch.
        assert_eq!(session_open(), 1_767_584_700 * NANOS_PER_SEC);
        assert_eq!(ist(2026, 1, 5, 9, 15, 0), session_open());
        assert_eq!(
            at(10, 0, 30),
            session_open() + (45 * 60 + 30) * NANOS_PER_SEC
        );
        assert_eq!(day_at(1, 9, 15), ist(2026, 1, 6, 9, 15, 0));
        assert_eq!(day_at(0, 10, 0), at(10, 0, 0));
        assert_eq!(bar_ts(3), at(9, 18, 0));
    }
}

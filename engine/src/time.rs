//! Time: UTC nanoseconds since the Unix epoch, plus the IST (UTC+05:30) helpers that NSE/BSE
//! session logic needs (day boundaries, time of day, civil dates).
//!
//! The engine never reads a wall clock; callers pass timestamps in.

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type TimestampNs = i64;

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Nanoseconds in one millisecond.
pub const NANOS_PER_MILLI: i64 = 1_000_000;
/// Nanoseconds in one minute.
pub const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SEC;
/// Nanoseconds in one day.
pub const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SEC;
/// IST is UTC+05:30 all year (India has no daylight saving).
pub const IST_OFFSET_NS: i64 = (5 * 3600 + 30 * 60) * NANOS_PER_SEC;
/// NSE/BSE equity session open, 09:15 IST, as nanoseconds after IST midnight.
pub const NSE_OPEN_IST_NS: i64 = (9 * 3600 + 15 * 60) * NANOS_PER_SEC;
/// When brokers square off intraday (MIS) positions, 15:20 IST, as nanoseconds after IST midnight.
pub const MIS_SQUARE_OFF_IST_NS: i64 = (15 * 3600 + 20 * 60) * NANOS_PER_SEC;
/// NSE/BSE equity session close, 15:30 IST, as nanoseconds after IST midnight.
pub const NSE_CLOSE_IST_NS: i64 = (15 * 3600 + 30 * 60) * NANOS_PER_SEC;

/// The IST calendar day of `ts`, as days since 1970-01-01 (IST).
#[inline]
pub fn ist_day(ts: TimestampNs) -> i64 {
    (ts + IST_OFFSET_NS).div_euclid(NANOS_PER_DAY)
}

/// Nanoseconds since IST midnight of the day containing `ts`.
#[inline]
pub fn ist_time_of_day(ts: TimestampNs) -> i64 {
    (ts + IST_OFFSET_NS).rem_euclid(NANOS_PER_DAY)
}

/// UTC timestamp of IST midnight starting IST day `day` (days since 1970-01-01 IST).
#[inline]
pub fn ist_midnight(day: i64) -> TimestampNs {
    day * NANOS_PER_DAY - IST_OFFSET_NS
}

/// Day of week of a day number (days since 1970-01-01): 0 = Monday … 6 = Sunday.
#[inline]
pub fn weekday(day: i64) -> u32 {
    // 1970-01-01 was a Thursday (3 when Monday = 0).
    (day + 3).rem_euclid(7) as u32
}

/// Days since 1970-01-01 of the proleptic Gregorian date `y-m-d` (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The IST day `n` weekday sessions before `day` (weekends skipped; `day` itself if `n` is 0).
pub fn weekdays_before(day: i64, n: u32) -> i64 {
    let mut d = day;
    for _ in 0..n {
        d -= 1;
        while weekday(d) >= 5 {
            d -= 1;
        }
    }
    d
}

/// Formats `ts` as ISO-8601 in IST with offset, e.g. `2026-01-05T09:15:00+05:30`.
pub fn format_ist(ts: TimestampNs) -> String {
    let (y, m, d) = civil_from_days(ist_day(ts));
    let secs = ist_time_of_day(ts) / NANOS_PER_SEC;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+05:30",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekday() {
        let day = days_from_civil(2026, 1, 5);
        assert_eq!(civil_from_days(day), (2026, 1, 5));
        assert_eq!(weekday(day), 0, "2026-01-05 is a Monday");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }

    #[test]
    fn ist_session_open_maps_to_utc() {
        let day = days_from_civil(2026, 1, 5);
        let open = ist_midnight(day) + NSE_OPEN_IST_NS;
        // 09:15 IST is 03:45 UTC.
        assert_eq!(
            open,
            day * NANOS_PER_DAY + (3 * 3600 + 45 * 60) * NANOS_PER_SEC
        );
        assert_eq!(ist_day(open), day);
        assert_eq!(ist_time_of_day(open), NSE_OPEN_IST_NS);
        assert_eq!(format_ist(open), "2026-01-05T09:15:00+05:30");
    }
}

//! The NSE trading calendar: when the equity session is open, in IST.
//!
//! The regular session runs 09:15–15:30 IST (open inclusive, close exclusive) on weekdays that are
//! not exchange holidays. Holidays come from configuration as ISO dates (`"2026-01-26"`), since
//! NSE publishes them yearly. [`SessionMode::AlwaysOpen`] is the explicit 24×7 demo mode (paper
//! trading on a synthetic feed at night, say).
//!
//! ```
//! use sharewise_risk::calendar::{IstDate, NseCalendar, SessionMode};
//! use sharewise_engine::time::{days_from_civil, ist_midnight, NSE_OPEN_IST_NS};
//!
//! let republic_day = IstDate::parse("2026-01-26").unwrap();
//! let cal = NseCalendar::new(SessionMode::Nse, &[republic_day]);
//! let monday_open = ist_midnight(days_from_civil(2026, 1, 5)) + NSE_OPEN_IST_NS;
//! assert!(cal.is_open(monday_open));
//! assert!(!cal.is_open(ist_midnight(republic_day.day()) + NSE_OPEN_IST_NS));
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sharewise_engine::time::{
    civil_from_days, days_from_civil, format_ist, ist_day, ist_time_of_day, weekday, TimestampNs,
    NSE_CLOSE_IST_NS, NSE_OPEN_IST_NS,
};

/// A calendar date in IST, stored as days since 1970-01-01; reads and writes as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IstDate(i64);

impl IstDate {
    /// Parses `YYYY-MM-DD`; `None` when the text is not a real date.
    pub fn parse(text: &str) -> Option<IstDate> {
        let mut parts = text.trim().splitn(3, '-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        let day = days_from_civil(y, m, d);
        // Reject 2026-02-30 and the like: the date must survive the round trip.
        (civil_from_days(day) == (y, m, d)).then_some(IstDate(day))
    }

    /// Days since 1970-01-01 (IST), as [`sharewise_engine::time::ist_day`] counts them.
    pub fn day(self) -> i64 {
        self.0
    }
}

impl fmt::Display for IstDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for IstDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IstDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IstDate, D::Error> {
        let text = String::deserialize(d)?;
        IstDate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "holiday `{text}` is not a date; write it as YYYY-MM-DD"
            ))
        })
    }
}

/// Which hours count as open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// NSE equity hours: 09:15–15:30 IST, Monday to Friday, minus holidays.
    #[default]
    Nse,
    /// Open around the clock, every day (demo and paper trading).
    AlwaysOpen,
}

/// `[risk.market_hours]`: the session mode and the exchange holidays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketHours {
    /// `nse` (default) or `always_open`.
    #[serde(default)]
    pub mode: SessionMode,
    /// Exchange holidays, e.g. `["2026-01-26", "2026-03-03"]`.
    #[serde(default)]
    pub holidays: Vec<IstDate>,
}

/// Answers "is the market open at this instant?" without allocating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NseCalendar {
    mode: SessionMode,
    /// Sorted, deduplicated holiday day numbers.
    holidays: Vec<i64>,
}

impl NseCalendar {
    /// A calendar with this mode and these holidays (any order, duplicates allowed).
    pub fn new(mode: SessionMode, holidays: &[IstDate]) -> NseCalendar {
        let mut days: Vec<i64> = holidays.iter().map(|h| h.day()).collect();
        days.sort_unstable();
        days.dedup();
        NseCalendar {
            mode,
            holidays: days,
        }
    }

    /// The calendar described by a `[risk.market_hours]` section.
    pub fn from_config(config: &MarketHours) -> NseCalendar {
        NseCalendar::new(config.mode, &config.holidays)
    }

    /// Whether IST day `day` is a trading day (a weekday and not a holiday).
    pub fn is_trading_day(&self, day: i64) -> bool {
        match self.mode {
            SessionMode::AlwaysOpen => true,
            SessionMode::Nse => weekday(day) < 5 && self.holidays.binary_search(&day).is_err(),
        }
    }

    /// Whether the session is open at `ts` (UTC ns).
    pub fn is_open(&self, ts: TimestampNs) -> bool {
        self.closed_reason(ts).is_none()
    }

    /// `None` when open at `ts`, otherwise why not, e.g. `2026-01-26 is a holiday`.
    pub fn closed_reason(&self, ts: TimestampNs) -> Option<String> {
        if self.mode == SessionMode::AlwaysOpen {
            return None;
        }
        let day = ist_day(ts);
        let date = IstDate(day);
        if weekday(day) >= 5 {
            return Some(format!("{date} is a weekend"));
        }
        if self.holidays.binary_search(&day).is_ok() {
            return Some(format!("{date} is an exchange holiday"));
        }
        let t = ist_time_of_day(ts);
        if !(NSE_OPEN_IST_NS..NSE_CLOSE_IST_NS).contains(&t) {
            return Some(format!("{} is outside 09:15-15:30 IST", format_ist(ts)));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_testkit::ist;

    #[test]
    fn nse_hours_weekends_and_holidays() {
        let holiday = IstDate::parse("2026-01-26").unwrap();
        let cal = NseCalendar::new(SessionMode::Nse, &[holiday, holiday]);
        assert!(cal.is_open(ist(2026, 1, 5, 9, 15, 0)));
        assert!(cal.is_open(ist(2026, 1, 5, 15, 29, 0)));
        assert!(!cal.is_open(ist(2026, 1, 5, 9, 14, 0)));
        assert_eq!(
            cal.closed_reason(ist(2026, 1, 5, 15, 30, 0)).unwrap(),
            "2026-01-05T15:30:00+05:30 is outside 09:15-15:30 IST"
        );
        assert_eq!(
            cal.closed_reason(ist(2026, 1, 10, 10, 0, 0)).unwrap(),
            "2026-01-10 is a weekend"
        );
        assert_eq!(
            cal.closed_reason(ist(2026, 1, 26, 10, 0, 0)).unwrap(),
            "2026-01-26 is an exchange holiday"
        );
        let demo = NseCalendar::new(SessionMode::AlwaysOpen, &[holiday]);
        assert!(demo.is_open(ist(2026, 1, 26, 2, 0, 0)));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            IstDate::parse("2026-01-26").unwrap().to_string(),
            "2026-01-26"
        );
        assert_eq!(IstDate::parse("2026-02-30"), None);
        assert_eq!(IstDate::parse("26/01/2026"), None);
    }
}

//! The demo feed: a clearly labelled 24×7 session of synthetic NSE trades.
//!
//! Each symbol gets its own deterministic GBM trade stream from
//! [`sharewise_feeds::synthetic`] (32 trades a minute on average, more at the open and close),
//! starting at 09:15 IST on today's date (the next weekday at weekends) and running session after
//! session. The streams are merged in time order. Played at `demo_speed` (60 by default: a
//! simulated minute per real second) with nights and weekends skipped, a session passes in about
//! six minutes whatever the hour. These are not market prices.
//!
//! **Warm start**: the generator starts as many sessions before the live one as the slowest
//! strategy needs ([`DemoDays::with_history`]). Those sessions are the demo's [`History`]
//! ([`DemoHistory`]: the same streams, aggregated into bars), which the daemon plays to the
//! strategies at once before the live open, as a broker's historical candles will be: they can
//! trade on the first live bar, so the first orders come within seconds of starting, not after
//! the slowest indicator's warm-up.

use sharewise_engine::time::{
    days_from_civil, ist_midnight, weekday, weekdays_before, TimestampNs, IST_OFFSET_NS,
    NANOS_PER_DAY, NSE_OPEN_IST_NS,
};
use sharewise_engine::types::{Bar, InstrumentId};
use sharewise_feeds::synthetic::{demo_spec, generate_ticks, MergedTicks, SyntheticTicks};
use sharewise_feeds::{bars_from_ticks, History, HistoryError, HistoryRequest};

use super::TickStream;
use crate::error::LiveError;

/// Sessions generated ahead (the stream is lazy; this only bounds an endless run).
const DEMO_DAYS: u32 = 100_000;

/// Today's IST day number (days since 1970-01-01), from the system clock.
pub fn today_ist(now_utc_ns: i64) -> i64 {
    (now_utc_ns + IST_OFFSET_NS).div_euclid(NANOS_PER_DAY)
}

/// The first weekday on or after `day`.
fn weekday_from(mut day: i64) -> i64 {
    while weekday(day) >= 5 {
        day += 1;
    }
    day
}

/// The demo's days: a session of history to warm up on, then the live sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoDays {
    /// The IST day whose session only warms the strategies up.
    pub history: i64,
    /// The first live session's IST day.
    pub live: i64,
}

impl DemoDays {
    /// The days for a demo started on IST day `today` (a weekend starts on Monday), with one
    /// session of history.
    pub fn from_today(today: i64) -> DemoDays {
        DemoDays::with_history(today, 1)
    }

    /// The days for a demo started on IST day `today` with `sessions` weekday sessions of
    /// history before the live one (at least one).
    pub fn with_history(today: i64, sessions: u32) -> DemoDays {
        let live = weekday_from(today);
        let history = weekdays_before(live, sessions.max(1));
        DemoDays { history, live }
    }

    /// Weekday sessions from the first history day up to the live one.
    pub fn history_sessions(&self) -> u32 {
        (self.history..self.live)
            .filter(|&d| weekday(d) < 5)
            .count() as u32
    }

    /// The live session's open: ticks before it only warm the strategies up.
    pub fn live_open(&self) -> TimestampNs {
        ist_midnight(self.live) + NSE_OPEN_IST_NS
    }
}

/// The merged demo stream for `symbols` (each with its instrument id) from IST day `start_day`.
pub fn demo_ticks(
    symbols: &[(InstrumentId, String)],
    seed: u64,
    start_day: i64,
) -> Result<TickStream, LiveError> {
    let streams = symbols
        .iter()
        .map(|(id, symbol)| symbol_ticks(*id, symbol, seed, start_day))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::new(MergedTicks::new(streams).map(Ok)))
}

/// One symbol's demo trades from IST day `start_day` (the next weekday at a weekend): the same
/// stream whether it is merged with the others or read alone.
fn symbol_ticks(
    id: InstrumentId,
    symbol: &str,
    seed: u64,
    start_day: i64,
) -> Result<SyntheticTicks, LiveError> {
    let spec = demo_spec(symbol, id, seed, weekday_from(start_day), DEMO_DAYS);
    generate_ticks(&spec).map_err(|e| LiveError::Feed(e.to_string()))
}

/// The demo's [`History`]: each symbol's own demo stream from the first history session,
/// aggregated into bars — the very prices the live session then continues from.
pub struct DemoHistory {
    symbols: Vec<(InstrumentId, String)>,
    seed: u64,
    days: DemoDays,
}

impl DemoHistory {
    /// History for the demo of `symbols` with `seed` over `days`.
    pub fn new(symbols: &[(InstrumentId, String)], seed: u64, days: DemoDays) -> DemoHistory {
        DemoHistory {
            symbols: symbols.to_vec(),
            seed,
            days,
        }
    }
}

impl History for DemoHistory {
    fn describe(&self) -> String {
        format!("{} synthetic demo session(s)", self.days.history_sessions())
    }

    fn bars(&mut self, req: &HistoryRequest<'_>) -> Result<Vec<Bar>, HistoryError> {
        let unknown = || HistoryError {
            symbol: req.symbol.to_string(),
            source_name: "demo".into(),
            reason: "the demo does not generate this symbol".into(),
        };
        let (id, symbol) = self
            .symbols
            .iter()
            .find(|(_, s)| s == req.symbol)
            .ok_or_else(unknown)?;
        let ticks =
            symbol_ticks(*id, symbol, self.seed, self.days.history).map_err(|e| HistoryError {
                symbol: req.symbol.to_string(),
                source_name: "demo".into(),
                reason: e.to_string(),
            })?;
        Ok(bars_from_ticks(ticks, req))
    }
}

/// A default start day: 2026-01-05 if the clock is unreadable.
pub fn default_start_day() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| today_ist(d.as_nanos() as i64))
        .unwrap_or_else(|_| days_from_civil(2026, 1, 5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::Tick;

    #[test]
    fn the_warm_up_session_is_the_weekday_before_the_live_one() {
        let monday = days_from_civil(2026, 1, 5);
        assert_eq!(
            DemoDays::from_today(monday),
            DemoDays {
                history: monday - 3,
                live: monday
            }
        );
        assert_eq!(
            DemoDays::from_today(monday + 1),
            DemoDays {
                history: monday,
                live: monday + 1
            }
        );
        // Three sessions before a Wednesday: Tuesday, Monday and the Friday before.
        let three = DemoDays::with_history(monday + 2, 3);
        assert_eq!((three.history, three.live), (monday - 3, monday + 2));
        assert_eq!(three.history_sessions(), 3);
        // Saturday: live on Monday, warmed up on Friday.
        assert_eq!(
            DemoDays::from_today(monday - 2),
            DemoDays {
                history: monday - 3,
                live: monday
            }
        );
        assert_eq!(
            sharewise_engine::time::format_ist(DemoDays::from_today(monday).live_open()),
            "2026-01-05T09:15:00+05:30"
        );
    }

    #[test]
    fn streams_merge_in_time_order_and_repeat_exactly() {
        let symbols: Vec<(InstrumentId, String)> = ["RELIANCE", "TCS", "INFY"]
            .iter()
            .enumerate()
            .map(|(i, s)| (InstrumentId(i as u32), s.to_string()))
            .collect();
        let day = days_from_civil(2026, 11, 28); // a Saturday: starts Monday
        let a: Vec<Tick> = demo_ticks(&symbols, 7, day)
            .unwrap()
            .take(5_000)
            .map(Result::unwrap)
            .collect();
        let b: Vec<Tick> = demo_ticks(&symbols, 7, day)
            .unwrap()
            .take(5_000)
            .map(Result::unwrap)
            .collect();
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].ts <= w[1].ts));
        assert_eq!(
            sharewise_engine::time::ist_day(a[0].ts),
            days_from_civil(2026, 11, 30)
        );
        for i in 0..3 {
            assert!(a.iter().any(|t| t.instrument == InstrumentId(i)));
        }
        let tcs = a.iter().find(|t| t.instrument == InstrumentId(1)).unwrap();
        assert!(
            (3_300..3_500).contains(&(tcs.price.units() / 10_000)),
            "TCS opens near ₹3 400: {}",
            tcs.price
        );
    }
}

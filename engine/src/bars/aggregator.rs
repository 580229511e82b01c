//! Tick → bar aggregation for one instrument.

use super::builder::BarBuilder;
use super::BarInterval;
use crate::types::{Bar, Tick};

/// Counts of data that fell in no bar (see the [module docs](super) for why each is dropped).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ignored {
    /// Stamped before the 09:15 IST open (pre-open auction, overnight).
    pub before_open: u64,
    /// Stamped at or after the 15:30 IST close (closing session, after hours).
    pub after_close: u64,
    /// Older than the bar being built (its bucket was already emitted).
    pub late: u64,
}

impl Ignored {
    /// All ignored items together.
    pub const fn total(&self) -> u64 {
        self.before_open + self.after_close + self.late
    }
}

/// Builds time bars from one instrument's ticks: `push` each tick, collect the completed bars.
///
/// Open is the first tick of the bucket, close the last, volume the sum of quantities; a bucket
/// with no ticks produces no bar. No allocation per tick.
#[derive(Clone, Debug)]
pub struct BarAggregator {
    inner: BarBuilder,
}

impl BarAggregator {
    /// An aggregator producing `interval` bars.
    pub const fn new(interval: BarInterval) -> BarAggregator {
        BarAggregator {
            inner: BarBuilder::new(interval),
        }
    }

    /// The interval of the bars produced.
    pub const fn interval(&self) -> BarInterval {
        self.inner.interval
    }

    /// Adds a tick; returns the previous bar when this tick opens a new bucket.
    #[inline]
    pub fn push(&mut self, tick: Tick) -> Option<Bar> {
        self.inner.add(
            tick.ts, tick.price, tick.price, tick.price, tick.price, tick.qty,
        )
    }

    /// Returns the bar in progress (if any) and starts afresh; call at the end of the data.
    pub fn flush(&mut self) -> Option<Bar> {
        self.inner.current.take()
    }

    /// The bar in progress, not yet complete.
    pub fn current(&self) -> Option<&Bar> {
        self.inner.current.as_ref()
    }

    /// What was ignored so far.
    pub const fn ignored(&self) -> Ignored {
        self.inner.ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{
        days_from_civil, ist_midnight, TimestampNs, NANOS_PER_MINUTE, NANOS_PER_SEC,
    };
    use crate::types::{InstrumentId, Price};

    const MON: i64 = 20_458; // 2026-01-05
    fn ist(day: i64, h: i64, m: i64, s: i64) -> TimestampNs {
        ist_midnight(day) + (h * 60 + m) * NANOS_PER_MINUTE + s * NANOS_PER_SEC
    }
    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn tick(ts: TimestampNs, price: &str, qty: i64) -> Tick {
        Tick {
            ts,
            instrument: InstrumentId(7),
            price: p(price),
            qty,
        }
    }
    fn bar(ts: TimestampNs, o: &str, h: &str, l: &str, c: &str, v: i64) -> Bar {
        Bar {
            ts,
            open: p(o),
            high: p(h),
            low: p(l),
            close: p(c),
            volume: v,
        }
    }
    fn run(interval: BarInterval, ticks: &[Tick]) -> (Vec<Bar>, Ignored) {
        let mut agg = BarAggregator::new(interval);
        let mut out: Vec<Bar> = ticks.iter().filter_map(|t| agg.push(*t)).collect();
        out.extend(agg.flush());
        (out, agg.ignored())
    }

    #[test]
    fn day_number_constant_is_monday_2026_01_05() {
        assert_eq!(days_from_civil(2026, 1, 5), MON);
    }

    #[test]
    fn one_minute_bars_fold_ohlcv() {
        let ticks = [
            tick(ist(MON, 9, 15, 0), "100.00", 5),
            tick(ist(MON, 9, 15, 20), "101.00", 3),
            tick(ist(MON, 9, 15, 40), "99.50", 2),
            tick(ist(MON, 9, 15, 59), "100.50", 1),
            tick(ist(MON, 9, 17, 1), "100.55", 4), // 09:16 had no trades: no bar
        ];
        let (bars, ignored) = run(BarInterval::M1, &ticks);
        assert_eq!(
            bars,
            vec![
                bar(
                    ist(MON, 9, 15, 0),
                    "100.00",
                    "101.00",
                    "99.50",
                    "100.50",
                    11
                ),
                bar(
                    ist(MON, 9, 17, 0),
                    "100.55",
                    "100.55",
                    "100.55",
                    "100.55",
                    4
                ),
            ]
        );
        assert_eq!(ignored, Ignored::default());
    }

    #[test]
    fn hourly_buckets_cut_at_the_partial_last_hour_and_the_day_change() {
        let tue = MON + 1;
        let ticks = [
            tick(ist(MON, 14, 15, 0), "200.00", 1),
            tick(ist(MON, 15, 14, 59), "201.00", 1),
            tick(ist(MON, 15, 15, 0), "202.00", 2), // 15:15–15:30 partial hour
            tick(ist(MON, 15, 29, 59), "199.00", 3),
            tick(ist(MON, 15, 30, 0), "250.00", 9), // closing session: ignored
            tick(ist(tue, 9, 10, 0), "150.00", 9),  // pre-open: ignored
            tick(ist(tue, 9, 15, 0), "203.00", 4),
            tick(ist(tue, 10, 14, 0), "204.00", 1),
        ];
        let (bars, ignored) = run(BarInterval::H1, &ticks);
        assert_eq!(
            bars,
            vec![
                bar(
                    ist(MON, 14, 15, 0),
                    "200.00",
                    "201.00",
                    "200.00",
                    "201.00",
                    2
                ),
                bar(
                    ist(MON, 15, 15, 0),
                    "202.00",
                    "202.00",
                    "199.00",
                    "199.00",
                    5
                ),
                bar(
                    ist(tue, 9, 15, 0),
                    "203.00",
                    "204.00",
                    "203.00",
                    "204.00",
                    5
                ),
            ]
        );
        assert_eq!(
            ignored,
            Ignored {
                before_open: 1,
                after_close: 1,
                late: 0
            }
        );
    }

    #[test]
    fn daily_bucket_is_one_bar_per_ist_day_stamped_at_the_open() {
        let tue = MON + 1;
        let ticks = [
            tick(ist(MON, 9, 15, 0), "10.00", 1),
            tick(ist(MON, 12, 0, 0), "12.00", 1),
            tick(ist(MON, 15, 29, 0), "11.00", 1),
            tick(ist(tue, 9, 30, 0), "11.50", 2),
        ];
        let (bars, _) = run(BarInterval::D1, &ticks);
        assert_eq!(
            bars,
            vec![
                bar(ist(MON, 9, 15, 0), "10.00", "12.00", "10.00", "11.00", 3),
                bar(ist(tue, 9, 15, 0), "11.50", "11.50", "11.50", "11.50", 2),
            ]
        );
    }

    #[test]
    fn five_and_fifteen_minute_alignment() {
        let ticks = [
            tick(ist(MON, 9, 19, 59), "1.00", 1),
            tick(ist(MON, 9, 20, 0), "2.00", 1),
            tick(ist(MON, 9, 29, 59), "3.00", 1),
            tick(ist(MON, 9, 30, 0), "4.00", 1),
        ];
        let (five, _) = run(BarInterval::M5, &ticks);
        let starts: Vec<_> = five.iter().map(|b| b.ts).collect();
        assert_eq!(
            starts,
            vec![
                ist(MON, 9, 15, 0),
                ist(MON, 9, 20, 0),
                ist(MON, 9, 25, 0),
                ist(MON, 9, 30, 0)
            ]
        );
        let (fifteen, _) = run(BarInterval::M15, &ticks);
        assert_eq!(
            fifteen,
            vec![
                bar(ist(MON, 9, 15, 0), "1.00", "3.00", "1.00", "3.00", 3),
                bar(ist(MON, 9, 30, 0), "4.00", "4.00", "4.00", "4.00", 1)
            ]
        );
    }

    #[test]
    fn late_ticks_are_counted_not_folded() {
        let ticks = [
            tick(ist(MON, 9, 16, 0), "5.00", 1),
            tick(ist(MON, 9, 15, 30), "9.00", 1),
        ];
        let mut agg = BarAggregator::new(BarInterval::M1);
        assert_eq!(agg.push(ticks[0]), None);
        assert_eq!(agg.push(ticks[1]), None);
        assert_eq!(
            agg.ignored(),
            Ignored {
                before_open: 0,
                after_close: 0,
                late: 1
            }
        );
        assert_eq!(agg.ignored().total(), 1);
        assert_eq!(agg.current().map(|b| b.high), Some(p("5.00")));
        assert_eq!(
            agg.flush(),
            Some(bar(ist(MON, 9, 16, 0), "5.00", "5.00", "5.00", "5.00", 1))
        );
        assert_eq!(agg.flush(), None);
    }
}

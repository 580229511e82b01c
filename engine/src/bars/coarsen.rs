//! Finer bars → coarser bars (1m → 5m, 15m, 1h, 1d) with the session alignment of [`BarInterval`].

use super::builder::BarBuilder;
use super::{BarInterval, Ignored};
use crate::types::Bar;

/// Folds finer bars into `interval` bars: `push` each bar in time order, then `flush`.
///
/// Input bars are placed by their `ts` (open time), so they must be finer than `interval` and
/// aligned to the 09:15 grid — as [`super::BarAggregator`]'s output and exchange 1m candles are.
#[derive(Clone, Debug)]
pub struct BarCoarsener {
    inner: BarBuilder,
}

impl BarCoarsener {
    /// A coarsener producing `interval` bars.
    pub const fn new(interval: BarInterval) -> BarCoarsener {
        BarCoarsener {
            inner: BarBuilder::new(interval),
        }
    }

    /// The interval of the bars produced.
    pub const fn interval(&self) -> BarInterval {
        self.inner.interval
    }

    /// Adds a finer bar; returns the previous coarse bar when this one opens a new bucket.
    #[inline]
    pub fn push(&mut self, bar: Bar) -> Option<Bar> {
        self.inner
            .add(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume)
    }

    /// Returns the coarse bar in progress (if any) and starts afresh.
    pub fn flush(&mut self) -> Option<Bar> {
        self.inner.current.take()
    }

    /// What was ignored so far (bars outside the session, late bars).
    pub const fn ignored(&self) -> Ignored {
        self.inner.ignored
    }
}

/// Iterator adapter returned by [`coarsen`].
#[derive(Clone, Debug)]
pub struct Coarsen<I> {
    bars: I,
    coarsener: BarCoarsener,
    done: bool,
}

/// Turns an iterator of finer bars into `interval` bars, lazily.
pub fn coarsen<I: IntoIterator<Item = Bar>>(
    bars: I,
    interval: BarInterval,
) -> Coarsen<I::IntoIter> {
    Coarsen {
        bars: bars.into_iter(),
        coarsener: BarCoarsener::new(interval),
        done: false,
    }
}

impl<I> Coarsen<I> {
    /// What was ignored so far.
    pub const fn ignored(&self) -> Ignored {
        self.coarsener.ignored()
    }
}

impl<I: Iterator<Item = Bar>> Iterator for Coarsen<I> {
    type Item = Bar;

    fn next(&mut self) -> Option<Bar> {
        if self.done {
            return None;
        }
        for bar in self.bars.by_ref() {
            if let Some(done) = self.coarsener.push(bar) {
                return Some(done);
            }
        }
        self.done = true;
        self.coarsener.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bars::BarAggregator;
    use crate::time::{ist_midnight, TimestampNs, NANOS_PER_MINUTE};
    use crate::types::{InstrumentId, Price, Tick};

    const MON: i64 = 20_458; // 2026-01-05
    fn ist(day: i64, h: i64, m: i64) -> TimestampNs {
        ist_midnight(day) + (h * 60 + m) * NANOS_PER_MINUTE
    }
    fn minute_bar(ts: TimestampNs, base: i64, volume: i64) -> Bar {
        Bar {
            ts,
            open: Price(base),
            high: Price(base + 500),
            low: Price(base - 500),
            close: Price(base + 100),
            volume,
        }
    }

    /// Two full sessions of 1m bars with a drifting price.
    fn two_days() -> Vec<Bar> {
        let mut out = Vec::new();
        for day in [MON, MON + 1] {
            for m in 0..375 {
                let ts = ist(day, 9, 15) + m * NANOS_PER_MINUTE;
                out.push(minute_bar(
                    ts,
                    1_000_000 + (day - MON) * 50_000 + m * 100,
                    10 + m,
                ));
            }
        }
        out
    }

    #[test]
    fn one_minute_to_five_minute_bars() {
        let bars = two_days();
        let five: Vec<Bar> = coarsen(bars.iter().copied(), BarInterval::M5).collect();
        assert_eq!(five.len(), 2 * 75);
        assert_eq!(
            five[0],
            Bar {
                ts: ist(MON, 9, 15),
                open: Price(1_000_000),
                high: Price(1_000_900),
                low: Price(999_500),
                close: Price(1_000_500),
                volume: 10 + 11 + 12 + 13 + 14
            }
        );
        assert_eq!(five[75].ts, ist(MON + 1, 9, 15));
    }

    #[test]
    fn hourly_has_a_partial_last_bucket_and_daily_one_bar_per_day() {
        let bars = two_days();
        let hours: Vec<Bar> = coarsen(bars.iter().copied(), BarInterval::H1).collect();
        assert_eq!(hours.len(), 2 * 7);
        assert_eq!(hours[6].ts, ist(MON, 15, 15));
        assert_eq!(hours[6].volume, (360..375).map(|m| 10 + m).sum::<i64>());
        assert_eq!(hours[6].close, bars[374].close);
        let days: Vec<Bar> = coarsen(bars.iter().copied(), BarInterval::D1).collect();
        assert_eq!(days.len(), 2);
        assert_eq!(days[1].ts, ist(MON + 1, 9, 15));
        assert_eq!(
            (days[1].open, days[1].close),
            (bars[375].open, bars[749].close)
        );
        assert_eq!(days[1].high, bars[749].high);
        assert_eq!(days[1].low, bars[375].low);
    }

    #[test]
    fn coarsening_one_minute_bars_equals_aggregating_the_ticks_directly() {
        let ticks: Vec<Tick> = (0..2 * 375 * 3)
            .map(|i| Tick {
                ts: ist(MON + i / (375 * 3), 9, 15) + (i % (375 * 3)) * 20_000_000_000,
                instrument: InstrumentId(0),
                price: Price(1_000_000 + (i * 7919 % 1000) * 500),
                qty: 1 + i % 5,
            })
            .collect();
        let aggregate = |interval| {
            let mut agg = BarAggregator::new(interval);
            let mut out: Vec<Bar> = ticks.iter().filter_map(|t| agg.push(*t)).collect();
            out.extend(agg.flush());
            out
        };
        let minutes = aggregate(BarInterval::M1);
        for interval in [
            BarInterval::M5,
            BarInterval::M15,
            BarInterval::H1,
            BarInterval::D1,
        ] {
            let coarse: Vec<Bar> = coarsen(minutes.iter().copied(), interval).collect();
            assert_eq!(coarse, aggregate(interval), "{interval}");
        }
    }

    #[test]
    fn out_of_session_bars_are_counted() {
        let bars = [
            minute_bar(ist(MON, 9, 0), 100, 1),
            minute_bar(ist(MON, 9, 15), 100, 1),
            minute_bar(ist(MON, 15, 30), 100, 1),
        ];
        let mut it = coarsen(bars, BarInterval::M5);
        assert_eq!(it.next().map(|b| b.ts), Some(ist(MON, 9, 15)));
        assert_eq!(it.next(), None);
        assert_eq!(
            it.ignored(),
            Ignored {
                before_open: 1,
                after_close: 1,
                late: 0
            }
        );
    }
}

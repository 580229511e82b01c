//! The bucket-folding core shared by [`super::BarAggregator`] (ticks) and [`super::BarCoarsener`]
//! (bars): one bar in progress, emitted when data for a later bucket arrives.

use std::cmp::Ordering;

use super::{BarInterval, Ignored};
use crate::time::TimestampNs;
use crate::types::{Bar, Price};

/// One bar being built plus the counters of what was ignored.
#[derive(Clone, Debug)]
pub(crate) struct BarBuilder {
    pub(crate) interval: BarInterval,
    pub(crate) current: Option<Bar>,
    pub(crate) ignored: Ignored,
}

impl BarBuilder {
    pub(crate) const fn new(interval: BarInterval) -> BarBuilder {
        BarBuilder {
            interval,
            current: None,
            ignored: Ignored {
                before_open: 0,
                after_close: 0,
                late: 0,
            },
        }
    }

    /// Folds a piece of data stamped `ts` into its bucket; returns the previous bar when `ts`
    /// opens a new bucket.
    #[inline]
    pub(crate) fn add(
        &mut self,
        ts: TimestampNs,
        open: Price,
        high: Price,
        low: Price,
        close: Price,
        volume: i64,
    ) -> Option<Bar> {
        let Some(start) = self.interval.bucket_start(ts) else {
            match BarInterval::session_side(ts) {
                Ordering::Less => self.ignored.before_open += 1,
                _ => self.ignored.after_close += 1,
            }
            return None;
        };
        let fresh = Bar {
            ts: start,
            open,
            high,
            low,
            close,
            volume,
        };
        match &mut self.current {
            Some(cur) if cur.ts == start => {
                cur.high = cur.high.max(high);
                cur.low = cur.low.min(low);
                cur.close = close;
                cur.volume += volume;
                None
            }
            Some(cur) if start < cur.ts => {
                self.ignored.late += 1;
                None
            }
            Some(cur) => Some(std::mem::replace(cur, fresh)),
            None => {
                self.current = Some(fresh);
                None
            }
        }
    }
}

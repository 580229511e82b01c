//! The state every candlestick detector keeps: its last few candles, TA-Lib's trailing averages
//! and the lookback count. A pattern file supplies only its settings and its rule.

use super::average::TrailingAverage;
use super::recent::Recent;
use super::settings::CandleSetting;
use crate::indicators::Candle;

/// The last `N` candles plus `A` trailing averages, judged by a pattern's rule once warmed up.
///
/// Each average is `(setting, offset)`: the setting averaged over the candles before the candle
/// `offset` bars before the newest (0 = the newest, 1 = the one before it, …).
#[derive(Clone, Debug)]
pub(crate) struct CandleCore<const N: usize, const A: usize> {
    recent: Recent<N>,
    averages: [TrailingAverage; A],
    lookback: usize,
    seen: usize,
}

impl<const N: usize, const A: usize> CandleCore<N, A> {
    /// A core with TA-Lib's usual lookback: the longest averaging period plus `N − 1`.
    pub fn new(averages: [(CandleSetting, usize); A]) -> CandleCore<N, A> {
        let longest = averages
            .iter()
            .map(|(setting, _)| setting.avg_period)
            .max()
            .unwrap_or(0);
        CandleCore::with_lookback(longest + N - 1, averages)
    }

    /// A core whose first output is at bar index `lookback`.
    pub fn with_lookback(
        lookback: usize,
        averages: [(CandleSetting, usize); A],
    ) -> CandleCore<N, A> {
        CandleCore {
            recent: Recent::new(),
            averages: averages
                .map(|(setting, offset)| TrailingAverage::new(setting, lookback, offset)),
            lookback,
            seen: 0,
        }
    }

    /// Adds `candle`; once ready, asks `judge` about the last `N` candles (oldest first) and the
    /// averages (in construction order), else gives 0. Then feeds the averages.
    #[inline]
    pub fn next(
        &mut self,
        candle: &Candle,
        judge: impl FnOnce([&Candle; N], &[TrailingAverage; A]) -> i32,
    ) -> i32 {
        self.recent.push(*candle);
        self.seen = self.seen.saturating_add(1);
        let mut out = 0;
        if let (true, Some(mut bars)) = (self.is_ready(), self.recent.all()) {
            // The newest is `candle` itself: reading it from the argument spares a reload from the ring.
            if let Some(newest) = bars.last_mut() {
                *newest = candle;
            }
            out = judge(bars, &self.averages);
        }
        for average in &mut self.averages {
            average.feed(&self.recent);
        }
        out
    }

    /// Whether the last `next` could judge a pattern.
    pub fn is_ready(&self) -> bool {
        self.seen > self.lookback
    }

    /// Forgets all candles and sums.
    pub fn reset(&mut self) {
        self.recent.clear();
        for average in &mut self.averages {
            average.reset();
        }
        self.seen = 0;
    }

    /// Index of the first bar that can produce output.
    pub fn lookback(&self) -> usize {
        self.lookback
    }
}

/// `impl Detector for $pattern`, forwarding to the pattern's `core` field (a [`CandleCore`] or a
/// core built on one): `next` calls `self.core.next(candle, $judge…)`, the rest forward as they are.
macro_rules! detector_via_core {
    ($pattern:ty, $($judge:expr),+ $(,)?) => {
        impl $crate::patterns::Detector for $pattern {
            fn next(&mut self, candle: &$crate::indicators::Candle) -> i32 {
                self.core.next(candle, $($judge),+)
            }

            fn is_ready(&self) -> bool {
                self.core.is_ready()
            }

            fn reset(&mut self) {
                self.core.reset();
            }

            fn lookback(&self) -> usize {
                self.core.lookback()
            }
        }
    };
}

pub(crate) use detector_via_core;

//! Warm start: the bars a feed's [`History`] gives for each instrument, turned into the ticks
//! the strategies see before the live feed begins.
//!
//! Each bar becomes its four replay ticks ([`replay::bar_ticks`], or the daily spread for `1d`),
//! which the strategies aggregate back into exactly that bar. The ticks of all instruments are
//! merged in time order and played before the first live tick, stamped before the live start, so
//! the feed driver treats them as warm-up: the strategies see them, the broker and the risk gate
//! do not, and their queueing is not timed.

use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_feeds::{History, HistoryRequest};

use super::replay;
use crate::error::LiveError;

/// What [`history_ticks`] gathered.
pub struct WarmUp {
    /// The ticks, in time order.
    pub ticks: Vec<Tick>,
    /// Bars the history gave, all instruments together.
    pub bars: usize,
}

/// The last `count` bars of every instrument in `instruments` that closed by `until`, from
/// `history`, as warm-up ticks in time order.
pub fn history_ticks(
    history: &mut dyn History,
    instruments: &[(InstrumentId, String)],
    interval: BarInterval,
    until: TimestampNs,
    count: usize,
) -> Result<WarmUp, LiveError> {
    let mut ticks = Vec::new();
    let mut bars = 0;
    for (id, symbol) in instruments {
        let request = HistoryRequest {
            symbol,
            interval,
            until,
            count,
        };
        let got = history
            .bars(&request)
            .map_err(|e| LiveError::Feed(format!("cannot warm the strategies up: {e}")))?;
        bars += got.len();
        for bar in &got {
            let four = if interval == BarInterval::D1 {
                replay::daily_bar_ticks(*id, bar)
            } else {
                replay::bar_ticks(*id, bar)
            };
            ticks.extend(four);
        }
    }
    // Stable: an instrument's own ticks keep their order; ties go to the lower instrument id.
    ticks.sort_by_key(|t| (t.ts, t.instrument.0));
    Ok(WarmUp { ticks, bars })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::demo::{demo_ticks, DemoDays, DemoHistory};
    use sharewise_engine::bars::BarAggregator;
    use sharewise_engine::time::days_from_civil;
    use sharewise_feeds::bars_from_ticks;

    #[test]
    fn the_demo_history_is_the_demo_streams_own_past_and_plays_back_as_its_bars() {
        let ids = vec![
            (InstrumentId(0), "INFY".to_string()),
            (InstrumentId(1), "TCS".to_string()),
        ];
        let wednesday = days_from_civil(2026, 1, 7);
        let days = DemoDays::with_history(wednesday, 2);
        let until = days.live_open();
        let mut history = DemoHistory::new(&ids, 7, days);
        let warm = history_ticks(&mut history, &ids, BarInterval::M5, until, 100).unwrap();
        assert_eq!(
            warm.bars, 200,
            "two sessions hold 150 5m bars a symbol; 100 asked"
        );
        assert!(warm.ticks.windows(2).all(|w| w[0].ts <= w[1].ts));
        assert!(warm.ticks.iter().all(|t| t.ts < until));

        for (id, symbol) in &ids {
            // The merged demo stream's ticks of this symbol before the live open, as bars.
            let stream = demo_ticks(&ids, 7, days.history)
                .unwrap()
                .map(|t| t.unwrap())
                .filter(|t| t.instrument == *id);
            let request = HistoryRequest {
                symbol,
                interval: BarInterval::M5,
                until,
                count: 100,
            };
            let from_stream = bars_from_ticks(stream, &request);
            // The warm-up ticks aggregate back into exactly those bars.
            let mut aggregator = BarAggregator::new(BarInterval::M5);
            let mut replayed: Vec<_> = warm
                .ticks
                .iter()
                .filter(|t| t.instrument == *id)
                .filter_map(|t| aggregator.push(*t))
                .collect();
            replayed.extend(aggregator.flush());
            assert_eq!(replayed, from_stream, "{symbol}");
            assert_eq!(replayed.len(), 100);
        }

        let unknown = HistoryRequest {
            symbol: "NOPE",
            interval: BarInterval::M5,
            until,
            count: 10,
        };
        let err = history.bars(&unknown).unwrap_err();
        assert!(
            err.to_string().contains("history of NOPE from demo"),
            "{err}"
        );
    }
}

//! History for warm starts: an instrument's bars before the live feed begins, from wherever its
//! feed gets them.
//!
//! A strategy trades on its first live bar only if its indicators have already seen enough bars.
//! At start the daemon asks the feed's [`History`] for each instrument's last bars before the live
//! start and plays them to the strategies only (no order, no fill). The demo synthesises them from
//! the same generator and seed as its live ticks ([`bars_from_ticks`] over the sessions before
//! the live one); a broker's adapter calls its historical-candles API (Kite's
//! `/instruments/historical/{token}/{interval}`, Upstox's and AliceBlue's equivalents).

use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Bar, Tick};

/// Why a history source could not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("history of {symbol} from {source_name}: {reason}")]
pub struct HistoryError {
    /// The instrument asked for.
    pub symbol: String,
    /// The source, e.g. `demo`, `kite`.
    pub source_name: String,
    /// What went wrong, in words that say what to do.
    pub reason: String,
}

/// What the daemon asks a [`History`] for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryRequest<'a> {
    /// The instrument's symbol, e.g. `INFY`.
    pub symbol: &'a str,
    /// The bars' interval (the strategies').
    pub interval: BarInterval,
    /// Only bars that have closed by this time (the live start).
    pub until: TimestampNs,
    /// At most this many bars: the most recent ones.
    pub count: usize,
}

/// A source of bars from before the live start, one instrument at a time.
pub trait History: Send {
    /// Where the bars come from, for the start-up message (e.g. `demo sessions`).
    fn describe(&self) -> String;

    /// Up to `req.count` of `req.symbol`'s most recent `req.interval` bars that closed by
    /// `req.until`, oldest first. Fewer (even none) when the source has fewer; an error when it
    /// cannot be asked.
    fn bars(&mut self, req: &HistoryRequest<'_>) -> Result<Vec<Bar>, HistoryError>;
}

/// The last `req.count` bars of `req.interval` that `ticks` (one instrument, in time order) make
/// and that closed by `req.until`; ticks at or after `until` are not read.
pub fn bars_from_ticks(
    ticks: impl IntoIterator<Item = Tick>,
    req: &HistoryRequest<'_>,
) -> Vec<Bar> {
    let mut aggregator = BarAggregator::new(req.interval);
    let mut bars = std::collections::VecDeque::with_capacity(req.count.min(4096) + 1);
    let mut keep = |bar: Bar| {
        bars.push_back(bar);
        if bars.len() > req.count {
            bars.pop_front();
        }
    };
    for tick in ticks.into_iter().take_while(|t| t.ts < req.until) {
        if let Some(bar) = aggregator.push(tick) {
            keep(bar);
        }
    }
    // The bar in progress at `until` is complete only if its bucket has ended by then.
    if let Some(bar) = aggregator.flush() {
        if req.interval.bucket_end(bar.ts) <= req.until {
            keep(bar);
        }
    }
    bars.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::{
        days_from_civil, ist_midnight, NANOS_PER_MINUTE, NSE_OPEN_IST_NS,
    };
    use sharewise_engine::types::{InstrumentId, Price};

    fn tick(ts: TimestampNs, rupees: i64) -> Tick {
        Tick {
            ts,
            instrument: InstrumentId(0),
            price: Price::from_rupees_paise(rupees, 0),
            qty: 1,
        }
    }

    #[test]
    fn only_bars_closed_by_the_live_start_and_only_the_last_few() {
        let open = ist_midnight(days_from_civil(2026, 1, 5)) + NSE_OPEN_IST_NS;
        // A tick every 20 s for 10 minutes: ten 1-minute bars.
        let ticks: Vec<Tick> = (0..30)
            .map(|k| tick(open + k * 20_000_000_000, 100 + k))
            .collect();
        let req = |until, count| HistoryRequest {
            symbol: "INFY",
            interval: BarInterval::M1,
            until,
            count,
        };
        let all = bars_from_ticks(ticks.clone(), &req(open + 10 * NANOS_PER_MINUTE, 100));
        assert_eq!(all.len(), 10);
        assert_eq!(all[0].ts, open);
        assert_eq!(all[9].close, Price::from_rupees_paise(129, 0));

        let last3 = bars_from_ticks(ticks.clone(), &req(open + 10 * NANOS_PER_MINUTE, 3));
        assert_eq!(last3, all[7..].to_vec());

        // Live from 09:19:30: the 09:19 bar is still open then and is not history.
        let until = open + 4 * NANOS_PER_MINUTE + 30_000_000_000;
        let early = bars_from_ticks(ticks, &req(until, 100));
        assert_eq!(early, all[..4].to_vec());
    }
}

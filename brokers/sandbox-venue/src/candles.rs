//! Candles of an instrument's own price path: the path is regenerated for the asked instrument
//! (same seed, same trades) and aggregated into bars; only bars that closed by the sandbox's
//! current simulated time are given — no candle from the future. Each broker's sandbox writes
//! them in its broker's shape.

use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::Bar;

use crate::market::{instrument_path, Listed};

/// The `interval` bars of instrument `k` (path from `first_day` with `seed`) that start in
/// `[from, to]` and closed by `now`, oldest first.
pub fn bars(
    listing: &[Listed],
    k: usize,
    (seed, first_day): (u64, i64),
    interval: BarInterval,
    (from, to): (TimestampNs, TimestampNs),
    now: TimestampNs,
) -> Result<Vec<Bar>, String> {
    let ticks = instrument_path(listing, k, seed, first_day)?;
    let mut aggregator = BarAggregator::new(interval);
    let mut out = Vec::new();
    let mut keep = |bar: Bar| {
        let end = interval.bucket_end(bar.ts);
        if bar.ts >= from && bar.ts <= to && end <= now {
            out.push(bar);
        }
    };
    for tick in ticks.take_while(|t| t.ts < now.min(to.saturating_add(interval.len_ns()))) {
        if let Some(bar) = aggregator.push(tick) {
            keep(bar);
        }
    }
    if let Some(bar) = aggregator.flush() {
        keep(bar);
    }
    Ok(out)
}

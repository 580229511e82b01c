//! Replaying a recorded CSV: ticks (`ts,price,qty`) as they are, bars
//! (`ts,open,high,low,close,volume`) as four ticks each.
//!
//! A bar becomes open, then the extreme nearer the open's direction of travel (low first for an
//! up bar, high first for a down bar), the other extreme, then close, one second apart from the
//! bar's time, with its volume split across them. Aggregated again at the file's interval they
//! give back the same bar, so the strategies see exactly the bars a backtest of the same file
//! shows them, and the paper broker fills a market order decided on a bar's close at the next
//! bar's open — the backtester's rule.

use std::path::Path;

use sharewise_engine::time::NANOS_PER_SEC;
use sharewise_engine::types::{Bar, InstrumentId, Tick};
use sharewise_feeds::{is_tick_csv, BarReader, ReadOptions, TickReader};

use super::TickStream;
use crate::error::LiveError;

/// The trading symbol a replay file stands for: the file name up to its first `_` or `.`
/// (`RELIANCE_1m.csv` → `RELIANCE`), upper-cased.
pub fn symbol_of(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.split(['_', '.']).next().unwrap_or("REPLAY").to_ascii_uppercase()
}

/// Opens `path` as ticks of `instrument` (bar files are expanded, see the module docs).
pub fn open(path: &Path, instrument: InstrumentId) -> Result<TickStream, LiveError> {
    let feed_err = |e: sharewise_feeds::FeedError| LiveError::Feed(e.to_string());
    if is_tick_csv(path).map_err(feed_err)? {
        let reader = TickReader::open(path, instrument, ReadOptions::STRICT).map_err(feed_err)?;
        Ok(Box::new(reader.map(move |t| t.map_err(feed_err))))
    } else {
        let reader = BarReader::open(path, ReadOptions::STRICT).map_err(feed_err)?;
        Ok(Box::new(reader.flat_map(move |bar| -> Vec<Result<Tick, LiveError>> {
            match bar {
                Ok(bar) => bar_ticks(instrument, &bar).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(feed_err(e))],
            }
        })))
    }
}

/// The four ticks standing for `bar`.
pub fn bar_ticks(instrument: InstrumentId, bar: &Bar) -> [Tick; 4] {
    let (first, second) = if bar.close >= bar.open { (bar.low, bar.high) } else { (bar.high, bar.low) };
    let q = bar.volume / 4;
    let prices = [(bar.open, q), (first, q), (second, q), (bar.close, bar.volume - 3 * q)];
    let mut ticks = [Tick { ts: bar.ts, instrument, price: bar.open, qty: 0 }; 4];
    for (k, (price, qty)) in prices.into_iter().enumerate() {
        ticks[k] = Tick { ts: bar.ts + k as i64 * NANOS_PER_SEC, instrument, price, qty };
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::bars::{BarAggregator, BarInterval};
    use sharewise_engine::types::Price;

    #[test]
    fn bar_ticks_aggregate_back_to_the_bar() {
        let ts = 1_767_584_700_000_000_000; // 2026-01-05 09:15 IST
        let p = |s| Price::parse(s).unwrap();
        for bar in [
            Bar { ts, open: p("100"), high: p("103"), low: p("99"), close: p("102"), volume: 1001 },
            Bar { ts, open: p("100"), high: p("101"), low: p("97"), close: p("98"), volume: 3 },
        ] {
            let mut agg = BarAggregator::new(BarInterval::M1);
            for t in bar_ticks(InstrumentId(0), &bar) {
                assert_eq!(agg.push(t), None);
            }
            assert_eq!(agg.flush(), Some(bar));
        }
    }

    #[test]
    fn symbols_come_from_file_names() {
        assert_eq!(symbol_of(Path::new("data/RELIANCE_1m.csv")), "RELIANCE");
        assert_eq!(symbol_of(Path::new("infy.csv")), "INFY");
    }
}

//! The sandbox's market: the instruments it lists and a synthetic price path that moves them.
//!
//! Each listed share carries what every broker names it by: the NSE symbol, its ISIN (Upstox's
//! instrument key is `NSE_EQ|<ISIN>`), the exchange token, and Kite's instrument token derived from
//! it (`exchange_token × 256 + segment`, segment 1 = NSE). The price path is the demo's generator
//! (seeded GBM trades, NSE sessions) played on a simulated clock `speed` times faster than the
//! wall clock ([`play`]). The generator starts `history_sessions` sessions before the live day:
//! those sessions are the instruments' history (their candles, the previous close), played at
//! once before the live open.

use sharewise_engine::types::{Instrument, InstrumentId, Tick};
use sharewise_feeds::synthetic::{demo_spec, generate_ticks, MergedTicks, SyntheticTicks};

/// One listed instrument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// NSE trading symbol.
    pub symbol: String,
    /// The share's ISIN.
    pub isin: String,
    /// The exchange's token.
    pub exchange_token: u32,
    /// Kite's instrument token (`exchange_token × 256 + 1` for NSE).
    pub token: u32,
}

impl Listed {
    /// An NSE share with Kite's token derived from its exchange token.
    pub fn nse(symbol: &str, isin: &str, exchange_token: u32) -> Listed {
        Listed {
            symbol: symbol.to_string(),
            isin: isin.to_string(),
            exchange_token,
            token: exchange_token * 256 + 1,
        }
    }
}

/// The default listing: ten large NSE shares with their real ISINs and exchange tokens, priced
/// from the demo's start prices.
pub fn default_listing() -> Vec<Listed> {
    [
        ("RELIANCE", "INE002A01018", 2885),
        ("TCS", "INE467B01029", 11536),
        ("HDFCBANK", "INE040A01034", 1333),
        ("INFY", "INE009A01021", 1594),
        ("ICICIBANK", "INE090A01021", 4963),
        ("SBIN", "INE062A01020", 3045),
        ("BHARTIARTL", "INE397D01024", 10604),
        ("ITC", "INE154A01025", 1660),
        ("LT", "INE018A01030", 11483),
        ("AXISBANK", "INE238A01034", 5900),
    ]
    .into_iter()
    .map(|(symbol, isin, exchange_token)| Listed::nse(symbol, isin, exchange_token))
    .collect()
}

/// The engine instruments the paper venue trades, id = position in `listing`.
pub fn instruments(listing: &[Listed]) -> Vec<Instrument> {
    listing
        .iter()
        .enumerate()
        .map(|(k, l)| Instrument::nse_equity(k as u32, &l.symbol))
        .collect()
}

/// Sessions generated ahead (the stream is lazy; this bounds an endless run).
const DAYS: u32 = 10_000;

/// Instrument `k`'s synthetic trades alone from IST day `start_day`: the same trades the merged
/// path carries for it.
pub fn instrument_path(
    listing: &[Listed],
    k: usize,
    seed: u64,
    start_day: i64,
) -> Result<SyntheticTicks, String> {
    let spec = demo_spec(
        &listing[k].symbol,
        InstrumentId(k as u32),
        seed,
        start_day,
        DAYS,
    );
    generate_ticks(&spec).map_err(|e| e.to_string())
}

/// Every listed instrument's synthetic trades from IST day `start_day` with `seed`, merged in
/// time order; instrument id = position in `listing`.
pub fn price_path(listing: &[Listed], seed: u64, start_day: i64) -> Result<MergedTicks, String> {
    let streams = (0..listing.len())
        .map(|k| instrument_path(listing, k, seed, start_day))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MergedTicks::new(streams))
}

/// Simulated time skipped at once: nights and weekends pass in a moment.
const MAX_GAP_NS: i64 = 60 * 1_000_000_000;

/// Plays `path`: the trades before `live_open` at once into `history`, then from the live open
/// on into `live` at `speed` simulated seconds per wall-clock second, forever (until the task is
/// aborted).
pub async fn play(
    path: MergedTicks,
    live_open: i64,
    speed: f64,
    mut history: impl FnMut(&Tick),
    mut live: impl FnMut(&Tick),
) {
    let speed = speed.max(0.001);
    let mut start = None;
    let mut simulated_ns: f64 = 0.0;
    let mut last_ts: Option<i64> = None;
    for (k, tick) in path.enumerate() {
        if k % 256 == 255 {
            // A path running behind (or at a huge speed) still lets the server answer.
            tokio::task::yield_now().await;
        }
        if tick.ts < live_open {
            history(&tick);
            continue;
        }
        let start = *start.get_or_insert_with(tokio::time::Instant::now);
        if let Some(last) = last_ts {
            simulated_ns += (tick.ts - last).clamp(0, MAX_GAP_NS) as f64;
        }
        last_ts = Some(tick.ts);
        let due = start + std::time::Duration::from_nanos((simulated_ns / speed) as u64);
        // Sleep only when the next trade is a little way off: at high speeds trades come in
        // bursts between sleeps rather than one timer per trade.
        if due > tokio::time::Instant::now() + std::time::Duration::from_millis(1) {
            tokio::time::sleep_until(due).await;
        }
        live(&tick);
    }
}

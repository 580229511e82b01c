//! The sandbox's market: the instruments it lists and a synthetic price path that moves them.
//!
//! Instruments carry Kite's token scheme (`instrument_token = exchange_token × 256 + segment`,
//! segment 1 = NSE), so clients that derive one from the other get the same answer as from Kite.
//! The price path is the demo's generator (seeded GBM trades, NSE sessions) played on a simulated
//! clock `speed` times faster than the wall clock; every trade goes through the paper matching
//! engine, which fills resting orders on it. The generator starts `history_sessions` sessions
//! before the live day: those sessions are the instruments' history (their candles, the previous
//! close), played at once before the live open.

use sharewise_engine::time::{ist_midnight, NSE_OPEN_IST_NS};
use sharewise_engine::types::{Instrument, InstrumentId};
use sharewise_feeds::synthetic::{demo_spec, generate_ticks, MergedTicks, SyntheticTicks};

/// One listed instrument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// NSE trading symbol.
    pub symbol: String,
    /// The exchange's token.
    pub exchange_token: u32,
    /// Kite's instrument token.
    pub token: u32,
}

/// The default listing: ten large NSE shares with their exchange tokens, priced from the demo's
/// start prices.
pub fn default_listing() -> Vec<Listed> {
    [
        ("RELIANCE", 2885),
        ("TCS", 11536),
        ("HDFCBANK", 1333),
        ("INFY", 1594),
        ("ICICIBANK", 4963),
        ("SBIN", 3045),
        ("BHARTIARTL", 10604),
        ("ITC", 1660),
        ("LT", 11483),
        ("AXISBANK", 5900),
    ]
    .into_iter()
    .map(|(symbol, exchange_token)| Listed {
        symbol: symbol.to_string(),
        exchange_token,
        token: exchange_token * 256 + 1,
    })
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

/// Plays `path` through `sandbox`: the history sessions before the live day at once, into the
/// day's quotes only (the venue and the ticker start at the live open); from the live open on at
/// the sandbox's speed, forever (until the task is aborted).
pub(crate) async fn run(sandbox: std::sync::Arc<crate::Sandbox>, path: MergedTicks) {
    let speed = sandbox.config.speed.max(0.001);
    let live_open = ist_midnight(sandbox.config.start_day) + NSE_OPEN_IST_NS;
    let mut start = None;
    let mut simulated_ns: f64 = 0.0;
    let mut last_ts: Option<i64> = None;
    for (k, tick) in path.enumerate() {
        if k % 256 == 255 {
            // A path running behind (or at a huge speed) still lets the server answer.
            tokio::task::yield_now().await;
        }
        if tick.ts < live_open {
            sandbox.record_history(&tick);
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
        sandbox.on_tick(&tick);
    }
}

//! Deterministic synthetic market data: geometric Brownian motion on the exchange price grid,
//! across NSE sessions (09:15–15:30 IST, weekdays), with a U-shaped intraday volume profile.
//!
//! [`generate_ticks`] produces trades — a few per minute, more at the open and close — and
//! [`generate_bars`] aggregates exactly those trades into bars with the engine's
//! [`BarAggregator`], so bars are consistent by construction (`high >= max(open, close)`, every
//! price on the tick grid) and the two outputs of one spec always agree. Both are lazy iterators:
//! a million bars stream in constant memory.
//!
//! The same spec gives the same data, byte for byte: the generator is a ChaCha8 stream seeded from
//! `seed` mixed with the symbol (so two symbols with one seed still differ).
//!
//! ```
//! use sharewise_feeds::synthetic::{generate_bars, GenSpec};
//!
//! let bars: Vec<_> = generate_bars(&GenSpec::new("RELIANCE", 2, 42)).unwrap().collect();
//! assert_eq!(bars.len(), 2 * 375);
//! assert!(bars.iter().all(|b| b.high >= b.open.max(b.close) && b.low <= b.open.min(b.close)));
//! ```

mod merge;
mod profile;
mod ticks;

use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::time::days_from_civil;
use sharewise_engine::types::{Bar, InstrumentId, Price};

pub use merge::MergedTicks;
pub use ticks::SyntheticTicks;

/// A plausible opening price for well-known NSE symbols; others start at ₹1 000.
pub fn demo_start_price(symbol: &str) -> Price {
    let rupees = match symbol {
        "RELIANCE" => 1500,
        "TCS" => 3400,
        "HDFCBANK" => 1700,
        "INFY" => 1550,
        "ICICIBANK" => 1300,
        "SBIN" => 800,
        "BHARTIARTL" => 1900,
        "ITC" => 420,
        "LT" => 3600,
        "AXISBANK" => 1150,
        _ => 1000,
    };
    Price::from_rupees_paise(rupees, 0)
}

/// The demo market's trades for `symbol` (the daemon's demo feed and the broker sandboxes): its
/// [`demo_start_price`], 32 trades a minute on average, `days` sessions from IST day `start_day`.
pub fn demo_spec(
    symbol: &str,
    instrument: InstrumentId,
    seed: u64,
    start_day: i64,
    days: u32,
) -> GenSpec {
    let mut spec = GenSpec::new(symbol, days, seed);
    spec.instrument = instrument;
    spec.start_day = start_day;
    spec.start_price = demo_start_price(symbol);
    spec.avg_ticks_per_minute = 32;
    spec
}

/// What to generate; [`GenSpec::new`] fills in the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct GenSpec {
    /// Trading symbol; mixed into the seed.
    pub symbol: String,
    /// Instrument id stamped on generated ticks (default 0).
    pub instrument: InstrumentId,
    /// Number of trading days (weekdays) to generate.
    pub days: u32,
    /// Random seed.
    pub seed: u64,
    /// First IST day (days since 1970-01-01; default 2026-01-05); a weekend start moves to Monday.
    pub start_day: i64,
    /// Price of the first trade (default 1500.00).
    pub start_price: Price,
    /// Annual drift μ of the GBM (default 0.10).
    pub drift: f64,
    /// Annual volatility σ of the GBM (default 0.25).
    pub vol: f64,
    /// Bar interval for [`generate_bars`] (default 1m).
    pub interval: BarInterval,
    /// Price grid (default 0.05, NSE equities).
    pub tick_size: Price,
    /// Mean traded volume per minute over the session, shares (default 2 000).
    pub avg_minute_volume: u32,
    /// Mean number of trades per minute over the session (default 4, at least one per minute).
    pub avg_ticks_per_minute: u32,
}

impl GenSpec {
    /// A spec with the defaults listed on each field.
    pub fn new(symbol: &str, days: u32, seed: u64) -> GenSpec {
        GenSpec {
            symbol: symbol.to_string(),
            instrument: InstrumentId(0),
            days,
            seed,
            start_day: days_from_civil(2026, 1, 5),
            start_price: Price::from_rupees_paise(1500, 0),
            drift: 0.10,
            vol: 0.25,
            interval: BarInterval::M1,
            tick_size: Price::from_rupees_paise(0, 5),
            avg_minute_volume: 2_000,
            avg_ticks_per_minute: 4,
        }
    }

    /// Checks the numbers a generator relies on.
    pub fn validate(&self) -> Result<(), GenError> {
        let bad = |field, value: String, reason| {
            Err(GenError {
                field,
                value,
                reason,
            })
        };
        if !self.drift.is_finite() || self.drift.abs() > 10.0 {
            return bad(
                "drift",
                self.drift.to_string(),
                "must be a finite annual rate within ±10",
            );
        }
        if !self.vol.is_finite() || !(0.0..=10.0).contains(&self.vol) {
            return bad(
                "vol",
                self.vol.to_string(),
                "must be a finite annual volatility in 0..=10",
            );
        }
        if self.tick_size.units() <= 0 {
            return bad("tick_size", self.tick_size.to_string(), "must be positive");
        }
        if self.start_price < self.tick_size {
            return bad(
                "start_price",
                self.start_price.to_string(),
                "must be at least one tick",
            );
        }
        if !(1..=ticks::MAX_TICKS_PER_MINUTE as u32).contains(&self.avg_ticks_per_minute) {
            return bad(
                "avg_ticks_per_minute",
                self.avg_ticks_per_minute.to_string(),
                "must be in 1..=32",
            );
        }
        Ok(())
    }
}

/// A generator spec field with an unusable value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("synthetic spec: `{field}` = {value} {reason}")]
pub struct GenError {
    /// The field.
    pub field: &'static str,
    /// Its value.
    pub value: String,
    /// What it must be.
    pub reason: &'static str,
}

/// Trades of `spec`, minute after minute, session after session.
pub fn generate_ticks(spec: &GenSpec) -> Result<SyntheticTicks, GenError> {
    spec.validate()?;
    Ok(SyntheticTicks::new(spec))
}

/// Bars of `spec.interval` aggregated from exactly the trades [`generate_ticks`] yields
/// (375 bars per day at 1m).
pub fn generate_bars(spec: &GenSpec) -> Result<SyntheticBars, GenError> {
    Ok(SyntheticBars {
        ticks: generate_ticks(spec)?,
        agg: BarAggregator::new(spec.interval),
        done: false,
    })
}

/// Iterator of synthetic bars returned by [`generate_bars`].
pub struct SyntheticBars {
    ticks: SyntheticTicks,
    agg: BarAggregator,
    done: bool,
}

impl Iterator for SyntheticBars {
    type Item = Bar;

    #[inline]
    fn next(&mut self) -> Option<Bar> {
        if self.done {
            return None;
        }
        for tick in self.ticks.by_ref() {
            if let Some(bar) = self.agg.push(tick) {
                return Some(bar);
            }
        }
        self.done = true;
        self.agg.flush()
    }
}

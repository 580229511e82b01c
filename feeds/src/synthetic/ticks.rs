//! The trade generator: a GBM log-price stepped once per trade, trades spread through each
//! session minute, quantities following the intraday profile.
//!
//! Per minute the log-price moves by `(μ − σ²/2)·dt + σ·√dt·Z` (dt = one session minute of a
//! 252-day, 375-minute year), split evenly over that minute's trades; overnight it jumps by a
//! normal with the variance of 75 session minutes. Trades get millisecond timestamps, strictly
//! increasing (the minute is cut into equal slots, one trade at a random point of each).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use sharewise_engine::time::{
    ist_midnight, weekday, TimestampNs, NANOS_PER_MILLI, NSE_OPEN_IST_NS,
};
use sharewise_engine::types::{InstrumentId, Price, Tick};

use super::profile::{u_shape, SESSION_MINUTES};
use super::GenSpec;

/// Upper bound on trades in one minute.
pub(crate) const MAX_TICKS_PER_MINUTE: usize = 32;
const MINUTES_PER_YEAR: f64 = 252.0 * SESSION_MINUTES as f64;
const OVERNIGHT_MINUTES: f64 = 75.0;
const MS_PER_MINUTE: i64 = 60_000;

/// Iterator of synthetic trades returned by [`super::generate_ticks`].
pub struct SyntheticTicks {
    rng: ChaCha8Rng,
    profile: Vec<f64>,
    instrument: InstrumentId,
    tick_units: i64,
    /// Log of the price in fixed-point units.
    log_price: f64,
    /// Per-trade drift and volatility of the log-price, by trades in the minute (index n - 1).
    step: [(f64, f64); MAX_TICKS_PER_MINUTE],
    overnight_sigma: f64,
    avg_ticks: f64,
    avg_volume: f64,
    days_left: u32,
    day: i64,
    minute: usize,
    /// Session-open time of `day`, ms since the epoch.
    open_ms: i64,
    ticks_in_minute: usize,
    next_tick: usize,
    slot_ms: i64,
    mean_qty: f64,
}

/// FNV-1a of the symbol, to give each symbol its own stream under one seed.
fn symbol_hash(symbol: &str) -> u64 {
    symbol.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The first weekday on or after `day`.
fn weekday_on_or_after(mut day: i64) -> i64 {
    while weekday(day) >= 5 {
        day += 1;
    }
    day
}

impl SyntheticTicks {
    pub(crate) fn new(spec: &GenSpec) -> SyntheticTicks {
        let dt = 1.0 / MINUTES_PER_YEAR;
        let minute_drift = (spec.drift - spec.vol * spec.vol / 2.0) * dt;
        let minute_sigma = spec.vol * dt.sqrt();
        let mut step = [(0.0, 0.0); MAX_TICKS_PER_MINUTE];
        for (i, s) in step.iter_mut().enumerate() {
            let n = (i + 1) as f64;
            *s = (minute_drift / n, minute_sigma / n.sqrt());
        }
        let day = weekday_on_or_after(spec.start_day);
        let mut gen = SyntheticTicks {
            rng: ChaCha8Rng::seed_from_u64(spec.seed ^ symbol_hash(&spec.symbol)),
            profile: u_shape(),
            instrument: spec.instrument,
            tick_units: spec.tick_size.units(),
            log_price: (spec.start_price.units() as f64).ln(),
            step,
            overnight_sigma: minute_sigma * OVERNIGHT_MINUTES.sqrt(),
            avg_ticks: f64::from(spec.avg_ticks_per_minute),
            avg_volume: f64::from(spec.avg_minute_volume),
            days_left: spec.days,
            day,
            minute: 0,
            open_ms: (ist_midnight(day) + NSE_OPEN_IST_NS) / NANOS_PER_MILLI,
            ticks_in_minute: 0,
            next_tick: 0,
            slot_ms: MS_PER_MINUTE,
            mean_qty: 0.0,
        };
        if gen.days_left > 0 {
            gen.begin_minute();
        }
        gen
    }

    /// Draws the trade count and mean quantity of the current minute.
    fn begin_minute(&mut self) {
        let activity = self.profile[self.minute];
        let u: f64 = self.rng.random();
        let n = (self.avg_ticks * activity * (0.5 + u)).round() as usize;
        self.ticks_in_minute = n.clamp(1, MAX_TICKS_PER_MINUTE);
        self.next_tick = 0;
        self.slot_ms = MS_PER_MINUTE / self.ticks_in_minute as i64;
        let z: f64 = self.rng.sample(StandardNormal);
        let noise = (0.4 * z - 0.08).exp(); // log-normal, mean 1
        self.mean_qty = self.avg_volume * activity * noise / self.ticks_in_minute as f64;
    }

    /// Moves to the next minute, or the next trading day's open; `false` when all days are done.
    fn advance_minute(&mut self) -> bool {
        self.minute += 1;
        if self.minute == SESSION_MINUTES {
            self.days_left -= 1;
            if self.days_left == 0 {
                return false;
            }
            self.day = weekday_on_or_after(self.day + 1);
            self.open_ms = (ist_midnight(self.day) + NSE_OPEN_IST_NS) / NANOS_PER_MILLI;
            self.minute = 0;
            let z: f64 = self.rng.sample(StandardNormal);
            self.log_price += self.overnight_sigma * z;
        }
        self.begin_minute();
        true
    }

    /// The current price on the grid (never below one tick).
    #[inline]
    fn grid_price(&self) -> Price {
        let units = self.log_price.exp();
        let ticks = (units / self.tick_units as f64).round().max(1.0);
        Price(ticks as i64 * self.tick_units)
    }
}

impl Iterator for SyntheticTicks {
    type Item = Tick;

    #[inline]
    fn next(&mut self) -> Option<Tick> {
        if self.days_left == 0 {
            return None;
        }
        if self.next_tick == self.ticks_in_minute && !self.advance_minute() {
            return None;
        }
        let k = self.next_tick as i64;
        let u: f64 = self.rng.random();
        let offset_ms = k * self.slot_ms + (u * self.slot_ms as f64) as i64;
        let ts: TimestampNs =
            (self.open_ms + self.minute as i64 * MS_PER_MINUTE + offset_ms) * NANOS_PER_MILLI;
        let price = self.grid_price();
        let q: f64 = self.rng.random();
        let qty = (self.mean_qty * (0.25 + 1.5 * q)).round().max(1.0) as i64;
        let (drift, sigma) = self.step[self.ticks_in_minute - 1];
        let z: f64 = self.rng.sample(StandardNormal);
        self.log_price += drift + sigma * z;
        self.next_tick += 1;
        Some(Tick {
            ts,
            instrument: self.instrument,
            price,
            qty,
        })
    }
}

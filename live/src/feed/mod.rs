//! Where ticks come from, and the feed thread that delivers them.
//!
//! - [`demo`]: the synthetic 24×7 demo session (generated NSE ticks on a simulated clock);
//! - [`replay`]: a recorded CSV of ticks or bars (`--feed replay:FILE.csv`);
//! - [`warm`]: the warm start — a feed's history as ticks the strategies see before the live ones;
//! - [`driver`]: the feed thread's loop — pacing, the tick ring into the engine, the paper
//!   broker's matching, lockstep for deterministic replays, and warm-up after a restart.

pub mod demo;
pub mod driver;
pub mod replay;
pub mod warm;

use sharewise_engine::types::Tick;

use crate::error::LiveError;

/// A stream of ticks in time order; an `Err` ends the feed with that error.
pub type TickStream = Box<dyn Iterator<Item = Result<Tick, LiveError>> + Send>;

/// How fast the feed plays its ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// As fast as the engine takes them (lockstep; deterministic).
    Max,
    /// Tick time runs `speed` times faster than the wall clock; gaps longer than a minute
    /// (nights, weekends) are skipped.
    Speed(f64),
}

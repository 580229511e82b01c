//! A monotonic nanosecond clock shared by all threads of one runtime, and the [`Stamped`] tick
//! that carries the feed's send time across the ring (for the feed→engine hop histogram).

use std::time::Instant;

use sharewise_engine::types::Tick;

/// Monotonic nanoseconds since a common origin; `Copy`, so every thread holds its own.
#[derive(Clone, Copy, Debug)]
pub struct MonoClock {
    origin: Instant,
}

impl Default for MonoClock {
    fn default() -> Self {
        MonoClock::new()
    }
}

impl MonoClock {
    /// A clock whose zero is now.
    pub fn new() -> MonoClock {
        MonoClock {
            origin: Instant::now(),
        }
    }

    /// Nanoseconds since the origin (monotonic; saturates after ~584 years).
    #[inline]
    pub fn now_ns(&self) -> u64 {
        // Seconds and nanoseconds in u64 rather than `as_nanos()`'s u128: this runs per tick.
        let d = Instant::now().saturating_duration_since(self.origin);
        d.as_secs()
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(d.subsec_nanos()))
    }
}

/// A tick plus the monotonic time the feed pushed it; what the tick ring carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamped {
    /// The tick itself.
    pub tick: Tick,
    /// [`MonoClock::now_ns`] on the feed thread when it was sent.
    pub sent_ns: u64,
}

//! Network plumbing every broker adapter shares, none of it knowing a broker's payloads.
//!
//! | module | what |
//! | --- | --- |
//! | [`rate`] | [`RateLimit`]: several sliding windows at once (Kite orders: 10/s, 400/min, 5000/day) |
//! | [`backoff`] | [`Backoff`]: exponential delays with full jitter, for retrying reads |
//! | [`breaker`] | [`Breaker`]: opens after repeated failures, probes once after a pause, closes on success |
//!
//! Everything takes the time as an argument (`Instant`), so the rules are tested exactly and the
//! async callers decide how to wait.

pub mod backoff;
pub mod breaker;
pub mod rate;

pub use backoff::Backoff;
pub use breaker::{Breaker, BreakerState, Refused};
pub use rate::{RateLimit, Window};

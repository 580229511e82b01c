//! Upstox's side of the account gate ([`sharewise_broker_kit::gate`]): its name and session end
//! for the gate's messages, and its rate limits per endpoint class (brokers.md §2).

use std::time::Duration;

pub use sharewise_broker_kit::gate::{Admit, Gate, GateConfig, Lane, Venue};
use sharewise_net::Window;

/// Upstox, as the gate names it.
pub const UPSTOX: Venue = Venue {
    name: "Upstox",
    session_ends: "03:30 IST",
};

/// Upstox counts a request when it arrives, we when it leaves: windows 10 % longer than
/// Upstox's keep network jitter from putting one request too many into its window.
const fn window(limit: u32, secs: u64) -> Window {
    Window {
        limit,
        period: Duration::from_millis(secs * 1_100),
    }
}

/// Upstox's limits per user: order calls 10/s, 500/min, 2000 per 30 min; other calls 50/s,
/// 500/min, 2000 per 30 min (candles among them). The breaker opens after 5 failures in a row
/// and probes after 10 s.
pub fn upstox_limits() -> GateConfig {
    let others = vec![window(50, 1), window(500, 60), window(2000, 1800)];
    GateConfig {
        orders: vec![window(10, 1), window(500, 60), window(2000, 1800)],
        reads: others.clone(),
        history: others,
        breaker_threshold: 5,
        breaker_open_for: Duration::from_secs(10),
    }
}

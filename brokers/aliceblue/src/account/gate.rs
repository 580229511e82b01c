//! AliceBlue's side of the account gate ([`sharewise_broker_kit::gate`]): its name and session
//! end for the gate's messages, and its rate limits (brokers.md §3, §4).

use std::time::Duration;

pub use sharewise_broker_kit::gate::{Admit, Gate, GateConfig, Lane, Venue};
use sharewise_net::Window;

/// AliceBlue, as the gate names it.
pub const ALICEBLUE: Venue = Venue {
    name: "AliceBlue",
    session_ends: "about 24 h after the login [U]",
};

/// AliceBlue's limits per user [U: third-party reports]: calls other than orders 1800 per 15
/// minutes (counted here over a window 10 % longer, so network jitter never puts one too many
/// into AliceBlue's); orders are not limited by AliceBlue, but SEBI's 10 per second per client
/// (without an exchange algo id) is kept. The breaker opens after 5 failures in a row and probes
/// after 10 s.
pub fn aliceblue_limits() -> GateConfig {
    let others = vec![Window {
        limit: 1800,
        period: Duration::from_secs(990),
    }];
    GateConfig {
        orders: vec![Window {
            limit: 10,
            period: Duration::from_millis(1_100),
        }],
        reads: others.clone(),
        history: others,
        breaker_threshold: 5,
        breaker_open_for: Duration::from_secs(10),
    }
}

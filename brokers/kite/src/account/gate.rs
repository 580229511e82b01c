//! Kite's side of the account gate ([`sharewise_broker_kit::gate`]): its name and session end
//! for the gate's messages, and its rate limits per endpoint class (brokers.md §1).

use std::time::Duration;

pub use sharewise_broker_kit::gate::{Admit, Gate, GateConfig, Lane, Venue, MAX_RATE_WAIT};
use sharewise_net::Window;

/// Kite, as the gate names it.
pub const KITE: Venue = Venue {
    name: "Kite",
    session_ends: "06:00 IST",
};

/// Kite counts a request when it arrives, we when it leaves: a second window 10 % longer than
/// Kite's keeps network jitter from putting an eleventh request into Kite's second.
const fn kite_second(limit: u32) -> Window {
    Window {
        limit,
        period: Duration::from_millis(1_100),
    }
}

/// Kite's limits: orders 10/s, 400/min, 5000/day per user (and SEBI's 10 orders/s); every
/// other endpoint 10/s together; historical candles 3/s. The breaker opens after 5 failures in
/// a row and probes after 10 s.
pub fn kite_limits() -> GateConfig {
    GateConfig {
        orders: vec![
            kite_second(10),
            Window::per_minute(400),
            Window::per_day(5000),
        ],
        reads: vec![kite_second(10)],
        history: vec![kite_second(3)],
        breaker_threshold: 5,
        breaker_open_for: Duration::from_secs(10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn an_eleventh_order_in_kites_second_waits_and_reads_have_their_own_budget() {
        let mut gate = Gate::new(KITE, &kite_limits(), Some("t0k3n".to_string()));
        let now = Instant::now();
        for _ in 0..10 {
            assert!(matches!(gate.admit(Lane::Orders, now), Ok(Admit::Go(_))));
        }
        match gate.admit(Lane::Orders, now).unwrap() {
            Admit::Wait(d) => assert!(d > Duration::ZERO && d <= Duration::from_millis(1_100)),
            Admit::Go(_) => panic!("an eleventh order in the same second went"),
        }
        assert!(matches!(gate.admit(Lane::Reads, now), Ok(Admit::Go(_))));
        for _ in 0..3 {
            assert!(matches!(gate.admit(Lane::History, now), Ok(Admit::Go(_))));
        }
        assert!(matches!(gate.admit(Lane::History, now), Ok(Admit::Wait(_))));
    }
}

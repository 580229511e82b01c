//! A circuit breaker per account and broker: after repeated failures stop calling, wait, then let
//! one probe through; its success closes the circuit, its failure opens it again.
//!
//! While open the adapter refuses at once (the account goes `reducing` and an alert is raised by
//! whoever holds the breaker), so a broker that is down is not hammered and orders do not queue
//! behind timeouts.

use std::time::{Duration, Instant};

/// Where the breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through; `failures` in a row so far.
    Closed {
        /// Consecutive failures.
        failures: u32,
    },
    /// Calls are refused until `until`.
    Open {
        /// When a probe may go.
        until: Instant,
    },
    /// One probe is out; others are refused until it answers.
    Probing,
}

/// Why a call was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the circuit is open after repeated failures; next try in {retry_in:?}")]
pub struct Refused {
    /// How long until a probe may go (zero while a probe is out).
    pub retry_in: Duration,
}

/// Opens after `threshold` consecutive failures, for `open_for`.
#[derive(Clone, Debug)]
pub struct Breaker {
    threshold: u32,
    open_for: Duration,
    state: BreakerState,
    opened: u64,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(threshold: u32, open_for: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            open_for,
            state: BreakerState::Closed { failures: 0 },
            opened: 0,
        }
    }

    /// May a call go at `now`? Past the pause of an open breaker, the caller's call is the probe.
    pub fn allow(&mut self, now: Instant) -> Result<(), Refused> {
        match self.state {
            BreakerState::Closed { .. } => Ok(()),
            BreakerState::Open { until } if now >= until => {
                self.state = BreakerState::Probing;
                Ok(())
            }
            BreakerState::Open { until } => Err(Refused {
                retry_in: until - now,
            }),
            BreakerState::Probing => Err(Refused {
                retry_in: Duration::ZERO,
            }),
        }
    }

    /// A call answered.
    pub fn success(&mut self) {
        self.state = BreakerState::Closed { failures: 0 };
    }

    /// A call failed (the broker's fault: a timeout, a 5xx, a refused connection — not a rejected
    /// order) at `now`. Returns `true` when this failure opened the circuit.
    pub fn failure(&mut self, now: Instant) -> bool {
        let failures = match self.state {
            BreakerState::Closed { failures } => failures + 1,
            BreakerState::Probing | BreakerState::Open { .. } => self.threshold,
        };
        if failures >= self.threshold {
            let was_open = matches!(self.state, BreakerState::Open { .. });
            self.state = BreakerState::Open {
                until: now + self.open_for,
            };
            if !was_open {
                self.opened += 1;
            }
            !was_open
        } else {
            self.state = BreakerState::Closed { failures };
            false
        }
    }

    /// Where it stands.
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Times it has opened (for the stats).
    pub fn times_opened(&self) -> u64 {
        self.opened
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_probes_once_then_closes_or_reopens() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut b = Breaker::new(3, 30 * s);
        assert!(!b.failure(t0));
        b.success();
        assert!(!b.failure(t0));
        assert!(!b.failure(t0));
        assert!(b.failure(t0), "the third in a row opens it");
        assert_eq!(b.allow(t0 + 10 * s), Err(Refused { retry_in: 20 * s }));

        // After the pause one probe goes; others wait for it.
        assert_eq!(b.allow(t0 + 30 * s), Ok(()));
        assert_eq!(
            b.allow(t0 + 30 * s),
            Err(Refused {
                retry_in: Duration::ZERO
            })
        );
        // The probe fails: open again for another pause.
        assert!(b.failure(t0 + 31 * s));
        assert_eq!(b.times_opened(), 2);
        assert_eq!(b.allow(t0 + 40 * s).unwrap_err().retry_in, 21 * s);
        // The next probe succeeds: closed.
        assert_eq!(b.allow(t0 + 61 * s), Ok(()));
        b.success();
        assert_eq!(b.state(), BreakerState::Closed { failures: 0 });
        assert_eq!(b.allow(t0 + 61 * s), Ok(()));
    }
}

//! Request rate limits as sliding windows: a request may go when every window has room.
//!
//! Brokers count requests per second, per minute and per day at once (Kite's orders: 10/s,
//! 400/min, 5000/day; SEBI's 10 orders/s per client without a registered algo id). Each window
//! keeps the send times of its last `limit` requests in a ring, so "is there room" is one
//! comparison: the oldest of them must be at least the window's length ago. Exact, no drift, no
//! allocation after construction.

use std::time::{Duration, Instant};

/// At most `limit` requests in any `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Requests allowed in one period.
    pub limit: u32,
    /// The period.
    pub period: Duration,
}

impl Window {
    /// `limit` per second.
    pub const fn per_second(limit: u32) -> Window {
        Window {
            limit,
            period: Duration::from_secs(1),
        }
    }

    /// `limit` per minute.
    pub const fn per_minute(limit: u32) -> Window {
        Window {
            limit,
            period: Duration::from_secs(60),
        }
    }

    /// `limit` per day (24 hours, sliding).
    pub const fn per_day(limit: u32) -> Window {
        Window {
            limit,
            period: Duration::from_secs(86_400),
        }
    }
}

#[derive(Clone, Debug)]
struct Ring {
    window: Window,
    /// Send times of the last `limit` requests; `None` until that many were sent.
    times: Vec<Option<Instant>>,
    next: usize,
}

impl Ring {
    /// When the next request may go through this window (`now` or later).
    fn ready_at(&self, now: Instant) -> Instant {
        match self.times.get(self.next).copied().flatten() {
            Some(oldest) => (oldest + self.window.period).max(now),
            None => now,
        }
    }

    fn record(&mut self, at: Instant) {
        if self.times.is_empty() {
            return;
        }
        self.times[self.next] = Some(at);
        self.next = (self.next + 1) % self.times.len();
    }
}

/// Several windows over one stream of requests (one endpoint of one account, say).
#[derive(Clone, Debug)]
pub struct RateLimit {
    rings: Vec<Ring>,
}

impl RateLimit {
    /// A limit made of `windows` (a window with `limit` 0 refuses everything).
    pub fn new(windows: &[Window]) -> RateLimit {
        RateLimit {
            rings: windows
                .iter()
                .map(|&window| Ring {
                    window,
                    times: vec![None; window.limit as usize],
                    next: 0,
                })
                .collect(),
        }
    }

    /// How long from `now` until a request may go (zero: at once). Nothing is recorded.
    pub fn wait(&self, now: Instant) -> Duration {
        self.rings
            .iter()
            .map(|r| {
                if r.window.limit == 0 {
                    Duration::MAX
                } else {
                    r.ready_at(now) - now
                }
            })
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// Takes a slot at `now` if every window has room; otherwise says how long to wait.
    pub fn try_acquire(&mut self, now: Instant) -> Result<(), Duration> {
        let wait = self.wait(now);
        if !wait.is_zero() {
            return Err(wait);
        }
        for ring in &mut self.rings {
            ring.record(now);
        }
        Ok(())
    }

    /// The windows this limit enforces.
    pub fn windows(&self) -> impl Iterator<Item = Window> + '_ {
        self.rings.iter().map(|r| r.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ten_a_second_then_the_eleventh_waits_for_the_first_to_age_out() {
        let t0 = Instant::now();
        let mut limit = RateLimit::new(&[Window::per_second(10)]);
        for k in 0..10 {
            assert_eq!(limit.try_acquire(t0 + k * 10 * MS), Ok(()));
        }
        // The 11th at 100 ms: the first went at 0 ms, so room comes at 1000 ms.
        assert_eq!(limit.try_acquire(t0 + 100 * MS), Err(900 * MS));
        assert_eq!(limit.try_acquire(t0 + 1000 * MS), Ok(()));
        // The next waits for the second request (10 ms) to age out.
        assert_eq!(limit.try_acquire(t0 + 1000 * MS), Err(10 * MS));
    }

    #[test]
    fn every_window_must_have_room() {
        let t0 = Instant::now();
        let mut limit = RateLimit::new(&[Window::per_second(10), Window::per_minute(15)]);
        let mut sent = 0;
        let mut t = t0;
        while t < t0 + Duration::from_secs(59) {
            if limit.try_acquire(t).is_ok() {
                sent += 1;
            }
            t += 50 * MS;
        }
        assert_eq!(sent, 15, "the minute window caps the burst");
        // The 16th may go a minute after the first.
        assert_eq!(
            limit.wait(t0 + Duration::from_secs(59)),
            Duration::from_secs(1)
        );
        assert!(RateLimit::new(&[Window::per_second(0)])
            .try_acquire(t0)
            .is_err());
        assert_eq!(RateLimit::new(&[]).wait(t0), Duration::ZERO);
    }
}

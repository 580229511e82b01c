//! Exponential backoff with full jitter, for retrying requests that are safe to repeat (reads;
//! never a placement, which is looked up by its tag instead).
//!
//! Attempt `n` (0-based) waits a uniformly random time in `[0, min(cap, base × 2ⁿ)]`: the "full
//! jitter" rule, which spreads a crowd of clients that failed together (every account after a
//! broker outage) instead of having them retry in lockstep.

use std::time::Duration;

use rand::Rng;

/// Delays for successive retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry's ceiling.
    pub base: Duration,
    /// No retry waits longer than this.
    pub cap: Duration,
    /// Retries before giving up.
    pub max_retries: u32,
}

impl Backoff {
    /// 200 ms doubling to at most 10 s, five retries: a read survives a few seconds of trouble.
    pub const READS: Backoff = Backoff {
        base: Duration::from_millis(200),
        cap: Duration::from_secs(10),
        max_retries: 5,
    };

    /// The ceiling of retry `attempt` (0-based): `min(cap, base × 2^attempt)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// How long to wait before retry `attempt` (0-based), or `None` once the retries are spent.
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let ceiling = self.ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(rng.random_range(0..=nanos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ceilings_double_up_to_the_cap_and_delays_stay_under_them() {
        let b = Backoff::READS;
        let ceilings: Vec<u64> = (0..8).map(|n| b.ceiling(n).as_millis() as u64).collect();
        assert_eq!(ceilings, [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
        assert_eq!(b.ceiling(200), b.cap);

        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut below_half = 0;
        for n in 0..b.max_retries {
            for _ in 0..200 {
                let d = b.delay(n, &mut rng).unwrap();
                assert!(d <= b.ceiling(n));
                below_half += usize::from(d < b.ceiling(n) / 2);
            }
        }
        // Jittered over the whole range, not bunched at the ceiling.
        assert!((350..650).contains(&below_half), "{below_half} of 1000");
        assert_eq!(b.delay(b.max_retries, &mut rng), None);
    }
}

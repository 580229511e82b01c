//! Stage latency histograms, recorded on the engine thread with no allocation per tick.
//!
//! Two stages are measured, in nanoseconds of the runtime's [`crate::MonoClock`]:
//! - [`Stage::FeedToEngine`]: from the feed's send stamp to the engine picking the tick up;
//! - [`Stage::EngineChain`]: the engine's actor chain for one tick.
//!
//! The engine reads the clock at most once per [`SEGMENT`] ticks (a [`DrainTimer`]): a tick
//! that arrives alone — the engine keeping up, where latency matters — is timed exactly (one
//! reading at pick-up, one after its chain). When the engine works through several queued ticks,
//! the ticks between two readings share the gap evenly: each is given that segment's mean chain
//! time, and pick-up times spread evenly across it. A clock read costs about as much as a whole
//! strategy update (~25 ns), so reading it per tick cost the engine a third of its flat-out
//! throughput; the segment's total is still exact, and so is its first tick's pick-up. Histograms
//! are sized up front (1 ns … 60 s, 3 significant digits) and touched once, and values outside
//! are clamped, so recording never allocates or takes a page fault.

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::clock::MonoClock;

/// 60 s: anything slower is clamped to this.
const MAX_NS: u64 = 60_000_000_000;

/// The measured stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Feed send → engine pick-up (the cross-thread hop).
    FeedToEngine,
    /// Indicator → strategy → risk chain on the engine thread.
    EngineChain,
}

impl Stage {
    /// Every stage.
    pub const ALL: [Stage; 2] = [Stage::FeedToEngine, Stage::EngineChain];

    /// The `snake_case` name used in events, e.g. `feed_to_engine`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::FeedToEngine => "feed_to_engine",
            Stage::EngineChain => "engine_chain",
        }
    }
}

/// Percentiles of one stage, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StageSummary {
    /// Samples recorded.
    pub count: u64,
    /// Median.
    pub p50: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// Largest sample (after clamping).
    pub max: u64,
}

/// One pre-sized histogram per [`Stage`].
#[derive(Clone, Debug)]
pub struct StageLatency {
    hop: Histogram<u64>,
    chain: Histogram<u64>,
}

fn histogram() -> Histogram<u64> {
    // Bounds are constants that hdrhistogram accepts; failure here is a programming error.
    let mut h = Histogram::new_with_bounds(1, MAX_NS, 3)
        .unwrap_or_else(|e| panic!("histogram bounds: {e}"));
    // Writes every count once, so the memory is mapped now and not by page faults under the
    // first ticks.
    h.reset();
    h
}

impl Default for StageLatency {
    fn default() -> Self {
        StageLatency::new()
    }
}

impl StageLatency {
    /// Empty histograms, fully allocated and touched now.
    pub fn new() -> StageLatency {
        StageLatency {
            hop: histogram(),
            chain: histogram(),
        }
    }

    /// Records `ns` for `stage` (clamped into 1 ns … 60 s). Never allocates.
    #[inline]
    pub fn record(&mut self, stage: Stage, ns: u64) {
        self.record_n(stage, ns, 1);
    }

    /// Records `ns` for `stage` `count` times (clamped into 1 ns … 60 s). Never allocates.
    #[inline]
    pub fn record_n(&mut self, stage: Stage, ns: u64, count: u64) {
        let h = match stage {
            Stage::FeedToEngine => &mut self.hop,
            Stage::EngineChain => &mut self.chain,
        };
        h.saturating_record_n(ns.clamp(1, MAX_NS), count);
    }

    /// The raw histogram of `stage` (for merging or exporting).
    pub fn histogram(&self, stage: Stage) -> &Histogram<u64> {
        match stage {
            Stage::FeedToEngine => &self.hop,
            Stage::EngineChain => &self.chain,
        }
    }

    /// Percentiles of `stage`.
    pub fn summary(&self, stage: Stage) -> StageSummary {
        let h = self.histogram(stage);
        StageSummary {
            count: h.len(),
            p50: h.value_at_quantile(0.5),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }

    /// Forgets all samples (keeps the allocation).
    pub fn reset(&mut self) {
        self.hop.reset();
        self.chain.reset();
    }
}

/// The send stamp of a tick that is not timed (history replayed to warm strategies up, sent in a
/// burst: its queueing says nothing about the live path, and would swamp the percentiles).
pub const UNTIMED: u64 = u64::MAX;

/// Ticks that share one clock reading when the engine works through queued ticks.
pub const SEGMENT: usize = 8;

/// Times the ticks of one drain for [`StageLatency`] with one clock reading per [`SEGMENT`]
/// ticks (see the module docs). Fixed-size, on the engine thread's stack.
pub(crate) struct DrainTimer {
    clock: MonoClock,
    /// The latest reading: the start of the current segment.
    mark: u64,
    /// Send stamps of the current segment's ticks.
    sent: [u64; SEGMENT],
    len: usize,
}

impl DrainTimer {
    /// Reads the clock: the first tick's pick-up.
    #[inline]
    pub(crate) fn start(clock: MonoClock) -> DrainTimer {
        DrainTimer {
            mark: clock.now_ns(),
            clock,
            sent: [0; SEGMENT],
            len: 0,
        }
    }

    /// Notes a tick sent at `sent_ns` that the chain is about to handle; returns the engine time
    /// to hand it (the latest reading, at or just before its pick-up).
    #[inline]
    pub(crate) fn tick(&mut self, sent_ns: u64, latency: &mut StageLatency) -> u64 {
        if self.len == SEGMENT {
            self.close(latency);
        }
        self.sent[self.len] = sent_ns;
        self.len += 1;
        self.mark
    }

    /// Ends the drain: records its last segment.
    #[inline]
    pub(crate) fn finish(mut self, latency: &mut StageLatency) {
        if self.len > 0 {
            self.close(latency);
        }
    }

    /// Reads the clock and records the segment since the last reading.
    fn close(&mut self, latency: &mut StageLatency) {
        let now = self.clock.now_ns();
        let n = self.len as u64;
        let span = now.saturating_sub(self.mark);
        let mut timed = 0;
        for (j, &sent) in self.sent[..self.len].iter().enumerate() {
            if sent == UNTIMED {
                continue;
            }
            let picked = self.mark + span * j as u64 / n;
            latency.record(Stage::FeedToEngine, picked.saturating_sub(sent));
            timed += 1;
        }
        if timed > 0 {
            latency.record_n(Stage::EngineChain, span / n, timed);
        }
        self.mark = now;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_alone_is_timed_exactly_and_every_tick_is_counted() {
        let clock = MonoClock::new();
        let mut latency = StageLatency::new();
        let sent = clock.now_ns();
        let mut timer = DrainTimer::start(clock);
        let picked = timer.tick(sent, &mut latency);
        assert!(picked >= sent);
        std::thread::sleep(std::time::Duration::from_millis(2));
        timer.finish(&mut latency);
        let chain = latency.summary(Stage::EngineChain);
        assert_eq!(chain.count, 1);
        assert!(
            chain.p50 >= 1_900_000,
            "the sleep is the chain time: {chain:?}"
        );
        assert!(latency.summary(Stage::FeedToEngine).p50 < 1_000_000);

        let mut timer = DrainTimer::start(clock);
        for _ in 0..(3 * SEGMENT + 2) {
            let now = timer.tick(clock.now_ns(), &mut latency);
            assert!(now <= clock.now_ns());
        }
        timer.finish(&mut latency);
        let n = 1 + 3 * SEGMENT as u64 + 2;
        assert_eq!(latency.summary(Stage::EngineChain).count, n);
        assert_eq!(latency.summary(Stage::FeedToEngine).count, n);
    }

    #[test]
    fn untimed_ticks_are_not_recorded() {
        let clock = MonoClock::new();
        let mut latency = StageLatency::new();
        let mut timer = DrainTimer::start(clock);
        for k in 0..(2 * SEGMENT + 3) {
            let sent = if k % 2 == 0 { UNTIMED } else { clock.now_ns() };
            timer.tick(sent, &mut latency);
        }
        timer.finish(&mut latency);
        let timed = SEGMENT as u64 + 1;
        assert_eq!(latency.summary(Stage::FeedToEngine).count, timed);
        assert_eq!(latency.summary(Stage::EngineChain).count, timed);
        assert!(latency.summary(Stage::FeedToEngine).max < 1_000_000_000);
    }
}

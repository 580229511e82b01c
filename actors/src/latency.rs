//! Stage latency histograms, recorded on the engine thread with no allocation per tick.
//!
//! Two stages are measured, in nanoseconds of the runtime's [`crate::MonoClock`]:
//! - [`Stage::FeedToEngine`]: from the feed's send stamp to the engine picking the tick up;
//! - [`Stage::EngineChain`]: the engine's actor chain for one tick.
//!
//! The engine reads the clock once per tick (at pick-up); a tick's chain time is the gap to the
//! next tick's pick-up within the same batch, and one extra read closes each batch. Histograms are
//! sized up front (1 ns … 60 s, 3 significant digits) and values outside are clamped, so recording
//! never allocates.

use hdrhistogram::Histogram;
use serde::Serialize;

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
    Histogram::new_with_bounds(1, MAX_NS, 3).unwrap_or_else(|e| panic!("histogram bounds: {e}"))
}

impl Default for StageLatency {
    fn default() -> Self {
        StageLatency::new()
    }
}

impl StageLatency {
    /// Empty histograms, fully allocated now.
    pub fn new() -> StageLatency {
        StageLatency {
            hop: histogram(),
            chain: histogram(),
        }
    }

    /// Records `ns` for `stage` (clamped into 1 ns … 60 s). Never allocates.
    #[inline]
    pub fn record(&mut self, stage: Stage, ns: u64) {
        let h = match stage {
            Stage::FeedToEngine => &mut self.hop,
            Stage::EngineChain => &mut self.chain,
        };
        h.saturating_record(ns.clamp(1, MAX_NS));
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

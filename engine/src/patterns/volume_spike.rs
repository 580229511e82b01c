//! Volume spike: a bar whose volume is more than `factor` times the mean of the previous `period`.
//!
//! `+100` when `volume > factor × (sum of the previous period volumes / period)`, else 0 (strict,
//! so a bar exactly at the threshold is not a spike). The current bar is not part of its own
//! average. The first output is at bar index `period`. The running sum is exact for whole-number
//! volumes below 2^53 (every real volume), so it never drifts.

use super::{Detector, PatternError};
use crate::indicators::Candle;

/// Streaming volume-spike detector.
#[derive(Clone, Debug)]
pub struct VolumeSpike {
    period: usize,
    factor: f64,
    volumes: Box<[f64]>,
    oldest: usize,
    filled: usize,
    sum: f64,
    ready: bool,
}

impl VolumeSpike {
    /// A detector over the previous `period` (≥ 1) bars with threshold `factor` (finite, ≥ 0).
    pub fn new(period: usize, factor: f64) -> Result<VolumeSpike, PatternError> {
        if period == 0 {
            return Err(PatternError::bad("period", period, "a whole number >= 1"));
        }
        if !(factor.is_finite() && factor >= 0.0) {
            return Err(PatternError::bad("factor", factor, "a finite number >= 0"));
        }
        Ok(VolumeSpike {
            period,
            factor,
            volumes: vec![0.0; period].into_boxed_slice(),
            oldest: 0,
            filled: 0,
            sum: 0.0,
            ready: false,
        })
    }

    /// Number of prior bars averaged.
    pub fn period(&self) -> usize {
        self.period
    }

    /// Threshold multiple of the average volume.
    pub fn factor(&self) -> f64 {
        self.factor
    }
}

impl Detector for VolumeSpike {
    fn next(&mut self, candle: &Candle) -> i32 {
        let v = candle.volume;
        self.ready = self.filled == self.period;
        let out = if self.ready && v > self.factor * (self.sum / self.period as f64) {
            100
        } else {
            0
        };
        if self.filled < self.period {
            self.volumes[self.filled] = v;
            self.filled += 1;
            self.sum += v;
        } else {
            self.sum += v - self.volumes[self.oldest];
            self.volumes[self.oldest] = v;
            self.oldest = (self.oldest + 1) % self.period;
        }
        out
    }

    fn is_ready(&self) -> bool {
        self.ready
    }

    fn reset(&mut self) {
        self.volumes.fill(0.0);
        self.oldest = 0;
        self.filled = 0;
        self.sum = 0.0;
        self.ready = false;
    }

    fn lookback(&self) -> usize {
        self.period
    }
}

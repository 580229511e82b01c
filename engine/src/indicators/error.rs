//! Why an indicator could not be built: one variant per kind of bad parameter, each naming the
//! parameter and the value it got.

/// The largest period TA-Lib accepts for any indicator (it rejects larger ones, and so do we, which
/// also bounds the ring buffers a CLI string can ask for).
pub const MAX_PERIOD: usize = 100_000;

/// A bad indicator parameter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndicatorError {
    /// A period below TA-Lib's minimum.
    #[error("{name} must be >= {min}, got {got}")]
    TooSmall {
        /// The parameter, e.g. `period` or `slow period`.
        name: &'static str,
        /// TA-Lib's minimum.
        min: usize,
        /// What was asked for.
        got: usize,
    },
    /// A period above TA-Lib's maximum ([`MAX_PERIOD`]).
    #[error("{name} must be <= {max}, got {got}")]
    TooLarge {
        /// The parameter.
        name: &'static str,
        /// TA-Lib's maximum.
        max: usize,
        /// What was asked for.
        got: usize,
    },
    /// A multiplier that is NaN or infinite.
    #[error("{name} must be a finite number, got {got}")]
    NotFinite {
        /// The parameter, e.g. `nbdev_up`.
        name: &'static str,
        /// What was asked for.
        got: f64,
    },
    /// MACD with a fast period longer than its slow one (TA-Lib silently swaps them; we refuse).
    #[error("MACD fast period must be <= slow period, got fast {fast} and slow {slow}")]
    FastAboveSlow {
        /// The fast EMA period.
        fast: usize,
        /// The slow EMA period.
        slow: usize,
    },
}

/// Checks `min <= got <= MAX_PERIOD` and returns `got`.
pub(crate) fn check_period(
    name: &'static str,
    got: usize,
    min: usize,
) -> Result<usize, IndicatorError> {
    if got < min {
        Err(IndicatorError::TooSmall { name, min, got })
    } else if got > MAX_PERIOD {
        Err(IndicatorError::TooLarge {
            name,
            max: MAX_PERIOD,
            got,
        })
    } else {
        Ok(got)
    }
}

/// Checks that `got` is finite and returns it.
pub(crate) fn check_finite(name: &'static str, got: f64) -> Result<f64, IndicatorError> {
    if got.is_finite() {
        Ok(got)
    } else {
        Err(IndicatorError::NotFinite { name, got })
    }
}

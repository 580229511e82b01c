//! Streaming technical indicators that follow TA-Lib's conventions.
//!
//! Every indicator is O(1) per update, allocates nothing after construction, and says when it is
//! ready ([`Indicator::is_ready`]); `next` returns `None` until then. The first ready bar and the
//! values match TA-Lib's (tests in `engine/tests/talib.rs` against `engine/tests/data/talib_ref.csv`).
//! Computation is `f64`, as in TA-Lib; money never goes through here.

/// A streaming indicator: feed one input, get the output once warmed up.
pub trait Indicator {
    /// What one update consumes (a close as `f64`, or a [`Candle`]).
    type Input: Copy;
    /// What one update produces once ready.
    type Output: Copy;
    /// Consumes one input; `None` until the indicator is ready.
    fn next(&mut self, input: Self::Input) -> Option<Self::Output>;
    /// Whether the last `next` produced a value.
    fn is_ready(&self) -> bool;
    /// Forgets all history, as if newly built.
    fn reset(&mut self);
}

/// One bar as the indicators see it: `f64` prices in rupees and volume, plus its time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candle {
    /// Bar open time, UTC ns (session-anchored indicators use it).
    pub ts: crate::time::TimestampNs,
    /// Open.
    pub open: f64,
    /// High.
    pub high: f64,
    /// Low.
    pub low: f64,
    /// Close.
    pub close: f64,
    /// Volume.
    pub volume: f64,
}

impl From<&crate::types::Bar> for Candle {
    #[inline]
    fn from(bar: &crate::types::Bar) -> Candle {
        Candle {
            ts: bar.ts,
            open: bar.open.to_f64(),
            high: bar.high.to_f64(),
            low: bar.low.to_f64(),
            close: bar.close.to_f64(),
            volume: bar.volume as f64,
        }
    }
}

/// A named group of output columns computed bar by bar; what `sharewise indicators --set ...`
/// builds from each spec (e.g. `macd:12:26:9` gives three columns).
pub trait ColumnSource: Send {
    /// Column names, e.g. `["macd_12_26_9", "macdsignal_12_26_9", "macdhist_12_26_9"]`.
    fn columns(&self) -> &[String];
    /// Consumes one bar and writes one value per column into `out` (`None` = not ready yet).
    fn update(&mut self, candle: &Candle, out: &mut [Option<f64>]);
}

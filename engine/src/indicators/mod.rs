//! Streaming technical indicators that follow TA-Lib's conventions.
//!
//! Every indicator is O(1) per update, allocates nothing after construction, and says when it is
//! ready ([`Indicator::is_ready`]); `next` returns `None` until then. The first ready bar and the
//! values match TA-Lib's (tests in `engine/tests/talib.rs` against `engine/tests/data/talib_ref.csv`).
//! Computation is `f64`, as in TA-Lib; money never goes through here.
//!
//! | indicator | input | output | first ready bar (0-based) |
//! | --- | --- | --- | --- |
//! | [`Sma`], [`Wma`] | close | `f64` | `period - 1` |
//! | [`Ema`] | close | `f64` | `period - 1` (seeded with the SMA) |
//! | [`Rsi`] | close | `f64` | `period` |
//! | [`Macd`] | close | [`MacdOutput`] | `slow + signal - 2` |
//! | [`BollingerBands`] | close | [`BandsOutput`] | `period - 1` |
//! | [`Atr`] | [`Candle`] | `f64` | `period` |
//! | [`Stochastic`] | [`Candle`] | [`StochOutput`] | `fastk + slowk + slowd - 3` |
//! | [`Obv`] | [`Candle`] | `f64` | `0` |
//! | [`Adx`] | [`Candle`] | [`AdxOutput`] | `2 * period - 1` (DI getters from `period`) |
//! | [`Vwap`] | [`Candle`] | `f64` | first bar of the IST day with volume |
//!
//! [`parse_spec`] turns the CLI's `--set` strings (`rsi:14`, `macd:12:26:9`, ...) into
//! [`ColumnSource`]s.
//!
//! ```
//! use sharewise_engine::indicators::{Indicator, Sma};
//!
//! let mut sma = Sma::new(3).unwrap();
//! assert_eq!(sma.next(1.0), None);
//! assert_eq!(sma.next(2.0), None);
//! assert_eq!(sma.next(3.0), Some(2.0));
//! assert!(sma.is_ready());
//! ```

mod adx;
mod atr;
mod bbands;
mod ema;
mod error;
mod macd;
mod obv;
mod rsi;
mod sma;
pub mod spec;
mod stoch;
mod vwap;
mod window;
mod wma;

pub use adx::{Adx, AdxOutput};
pub use atr::Atr;
pub use bbands::{BandsOutput, BollingerBands};
pub use ema::Ema;
pub use error::{IndicatorError, MAX_PERIOD};
pub use macd::{Macd, MacdOutput};
pub use obv::Obv;
pub use rsi::Rsi;
pub use sma::Sma;
pub use spec::{parse_spec, SpecError};
pub use stoch::{StochOutput, Stochastic};
pub use vwap::Vwap;
pub use wma::Wma;

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

/// TA-Lib's `TA_IS_ZERO`: `|v| < 1e-8` counts as zero (RSI, DI and DX use it to avoid 0/0).
#[inline]
pub(crate) fn ta_is_zero(v: f64) -> bool {
    -0.000_000_01 < v && v < 0.000_000_01
}

//! Strategies and the signals they emit.
//!
//! A [`Strategy`] watches bars (or ticks) of one instrument and answers with an optional
//! [`Signal`]: a side, an optional limit entry, optional stop-loss and take-profit, a confidence in
//! [0, 1] and a reason a person can read. Signals say which way the strategy wants to be
//! (`BUY` = long, `SELL` = out, or short where shorting is allowed); sizing and checks happen in
//! risk, orders and fills in the backtester or the live daemon, so the same strategy code serves both.
//!
//! Adding a strategy is one file: implement [`Strategy`], then add one line to [`registry::build`].

mod cross;
mod exits;
mod params;
mod reason;
pub mod registry;
mod signal;

mod bollinger_breakout;
mod ema_cross;
mod macd_cross;
mod rsi_reversion;
mod sma_cross;

pub use bollinger_breakout::BollingerBreakout;
pub use cross::{Cross, CrossDetector};
pub use ema_cross::EmaCross;
pub use exits::ExitRules;
pub use macd_cross::MacdCross;
pub use params::{ParamError, Params, MAX_PERIOD};
pub use reason::{Piece, Reason};
pub use registry::{build, StrategyError, STRATEGY_NAMES};
pub use rsi_reversion::RsiReversion;
pub use signal::Signal;
pub use sma_cross::SmaCross;

use crate::types::{Bar, InstrumentId, Tick};

/// A trading strategy for one instrument: it turns market data into signals.
pub trait Strategy: Send {
    /// Short name used in reports, e.g. `sma_cross(10,30)`.
    fn name(&self) -> String;
    /// Reacts to a closed bar; returns a signal decided at this bar's close.
    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal>;
    /// Reacts to a trade; bar strategies ignore ticks.
    fn on_tick(&mut self, _tick: &Tick) -> Option<Signal> {
        None
    }
    /// Bars needed before the first possible signal (for walk-forward windows and reports).
    fn warmup_bars(&self) -> usize;
    /// Forgets all state, as if newly built.
    fn reset(&mut self);
}

impl<S: Strategy + ?Sized> Strategy for Box<S> {
    fn name(&self) -> String {
        (**self).name()
    }
    #[inline]
    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        (**self).on_bar(instrument, bar)
    }
    #[inline]
    fn on_tick(&mut self, tick: &Tick) -> Option<Signal> {
        (**self).on_tick(tick)
    }
    fn warmup_bars(&self) -> usize {
        (**self).warmup_bars()
    }
    fn reset(&mut self) {
        (**self).reset()
    }
}

//! Supervision of strategy actors: one misbehaving strategy stops alone.
//!
//! The [`Supervisor`] is the strategy stage of the engine chain (an [`Actor`] from [`Tick`] to
//! [`Decision`]). Every strategy call runs under [`std::panic::catch_unwind`]. A strategy that
//! panics or returns an error is stopped for good (never called again), each of its instruments is
//! marked [`InstrumentMode::Flatten`] or [`InstrumentMode::Freeze`] as its [`OnFailure`] says, the
//! matching [`Decision`] goes downstream so risk can act, and a critical [`EventKind::Alert`] is
//! published. Other strategies keep running.
//!
//! Routing is a table built when strategies are added (`instrument id → strategy indices`), so a
//! tick costs no allocation and reaches only the strategies subscribed to its instrument.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::{Deserialize, Serialize};
use sharewise_engine::strategy::{Signal, Strategy};
use sharewise_engine::types::{Bar, InstrumentId, Price, Tick};

use crate::actor::{Actor, Ctx};
use crate::events::{EventKind, Severity};

/// A strategy failure reported by the strategy itself (as opposed to a panic).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StrategyFault(pub String);

/// What the supervisor calls; every [`Strategy`] is one (its ticks never fail).
pub trait SupervisedStrategy: Send {
    /// Name used in alerts.
    fn name(&self) -> String;
    /// Reacts to a trade; an `Err` stops the strategy like a panic does.
    fn on_tick(&mut self, tick: &Tick) -> Result<Option<Signal>, StrategyFault>;
    /// Reacts to a closed bar of `instrument`; an `Err` stops the strategy like a panic does.
    /// (Tick-only strategies keep the default, which ignores bars.)
    fn on_bar(
        &mut self,
        _instrument: InstrumentId,
        _bar: &Bar,
    ) -> Result<Option<Signal>, StrategyFault> {
        Ok(None)
    }
}

impl<S: Strategy> SupervisedStrategy for S {
    fn name(&self) -> String {
        Strategy::name(self)
    }
    #[inline]
    fn on_tick(&mut self, tick: &Tick) -> Result<Option<Signal>, StrategyFault> {
        Ok(Strategy::on_tick(self, tick))
    }
    #[inline]
    fn on_bar(
        &mut self,
        instrument: InstrumentId,
        bar: &Bar,
    ) -> Result<Option<Signal>, StrategyFault> {
        Ok(Strategy::on_bar(self, instrument, bar))
    }
}

/// What to do with a failed strategy's instruments (configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Close its open positions, then stop trading the instrument.
    Flatten,
    /// Keep positions as they are; send no new orders for the instrument.
    Freeze,
}

/// Trading state of one instrument as supervision sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentMode {
    /// Normal trading.
    #[default]
    Active,
    /// A strategy on it failed: close out.
    Flatten,
    /// A strategy on it failed: hold, no new orders.
    Freeze,
}

/// What the strategy stage sends downstream (to risk).
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// A strategy's signal.
    Signal {
        /// Index of the strategy (in the order it was added).
        strategy: usize,
        /// The signal.
        signal: Signal,
        /// The last price the strategy saw: the bar's close for a bar signal, the tick's price
        /// for a tick signal (risk sizes and checks the order against it, as the backtester does).
        price: Price,
    },
    /// Close the position in this instrument and stop trading it.
    Flatten(InstrumentId),
    /// Send no new orders for this instrument.
    Freeze(InstrumentId),
}

struct Entry {
    strategy: Box<dyn SupervisedStrategy>,
    name: String,
    instruments: Vec<InstrumentId>,
    on_failure: OnFailure,
    running: bool,
}

/// Runs strategies by instrument and isolates their failures.
pub struct Supervisor {
    entries: Vec<Entry>,
    routes: Vec<Vec<usize>>,
    modes: Vec<InstrumentMode>,
}

impl Supervisor {
    /// A supervisor for instrument ids `0..instruments`.
    pub fn new(instruments: usize) -> Supervisor {
        Supervisor {
            entries: Vec::new(),
            routes: vec![Vec::new(); instruments],
            modes: vec![InstrumentMode::Active; instruments],
        }
    }

    /// Adds a strategy subscribed to `instruments` (ids outside the table are ignored); returns
    /// its index.
    pub fn add(
        &mut self,
        strategy: Box<dyn SupervisedStrategy>,
        instruments: &[InstrumentId],
        on_failure: OnFailure,
    ) -> usize {
        let index = self.entries.len();
        let name = strategy.name();
        let mut subscribed = Vec::with_capacity(instruments.len());
        for &id in instruments {
            if let Some(route) = self.routes.get_mut(id.0 as usize) {
                route.push(index);
                subscribed.push(id);
            }
        }
        self.entries.push(Entry {
            strategy,
            name,
            instruments: subscribed,
            on_failure,
            running: true,
        });
        index
    }

    /// Whether strategy `index` is still running.
    pub fn is_running(&self, index: usize) -> bool {
        self.entries.get(index).is_some_and(|e| e.running)
    }

    /// The supervision state of `instrument`.
    pub fn mode(&self, instrument: InstrumentId) -> InstrumentMode {
        self.modes
            .get(instrument.0 as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Shows a closed bar of `instrument` to its running strategies (bar strategies signal here;
    /// [`Actor::handle`] delivers ticks).
    pub fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar, ctx: &mut Ctx<'_, Decision>) {
        self.dispatch(instrument, bar.close, ctx, |s| s.on_bar(instrument, bar));
    }

    /// Calls `call` on every running strategy of `instrument` under `catch_unwind`.
    #[inline]
    fn dispatch(
        &mut self,
        instrument: InstrumentId,
        price: Price,
        ctx: &mut Ctx<'_, Decision>,
        mut call: impl FnMut(&mut dyn SupervisedStrategy) -> Result<Option<Signal>, StrategyFault>,
    ) {
        let slot = instrument.0 as usize;
        let Some(route) = self.routes.get(slot) else {
            return;
        };
        for k in 0..route.len() {
            let index = self.routes[slot][k];
            let entry = &mut self.entries[index];
            if !entry.running {
                continue;
            }
            let strategy = entry.strategy.as_mut();
            match catch_unwind(AssertUnwindSafe(|| call(strategy))) {
                Ok(Ok(Some(signal))) => ctx.emit(Decision::Signal {
                    strategy: index,
                    signal,
                    price,
                }),
                Ok(Ok(None)) => {}
                Ok(Err(fault)) => self.fail(index, format!("error: {fault}"), ctx),
                Err(payload) => self.fail(index, panic_text(payload.as_ref()), ctx),
            }
        }
    }

    fn fail(&mut self, index: usize, why: String, ctx: &mut Ctx<'_, Decision>) {
        let entry = &mut self.entries[index];
        entry.running = false;
        let mode = match entry.on_failure {
            OnFailure::Flatten => InstrumentMode::Flatten,
            OnFailure::Freeze => InstrumentMode::Freeze,
        };
        for &id in &entry.instruments {
            self.modes[id.0 as usize] = mode;
            ctx.emit(match mode {
                InstrumentMode::Freeze => Decision::Freeze(id),
                _ => Decision::Flatten(id),
            });
        }
        ctx.publish(EventKind::Alert {
            severity: Severity::Critical,
            source: format!("strategy:{}", entry.name),
            message: format!(
                "strategy stopped ({why}); instruments {:?} set to {mode:?}",
                ids(&entry.instruments)
            ),
        });
    }
}

fn ids(instruments: &[InstrumentId]) -> Vec<u32> {
    instruments.iter().map(|i| i.0).collect()
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

impl Actor for Supervisor {
    type In = Tick;
    type Out = Decision;

    fn handle(&mut self, tick: Tick, ctx: &mut Ctx<'_, Decision>) {
        self.dispatch(tick.instrument, tick.price, ctx, |s| s.on_tick(&tick));
    }
}

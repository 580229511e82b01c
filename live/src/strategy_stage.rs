//! The strategy stage: ticks → bars → strategies (under supervision) → decisions.
//!
//! One [`BarAggregator`] per instrument turns ticks into bars on the 09:15 IST grid; a bar is
//! complete when the first tick of the next bucket arrives, and the strategies see it then —
//! as the backtester shows them bars, so the same code decides the same way. Tick strategies see
//! every tick too. The [`Supervisor`] isolates failures. A tick that falls in no bar (outside the
//! session, late, or of an unknown instrument) is counted in [`LiveStats::drops`] by reason.
//! Nothing here allocates per tick.

use std::sync::Arc;

use sharewise_actors::{Actor, Ctx, Decision, Supervisor};
use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Tick};

use crate::messages::EngineMsg;
use crate::stats::LiveStats;

/// The quantity of the tick a finite feed sends after its last trade of each instrument, stamped
/// at the next session's open: it closes the last bar (so a signal on it is decided, as in a
/// backtest) and is otherwise ignored — tick strategies, marks, exits and the paper broker never
/// see it.
pub const BAR_CLOSE_QTY: i64 = -1;

/// Bars and strategies for the instruments of one shard (all of them when unsharded).
pub struct StrategyStage {
    aggregators: Vec<BarAggregator>,
    supervisor: Supervisor,
    lockstep: bool,
    warm_until: TimestampNs,
    stats: Arc<LiveStats>,
}

impl StrategyStage {
    /// A stage over instrument ids `0..instruments` with `interval` bars, running the strategies
    /// already added to `supervisor`. With `lockstep`, and for warm-up ticks (stamped at or
    /// before `warm_until`), each tick ends with [`EngineMsg::TickDone`] (see [`crate::progress`]).
    /// Dropped ticks are counted in `stats`.
    pub fn new(
        instruments: usize,
        interval: BarInterval,
        supervisor: Supervisor,
        lockstep: bool,
        warm_until: TimestampNs,
        stats: Arc<LiveStats>,
    ) -> StrategyStage {
        StrategyStage {
            aggregators: vec![BarAggregator::new(interval); instruments],
            supervisor,
            lockstep,
            warm_until,
            stats,
        }
    }

    /// The supervisor (which strategies still run, instrument modes).
    pub fn supervisor(&self) -> &Supervisor {
        &self.supervisor
    }
}

impl Actor for StrategyStage {
    type In = Tick;
    type Out = EngineMsg;

    #[inline]
    fn handle(&mut self, tick: Tick, ctx: &mut Ctx<'_, EngineMsg>) {
        let (mono_ns, ts, events) = (ctx.mono_ns, ctx.ts, ctx.events);
        {
            let mut forward = |d: Decision| ctx.emit(EngineMsg::Decision(d));
            let mut inner = Ctx::new(mono_ns, ts, events, &mut forward);
            if let Some(agg) = self.aggregators.get_mut(tick.instrument.0 as usize) {
                let before = agg.ignored();
                match agg.push(tick) {
                    Some(bar) => {
                        self.supervisor
                            .on_bar(InstrumentId(tick.instrument.0), &bar, &mut inner)
                    }
                    None => self.stats.drops.note_ignored(before, agg.ignored()),
                }
            } else {
                self.stats.drops.note_unknown();
            }
            if tick.qty != BAR_CLOSE_QTY {
                self.supervisor.handle(tick, &mut inner);
            }
        }
        if self.lockstep || tick.ts <= self.warm_until {
            ctx.emit(EngineMsg::TickDone);
        }
    }
}

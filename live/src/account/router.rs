//! [`Accounts`]: the engine thread's accounts behind one inbox.
//!
//! Signals are computed once per strategy and instrument (by the strategy stage) and reach every
//! account here; each [`AccountActor`] decides for itself whether it follows that strategy, and
//! sizes and checks the order with its own rules and risk state. Ticks reach every account too
//! (marks, exits, square-off). Order reports and trading-state changes are addressed to one
//! account by its index, commands and snapshots by its name. Each account publishes on its own
//! bus, so its events carry its name; a failure in one account (a full order queue, a tripped
//! daily loss) is that account's alone.
//!
//! The router does what is shared once per tick: the marks and clock the status line and
//! `marks.json` read, and the tick-sample event.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use sharewise_actors::{Actor, Ctx, EventBus, EventKind, Input};
use sharewise_engine::types::Tick;

use super::AccountActor;
use crate::control::Refusal;
use crate::messages::EngineMsg;
use crate::progress::{AbandonOnPanic, Progress};
use crate::stats::LiveStats;
use crate::strategy_stage::BAR_CLOSE_QTY;

/// Ticks between tick-sample events.
const SAMPLE_EVERY: u64 = 1024;

/// The engine thread's accounts (see the module docs).
pub struct Accounts {
    /// By index; a removed account leaves its slot empty, so indices never move.
    desks: Vec<Option<Desk>>,
    bus: EventBus,
    live: Arc<LiveStats>,
    progress: Arc<Progress>,
    ticks: u64,
    _guard: AbandonOnPanic,
}

/// One account and the bus its events go out on (labelled with its name).
struct Desk {
    actor: AccountActor,
    bus: EventBus,
}

impl Accounts {
    /// The accounts in daemon order (reports address them by index), each publishing on
    /// `bus.for_account(its name)`.
    pub fn new(
        accounts: Vec<AccountActor>,
        bus: &EventBus,
        live: Arc<LiveStats>,
        progress: Arc<Progress>,
    ) -> Accounts {
        let desks = accounts
            .into_iter()
            .map(|actor| {
                Some(Desk {
                    bus: bus.for_account(actor.name()),
                    actor,
                })
            })
            .collect();
        Accounts {
            desks,
            bus: bus.clone(),
            live,
            _guard: AbandonOnPanic(Arc::clone(&progress)),
            progress,
            ticks: 0,
        }
    }

    /// The account at `index`.
    pub fn account(&self, index: usize) -> Option<&AccountActor> {
        self.desks.get(index)?.as_ref().map(|d| &d.actor)
    }

    /// The accounts' names in daemon order.
    pub fn names(&self) -> Vec<String> {
        self.desks
            .iter()
            .flatten()
            .map(|d| d.actor.name().to_string())
            .collect()
    }

    /// Takes in an account added while the daemon runs; its index.
    fn add(&mut self, actor: AccountActor) -> Result<usize, Refusal> {
        if self.find(actor.name()).is_ok() {
            return Err(Refusal::new(
                "ACCOUNT_EXISTS",
                format!("account `{}` already trades here", actor.name()),
            ));
        }
        self.desks.push(Some(Desk {
            bus: self.bus.for_account(actor.name()),
            actor,
        }));
        Ok(self.desks.len() - 1)
    }

    /// Lets account `name` go, if it is flat with nothing working; its index.
    fn remove(&mut self, name: &str) -> Result<usize, Refusal> {
        let index = self.find(name)?;
        if let Some(why) = self.account(index).and_then(AccountActor::holdings) {
            return Err(Refusal::new(
                "ACCOUNT_NOT_FLAT",
                format!("account `{name}` cannot leave yet: {why}; flatten it (and let its orders finish) first"),
            ));
        }
        self.desks[index] = None;
        Ok(index)
    }

    /// Shared per-tick bookkeeping; `false` for a tick the accounts must not see (the
    /// end-of-replay bar close is not a trade; an instrument the daemon does not know).
    fn note_tick(&mut self, tick: &Tick, ctx: &Ctx<'_, ()>) -> bool {
        let Some(mark) = self.live.marks.get(tick.instrument.0 as usize) else {
            return false;
        };
        if tick.qty == BAR_CLOSE_QTY {
            return false;
        }
        mark.store(tick.price.units(), Ordering::Relaxed);
        self.ticks += 1;
        self.live.ticks.store(self.ticks, Ordering::Relaxed);
        self.live.last_tick_ts.store(tick.ts, Ordering::Relaxed);
        if self.ticks.is_multiple_of(SAMPLE_EVERY) {
            ctx.publish(EventKind::TickSample { tick: *tick });
        }
        true
    }

    /// The index of account `name`, or the refusal naming the accounts there are.
    fn find(&self, name: &str) -> Result<usize, Refusal> {
        self.desks
            .iter()
            .position(|d| d.as_ref().is_some_and(|d| d.actor.name() == name))
            .ok_or_else(|| {
                Refusal::new(
                    "UNKNOWN_ACCOUNT",
                    format!(
                        "no account `{name}` in this daemon (it trades {})",
                        self.names().join(", ")
                    ),
                )
            })
    }

    /// Hands `msg` to account `index` with its own bus.
    fn deliver(&mut self, index: usize, msg: Input<EngineMsg>, ctx: &Ctx<'_, ()>) {
        if let Some(Some(desk)) = self.desks.get_mut(index) {
            let mut sink = |()| {};
            let mut sub = Ctx::new(ctx.mono_ns, ctx.ts, &desk.bus, &mut sink);
            desk.actor.handle_msg(msg, &mut sub);
        }
    }
}

impl Actor for Accounts {
    type In = Input<EngineMsg>;
    type Out = ();

    #[inline]
    fn handle(&mut self, msg: Input<EngineMsg>, ctx: &mut Ctx<'_, ()>) {
        match msg {
            Input::Tick(tick) => {
                if self.note_tick(&tick, ctx) {
                    for desk in self.desks.iter_mut().flatten() {
                        let mut sink = |()| {};
                        let mut sub = Ctx::new(ctx.mono_ns, ctx.ts, &desk.bus, &mut sink);
                        desk.actor.on_tick(&tick, &mut sub);
                    }
                }
            }
            Input::Message(EngineMsg::Decision(decision)) => {
                for index in 0..self.desks.len() {
                    let msg = Input::Message(EngineMsg::Decision(decision.clone()));
                    self.deliver(index, msg, ctx);
                }
            }
            Input::Message(EngineMsg::TickDone) => Progress::bump(&self.progress.ticks_handled),
            Input::Message(msg @ EngineMsg::Report { account, .. })
            | Input::Message(msg @ EngineMsg::TradingState { account, .. }) => {
                self.deliver(account, Input::Message(msg), ctx)
            }
            Input::Message(EngineMsg::Control { request, reply }) => {
                match self.find(&request.account) {
                    Ok(index) => {
                        let msg = EngineMsg::Control { request, reply };
                        self.deliver(index, Input::Message(msg), ctx)
                    }
                    Err(refusal) => reply.send(Err(refusal)),
                }
            }
            Input::Message(EngineMsg::AddAccount { actor, reply }) => match actor.take() {
                Some(actor) => reply.send(self.add(actor)),
                None => reply.send(Err(Refusal::new(
                    "NO_ANSWER",
                    "the account was handed over twice",
                ))),
            },
            Input::Message(EngineMsg::RemoveAccount { account, reply }) => {
                reply.send(self.remove(&account))
            }
            Input::Message(EngineMsg::Snapshot { account, reply }) => match self.find(&account) {
                Ok(index) => {
                    let msg = EngineMsg::Snapshot { account, reply };
                    self.deliver(index, Input::Message(msg), ctx)
                }
                Err(refusal) => reply.send(Err(refusal)),
            },
        }
    }
}

//! Strategy stages and where they run: [`RuntimeBuilder::spawn_staged`] takes the strategy stage
//! and the engine's account/risk actor as separate actors and places the stage as
//! [`Placement::strategy_shards`] says.
//!
//! **Unsharded** (`strategy_shards = 0`, the default). One stage lives on the engine thread with
//! the account, joined by direct calls: for each tick, `account.handle(Input::Tick(t))`, then
//! `stage.handle(t)`, and every message the stage emits goes straight to
//! `account.handle(Input::Message(m))` under the same [`Ctx`] times — so the account handles a
//! decision on tick *k* before tick *k + 1*. No queue, no allocation, no atomic beyond the engine
//! loop's own. Inbox messages from other producers (the order actor) reach the account as before.
//!
//! **Sharded** (`strategy_shards = N > 0`). N shard threads `"{shard_name_prefix}-{i}"`, pinned
//! per `shard_cores` when `pin_cores`, each run the engine's own loop ([`crate::stage_loop`]) over its
//! stage, fed by its own SPSC tick link (conflation, spin-then-park). The feed sends every tick to
//! the engine ring (the account still sees every tick: marks, stops) and to the ring of the shard
//! [`Placement::shard_of`] its instrument. A stage's messages go into the engine inbox through a
//! clone of its [`MpscSender`]; a full inbox is retried (spin, then yield) and counted, never
//! dropped — decisions must not be lost. Shards end like the engine: when the feed is gone and
//! their ring is drained, or after a shutdown drain.
//!
//! **How the engine waits for shards.** The engine loop holds a count of live shards
//! (`Arc<AtomicUsize>`) and does not end — neither at the end of the feed nor after a shutdown's
//! grace — until it reads zero; each shard decrements it from a guard dropped after its loop's last
//! send (or while unwinding from a panic, or when its thread failed to start), then wakes the
//! engine. A count rather than join order because the engine cannot block joining a shard: a shard
//! may itself be waiting for room in the inbox that only the running engine makes. The count is
//! read only when the engine is idle or stopping, never per tick; its `Release`/`Acquire` pair is
//! what makes every message a shard sent visible in the inbox once the count reads zero.
//!
//! **Ordering.** Each stage sees its instruments' ticks in feed order; the account sees every
//! tick in feed order, and each stage's messages in the order the stage emitted them. With shards
//! the account also sees a tick before any decision made on it: the feed pushes a tick to the
//! engine ring before the shard's, and the engine delivers the ticks in its ring before an inbox
//! message. Under overload a link conflates on its own — the account and a stage may each miss a
//! different intermediate tick of an instrument (never the newest), as [`mod@crate::tick_link`]
//! describes.
//!
//! **Failure.** Strategies inside a stage are isolated by [`crate::Supervisor`]. A stage that
//! panics anyway ends its shard thread: a critical alert is published, the engine and the other
//! shards keep running (its instruments get no more decisions), and [`Runtime::join`] reports
//! [`ThreadPanicked`] with the shard's thread name.

use std::convert::Infallible;
use std::io;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use sharewise_engine::types::Tick;

use crate::actor::{Actor, Chain, Ctx};
use crate::doorbell::Doorbell;
use crate::events::{Event, EventBus, EventKind, Severity};
use crate::mpsc::{mpsc_link, MpscReceiver, MpscSender};
use crate::runtime::{FeedPort, Finish, Runtime, RuntimeBuilder, ThreadPanicked};
use crate::stage_loop::{spawn_loop, EngineReport, Input, TicksOnly};
use crate::tick_link::{tick_link, LinkSnapshot, LinkStats};

#[cfg(doc)]
use crate::placement::Placement;

/// The strategy stages (one per shard; one when unsharded) and the engine's account/risk actor.
pub struct Staged<S, A> {
    /// The strategy stages, by shard index (a single one when unsharded).
    pub stages: Vec<S>,
    /// The account/risk actor of the engine thread.
    pub account: A,
}

/// Live counters of one strategy shard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShardSnapshot {
    /// Its feed → shard tick link.
    pub link: LinkSnapshot,
    /// Stage messages that found the engine inbox full and had to wait (none is dropped for it).
    pub inbox_waits: u64,
    /// Stage messages lost because the engine thread was gone (it panicked).
    pub undelivered: u64,
}

#[derive(Debug, Default)]
struct ShardCounters {
    inbox_waits: AtomicU64,
    undelivered: AtomicU64,
}

/// What the runtime keeps of a shard for [`Runtime::shard_stats`].
pub(crate) struct ShardHandle {
    link: Arc<LinkStats>,
    counters: Arc<ShardCounters>,
}

impl ShardHandle {
    pub(crate) fn snapshot(&self) -> ShardSnapshot {
        ShardSnapshot {
            link: self.link.snapshot(),
            inbox_waits: self.counters.inbox_waits.load(Ordering::Relaxed),
            undelivered: self.counters.undelivered.load(Ordering::Relaxed),
        }
    }
}

/// The account seen as a sink of stage messages, so [`Chain`] can join stage and account.
struct AsMessages<A, M>(A, PhantomData<fn(M)>);

impl<A, M> Actor for AsMessages<A, M>
where
    A: Actor<In = Input<M>, Out = ()>,
{
    type In = M;
    type Out = ();
    #[inline]
    fn handle(&mut self, msg: M, ctx: &mut Ctx<'_, ()>) {
        self.0.handle(Input::Message(msg), ctx);
    }
}

/// Unsharded placement: the account, then the stage, on the engine thread by direct calls.
pub(crate) struct Inline<S, A, M>(Chain<S, AsMessages<A, M>>);

impl<S, A, M> Inline<S, A, M> {
    fn new(stage: S, account: A) -> Self {
        Inline(Chain::new(stage, AsMessages(account, PhantomData)))
    }

    fn into_staged(self) -> Staged<S, A> {
        let (stage, account) = self.0.into_parts();
        Staged {
            stages: vec![stage],
            account: account.0,
        }
    }
}

impl<S, A, M> Actor for Inline<S, A, M>
where
    S: Actor<In = Tick, Out = M>,
    A: Actor<In = Input<M>, Out = ()>,
{
    type In = Input<M>;
    type Out = ();
    #[inline]
    fn handle(&mut self, msg: Input<M>, ctx: &mut Ctx<'_, ()>) {
        match msg {
            Input::Tick(tick) => {
                // The account first: the stage's decisions on this tick are checked against
                // marks that already include it.
                self.0.second_mut().0.handle(Input::Tick(tick), ctx);
                self.0.handle(tick, ctx);
            }
            Input::Message(m) => self.0.second_mut().0.handle(Input::Message(m), ctx),
        }
    }
}

/// A shard's sink: stage messages into the engine inbox, waiting rather than dropping.
struct ToInbox<M> {
    tx: MpscSender<M>,
    counters: Arc<ShardCounters>,
}

impl<M> Actor for ToInbox<M> {
    type In = M;
    type Out = ();
    #[inline]
    fn handle(&mut self, msg: M, _ctx: &mut Ctx<'_, ()>) {
        deliver(&self.tx, msg, &self.counters);
    }
}

/// Sends `msg`, waiting out a full inbox ([`MpscSender::send_waiting`]): the engine keeps
/// draining its inbox until every shard has ended. Only a gone engine (it panicked) loses the
/// message, counted.
fn deliver<M>(tx: &MpscSender<M>, msg: M, counters: &ShardCounters) {
    match tx.send_waiting(msg) {
        Ok(false) => {}
        Ok(true) => {
            counters.inbox_waits.fetch_add(1, Ordering::Relaxed);
        }
        Err(_) => {
            counters.undelivered.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What a shard thread runs: its stage feeding [`ToInbox`], as a tick-only loop chain.
type ShardChain<S, M> = TicksOnly<Chain<S, ToInbox<M>>>;

/// Counts a shard out of the engine's live-shard count when dropped; see the module docs.
struct ShardExit {
    alive: Arc<AtomicUsize>,
    engine: Doorbell,
    events: EventBus,
    name: String,
}

impl Drop for ShardExit {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Wall-clock time: the shard's last tick time is gone with its unwound stack.
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            self.events.publish(Event::new(
                now,
                EventKind::Alert {
                    severity: Severity::Critical,
                    source: format!("runtime:{}", self.name),
                    message:
                        "strategy shard thread panicked; its instruments get no more decisions"
                            .to_string(),
                },
            ));
        }
        // After the shard's last send (see `EngineEnv::upstream_done`); then wake the engine so
        // an idle one notices now rather than after a park interval.
        self.alive.fetch_sub(1, Ordering::Release);
        self.engine.wake();
    }
}

impl RuntimeBuilder {
    /// Spawns the feed, the engine thread running `account`, and the strategy stage(s).
    /// `make_stage(shard)` builds the strategy stage of shard `shard` (0..n; called once with 0
    /// when `strategy_shards == 0`). Every tick reaches `account` as `Input::Tick` first, and the
    /// stage owning its instrument; what a stage emits reaches `account` as `Input::Message`.
    /// Returns the runtime and a sender into the engine inbox for other producers (order actor).
    /// See [`crate::shards`] for placement, ordering and shutdown.
    // The pair reads plainly at the call site; an alias would only hide what comes back.
    #[allow(clippy::type_complexity)]
    pub fn spawn_staged<M, F, S, A>(
        self,
        feed: F,
        mut make_stage: impl FnMut(usize) -> S,
        account: A,
    ) -> io::Result<(Runtime<Staged<S, A>>, MpscSender<M>)>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        S: Actor<In = Tick, Out = M> + Send + 'static,
        A: Actor<In = Input<M>, Out = ()> + Send + 'static,
    {
        let bell = self.doorbell();
        let (tx, rx) = mpsc_link(self.placement.inbox_capacity, bell.clone());
        let runtime = if self.placement.strategy_shards == 0 {
            let chain = Inline::new(make_stage(0), account);
            self.start(feed, chain, Some((rx, bell)), Inline::into_staged)?
        } else {
            self.start_sharded(feed, make_stage, account, (rx, bell), tx.clone())?
        };
        Ok((runtime, tx))
    }

    /// The sharded case of [`RuntimeBuilder::spawn_staged`]: engine, then shards, then feed.
    fn start_sharded<M, F, S, A>(
        self,
        feed: F,
        mut make_stage: impl FnMut(usize) -> S,
        account: A,
        (inbox, bell): (MpscReceiver<M>, Doorbell),
        to_engine: MpscSender<M>,
    ) -> io::Result<Runtime<Staged<S, A>>>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        S: Actor<In = Tick, Out = M> + Send + 'static,
        A: Actor<In = Input<M>, Out = ()> + Send + 'static,
    {
        let p = &self.placement;
        let n = p.strategy_shards as usize;
        let clock = self.clock;
        let alive = Arc::new(AtomicUsize::new(n));
        // Every shard's exit guard exists before any thread starts: one whose thread never
        // starts is dropped here (loop `break`, early return) and still counts down, so the
        // engine can never wait for a shard that does not exist.
        let exits: Vec<ShardExit> = (0..n)
            .map(|i| ShardExit {
                alive: Arc::clone(&alive),
                engine: bell.clone(),
                events: self.events.clone(),
                name: p.shard_thread(i).name,
            })
            .collect();
        let (engine_tx, engine_rx) = tick_link(p.ring_capacity, self.instruments, bell.clone());
        let env = self.engine_env(clock, bell, Some(alive));
        let engine = spawn_loop(p, &p.engine, engine_rx, Some(inbox), account, env, |a| a)?;

        let mut links = Vec::with_capacity(n);
        let mut handles = Vec::with_capacity(n);
        let mut joins = Vec::with_capacity(n);
        let mut spawned = Ok(());
        for (i, exit) in exits.into_iter().enumerate() {
            let spec = p.shard_thread(i);
            let shard_bell = self.doorbell();
            let (tx, rx) = tick_link(p.ring_capacity, self.instruments, shard_bell.clone());
            let counters = Arc::new(ShardCounters::default());
            handles.push(ShardHandle {
                link: tx.stats_handle(),
                counters: Arc::clone(&counters),
            });
            let chain = TicksOnly(Chain::new(
                make_stage(i),
                ToInbox {
                    tx: to_engine.clone(),
                    counters,
                },
            ));
            let env = self.engine_env(clock, shard_bell, None);
            let unwrap = move |chain: ShardChain<S, M>| {
                drop(exit);
                chain.0.into_parts().0
            };
            match spawn_loop::<Infallible, _, _>(p, &spec, rx, None, chain, env, unwrap) {
                Ok(join) => {
                    links.push(tx);
                    joins.push((spec.name, join));
                }
                Err(e) => {
                    spawned = Err(e);
                    break;
                }
            }
        }
        drop(to_engine);
        let finish = finish_staged(engine, p.engine.name.clone(), joins);
        if let Err(e) = spawned {
            // Stop what runs: dropping the links abandons every ring, so all loops end.
            self.shutdown.trigger();
            drop((engine_tx, links));
            let _ = finish();
            return Err(e);
        }
        let port = FeedPort::new(
            engine_tx,
            links.into_boxed_slice(),
            clock,
            self.shutdown.clone(),
        );
        self.launch(feed, port, handles, finish)
    }
}

/// Joins the shards (in index order), then the engine, and puts the stages back together.
/// Every thread is joined whatever happened to the others; the engine's panic is reported before
/// a shard's, since a dead engine is what makes the runtime useless.
fn finish_staged<S, A>(
    engine: JoinHandle<EngineReport<A>>,
    engine_name: String,
    shards: Vec<(String, JoinHandle<EngineReport<S>>)>,
) -> Finish<Staged<S, A>>
where
    S: Send + 'static,
    A: Send + 'static,
{
    Box::new(move || {
        let mut stages = Vec::with_capacity(shards.len());
        let mut panicked = None;
        for (name, shard) in shards {
            match shard.join() {
                Ok(report) => stages.push(report.chain),
                Err(_) => {
                    panicked.get_or_insert(ThreadPanicked(name));
                }
            }
        }
        let report = engine.join().map_err(|_| ThreadPanicked(engine_name))?;
        if let Some(e) = panicked {
            return Err(e);
        }
        Ok(EngineReport {
            chain: Staged {
                stages,
                account: report.chain,
            },
            latency: report.latency,
            link: report.link,
            cpu: report.cpu,
        })
    })
}

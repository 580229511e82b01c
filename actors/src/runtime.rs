//! The runtime builder: spawns the feed and engine threads of a [`Placement`] (plus the strategy
//! shard threads with [`RuntimeBuilder::spawn_staged`]), joins them on shutdown, and hands back
//! what the engine measured.
//!
//! The feed is a closure that receives a [`FeedPort`] and loops until the source ends or
//! [`FeedPort::is_stopping`] says so; returning drops the rings' producer ends. The engine thread
//! runs the actor chain (an [`Actor`] from [`Tick`] to `()`, or from [`Input`] when the runtime has
//! an inbox) — see [`crate::stage_loop`] for its loop. It returns when the feed is gone and every tick
//! is delivered, or — after a shutdown — when the ring, pending slots and inbox are drained (or
//! [`RuntimeBuilder::drain_grace`] has passed with the feed still alive).
//!
//! Where strategies run is [`Placement::strategy_shards`]: [`RuntimeBuilder::spawn`] and
//! [`RuntimeBuilder::spawn_with_inbox`] run one chain on the engine thread whatever it says, while
//! [`RuntimeBuilder::spawn_staged`] takes the strategy stage and the account/risk actor apart and
//! places the stage inline or on shard threads (see [`crate::shards`]).

use std::convert::Infallible;
use std::io;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use sharewise_engine::types::Tick;

use crate::actor::Actor;
use crate::clock::MonoClock;
use crate::doorbell::Doorbell;
use crate::events::EventBus;
use crate::mpsc::{mpsc_link, MpscReceiver, MpscSender};
use crate::placement::{shard_index, Placement};
use crate::shards::{ShardHandle, ShardSnapshot};
use crate::shutdown::Shutdown;
use crate::stage_loop::{spawn_loop, EngineEnv, EngineReport, Input, TicksOnly};
use crate::tick_link::{tick_link, LinkSnapshot, LinkStats, Sent, TickSender};

/// The feed thread's handle on its tick links (the engine's, plus one per strategy shard).
pub struct FeedPort {
    tx: TickSender,
    /// Shard links by shard index; empty unless strategies run on shard threads.
    shards: Box<[TickSender]>,
    clock: MonoClock,
    shutdown: Shutdown,
}

impl FeedPort {
    pub(crate) fn new(
        tx: TickSender,
        shards: Box<[TickSender]>,
        clock: MonoClock,
        shutdown: Shutdown,
    ) -> FeedPort {
        FeedPort {
            tx,
            shards,
            clock,
            shutdown,
        }
    }

    /// Sends a tick, stamped now, to the engine and — when sharded — to the shard owning its
    /// instrument. Never blocks (see [`mod@crate::tick_link`] for overload); with shards, returns
    /// the worse of the two links' outcomes (`Ring` < `Parked` < `Conflated` < `Dropped`).
    #[inline]
    pub fn send(&mut self, tick: Tick) -> Sent {
        let now = self.clock.now_ns();
        self.send_at(tick, now)
    }

    /// Like [`FeedPort::send`], for a tick whose way to the engine is not timed: history replayed
    /// in a burst to warm the strategies up (see [`crate::latency::UNTIMED`]).
    #[inline]
    pub fn send_untimed(&mut self, tick: Tick) -> Sent {
        self.send_at(tick, crate::latency::UNTIMED)
    }

    /// Like [`FeedPort::send`], stamped `sent_ns` — a reading of [`FeedPort::clock`] the feed
    /// already took (when it received the tick), which spares a second clock read per tick.
    #[inline]
    pub fn send_at(&mut self, tick: Tick, sent_ns: u64) -> Sent {
        // The engine ring first: a shard's decision on this tick can then only reach the engine
        // after the tick itself is in the engine's ring (see `crate::shards`, "Ordering").
        let sent = self.tx.send(tick, sent_ns);
        if self.shards.is_empty() {
            return sent;
        }
        // `shards` was built from `strategy_shards: u32`, so its length fits.
        let shard = shard_index(tick.instrument, self.shards.len() as u32);
        match shard.and_then(|i| self.shards.get_mut(i)) {
            Some(link) => worse(sent, link.send(tick, sent_ns)),
            None => sent,
        }
    }

    /// The runtime's clock: stamps for [`FeedPort::send_at`] come from it.
    pub fn clock(&self) -> MonoClock {
        self.clock
    }

    /// Whether the feed should stop (shutdown was triggered).
    #[inline]
    pub fn is_stopping(&self) -> bool {
        self.shutdown.is_triggered()
    }

    /// The counters of the feed → engine link, which carries every tick (shard links:
    /// [`Runtime::shard_stats`]).
    pub fn stats(&self) -> LinkSnapshot {
        self.tx.stats().snapshot()
    }
}

/// The more degraded of two send outcomes.
#[inline]
fn worse(a: Sent, b: Sent) -> Sent {
    let rank = |s: Sent| match s {
        Sent::Ring => 0,
        Sent::Parked => 1,
        Sent::Conflated => 2,
        Sent::Dropped => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Joins the engine (and any shard) threads and assembles the report; boxed so that one
/// [`Runtime`] type serves plain and staged spawns alike (one allocation per runtime). `Sync`
/// keeps `Runtime` shareable by reference (a metrics thread reading its counters).
pub(crate) type Finish<A> =
    Box<dyn FnOnce() -> Result<EngineReport<A>, ThreadPanicked> + Send + Sync>;

/// A runtime thread panicked (its name is given).
#[derive(Debug, thiserror::Error)]
#[error("runtime thread `{0}` panicked")]
pub struct ThreadPanicked(pub String);

/// Configures and spawns the runtime threads.
pub struct RuntimeBuilder {
    pub(crate) placement: Placement,
    pub(crate) instruments: usize,
    pub(crate) events: EventBus,
    pub(crate) shutdown: Shutdown,
    pub(crate) drain_grace: Duration,
    pub(crate) clock: MonoClock,
}

impl RuntimeBuilder {
    /// A builder for instrument ids `0..instruments`, publishing events to `events`.
    pub fn new(placement: Placement, instruments: usize, events: EventBus) -> RuntimeBuilder {
        RuntimeBuilder {
            placement,
            instruments,
            events,
            shutdown: Shutdown::new(),
            drain_grace: Duration::from_millis(500),
            clock: MonoClock::new(),
        }
    }

    /// Uses `clock` for the runtime's stamps and stage latency, so that a caller's own readings
    /// of it (a benchmark's, a feed's receive time) compare with the runtime's.
    pub fn clock(mut self, clock: MonoClock) -> Self {
        self.clock = clock;
        self
    }

    /// Uses an existing shutdown switch (e.g. one wired to SIGINT/SIGTERM).
    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// After a shutdown, how long the engine waits for a feed that has not yet stopped.
    pub fn drain_grace(mut self, grace: Duration) -> Self {
        self.drain_grace = grace;
        self
    }

    /// Spawns the feed thread running `feed` and the engine thread running `chain` on ticks
    /// (`strategy_shards` is not consulted: the chain is one actor on one thread).
    pub fn spawn<F, A>(self, feed: F, chain: A) -> io::Result<Runtime<A>>
    where
        F: FnOnce(&mut FeedPort) + Send + 'static,
        A: Actor<In = Tick, Out = ()> + Send + 'static,
    {
        self.start::<Infallible, _, _, _>(feed, TicksOnly(chain), None, |t| t.0)
    }

    /// Like [`RuntimeBuilder::spawn`], plus a many-producer inbox of `M` (orders, fills) into the
    /// same engine thread: `chain` receives [`Input::Tick`] and [`Input::Message`]. Returns the
    /// runtime and the inbox's sender (clone it per producer).
    pub fn spawn_with_inbox<M, F, A>(
        self,
        feed: F,
        chain: A,
    ) -> io::Result<(Runtime<A>, MpscSender<M>)>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        A: Actor<In = Input<M>, Out = ()> + Send + 'static,
    {
        let bell = self.doorbell();
        let (tx, rx) = mpsc_link(self.placement.inbox_capacity, bell.clone());
        let runtime = self.start(feed, chain, Some((rx, bell)), |c| c)?;
        Ok((runtime, tx))
    }

    /// Spawns the engine thread, then the feed; `unwrap` turns the engine's final chain `C` into
    /// what the caller gave (`C` may be an adapter around it).
    pub(crate) fn start<M, F, C, A>(
        self,
        feed: F,
        chain: C,
        inbox: Option<(MpscReceiver<M>, Doorbell)>,
        unwrap: impl FnOnce(C) -> A + Send + 'static,
    ) -> io::Result<Runtime<A>>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        C: Actor<In = Input<M>, Out = ()> + Send + 'static,
        A: Send + 'static,
    {
        let p = &self.placement;
        let (inbox, bell) = match inbox {
            Some((rx, bell)) => (Some(rx), bell),
            None => (None, self.doorbell()),
        };
        let (tx, rx) = tick_link(p.ring_capacity, self.instruments, bell.clone());
        let clock = self.clock;
        let env = self.engine_env(clock, bell, None);
        let engine = spawn_loop(p, &p.engine, rx, inbox, chain, env, unwrap)?;
        let name = p.engine.name.clone();
        let finish: Finish<A> = Box::new(move || engine.join().map_err(|_| ThreadPanicked(name)));
        let port = FeedPort::new(tx, Box::default(), clock, self.shutdown.clone());
        self.launch(feed, port, Vec::new(), finish)
    }

    /// A doorbell for a thread waiting by the placement's policy (a busy-polling one spares its
    /// producers the fence).
    pub(crate) fn doorbell(&self) -> Doorbell {
        Doorbell::for_policy(self.placement.wait_policy())
    }

    /// The loop environment of a thread waking on `bell`, waiting for `upstream` stages if any.
    pub(crate) fn engine_env(
        &self,
        clock: MonoClock,
        bell: Doorbell,
        upstream: Option<Arc<AtomicUsize>>,
    ) -> EngineEnv {
        EngineEnv {
            clock,
            shutdown: self.shutdown.clone(),
            events: self.events.clone(),
            grace: self.drain_grace,
            policy: self.placement.wait_policy(),
            bell,
            upstream,
        }
    }

    /// Spawns the feed thread last, once everything it feeds runs. If that fails, the spawned
    /// threads are stopped and joined (dropping `port` abandons their rings) before the error
    /// is returned.
    pub(crate) fn launch<F, A>(
        self,
        feed: F,
        port: FeedPort,
        shards: Vec<ShardHandle>,
        finish: Finish<A>,
    ) -> io::Result<Runtime<A>>
    where
        F: FnOnce(&mut FeedPort) + Send + 'static,
    {
        let stats = port.tx.stats_handle();
        let mut port = port;
        let p = &self.placement;
        match p.spawn(&p.feed, move || feed(&mut port)) {
            Ok(handle) => Ok(Runtime {
                feed: handle,
                finish,
                shutdown: self.shutdown,
                stats,
                shards,
                feed_name: p.feed.name.clone(),
            }),
            Err(e) => {
                self.shutdown.trigger();
                let _ = finish();
                Err(e)
            }
        }
    }
}

/// The running feed, engine and (staged, sharded) strategy shard threads.
pub struct Runtime<A> {
    feed: JoinHandle<()>,
    finish: Finish<A>,
    shutdown: Shutdown,
    stats: Arc<LinkStats>,
    shards: Vec<ShardHandle>,
    feed_name: String,
}

impl<A> Runtime<A> {
    /// The switch that stops this runtime.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Live counters of the feed → engine link (ring depth, conflations, drops) for metrics.
    pub fn link_stats(&self) -> LinkSnapshot {
        self.stats.snapshot()
    }

    /// A handle on the same counters for a metrics thread that outlives this borrow.
    pub fn link_stats_handle(&self) -> Arc<LinkStats> {
        Arc::clone(&self.stats)
    }

    /// Live counters of each strategy shard, by shard index (empty unless sharded).
    pub fn shard_stats(&self) -> Vec<ShardSnapshot> {
        self.shards.iter().map(ShardHandle::snapshot).collect()
    }

    /// Waits for the feed to end on its own, then for the shards and the engine to drain; no
    /// shutdown is sent. Every thread is joined; if several panicked, the feed is reported first,
    /// then the engine, then the lowest shard.
    pub fn join(self) -> Result<EngineReport<A>, ThreadPanicked> {
        let feed = self.feed.join();
        let engine = (self.finish)();
        feed.map_err(|_| ThreadPanicked(self.feed_name))?;
        engine
    }

    /// Triggers shutdown, then joins every thread (each drains what was queued to it).
    pub fn shutdown_and_join(self) -> Result<EngineReport<A>, ThreadPanicked> {
        self.shutdown.trigger();
        self.join()
    }
}

//! The runtime builder: spawns the feed and engine threads of a [`Placement`], joins them on
//! shutdown, and hands back what the engine measured.
//!
//! The feed is a closure that receives a [`FeedPort`] and loops until the source ends or
//! [`FeedPort::is_stopping`] says so; returning drops the ring's producer end. The engine thread
//! runs the actor chain (an [`Actor`] from [`Tick`] to `()`, or from [`Input`] when the runtime has
//! an inbox) — see [`crate::engine`] for its loop. It returns when the feed is gone and every tick
//! is delivered, or — after a shutdown — when the ring, pending slots and inbox are drained (or
//! [`RuntimeBuilder::drain_grace`] has passed with the feed still alive).
//!
//! Not yet here: strategy shard threads. [`Placement::shard_of`] routes by instrument, but this
//! builder always runs every strategy on the engine thread (`strategy_shards` is ignored).

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use sharewise_engine::types::Tick;

use crate::actor::Actor;
use crate::clock::MonoClock;
use crate::doorbell::Doorbell;
use crate::engine::{run_engine, EngineEnv, EngineReport, Input, TicksOnly};
use crate::events::EventBus;
use crate::mpsc::{mpsc_link, MpscReceiver, MpscSender};
use crate::placement::Placement;
use crate::shutdown::Shutdown;
use crate::tick_link::{tick_link, LinkSnapshot, LinkStats, Sent, TickSender};

/// The feed thread's handle on the tick link.
pub struct FeedPort {
    tx: TickSender,
    clock: MonoClock,
    shutdown: Shutdown,
}

impl FeedPort {
    /// Sends a tick, stamped now. Never blocks (see [`mod@crate::tick_link`] for overload).
    #[inline]
    pub fn send(&mut self, tick: Tick) -> Sent {
        let now = self.clock.now_ns();
        self.tx.send(tick, now)
    }

    /// Whether the feed should stop (shutdown was triggered).
    #[inline]
    pub fn is_stopping(&self) -> bool {
        self.shutdown.is_triggered()
    }

    /// The link counters.
    pub fn stats(&self) -> LinkSnapshot {
        self.tx.stats().snapshot()
    }
}

/// A runtime thread panicked (its name is given).
#[derive(Debug, thiserror::Error)]
#[error("runtime thread `{0}` panicked")]
pub struct ThreadPanicked(pub String);

/// Configures and spawns the runtime threads.
pub struct RuntimeBuilder {
    placement: Placement,
    instruments: usize,
    events: EventBus,
    shutdown: Shutdown,
    drain_grace: Duration,
}

impl RuntimeBuilder {
    /// A builder for instrument ids `0..instruments`, publishing events to `events`.
    pub fn new(placement: Placement, instruments: usize, events: EventBus) -> RuntimeBuilder {
        RuntimeBuilder { placement, instruments, events, shutdown: Shutdown::new(), drain_grace: Duration::from_millis(500) }
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

    /// Spawns the feed thread running `feed` and the engine thread running `chain` on ticks.
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
    pub fn spawn_with_inbox<M, F, A>(self, feed: F, chain: A) -> io::Result<(Runtime<A>, MpscSender<M>)>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        A: Actor<In = Input<M>, Out = ()> + Send + 'static,
    {
        let bell = Doorbell::new();
        let (tx, rx) = mpsc_link(self.placement.inbox_capacity, bell.clone());
        let runtime = self.start(feed, chain, Some((rx, bell)), |c| c)?;
        Ok((runtime, tx))
    }

    /// Spawns both threads; `unwrap` turns the engine's final chain `C` into what the caller
    /// gave (`C` may be an adapter around it).
    fn start<M, F, C, A>(self, feed: F, chain: C, inbox: Option<(MpscReceiver<M>, Doorbell)>, unwrap: fn(C) -> A) -> io::Result<Runtime<A>>
    where
        M: Send + 'static,
        F: FnOnce(&mut FeedPort) + Send + 'static,
        C: Actor<In = Input<M>, Out = ()> + Send + 'static,
        A: Send + 'static,
    {
        let p = &self.placement;
        let (inbox, bell) = match inbox {
            Some((rx, bell)) => (Some(rx), bell),
            None => (None, Doorbell::new()),
        };
        let (tx, rx) = tick_link(p.ring_capacity, self.instruments, bell.clone());
        let clock = MonoClock::new();
        let shutdown = self.shutdown.clone();
        let env = EngineEnv { clock, shutdown, events: self.events.clone(), grace: self.drain_grace, policy: p.wait_policy(), bell };
        let engine = p.spawn(&p.engine, move || {
            env.bell.register_current_thread();
            env.shutdown.register_current_thread();
            let report = run_engine(rx, inbox, chain, env);
            EngineReport { chain: unwrap(report.chain), latency: report.latency, link: report.link }
        })?;
        let stats = tx.stats_handle();
        let mut port = FeedPort { tx, clock, shutdown: self.shutdown.clone() };
        let feed = match p.spawn(&p.feed, move || feed(&mut port)) {
            Ok(handle) => handle,
            Err(e) => {
                self.shutdown.trigger();
                let _ = engine.join();
                return Err(e);
            }
        };
        let names = (p.feed.name.clone(), p.engine.name.clone());
        Ok(Runtime { feed, engine, shutdown: self.shutdown, stats, names })
    }
}

/// The running feed and engine threads.
pub struct Runtime<A> {
    feed: JoinHandle<()>,
    engine: JoinHandle<EngineReport<A>>,
    shutdown: Shutdown,
    stats: Arc<LinkStats>,
    names: (String, String),
}

impl<A> Runtime<A> {
    /// The switch that stops this runtime.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Live link counters (ring depth, conflations, drops) for metrics export.
    pub fn link_stats(&self) -> LinkSnapshot {
        self.stats.snapshot()
    }

    /// Waits for the feed to end on its own, then for the engine to drain; no shutdown is sent.
    pub fn join(self) -> Result<EngineReport<A>, ThreadPanicked> {
        let feed = self.feed.join();
        let engine = self.engine.join().map_err(|_| ThreadPanicked(self.names.1.clone()));
        feed.map_err(|_| ThreadPanicked(self.names.0))?;
        engine
    }

    /// Triggers shutdown, then joins both threads (the engine drains what was queued).
    pub fn shutdown_and_join(self) -> Result<EngineReport<A>, ThreadPanicked> {
        self.shutdown.trigger();
        self.join()
    }
}

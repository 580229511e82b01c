//! The loop of an engine (or strategy shard) thread: ticks from the ring and messages from the
//! inbox into one actor chain, waiting by the placement's policy when idle, stage latency, CPU use,
//! and the shutdown drain.
//!
//! Each round delivers up to a batch of ring ticks (plus pending ticks now in order), then up to a
//! batch of inbox messages, so neither input can starve the other. The clock is read once per tick
//! that arrives alone and once per few ticks of a backlog (see [`crate::latency`]); inbox messages
//! are not timed, and their [`Ctx::ts`] is the last tick's time (engine time). The loop ends when
//! the feed is gone and every tick is delivered, or after a shutdown once ticks and messages are
//! drained (a feed still alive after the grace period gets one final bounded drain).
//!
//! When idle the loop waits through its [`Doorbell`]: after a round that did work it
//! [`waits`](Doorbell::wait) (spin, then park), after a wait that found nothing it
//! [`rests`](Doorbell::rest) (parks again at once), so a quiet engine does not spin again after
//! every park timeout.
//!
//! The same loop runs on strategy shard threads (with no inbox; see [`crate::shards`]). An engine
//! fed by shards has *upstream* stages: it does not end while any of them is alive, and before it
//! handles an inbox message it first delivers the ticks already in its ring, so the account sees a
//! tick before any decision a shard made on it.

use std::convert::Infallible;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sharewise_engine::types::Tick;

use crate::actor::{Actor, Ctx};
use crate::clock::MonoClock;
use crate::cpu::{CpuMeter, CpuUse};
use crate::doorbell::{Doorbell, WaitPolicy};
use crate::events::{Event, EventBus, EventKind};
use crate::latency::{DrainTimer, Stage, StageLatency};
use crate::mpsc::MpscReceiver;
use crate::placement::{Placement, ThreadSpec};
use crate::shutdown::Shutdown;
use crate::tick_link::{LinkSnapshot, TickReceiver};

/// Ring ticks (and inbox messages) handled per round before the other input and the shutdown flag
/// are looked at.
const BATCH: usize = 256;

/// What the engine chain's first actor receives when the runtime has an inbox.
#[derive(Clone, Debug, PartialEq)]
pub enum Input<M> {
    /// A tick from the feed.
    Tick(Tick),
    /// A message from the many-producer inbox (fills, order updates, commands).
    Message(M),
}

/// What the engine thread hands back when it ends.
pub struct EngineReport<A> {
    /// The actor chain, with its final state.
    pub chain: A,
    /// Stage latency histograms.
    pub latency: StageLatency,
    /// Final link counters.
    pub link: LinkSnapshot,
    /// CPU time the engine thread used over its loop, and the loop's wall time.
    pub cpu: CpuUse,
}

/// Adapts a tick-only chain to [`Input`] with no messages.
pub(crate) struct TicksOnly<A>(pub(crate) A);

impl<A: Actor<In = Tick, Out = ()>> Actor for TicksOnly<A> {
    type In = Input<Infallible>;
    type Out = ();
    #[inline]
    fn handle(&mut self, msg: Input<Infallible>, ctx: &mut Ctx<'_, ()>) {
        match msg {
            Input::Tick(tick) => self.0.handle(tick, ctx),
            Input::Message(never) => match never {},
        }
    }
}

pub(crate) struct EngineEnv {
    pub(crate) clock: MonoClock,
    pub(crate) shutdown: Shutdown,
    pub(crate) events: EventBus,
    pub(crate) grace: Duration,
    pub(crate) policy: WaitPolicy,
    pub(crate) bell: Doorbell,
    /// Stage threads still alive that send into this loop's inbox (strategy shards); `None` when
    /// nothing upstream must be waited for.
    pub(crate) upstream: Option<Arc<AtomicUsize>>,
}

impl EngineEnv {
    /// Whether every upstream stage has ended. Shards decrement the count (`Release`) after their
    /// last send, so once this reads zero (`Acquire`) every message they sent is in the inbox.
    fn upstream_done(&self) -> bool {
        self.upstream
            .as_ref()
            .is_none_or(|alive| alive.load(Ordering::Acquire) == 0)
    }
}

/// Spawns a thread named and pinned per `spec` that runs the loop over `chain` and hands back
/// `unwrap(chain)` with what the loop measured. Whatever `unwrap` captures lives until the loop
/// has returned (or is dropped while unwinding if the chain panics, or if the spawn fails).
pub(crate) fn spawn_loop<M, C, A>(
    placement: &Placement,
    spec: &ThreadSpec,
    rx: TickReceiver,
    inbox: Option<MpscReceiver<M>>,
    chain: C,
    env: EngineEnv,
    unwrap: impl FnOnce(C) -> A + Send + 'static,
) -> io::Result<JoinHandle<EngineReport<A>>>
where
    M: Send + 'static,
    C: Actor<In = Input<M>, Out = ()> + Send + 'static,
    A: Send + 'static,
{
    placement.spawn(spec, move || {
        env.bell.register_current_thread();
        env.shutdown.register_current_thread();
        let report = run_engine(rx, inbox, chain, env);
        EngineReport {
            chain: unwrap(report.chain),
            latency: report.latency,
            link: report.link,
            cpu: report.cpu,
        }
    })
}

pub(crate) fn run_engine<M, A>(
    mut rx: TickReceiver,
    inbox: Option<MpscReceiver<M>>,
    mut chain: A,
    env: EngineEnv,
) -> EngineReport<A>
where
    A: Actor<In = Input<M>, Out = ()>,
{
    let meter = CpuMeter::thread();
    let mut state = LoopState::new(&env);
    loop {
        let (max, last) = state.round_limit(&rx, &env);
        let mut n = process_ticks(&mut rx, max, &mut chain, &mut state, &env);
        if let Some(inbox) = &inbox {
            let max = if last { inbox.depth() } else { BATCH };
            n += process_messages(&mut rx, inbox, max, &mut chain, &mut state, &env);
        }
        if last {
            break;
        }
        state.publish_latency_now_and_then(&env);
        if n > 0 {
            state.rested = false;
            continue;
        }
        let has_messages = || inbox.as_ref().is_some_and(|i| i.has_messages());
        if rx.is_abandoned() && !rx.has_ticks() && env.upstream_done() {
            // A message that came in after this round's inbox pass (a shard's last decision, just
            // before it ended) still gets its round.
            if !has_messages() {
                break;
            }
            continue;
        }
        let has_work = || rx.has_ticks() || has_messages();
        let found = if state.rested {
            env.bell.rest(env.policy, has_work)
        } else {
            env.bell.wait(env.policy, has_work)
        };
        state.rested = !found;
    }
    let link = rx.stats().snapshot();
    EngineReport {
        chain,
        latency: state.latency,
        link,
        cpu: meter.stop(),
    }
}

/// What the loop carries from round to round.
struct LoopState {
    latency: StageLatency,
    /// When the loop first saw the shutdown flag.
    stop_seen: Option<Instant>,
    /// The last wait found no work: the next one parks without spinning first.
    rested: bool,
    /// Engine time: the last delivered tick's `ts`.
    last_ts: i64,
    /// When the stage latency was last published.
    last_report: u64,
}

impl LoopState {
    fn new(env: &EngineEnv) -> LoopState {
        LoopState {
            latency: StageLatency::new(),
            stop_seen: None,
            rested: false,
            last_ts: 0,
            last_report: env.clock.now_ns(),
        }
    }

    /// How many ring ticks this round may deliver, and whether it is the last round. After a
    /// shutdown the loop drains to empty; a feed still alive after `grace` gets one final bounded
    /// drain — but only once the upstream stages are gone, since their last decisions are still
    /// coming.
    fn round_limit(&mut self, rx: &TickReceiver, env: &EngineEnv) -> (usize, bool) {
        if env.shutdown.is_triggered() {
            let since = *self.stop_seen.get_or_insert_with(Instant::now);
            if since.elapsed() >= env.grace && env.upstream_done() {
                return (rx.depth(), true);
            }
        }
        (BATCH, false)
    }

    /// Once a second (one clock read per round, not per tick): the latency so far, for the status
    /// line and the event log.
    fn publish_latency_now_and_then(&mut self, env: &EngineEnv) {
        let now = env.clock.now_ns();
        if now.saturating_sub(self.last_report) >= LATENCY_EVERY_NS {
            self.last_report = now;
            publish_latency(&self.latency, self.last_ts, &env.events);
        }
    }
}

/// Hands up to `max` inbox messages to the chain; returns how many ticks and messages it
/// delivered. An engine fed by upstream stages first delivers the ticks already in its ring (see
/// the module docs).
fn process_messages<M, A>(
    rx: &mut TickReceiver,
    inbox: &MpscReceiver<M>,
    max: usize,
    chain: &mut A,
    state: &mut LoopState,
    env: &EngineEnv,
) -> usize
where
    A: Actor<In = Input<M>, Out = ()>,
{
    let causal = env.upstream.is_some();
    let mut sink = |_: ()| {};
    let mut n = 0;
    for _ in 0..max {
        let Some(msg) = inbox.try_recv() else { break };
        if causal && rx.has_ticks() {
            // The feed pushes a tick into this ring before the shard's, so the tick behind this
            // message is already here: deliver up to what the ring holds now (bounded) and the
            // account sees that tick first.
            let depth = rx.depth();
            n += process_ticks(rx, depth, chain, state, env);
        }
        let now = env.clock.now_ns();
        chain.handle(
            Input::Message(msg),
            &mut Ctx::new(now, state.last_ts, &env.events, &mut sink),
        );
        n += 1;
    }
    n
}

/// How often the engine publishes its stage latency, ns.
const LATENCY_EVERY_NS: u64 = 1_000_000_000;

/// Publishes one [`EventKind::Latency`] per stage with samples (cumulative since start).
fn publish_latency(latency: &StageLatency, ts: i64, events: &EventBus) {
    for stage in Stage::ALL {
        let s = latency.summary(stage);
        if s.count > 0 {
            let kind = EventKind::Latency {
                stage: stage.as_str().to_string(),
                count: s.count,
                p50_ns: s.p50,
                p99_ns: s.p99,
                max_ns: s.max,
            };
            events.publish(Event::new(ts, kind));
        }
    }
}

/// Runs the chain over up to `max` ring ticks (plus ready pending ones), timing them with a
/// [`DrainTimer`]: one clock read per tick alone, one per segment of queued ticks.
fn process_ticks<M, A>(
    rx: &mut TickReceiver,
    max: usize,
    chain: &mut A,
    state: &mut LoopState,
    env: &EngineEnv,
) -> usize
where
    A: Actor<In = Input<M>, Out = ()>,
{
    if !rx.has_ticks() {
        return 0;
    }
    let mut sink = |_: ()| {};
    let mut timer = DrainTimer::start(env.clock);
    let latency = &mut state.latency;
    let last_ts = &mut state.last_ts;
    let n = rx.drain(max, |s| {
        let now = timer.tick(s.sent_ns, latency);
        chain.handle(
            Input::Tick(s.tick),
            &mut Ctx::new(now, s.tick.ts, &env.events, &mut sink),
        );
        *last_ts = s.tick.ts;
    });
    timer.finish(latency);
    n
}

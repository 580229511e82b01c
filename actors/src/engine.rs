//! The engine thread's loop: ticks from the ring and messages from the inbox into one actor chain,
//! spin-then-park when idle, stage latency, and the shutdown drain.
//!
//! Each round delivers up to a batch of ring ticks (plus pending ticks now in order), then up to a
//! batch of inbox messages, so neither input can starve the other. The clock is read once per tick
//! (see [`crate::latency`]); inbox messages are not timed, and their [`Ctx::ts`] is the last
//! tick's time (engine time). The loop ends when the feed is gone and every tick is delivered, or
//! after a shutdown once ticks and messages are drained (a feed still alive after the grace period
//! gets one final bounded drain).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use sharewise_engine::types::Tick;

use crate::actor::{Actor, Ctx};
use crate::clock::MonoClock;
use crate::doorbell::{Doorbell, WaitPolicy};
use crate::events::EventBus;
use crate::latency::{Stage, StageLatency};
use crate::mpsc::MpscReceiver;
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
}

pub(crate) fn run_engine<M, A>(mut rx: TickReceiver, inbox: Option<MpscReceiver<M>>, mut chain: A, env: EngineEnv) -> EngineReport<A>
where
    A: Actor<In = Input<M>, Out = ()>,
{
    let mut latency = StageLatency::new();
    let mut stop_seen: Option<Instant> = None;
    let mut sink = |_: ()| {};
    let mut last_ts = 0;
    loop {
        let mut max = BATCH;
        let mut last = false;
        if env.shutdown.is_triggered() {
            // Drain to empty; a feed still alive after `grace` gets one final bounded drain.
            let since = *stop_seen.get_or_insert_with(Instant::now);
            if since.elapsed() >= env.grace {
                (max, last) = (rx.depth(), true);
            }
        }
        let mut n = process_ticks(&mut rx, max, &mut chain, &mut latency, &mut last_ts, &env);
        if let Some(inbox) = &inbox {
            let max = if last { inbox.depth() } else { BATCH };
            for _ in 0..max {
                let Some(msg) = inbox.try_recv() else { break };
                let now = env.clock.now_ns();
                chain.handle(Input::Message(msg), &mut Ctx::new(now, last_ts, &env.events, &mut sink));
                n += 1;
            }
        }
        if last {
            break;
        }
        if n > 0 {
            continue;
        }
        if rx.is_abandoned() && !rx.has_ticks() {
            break;
        }
        let has_messages = || inbox.as_ref().is_some_and(|i| i.has_messages());
        env.bell.wait(env.policy, || rx.has_ticks() || has_messages());
    }
    let link = rx.stats().snapshot();
    EngineReport { chain, latency, link }
}

/// Runs the chain over up to `max` ring ticks (plus ready pending ones); one clock read per tick
/// and one per batch.
fn process_ticks<M, A>(
    rx: &mut TickReceiver,
    max: usize,
    chain: &mut A,
    latency: &mut StageLatency,
    last_ts: &mut i64,
    env: &EngineEnv,
) -> usize
where
    A: Actor<In = Input<M>, Out = ()>,
{
    let mut sink = |_: ()| {};
    let mut prev: Option<u64> = None;
    let n = rx.drain(max, |s| {
        let now = env.clock.now_ns();
        if let Some(start) = prev {
            latency.record(Stage::EngineChain, now.saturating_sub(start));
        }
        latency.record(Stage::FeedToEngine, now.saturating_sub(s.sent_ns));
        chain.handle(Input::Tick(s.tick), &mut Ctx::new(now, s.tick.ts, &env.events, &mut sink));
        prev = Some(now);
        *last_ts = s.tick.ts;
    });
    if let Some(start) = prev {
        latency.record(Stage::EngineChain, env.clock.now_ns().saturating_sub(start));
    }
    n
}

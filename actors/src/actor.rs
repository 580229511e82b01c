//! Actors on one thread: the [`Actor`] trait and [`Chain`], which composes two actors by direct,
//! synchronous calls — no queue, no atomics, no allocation.
//!
//! An actor owns its state and reacts to one input message at a time; whatever it produces goes to
//! [`Ctx::emit`], which calls the next actor's `handle` right there on the same stack. The engine
//! thread's indicator → strategy → risk path is `Chain::new(indicators, Chain::new(strategies,
//! risk))`; actors on *other* threads are reached through a ring instead (see
//! [`mod@crate::tick_link`], [`crate::mpsc`]), which is a placement decision, not an actor's.
//!
//! ```
//! use sharewise_actors::{Actor, Chain, Ctx, EventBus};
//!
//! struct Double;
//! impl Actor for Double {
//!     type In = i64;
//!     type Out = i64;
//!     fn handle(&mut self, msg: i64, ctx: &mut Ctx<'_, i64>) { ctx.emit(msg * 2); }
//! }
//! struct Sum(i64);
//! impl Actor for Sum {
//!     type In = i64;
//!     type Out = ();
//!     fn handle(&mut self, msg: i64, _ctx: &mut Ctx<'_, ()>) { self.0 += msg; }
//! }
//!
//! let (bus, _stream) = EventBus::bounded(8);
//! let mut chain = Chain::new(Double, Sum(0));
//! chain.handle(5, &mut Ctx::new(0, 0, &bus, &mut |_| {}));
//! assert_eq!(chain.second().0, 10);
//! ```

use crate::events::{Event, EventBus};
use sharewise_engine::time::TimestampNs;

/// What an actor sees besides its message: the time, the event bus, and where its output goes.
pub struct Ctx<'a, O> {
    /// Monotonic runtime time of this message's pick-up ([`crate::MonoClock::now_ns`]); for a tick
    /// taken from a backlog, the engine's latest reading, at most a few ticks earlier.
    pub mono_ns: u64,
    /// Exchange/engine time of the message being handled, UTC ns (the tick's `ts`).
    pub ts: TimestampNs,
    /// The off-hot-path event bus.
    pub events: &'a EventBus,
    out: &'a mut dyn FnMut(O),
}

impl<'a, O> Ctx<'a, O> {
    /// A context whose outputs go to `out`.
    pub fn new(
        mono_ns: u64,
        ts: TimestampNs,
        events: &'a EventBus,
        out: &'a mut dyn FnMut(O),
    ) -> Self {
        Ctx {
            mono_ns,
            ts,
            events,
            out,
        }
    }

    /// Hands `msg` to the next actor (synchronously, on this thread).
    #[inline]
    pub fn emit(&mut self, msg: O) {
        (self.out)(msg)
    }

    /// Publishes an event stamped with this message's time (never blocks; may drop).
    pub fn publish(&self, kind: crate::events::EventKind) -> bool {
        self.events.publish(Event::new(self.ts, kind))
    }
}

/// Something that owns state and reacts to messages one at a time.
pub trait Actor {
    /// The message it handles.
    type In;
    /// What it emits through [`Ctx::emit`] (`()` for a sink).
    type Out;
    /// Reacts to one message.
    fn handle(&mut self, msg: Self::In, ctx: &mut Ctx<'_, Self::Out>);
}

/// Two actors on the same thread: everything `A` emits is handled by `B` before `A::handle`
/// returns.
#[derive(Debug, Default)]
pub struct Chain<A, B> {
    first: A,
    second: B,
}

impl<A, B> Chain<A, B> {
    /// `first` feeds `second`.
    pub fn new(first: A, second: B) -> Self {
        Chain { first, second }
    }

    /// The upstream actor.
    pub fn first(&self) -> &A {
        &self.first
    }

    /// The downstream actor.
    pub fn second(&self) -> &B {
        &self.second
    }

    /// Mutable access to the upstream actor (setup, tests).
    pub fn first_mut(&mut self) -> &mut A {
        &mut self.first
    }

    /// Mutable access to the downstream actor (setup, tests).
    pub fn second_mut(&mut self) -> &mut B {
        &mut self.second
    }

    /// Takes the chain apart (the runtime hands stages back this way when it ends).
    pub fn into_parts(self) -> (A, B) {
        (self.first, self.second)
    }
}

impl<A, B> Actor for Chain<A, B>
where
    A: Actor,
    B: Actor<In = A::Out>,
{
    type In = A::In;
    type Out = B::Out;

    #[inline]
    fn handle(&mut self, msg: A::In, ctx: &mut Ctx<'_, B::Out>) {
        let (mono_ns, ts, events) = (ctx.mono_ns, ctx.ts, ctx.events);
        let second = &mut self.second;
        let out = &mut *ctx.out;
        let mut forward = |m: A::Out| {
            second.handle(
                m,
                &mut Ctx {
                    mono_ns,
                    ts,
                    events,
                    out: &mut *out,
                },
            )
        };
        self.first.handle(
            msg,
            &mut Ctx {
                mono_ns,
                ts,
                events,
                out: &mut forward,
            },
        );
    }
}

//! The feed → engine tick link: a bounded SPSC ring ([`rtrb`]) of [`Stamped`] ticks, conflation
//! slots for overload, waiting through a [`Doorbell`], and exported counters.
//!
//! ```
//! use sharewise_actors::{tick_link, Doorbell, WaitPolicy};
//! use sharewise_engine::types::{InstrumentId, Price, Tick};
//!
//! let bell = Doorbell::new();
//! let (mut tx, mut rx) = tick_link(1024, 16, bell.clone());
//! let tick = Tick { ts: 1, instrument: InstrumentId(3), price: Price::from_rupees_paise(100, 5), qty: 10 };
//! tx.send(tick, 0);
//! let mut got = Vec::new();
//! rx.drain(64, |s| got.push(s.tick));
//! assert_eq!(got, vec![tick]);
//! assert_eq!(rx.stats().snapshot().delivered, 1);
//! # let _ = WaitPolicy::default();
//! ```
//!
//! **Overload.** When the ring is full, the feed does not block and does not drop blindly: the tick
//! goes to its instrument's pending slot (see the `conflate` module), where a newer tick of the same
//! instrument replaces it. The engine drains the slots after the ring. Ticks of one instrument are
//! never reordered; ticks of *different* instruments may be (a slot is delivered after the ring
//! ticks that were queued before it). Ticks whose instrument id has no slot are dropped and counted.
//!
//! **Cost per tick.** The feed's send is a slot-flag load, the ring write, one relaxed store of its
//! push counter and the doorbell's ring (a fence and a load; nothing for a busy-polling engine).
//! No lock, allocation or system call, even under overload (see the `conflate` module). The engine
//! takes ring ticks in chunks, releasing ring space and storing its counters once per chunk. The
//! feed's counters and the engine's live on separate cache lines, so neither side's stores slow
//! the other. Dropping the feed end wakes the engine, so a parked engine sees the end at once.

use std::sync::atomic::{fence, AtomicU64, Ordering};
use std::sync::Arc;

use rtrb::{Consumer, Producer, RingBuffer};
use sharewise_engine::types::{InstrumentId, Price, Tick};

use crate::clock::Stamped;
use crate::conflate::{PendingSlots, Put};
use crate::doorbell::{Doorbell, WaitPolicy};
use crate::padded::Padded;

/// Counters shared by both ends of a link; read them from any thread.
#[derive(Debug, Default)]
pub struct LinkStats {
    /// Written by the feed only.
    feed: Padded<FeedCounters>,
    /// Written by the engine only.
    engine: Padded<EngineCounters>,
}

#[derive(Debug, Default)]
struct FeedCounters {
    pushed: AtomicU64,
    parked: AtomicU64,
    conflated: AtomicU64,
    dropped: AtomicU64,
}

#[derive(Debug, Default)]
struct EngineCounters {
    popped: AtomicU64,
    delivered: AtomicU64,
}

/// A point-in-time copy of [`LinkStats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkSnapshot {
    /// Ticks that went into the ring.
    pub pushed: u64,
    /// Ticks the engine took out of the ring.
    pub popped: u64,
    /// Ticks that went to an empty pending slot (the ring was full or the instrument was pending).
    pub parked: u64,
    /// Pending ticks replaced by a newer tick of the same instrument (lost to conflation).
    pub conflated: u64,
    /// Ticks dropped because their instrument id had no slot.
    pub dropped: u64,
    /// Ticks handed to the engine (ring + pending).
    pub delivered: u64,
}

impl LinkStats {
    /// Copies the counters (each read is relaxed; the copy is not one atomic snapshot).
    pub fn snapshot(&self) -> LinkSnapshot {
        let (feed, engine) = (&self.feed.0, &self.engine.0);
        LinkSnapshot {
            pushed: feed.pushed.load(Ordering::Relaxed),
            popped: engine.popped.load(Ordering::Relaxed),
            parked: feed.parked.load(Ordering::Relaxed),
            conflated: feed.conflated.load(Ordering::Relaxed),
            dropped: feed.dropped.load(Ordering::Relaxed),
            delivered: engine.delivered.load(Ordering::Relaxed),
        }
    }
}

impl LinkSnapshot {
    /// Ticks waiting in the ring (`pushed - popped`).
    pub fn ring_depth(&self) -> u64 {
        self.pushed.saturating_sub(self.popped)
    }
}

struct Shared {
    slots: PendingSlots,
    stats: Arc<LinkStats>,
}

/// Builds a link: a ring of `capacity` ticks and one pending slot per instrument id in
/// `0..instruments`, waking the engine through `bell`.
pub fn tick_link(
    capacity: usize,
    instruments: usize,
    bell: Doorbell,
) -> (TickSender, TickReceiver) {
    let (mut producer, mut consumer) = RingBuffer::new(capacity.max(1));
    touch_every_slot(&mut producer, &mut consumer);
    let shared = Arc::new(Shared {
        slots: PendingSlots::new(instruments),
        stats: Arc::default(),
    });
    let tx = TickSender {
        producer,
        shared: Arc::clone(&shared),
        bell: bell.clone(),
        counts: FeedCounts::default(),
        _wake: WakeOnDrop(bell.clone()),
    };
    let rx = TickReceiver {
        consumer,
        shared,
        bell,
        popped: 0,
        delivered: 0,
    };
    (tx, rx)
}

/// Writes and takes back one placeholder tick per ring slot, so the ring's memory is mapped now
/// rather than by page faults under the first lap of live ticks.
fn touch_every_slot(producer: &mut Producer<Stamped>, consumer: &mut Consumer<Stamped>) {
    let placeholder = Stamped {
        tick: Tick {
            ts: 0,
            instrument: InstrumentId(0),
            price: Price::ZERO,
            qty: 0,
        },
        sent_ns: 0,
    };
    let free = producer.slots();
    if let Ok(chunk) = producer.write_chunk_uninit(free) {
        chunk.fill_from_iter(std::iter::repeat(placeholder));
    }
    if let Ok(chunk) = consumer.read_chunk(consumer.slots()) {
        chunk.commit_all();
    }
}

/// What [`TickSender::send`] did with a tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Into the ring.
    Ring,
    /// Into the instrument's (empty) pending slot.
    Parked,
    /// Replaced an older pending tick of the same instrument.
    Conflated,
    /// Dropped: the instrument id is outside the link's slot table.
    Dropped,
}

/// The feed's own copy of its counters: it is their only writer, so it stores them instead of
/// incrementing shared atomics.
#[derive(Debug, Default)]
struct FeedCounts {
    pushed: u64,
    parked: u64,
    conflated: u64,
    dropped: u64,
}

/// Wakes the engine when the feed end is dropped. It is [`TickSender`]'s last field, and fields
/// drop in order, so the wake comes after the ring's producer is gone: the woken engine then
/// sees the ring abandoned instead of parking again.
struct WakeOnDrop(Doorbell);

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        self.0.wake();
    }
}

/// The feed end of a tick link (one producer thread).
pub struct TickSender {
    producer: Producer<Stamped>,
    shared: Arc<Shared>,
    bell: Doorbell,
    counts: FeedCounts,
    /// Must stay the last field (see [`WakeOnDrop`]).
    _wake: WakeOnDrop,
}

impl TickSender {
    /// Sends `tick` stamped with `sent_ns` (the feed's [`crate::MonoClock::now_ns`]). Never
    /// blocks and never allocates.
    #[inline]
    pub fn send(&mut self, tick: Tick, sent_ns: u64) -> Sent {
        let slots = &self.shared.slots;
        if !slots.covers(tick.instrument) {
            self.counts.dropped += 1;
            self.feed_counters()
                .dropped
                .store(self.counts.dropped, Ordering::Relaxed);
            return Sent::Dropped;
        }
        let stamped = Stamped { tick, sent_ns };
        let outcome = if slots.is_pending(tick.instrument) {
            self.park(stamped)
        } else {
            match self.producer.push(stamped) {
                Ok(()) => {
                    self.counts.pushed += 1;
                    self.feed_counters()
                        .pushed
                        .store(self.counts.pushed, Ordering::Relaxed);
                    Sent::Ring
                }
                Err(rtrb::PushError::Full(stamped)) => self.park(stamped),
            }
        };
        self.bell.ring();
        outcome
    }

    #[inline]
    fn feed_counters(&self) -> &FeedCounters {
        &self.shared.stats.feed.0
    }

    #[cold]
    fn park(&mut self, stamped: Stamped) -> Sent {
        match self.shared.slots.put(stamped, self.counts.pushed) {
            Put::Parked => {
                self.counts.parked += 1;
                self.feed_counters()
                    .parked
                    .store(self.counts.parked, Ordering::Relaxed);
                Sent::Parked
            }
            Put::Conflated => {
                self.counts.conflated += 1;
                self.feed_counters()
                    .conflated
                    .store(self.counts.conflated, Ordering::Relaxed);
                Sent::Conflated
            }
        }
    }

    /// The counters of this link.
    pub fn stats(&self) -> &LinkStats {
        &self.shared.stats
    }

    /// A handle on the counters for a metrics thread.
    pub fn stats_handle(&self) -> Arc<LinkStats> {
        Arc::clone(&self.shared.stats)
    }
}

/// The engine end of a tick link (one consumer thread).
pub struct TickReceiver {
    consumer: Consumer<Stamped>,
    shared: Arc<Shared>,
    bell: Doorbell,
    popped: u64,
    delivered: u64,
}

impl TickReceiver {
    /// Delivers up to `max` ring ticks to `f`, then every pending tick that is now in order.
    /// Returns how many ticks were delivered.
    #[inline]
    pub fn drain(&mut self, max: usize, mut f: impl FnMut(Stamped)) -> usize {
        let mut n = self.drain_ring(max, &mut f);
        if self.shared.slots.len() > 0 {
            n += self.shared.slots.drain(self.popped, &mut f);
        }
        if n > 0 {
            self.delivered += n as u64;
            let engine = &self.shared.stats.engine.0;
            engine.popped.store(self.popped, Ordering::Relaxed);
            engine.delivered.store(self.delivered, Ordering::Relaxed);
        }
        n
    }

    /// Up to `max` ring ticks in one chunk: the ring's head (which the feed reads to find room)
    /// is stored once for the chunk rather than once per tick.
    #[inline]
    fn drain_ring(&mut self, max: usize, f: &mut impl FnMut(Stamped)) -> usize {
        let ready = self.consumer.slots().min(max);
        if ready == 0 {
            return 0;
        }
        let Ok(chunk) = self.consumer.read_chunk(ready) else {
            // `slots()` just counted `ready` readable ticks and only this thread takes any.
            return 0;
        };
        let mut ticks = chunk.into_iter();
        // Counted as it goes: a panicking `f` leaves the ticks it did not reach in the ring.
        for stamped in ticks.by_ref() {
            f(stamped);
        }
        let n = ticks.iterated();
        self.popped += n as u64;
        n
    }

    /// Whether a tick is waiting in the ring or a pending slot.
    #[inline]
    pub fn has_ticks(&self) -> bool {
        !self.consumer.is_empty() || self.shared.slots.len() > 0
    }

    /// Whether the feed end was dropped (after which no new tick can arrive). When it returns
    /// `true`, every tick the feed pushed is visible to [`TickReceiver::has_ticks`].
    pub fn is_abandoned(&self) -> bool {
        let gone = self.consumer.is_abandoned();
        if gone {
            // rtrb's check is a relaxed load of the ring's `Arc` count (rtrb issue 114); this
            // fence pairs it with the producer's releasing drop, so a loop that ends on
            // "abandoned and empty" cannot miss the feed's last pushes on a weakly ordered CPU.
            fence(Ordering::Acquire);
        }
        gone
    }

    /// Waits by `policy` until a tick is waiting, the bell rings, or one park interval passes.
    pub fn wait(&self, policy: WaitPolicy) -> bool {
        self.bell.wait(policy, || self.has_ticks())
    }

    /// Ticks in the ring plus instruments with a pending tick.
    pub fn depth(&self) -> usize {
        self.consumer.slots() + self.shared.slots.len()
    }

    /// The counters of this link.
    pub fn stats(&self) -> &LinkStats {
        &self.shared.stats
    }
}

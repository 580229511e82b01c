//! Per-instrument "latest pending" slots: where the tick link puts ticks when its ring is full.
//!
//! One slot per [`InstrumentId`], allocated once when the link is built (nothing is allocated per
//! tick). The feed writes a slot when the ring is full *or* when that instrument already has a
//! pending tick (so a newer tick of the same instrument can never overtake it through the ring);
//! a second write before the engine takes the slot replaces the first — the newest tick wins and
//! the replacement is counted as a conflation.
//!
//! Each pending tick remembers how many ticks the feed had pushed into the ring before it
//! (`since`). The engine takes it only once it has popped at least that many, i.e. after every
//! ring tick that is older than it — which is what keeps every instrument's ticks in order. A
//! replacement keeps the older `since` (nothing of that instrument entered the ring meanwhile), so
//! a busy instrument cannot push its own delivery further and further back.
//!
//! # No lock, exactly once
//!
//! Overload is when the feed is fastest, so a slot is handed over without a lock (a mutex here
//! cost the engine most of its throughput when the feed ran flat out). Each slot is one cache line:
//! a `state` word and the tick's fields as relaxed atomics. `state` holds `FULL` (a tick waits),
//! `WRITING` (the feed is replacing it) and a write count above them.
//!
//! - The feed sets `WRITING` with one read-modify-write, which also tells it whether the slot was
//!   `FULL` — then the older tick is replaced (`Conflated`), otherwise it is new (`Parked`). It
//!   writes the fields after a release fence and publishes `FULL` with the count bumped.
//! - The engine loads `state`, reads the fields, then clears `FULL` with a compare-exchange from
//!   exactly the state it loaded. A feed write that began in between changed `state`, so the
//!   exchange fails and the engine reads again: it never delivers a torn tick, and a tick is
//!   either delivered (the exchange won) or replaced (the feed's read-modify-write won), never both
//!   — which keeps `pushed + parked == delivered` exact. If the engine's relaxed reads saw any of a
//!   newer write's fields, its acquire fence pairs with the feed's release fence, so the exchange
//!   is ordered after the feed's `WRITING` and fails.

use std::sync::atomic::{fence, AtomicU64, AtomicUsize, Ordering};

use sharewise_engine::types::{InstrumentId, Price, Tick};

use crate::clock::Stamped;
use crate::padded::Padded;

/// A tick waits in the slot.
const FULL: u64 = 1;
/// The feed is writing the slot.
const WRITING: u64 = 2;
/// One write, in the count above the flags.
const WRITE: u64 = 4;

/// How often the engine re-reads a slot the feed is writing before leaving it for the next drain.
const TAKE_TRIES: u32 = 64;

/// One instrument's slot: a cache line of its own, so instruments do not share lines.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Slot {
    state: AtomicU64,
    ts: AtomicU64,
    price: AtomicU64,
    qty: AtomicU64,
    sent_ns: AtomicU64,
    /// Ring pushes before the tick that made the slot pending (see the module docs).
    since: AtomicU64,
}

/// What [`PendingSlots::put`] did with a tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Put {
    /// The slot was empty; the tick now waits there.
    Parked,
    /// The slot held an older tick, which this one replaced (the older one is gone).
    Conflated,
}

/// The fixed table of pending slots shared by one feed and one engine.
#[derive(Debug)]
pub(crate) struct PendingSlots {
    slots: Box<[Slot]>,
    /// Slots that are `FULL` (or about to be: the feed counts a slot in before publishing it, so
    /// this never undercounts and never wraps).
    count: Padded<AtomicUsize>,
}

impl PendingSlots {
    /// A table with one slot per instrument id in `0..instruments`.
    pub(crate) fn new(instruments: usize) -> PendingSlots {
        let slots = (0..instruments).map(|_| Slot::default()).collect();
        PendingSlots {
            slots,
            count: Padded(AtomicUsize::new(0)),
        }
    }

    /// Whether `id` has a slot in this table.
    #[inline]
    pub(crate) fn covers(&self, id: InstrumentId) -> bool {
        (id.0 as usize) < self.slots.len()
    }

    /// Feed fast path: whether `id` has a pending tick. Only the feed sets `FULL`, so it never
    /// misses its own; a stale `true` (the engine just took it) only sends the tick down the slow
    /// path, which is still correct.
    #[inline]
    pub(crate) fn is_pending(&self, id: InstrumentId) -> bool {
        self.slots
            .get(id.0 as usize)
            .is_some_and(|s| s.state.load(Ordering::Relaxed) & FULL != 0)
    }

    /// Number of instruments with a pending tick.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.count.0.load(Ordering::Acquire)
    }

    /// Feed slow path: parks `tick` in its instrument's slot. `ring_seq` is the number of ticks
    /// the feed pushed into the ring so far. The caller checked [`PendingSlots::covers`].
    pub(crate) fn put(&self, tick: Stamped, ring_seq: u64) -> Put {
        let slot = &self.slots[tick.tick.instrument.0 as usize];
        let before = slot.state.fetch_or(WRITING, Ordering::Acquire);
        let replaced = before & FULL != 0;
        if !replaced {
            self.count.0.fetch_add(1, Ordering::Relaxed);
        }
        // Orders the field stores after `WRITING` for an engine whose reads see them.
        fence(Ordering::Release);
        slot.ts.store(tick.tick.ts as u64, Ordering::Relaxed);
        slot.price
            .store(tick.tick.price.0 as u64, Ordering::Relaxed);
        slot.qty.store(tick.tick.qty as u64, Ordering::Relaxed);
        slot.sent_ns.store(tick.sent_ns, Ordering::Relaxed);
        if !replaced {
            slot.since.store(ring_seq, Ordering::Relaxed);
        }
        // Only the feed changes a state that has `WRITING` set, so a plain store ends the write.
        let after = ((before & !WRITING) + WRITE) | FULL;
        slot.state.store(after, Ordering::Release);
        if replaced {
            Put::Conflated
        } else {
            Put::Parked
        }
    }

    /// Engine side: hands every pending tick whose `since <= popped` to `f`, clearing its slot.
    /// Returns how many were delivered. Scans the table, so only call it when `len() > 0`.
    pub(crate) fn drain(&self, popped: u64, mut f: impl FnMut(Stamped)) -> usize {
        let mut delivered = 0;
        for (id, slot) in self.slots.iter().enumerate() {
            if slot.state.load(Ordering::Relaxed) & FULL == 0 {
                continue;
            }
            if let Some(tick) = self.take(slot, id as u32, popped) {
                f(tick);
                delivered += 1;
            }
        }
        delivered
    }

    /// Takes `slot`'s tick if it is in order after `popped` ring ticks (see the module docs for
    /// why the read is never torn and never doubles a tick).
    fn take(&self, slot: &Slot, id: u32, popped: u64) -> Option<Stamped> {
        for _ in 0..TAKE_TRIES {
            let state = slot.state.load(Ordering::Acquire);
            if state & FULL == 0 {
                return None;
            }
            if state & WRITING != 0 {
                std::hint::spin_loop();
                continue;
            }
            // Written with the tick that made the slot pending; a replacement leaves it alone.
            if slot.since.load(Ordering::Relaxed) > popped {
                return None;
            }
            let tick = Stamped {
                tick: Tick {
                    ts: slot.ts.load(Ordering::Relaxed) as i64,
                    instrument: InstrumentId(id),
                    price: Price(slot.price.load(Ordering::Relaxed) as i64),
                    qty: slot.qty.load(Ordering::Relaxed) as i64,
                },
                sent_ns: slot.sent_ns.load(Ordering::Relaxed),
            };
            fence(Ordering::Acquire);
            let cleared = state & !FULL;
            if slot
                .state
                .compare_exchange(state, cleared, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                self.count.0.fetch_sub(1, Ordering::Relaxed);
                return Some(tick);
            }
        }
        // The feed kept rewriting it: the tick stays pending (and counted) for the next drain.
        None
    }
}

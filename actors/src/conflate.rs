//! Per-instrument "latest pending" slots: where the tick link puts ticks when its ring is full.
//!
//! One slot per [`InstrumentId`], allocated once when the link is built (nothing is allocated per
//! tick). The feed writes a slot when the ring is full *or* when that instrument already has a
//! pending tick (so a newer tick of the same instrument can never overtake it through the ring);
//! a second write before the engine takes the slot replaces the first — the newest tick wins and
//! the replacement is counted as a conflation.
//!
//! Each pending tick remembers how many ticks the feed had pushed into the ring before it
//! (`ring_seq`). The engine takes it only once it has popped at least that many, i.e. after every
//! ring tick that is older than it — which is what keeps every instrument's ticks in order.
//!
//! Slots are guarded by an uncontended `Mutex` (only the overload path touches them) plus an
//! `AtomicBool` flag the feed reads on its fast path without locking.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use sharewise_engine::types::InstrumentId;

use crate::clock::Stamped;

#[derive(Debug, Default)]
struct Slot {
    /// Set (under the lock) by the feed when the slot fills, cleared (under the lock) by the engine.
    pending: AtomicBool,
    /// The pending tick and the ring push count before it.
    value: Mutex<Option<(Stamped, u64)>>,
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
    count: AtomicUsize,
}

impl PendingSlots {
    /// A table with one slot per instrument id in `0..instruments`.
    pub(crate) fn new(instruments: usize) -> PendingSlots {
        let slots = (0..instruments).map(|_| Slot::default()).collect();
        PendingSlots {
            slots,
            count: AtomicUsize::new(0),
        }
    }

    /// Whether `id` has a slot in this table.
    #[inline]
    pub(crate) fn covers(&self, id: InstrumentId) -> bool {
        (id.0 as usize) < self.slots.len()
    }

    /// Feed fast path: whether `id` has (or very recently had) a pending tick. A stale `true` only
    /// sends the tick down the slow path, which is still correct.
    #[inline]
    pub(crate) fn is_pending(&self, id: InstrumentId) -> bool {
        self.slots
            .get(id.0 as usize)
            .is_some_and(|s| s.pending.load(Ordering::Acquire))
    }

    /// Number of instruments with a pending tick.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Feed slow path: parks `tick` in its instrument's slot. `ring_seq` is the number of ticks
    /// the feed pushed into the ring so far. The caller checked [`PendingSlots::covers`].
    pub(crate) fn put(&self, tick: Stamped, ring_seq: u64) -> Put {
        let slot = &self.slots[tick.tick.instrument.0 as usize];
        let mut value = slot
            .value
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match value.as_mut() {
            Some(held) => {
                // Keep the older ring_seq: nothing of this instrument entered the ring since.
                held.0 = tick;
                Put::Conflated
            }
            None => {
                *value = Some((tick, ring_seq));
                slot.pending.store(true, Ordering::Release);
                self.count.fetch_add(1, Ordering::AcqRel);
                Put::Parked
            }
        }
    }

    /// Engine side: hands every pending tick whose `ring_seq <= popped` to `f`, clearing its slot.
    /// Returns how many were delivered. Scans the table, so only call it when `len() > 0`.
    pub(crate) fn drain(&self, popped: u64, mut f: impl FnMut(Stamped)) -> usize {
        let mut delivered = 0;
        for slot in self.slots.iter() {
            if !slot.pending.load(Ordering::Acquire) {
                continue;
            }
            let taken = {
                let mut value = slot
                    .value
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                match *value {
                    Some((tick, seq)) if seq <= popped => {
                        *value = None;
                        slot.pending.store(false, Ordering::Release);
                        self.count.fetch_sub(1, Ordering::AcqRel);
                        Some(tick)
                    }
                    _ => None,
                }
            };
            if let Some(tick) = taken {
                f(tick);
                delivered += 1;
            }
        }
        delivered
    }
}

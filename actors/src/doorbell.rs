//! Waiting for work on one consumer thread fed by one or more producers: spin-then-park by
//! default, or busy-polling on a dedicated core.
//!
//! A [`Doorbell`] is shared by the engine thread (the only *waiter*) and every producer that feeds
//! it (the tick ring's feed thread, the order/fill channel's senders). The waiter calls
//! [`Doorbell::wait`] when it found all its inputs empty (and [`Doorbell::rest`] when the previous
//! wait found nothing either); producers call [`Doorbell::ring`] right after publishing a message.
//!
//! # Policies
//!
//! [`WaitPolicy::SpinPark`] (the default) spins a bounded number of checks, optionally yields the
//! core for a while, then parks until a producer rings. An idle engine costs next to nothing: a
//! wait that timed out is followed by [`Doorbell::rest`], which parks again without spinning.
//! The price is the wake-up: a parked thread is running again tens of microseconds after the
//! producer's `unpark` (longer on a virtual machine whose idle vCPU was halted).
//!
//! [`WaitPolicy::BusyPoll`] never sleeps: the waiter checks its inputs in a tight loop and so
//! picks a message up within a cache-line transfer, at the price of a whole core. A doorbell built
//! for it ([`Doorbell::for_policy`]) tells producers so, and their [`Doorbell::ring`] does nothing
//! at all (no fence): nobody ever needs waking.
//!
//! # Protocol (spin-then-park)
//!
//! Waiter (`wait(has_work)`):
//! 1. spin up to `spins` times calling `has_work()` with [`std::hint::spin_loop`] between checks;
//! 2. for up to `yield_for` (0 by default), check `has_work()` between
//!    [`std::thread::yield_now`] calls;
//! 3. store `sleeping = true`, then a `SeqCst` fence;
//! 4. check `has_work()` once more — if there is work, clear `sleeping` and return;
//! 5. otherwise `park_timeout(park)`, then clear `sleeping`.
//!
//! `rest(has_work)` is steps 3–5 alone.
//!
//! Producer (`ring()`), after its message is visible (the ring's tail store / channel send):
//! a `SeqCst` fence, then a load of `sleeping`; only if it is `true` does it call `unpark`.
//!
//! # Why no wake-up is lost
//!
//! The waiter *writes `sleeping` then reads the queues*; the producer *writes the queue then reads
//! `sleeping`*. With a `SeqCst` fence between the write and the read on both sides (the classic
//! Dekker/store-buffer pattern), the two fences are totally ordered, so at least one side sees the
//! other's write: either the waiter's re-check (step 4) sees the message and does not park, or the
//! producer sees `sleeping == true` and unparks. An `unpark` that lands *before* the waiter reaches
//! `park_timeout` is not lost either: `std::thread::park` consumes a token that `unpark` leaves
//! behind, so that park returns at once. Finally `park_timeout` bounds any sleep, so even a bug here
//! costs latency, never liveness (and a shutdown is noticed within one `park` interval).
//!
//! This is a refinement of "unpark when pushing into an empty ring": the waiter only sets
//! `sleeping` after seeing every input empty, so `sleeping == true` implies the ring was empty, and
//! a consumer that keeps up (the common case) costs the producer one fence and one load per message
//! rather than an `unpark` call each time.

use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// Checks a busy-polling waiter makes before it returns to its caller's loop (which looks at
/// shutdown and the end of the feed): about 10–20 µs.
const POLL_CHECKS: u32 = 1024;

/// How the waiter waits for work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitPolicy {
    /// Spin (bounded), optionally yield the core for a while, then park until a producer rings.
    SpinPark {
        /// Bounded number of `has_work` checks before yielding or parking.
        spins: u32,
        /// How long to keep checking between yields of the core before parking (zero: none).
        yield_for: Duration,
        /// Longest single park; the waiter re-checks its inputs (and shutdown) at least this often.
        park: Duration,
    },
    /// Never sleep: check the inputs continuously. Spends a whole core, for a dedicated one.
    BusyPoll,
}

impl WaitPolicy {
    /// 2 000 spins (tens of microseconds: a burst of ticks is caught without a wake-up), no
    /// yielding, then parks of at most 10 ms (a producer's ring ends them; the bound only caps the
    /// cost of a bug, and each expiry costs a wake-up).
    pub const DEFAULT_SPIN_PARK: WaitPolicy = WaitPolicy::SpinPark {
        spins: 2_000,
        yield_for: Duration::ZERO,
        park: Duration::from_millis(10),
    };
}

impl Default for WaitPolicy {
    /// [`WaitPolicy::DEFAULT_SPIN_PARK`]: a quiet feed costs a core almost nothing.
    fn default() -> Self {
        WaitPolicy::DEFAULT_SPIN_PARK
    }
}

#[derive(Debug, Default)]
struct Inner {
    sleeping: AtomicBool,
    waiter: OnceLock<Thread>,
    parks: AtomicU64,
    unparks: AtomicU64,
}

/// The wake-up channel between producers and the single consumer thread; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Doorbell {
    inner: Arc<Inner>,
    /// The waiter busy-polls and never sleeps: producers need not ring. A plain copy in every
    /// clone, so `ring` reads no shared memory for it.
    polled: bool,
}

impl Doorbell {
    /// A new doorbell whose waiter may sleep, with no waiter registered yet.
    pub fn new() -> Doorbell {
        Doorbell::default()
    }

    /// A doorbell for a waiter that waits by `policy`: for [`WaitPolicy::BusyPoll`], producers'
    /// [`Doorbell::ring`] costs nothing and the waiter never sleeps, whatever policy it is given.
    pub fn for_policy(policy: WaitPolicy) -> Doorbell {
        Doorbell {
            inner: Arc::default(),
            polled: policy == WaitPolicy::BusyPoll,
        }
    }

    /// Registers the calling thread as the waiter. Called by the first [`Doorbell::wait`]; call it
    /// earlier if producers may start before the consumer's first wait. A second, different
    /// thread is ignored (one waiter per doorbell).
    pub fn register_current_thread(&self) {
        let _ = self.inner.waiter.get_or_init(std::thread::current);
    }

    /// Producer side: call after publishing a message; unparks the waiter if it is going to sleep.
    #[inline]
    pub fn ring(&self) {
        if self.polled {
            return;
        }
        fence(Ordering::SeqCst);
        if self.inner.sleeping.load(Ordering::Relaxed) {
            self.wake();
        }
    }

    /// Unconditionally wakes the waiter (shutdown, end of a feed, tests).
    pub fn wake(&self) {
        if let Some(thread) = self.inner.waiter.get() {
            self.inner.unparks.fetch_add(1, Ordering::Relaxed);
            thread.unpark();
        }
    }

    /// Waiter side: returns when `has_work()` is true, after a wake-up, or after one park
    /// interval (a bounded poll for [`WaitPolicy::BusyPoll`]) — whichever comes first. Returns
    /// `true` if `has_work()` was seen true.
    pub fn wait(&self, policy: WaitPolicy, mut has_work: impl FnMut() -> bool) -> bool {
        let WaitPolicy::SpinPark {
            spins,
            yield_for,
            park,
        } = policy
        else {
            return poll(&mut has_work);
        };
        if self.polled {
            return poll(&mut has_work);
        }
        for _ in 0..spins {
            if has_work() {
                return true;
            }
            std::hint::spin_loop();
        }
        if !yield_for.is_zero() {
            let start = Instant::now();
            while start.elapsed() < yield_for {
                std::thread::yield_now();
                if has_work() {
                    return true;
                }
            }
        }
        self.sleep(park, has_work)
    }

    /// Waiter side, after a wait that found no work: parks at once (no spinning or yielding
    /// again), so an idle waiter wakes only once per park interval. Busy-polls for
    /// [`WaitPolicy::BusyPoll`]. Returns `true` if `has_work()` was seen true.
    pub fn rest(&self, policy: WaitPolicy, mut has_work: impl FnMut() -> bool) -> bool {
        match policy {
            WaitPolicy::SpinPark { park, .. } if !self.polled => self.sleep(park, has_work),
            _ => poll(&mut has_work),
        }
    }

    /// Steps 3–5 of the protocol: announce sleep, re-check, park for at most `park`.
    fn sleep(&self, park: Duration, mut has_work: impl FnMut() -> bool) -> bool {
        self.register_current_thread();
        self.inner.sleeping.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if has_work() {
            self.inner.sleeping.store(false, Ordering::Relaxed);
            return true;
        }
        self.inner.parks.fetch_add(1, Ordering::Relaxed);
        std::thread::park_timeout(park);
        self.inner.sleeping.store(false, Ordering::Relaxed);
        has_work()
    }

    /// Times the waiter parked (a gauge of idleness, for metrics).
    pub fn parks(&self) -> u64 {
        self.inner.parks.load(Ordering::Relaxed)
    }

    /// Times a producer (or [`Doorbell::wake`]) unparked the waiter.
    pub fn unparks(&self) -> u64 {
        self.inner.unparks.load(Ordering::Relaxed)
    }
}

/// A bounded busy poll: up to [`POLL_CHECKS`] checks, never sleeping.
#[inline]
fn poll(has_work: &mut impl FnMut() -> bool) -> bool {
    for _ in 0..POLL_CHECKS {
        if has_work() {
            return true;
        }
        std::hint::spin_loop();
    }
    false
}

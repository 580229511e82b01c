//! Spin-then-park waiting for one consumer thread fed by one or more producers.
//!
//! A [`Doorbell`] is shared by the engine thread (the only *waiter*) and every producer that feeds
//! it (the tick ring's feed thread, the order/fill channel's senders). The waiter calls
//! [`Doorbell::wait`] when it found all its inputs empty; producers call [`Doorbell::ring`] right
//! after publishing a message.
//!
//! # Protocol
//!
//! Waiter (`wait(has_work)`):
//! 1. spin up to `spins` times calling `has_work()` with [`std::hint::spin_loop`] between checks;
//! 2. for up to `yield_for`, check `has_work()` between [`std::thread::yield_now`] calls — the
//!    core stays available to other threads, yet a message is seen within a scheduler slice
//!    instead of after a park/unpark round trip (tens of microseconds);
//! 3. store `sleeping = true`, then a `SeqCst` fence;
//! 4. check `has_work()` once more — if there is work, clear `sleeping` and return;
//! 5. otherwise `park_timeout(park)`, then clear `sleeping`.
//!
//! Producer (`ring()`), after its message is visible (the ring's tail store / channel send):
//! a `SeqCst` fence, then a load of `sleeping`; only if it is `true` does it call `unpark`.
//!
//! # Why no wake-up is lost
//!
//! The waiter *writes `sleeping` then reads the queues*; the producer *writes the queue then reads
//! `sleeping`*. With a `SeqCst` fence between the write and the read on both sides (the classic
//! Dekker/store-buffer pattern), the two fences are totally ordered, so at least one side sees the
//! other's write: either the waiter's re-check (step 3) sees the message and does not park, or the
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

/// How long and how hard the waiter spins before it parks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitPolicy {
    /// Bounded number of `has_work` checks before yielding (never an unbounded spin).
    pub spins: u32,
    /// How long to keep checking between yields of the core before parking.
    pub yield_for: Duration,
    /// Longest single park; the waiter re-checks its inputs (and shutdown) at least this often.
    pub park: Duration,
}

impl Default for WaitPolicy {
    /// 2 000 spins (tens of microseconds), then yields for up to 1 ms, then parks of at most
    /// 1 ms: a feed ticking faster than 1 kHz never pays for a wake-up, a quiet one costs a core
    /// almost nothing.
    fn default() -> Self {
        WaitPolicy {
            spins: 2_000,
            yield_for: Duration::from_millis(1),
            park: Duration::from_millis(1),
        }
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
}

impl Doorbell {
    /// A new doorbell with no waiter registered yet.
    pub fn new() -> Doorbell {
        Doorbell::default()
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
        fence(Ordering::SeqCst);
        if self.inner.sleeping.load(Ordering::Relaxed) {
            self.wake();
        }
    }

    /// Unconditionally wakes the waiter (shutdown, tests).
    pub fn wake(&self) {
        if let Some(thread) = self.inner.waiter.get() {
            self.inner.unparks.fetch_add(1, Ordering::Relaxed);
            thread.unpark();
        }
    }

    /// Waiter side: returns when `has_work()` is true, after a wake-up, or after one park
    /// interval — whichever comes first. Returns `true` if `has_work()` was seen true.
    pub fn wait(&self, policy: WaitPolicy, mut has_work: impl FnMut() -> bool) -> bool {
        for _ in 0..policy.spins {
            if has_work() {
                return true;
            }
            std::hint::spin_loop();
        }
        if !policy.yield_for.is_zero() {
            let start = Instant::now();
            while start.elapsed() < policy.yield_for {
                std::thread::yield_now();
                if has_work() {
                    return true;
                }
            }
        }
        self.register_current_thread();
        self.inner.sleeping.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if has_work() {
            self.inner.sleeping.store(false, Ordering::Relaxed);
            return true;
        }
        self.inner.parks.fetch_add(1, Ordering::Relaxed);
        std::thread::park_timeout(policy.park);
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

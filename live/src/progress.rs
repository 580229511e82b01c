//! Lockstep counters: how a replay at full speed stays deterministic.
//!
//! Live, the feed, the engine, the order actor and the paper broker run freely; an order placed
//! on a tick fills on whichever tick the broker sees next. A replay at `--speed max` must give
//! the same orders as the backtester on the same data, so each tick goes around the loop before
//! the next is read:
//!
//! 1. the feed sends tick *k* to the engine and waits until the engine has handled it
//!    ([`Progress::ticks_handled`]) and the order actor has placed every order it led to
//!    (`commands_done == commands_sent`);
//! 2. only then does the paper broker see tick *k* (so a market order decided on a bar's close
//!    fills at the next bar's open, as in the backtester), and the feed waits until the engine
//!    has booked the fills it produced (`fills_applied == fills_sent`).
//!
//! The counters are plain atomics updated once per tick (engine), per order and per fill; the
//! waiting side spins briefly, then yields, then sleeps.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Shared progress counters (see the module docs).
#[derive(Debug, Default)]
pub struct Progress {
    /// Ticks the engine has fully handled (the strategies' decisions included).
    pub ticks_handled: AtomicU64,
    /// Order commands the account actor sent.
    pub commands_sent: AtomicU64,
    /// Order commands the order actor finished (journalled and placed, or refused).
    pub commands_done: AtomicU64,
    /// Broker fills the feed handed to the order actor.
    pub fills_sent: AtomicU64,
    /// Fills the account actor booked.
    pub fills_applied: AtomicU64,
    /// Set when a participant stopped (an error or shutdown): waits give up.
    pub abandoned: AtomicBool,
    /// Set when the order actor has ended: nothing more is written to the journal.
    pub orders_done: AtomicBool,
}

impl Progress {
    /// Adds one to `counter` (release: what was done before is visible to the waiter).
    #[inline]
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Release);
    }

    /// Waits until the engine handled `ticks` ticks and every order command is done. Returns
    /// `false` if the wait was abandoned.
    pub fn wait_engine(&self, ticks: u64) -> bool {
        self.wait(|| {
            self.ticks_handled.load(Ordering::Acquire) >= ticks
                && self.commands_done.load(Ordering::Acquire)
                    >= self.commands_sent.load(Ordering::Acquire)
        })
    }

    /// Waits until the engine booked every fill handed over so far (and the orders those
    /// fills triggered are placed).
    pub fn wait_fills(&self) -> bool {
        self.wait(|| {
            self.fills_applied.load(Ordering::Acquire) >= self.fills_sent.load(Ordering::Acquire)
                && self.commands_done.load(Ordering::Acquire)
                    >= self.commands_sent.load(Ordering::Acquire)
        })
    }

    fn wait(&self, done: impl Fn() -> bool) -> bool {
        let mut round = 0u32;
        while !done() {
            if self.abandoned.load(Ordering::Acquire) {
                return false;
            }
            round = round.saturating_add(1);
            if round < 100 {
                std::hint::spin_loop();
            } else if round < 1_000 {
                std::thread::yield_now();
            } else {
                // Journal commits take milliseconds: stop burning the core the order actor needs.
                std::thread::sleep(Duration::from_micros(50));
            }
        }
        true
    }
}

/// Marks the run abandoned if dropped while its thread panics: a thread that dies must not leave
/// the others waiting for it (hold one in each actor).
#[derive(Debug)]
pub struct AbandonOnPanic(pub std::sync::Arc<Progress>);

impl Drop for AbandonOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.abandoned.store(true, Ordering::Release);
        }
    }
}

//! Clean shutdown: one [`Shutdown`] handle shared by every runtime thread and the signal handler.
//!
//! Triggering it sets a flag and unparks every registered thread, so a thread parked in a
//! spin-then-park wait notices at once rather than after its park interval. The feed thread stops
//! sending and drops its ring end; the engine thread then drains what is left in the ring and the
//! pending slots before it returns (see [`crate::runtime`]).
//!
//! A second signal while the graceful stop runs [`forces`](Shutdown::force) it: whoever holds
//! durable state (the order actor and its journal) stops between two commits, and the binary
//! exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::Thread;

#[derive(Debug, Default)]
struct Inner {
    stop: AtomicBool,
    forced: AtomicBool,
    threads: Mutex<Vec<Thread>>,
}

/// A cloneable stop switch for the runtime's threads.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

/// Why installing the signal handler failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot install SIGINT/SIGTERM handler: {0}")]
pub struct SignalError(#[from] ctrlc::Error);

impl Shutdown {
    /// A switch that is not triggered.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Registers the calling thread to be unparked by [`Shutdown::trigger`].
    pub fn register_current_thread(&self) {
        let mut threads = self.inner.threads.lock().unwrap_or_else(|p| p.into_inner());
        threads.push(std::thread::current());
    }

    /// Asks every thread to stop and unparks the registered ones. Idempotent.
    pub fn trigger(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        let threads = self.inner.threads.lock().unwrap_or_else(|p| p.into_inner());
        for thread in threads.iter() {
            thread.unpark();
        }
    }

    /// Whether [`Shutdown::trigger`] was called.
    #[inline]
    pub fn is_triggered(&self) -> bool {
        self.inner.stop.load(Ordering::Acquire)
    }

    /// Escalates a graceful stop to an immediate one (a second Ctrl-C): triggers the switch if
    /// it was not, and marks it forced.
    pub fn force(&self) {
        self.inner.forced.store(true, Ordering::SeqCst);
        self.trigger();
    }

    /// Whether [`Shutdown::force`] was called.
    #[inline]
    pub fn is_forced(&self) -> bool {
        self.inner.forced.load(Ordering::Acquire)
    }

    /// Makes SIGINT (Ctrl-C) and SIGTERM trigger this switch, and a second one force it. Call
    /// once, from the binary; a second call in the same process fails.
    pub fn install_signal_handler(&self) -> Result<(), SignalError> {
        let me = self.clone();
        ctrlc::set_handler(move || {
            if me.is_triggered() {
                me.force()
            } else {
                me.trigger()
            }
        })?;
        Ok(())
    }
}

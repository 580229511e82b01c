//! The many-producer link for order and fill messages (crossbeam bounded channel).
//!
//! Order actors, broker callbacks and timers send to the engine through clones of one
//! [`MpscSender`]; sends never block: a full channel returns the message and is counted. Each send
//! rings the engine's [`Doorbell`], so the engine waits on ticks and messages with one
//! spin-then-park (see the `doorbell` module for why no wake-up is lost).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, TrySendError};

use crate::doorbell::Doorbell;

/// A bounded many-producer, single-consumer link carrying `T`.
pub fn mpsc_link<T>(capacity: usize, bell: Doorbell) -> (MpscSender<T>, MpscReceiver<T>) {
    let (tx, rx) = crossbeam_channel::bounded(capacity.max(1));
    let rejected = Arc::new(AtomicU64::new(0));
    (
        MpscSender {
            tx,
            bell,
            rejected: Arc::clone(&rejected),
        },
        MpscReceiver { rx, rejected },
    )
}

/// Why [`MpscSender::try_send`] gave the message back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SendError<T> {
    /// The channel is full (the engine is behind); the message is returned.
    #[error("engine inbox full")]
    Full(T),
    /// The engine end is gone (shutdown); the message is returned.
    #[error("engine inbox closed")]
    Closed(T),
}

/// A producer end; clone one per sending thread.
#[derive(Debug)]
pub struct MpscSender<T> {
    tx: Sender<T>,
    bell: Doorbell,
    rejected: Arc<AtomicU64>,
}

impl<T> Clone for MpscSender<T> {
    fn clone(&self) -> Self {
        MpscSender {
            tx: self.tx.clone(),
            bell: self.bell.clone(),
            rejected: Arc::clone(&self.rejected),
        }
    }
}

impl<T> MpscSender<T> {
    /// Sends without blocking; on success rings the engine's doorbell.
    pub fn try_send(&self, msg: T) -> Result<(), SendError<T>> {
        match self.tx.try_send(msg) {
            Ok(()) => {
                self.bell.ring();
                Ok(())
            }
            Err(TrySendError::Full(m)) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                Err(SendError::Full(m))
            }
            Err(TrySendError::Disconnected(m)) => Err(SendError::Closed(m)),
        }
    }

    /// Sends a message that must not be lost: while the channel is full, retries (spinning
    /// briefly, then yielding the core — a 2-core box cannot afford a long spin against the
    /// engine it waits for). The wait is bounded by the engine's progress. Returns whether it had
    /// to wait, or the message back if the engine end is gone.
    pub fn send_waiting(&self, mut msg: T) -> Result<bool, T> {
        let mut tries = 0u32;
        loop {
            match self.try_send(msg) {
                Ok(()) => return Ok(tries > 0),
                Err(SendError::Closed(back)) => return Err(back),
                Err(SendError::Full(back)) => {
                    msg = back;
                    if tries < WAIT_SPINS {
                        std::hint::spin_loop();
                    } else {
                        std::thread::yield_now();
                    }
                    tries = tries.saturating_add(1);
                }
            }
        }
    }
}

/// Spins on a full channel before [`MpscSender::send_waiting`] starts yielding between retries.
const WAIT_SPINS: u32 = 64;

/// The engine end.
#[derive(Debug)]
pub struct MpscReceiver<T> {
    rx: Receiver<T>,
    rejected: Arc<AtomicU64>,
}

impl<T> MpscReceiver<T> {
    /// Takes one waiting message, if any.
    #[inline]
    pub fn try_recv(&self) -> Option<T> {
        self.rx.try_recv().ok()
    }

    /// Whether a message is waiting.
    #[inline]
    pub fn has_messages(&self) -> bool {
        !self.rx.is_empty()
    }

    /// Messages waiting.
    pub fn depth(&self) -> usize {
        self.rx.len()
    }

    /// Sends refused because the channel was full.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }
}

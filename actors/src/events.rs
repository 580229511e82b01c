//! The event bus: what people, the audit log and metrics need to see, carried off the hot path.
//!
//! Actors publish [`Event`]s (the schema is `sharewise_engine::events`) with
//! [`EventBus::publish`], which never blocks: a full bus drops the event and counts it
//! ([`EventBus::dropped`]). A bus made with [`EventBus::for_account`] stamps the account on what
//! it publishes. The receiving side ([`EventStream`]) runs on a non-engine thread; the fan-out
//! to subscribers ([`crate::fanout`]) numbers the events and hands them on.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
pub use sharewise_engine::events::{Event, EventKind, Severity};

/// The publishing end; clone freely (one per actor or thread).
#[derive(Clone, Debug)]
pub struct EventBus {
    tx: Sender<Event>,
    /// Stamped on every event published through this handle that names no account.
    account: Option<Arc<str>>,
    dropped: Arc<AtomicU64>,
    published: Arc<AtomicU64>,
}

/// The consuming end, for a thread off the hot path.
#[derive(Debug)]
pub struct EventStream {
    rx: Receiver<Event>,
}

impl EventBus {
    /// A bus holding at most `capacity` undelivered events.
    pub fn bounded(capacity: usize) -> (EventBus, EventStream) {
        let (tx, rx) = crossbeam_channel::bounded(capacity.max(1));
        let bus = EventBus {
            tx,
            account: None,
            dropped: Arc::default(),
            published: Arc::default(),
        };
        (bus, EventStream { rx })
    }

    /// A handle on the same bus that stamps `account` on what it publishes.
    pub fn for_account(&self, account: &str) -> EventBus {
        EventBus {
            account: Some(Arc::from(account)),
            ..self.clone()
        }
    }

    /// Publishes without blocking. Returns `false` (and counts a drop) when the bus is full or
    /// nobody listens any more.
    pub fn publish(&self, mut event: Event) -> bool {
        if event.account.is_none() {
            event.account.clone_from(&self.account);
        }
        if self.tx.try_send(event).is_ok() {
            self.published.fetch_add(1, Ordering::Relaxed);
            true
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            false
        }
    }

    /// Events dropped because the bus was full (or closed).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Events accepted by the bus.
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }

    /// Events waiting to be read.
    pub fn depth(&self) -> usize {
        self.tx.len()
    }
}

impl EventStream {
    /// Takes one waiting event, if any.
    pub fn try_next(&self) -> Option<Event> {
        self.rx.try_recv().ok()
    }

    /// Waits up to `timeout` for an event (this runs off the engine thread, so blocking is fine).
    pub fn next_timeout(&self, timeout: std::time::Duration) -> Option<Event> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Writes every waiting event to `out` as JSON lines; returns how many were written.
    pub fn write_json_lines(&self, out: &mut impl Write) -> std::io::Result<usize> {
        let mut n = 0;
        while let Some(event) = self.try_next() {
            serde_json::to_writer(&mut *out, &event)?;
            out.write_all(b"\n")?;
            n += 1;
        }
        Ok(n)
    }
}

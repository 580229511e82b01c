//! The fan-out: every event, numbered, to any number of subscribers, none of which can slow the
//! engine or each other.
//!
//! [`EventHub::publish`] gives each event the next `seq` (1, 2, 3, ...), keeps the last
//! `history` events for subscribers that come back, and offers the event to every subscriber
//! whose [`EventFilter`] takes it. Each subscriber has its own bounded queue; when it is full the
//! **oldest** queued event is dropped to make room and counted, and the subscriber's next
//! delivery is [`Delivery::Lagged`] with how many it missed. A subscriber that resumes with
//! [`EventHub::subscribe_after`] gets the kept events after the `seq` it last saw (and a
//! `Lagged` first if some of them are no longer kept), then the live ones, with no gap and no
//! duplicate between the two.
//!
//! The hub runs off the engine thread ([`EventHub::pump`] reads the bus's [`EventStream`]); its lock is
//! held for one event's bookkeeping, never while a subscriber reads.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TrySendError};
use sharewise_engine::events::Event;

use crate::events::EventStream;

/// Which events a subscriber wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only these `type`s (`None`: all).
    pub types: Option<Vec<String>>,
    /// Only events of this account, plus those that concern no account (`None`: all).
    pub account: Option<String>,
}

impl EventFilter {
    /// Every event.
    pub fn all() -> EventFilter {
        EventFilter::default()
    }

    /// Whether `event` passes.
    pub fn matches(&self, event: &Event) -> bool {
        let type_ok = self
            .types
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == event.type_name()));
        let account_ok = match (&self.account, &event.account) {
            (Some(wanted), Some(of)) => wanted.as_str() == &**of,
            _ => true,
        };
        type_ok && account_ok
    }
}

/// What a subscriber receives.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// The next event (shared with the other subscribers and the history).
    Event(Arc<Event>),
    /// Events this subscriber lost because it fell behind (or asked to resume from further back
    /// than the hub keeps), before the next delivery.
    Lagged {
        /// How many.
        missed: u64,
    },
}

impl Delivery {
    /// One JSON object: the event, or `{"type":"lagged","missed":N}`.
    pub fn to_json(&self) -> serde_json::Result<String> {
        match self {
            Delivery::Event(event) => serde_json::to_string(&**event),
            Delivery::Lagged { missed } => {
                serde_json::to_string(&serde_json::json!({ "type": "lagged", "missed": missed }))
            }
        }
    }
}

/// One subscriber as the hub sees it.
struct Subscriber {
    filter: EventFilter,
    tx: Sender<Arc<Event>>,
    /// The hub's own handle on the queue, to drop its oldest entry when it is full.
    oldest: Receiver<Arc<Event>>,
    missed: Arc<AtomicU64>,
    alive: Arc<AtomicBool>,
}

impl Subscriber {
    /// Queues `event`, dropping (and counting) the oldest queued one if there is no room.
    fn offer(&self, event: &Arc<Event>) {
        let mut event = Arc::clone(event);
        loop {
            match self.tx.try_send(event) {
                Ok(()) => return,
                Err(TrySendError::Full(back)) => {
                    if self.oldest.try_recv().is_ok() {
                        self.missed.fetch_add(1, Ordering::Relaxed);
                    }
                    event = back;
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

struct HubState {
    next_seq: u64,
    history: VecDeque<Arc<Event>>,
    subscribers: Vec<Subscriber>,
}

/// The fan-out (see the module docs); clone freely.
#[derive(Clone)]
pub struct EventHub {
    state: Arc<Mutex<HubState>>,
    keep: usize,
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub")
            .field("keep", &self.keep)
            .field("last_seq", &self.last_seq())
            .finish()
    }
}

/// The subscriber's end: deliveries in `seq` order, a [`Delivery::Lagged`] where some were lost.
/// Dropping it unsubscribes.
#[derive(Debug)]
pub struct EventReceiver {
    rx: Receiver<Arc<Event>>,
    missed: Arc<AtomicU64>,
    alive: Arc<AtomicBool>,
    missed_total: u64,
}

impl EventHub {
    /// A hub keeping the last `keep` events for subscribers that resume.
    pub fn new(keep: usize) -> EventHub {
        let state = HubState {
            next_seq: 1,
            history: VecDeque::with_capacity(keep.min(1 << 16)),
            subscribers: Vec::new(),
        };
        EventHub {
            state: Arc::new(Mutex::new(state)),
            keep,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        // A subscriber cannot panic inside the lock (only queue operations run there), so a
        // poisoned lock still holds consistent state.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Numbers `event`, keeps it, and offers it to every subscriber that wants it; returns it
    /// with its `seq`.
    pub fn publish(&self, mut event: Event) -> Arc<Event> {
        let mut state = self.lock();
        event.seq = state.next_seq;
        state.next_seq += 1;
        let event = Arc::new(event);
        if self.keep > 0 {
            if state.history.len() == self.keep {
                state.history.pop_front();
            }
            state.history.push_back(Arc::clone(&event));
        }
        state
            .subscribers
            .retain(|s| s.alive.load(Ordering::Relaxed));
        for sub in state
            .subscribers
            .iter()
            .filter(|s| s.filter.matches(&event))
        {
            sub.offer(&event);
        }
        event
    }

    /// The `seq` of the last event published (0: none yet).
    pub fn last_seq(&self) -> u64 {
        self.lock().next_seq - 1
    }

    /// A subscriber from the next event on, queueing at most `queue` events.
    pub fn subscribe(&self, filter: EventFilter, queue: usize) -> EventReceiver {
        let mut state = self.lock();
        Self::register(&mut state, filter, queue)
    }

    /// A subscriber that resumes after `seq`: the kept events after it first (with a
    /// [`Delivery::Lagged`] for those no longer kept), then the live ones.
    pub fn subscribe_after(&self, seq: u64, filter: EventFilter, queue: usize) -> EventReceiver {
        let mut state = self.lock();
        let oldest_kept = state.history.front().map_or(state.next_seq, |e| e.seq);
        let lost = oldest_kept.saturating_sub(seq.saturating_add(1));
        let receiver = Self::register(&mut state, filter, queue);
        receiver.missed.fetch_add(lost, Ordering::Relaxed);
        if let Some(sub) = state.subscribers.last() {
            for event in state
                .history
                .iter()
                .filter(|e| e.seq > seq && sub.filter.matches(e))
            {
                sub.offer(event);
            }
        }
        receiver
    }

    fn register(state: &mut HubState, filter: EventFilter, queue: usize) -> EventReceiver {
        let (tx, rx) = crossbeam_channel::bounded(queue.max(1));
        let missed = Arc::new(AtomicU64::new(0));
        let alive = Arc::new(AtomicBool::new(true));
        state.subscribers.push(Subscriber {
            filter,
            tx,
            oldest: rx.clone(),
            missed: Arc::clone(&missed),
            alive: Arc::clone(&alive),
        });
        EventReceiver {
            rx,
            missed,
            alive,
            missed_total: 0,
        }
    }

    /// Subscribers currently registered.
    pub fn subscribers(&self) -> usize {
        let mut state = self.lock();
        state
            .subscribers
            .retain(|s| s.alive.load(Ordering::Relaxed));
        state.subscribers.len()
    }

    /// Publishes what `stream` delivers until `stop` is set and nothing is waiting (run it on its
    /// own thread; set `stop` once the publishers are done).
    pub fn pump(&self, stream: &EventStream, stop: &AtomicBool) {
        loop {
            match stream.next_timeout(Duration::from_millis(50)) {
                Some(event) => {
                    self.publish(event);
                }
                None if stop.load(Ordering::Acquire) => return,
                None => {}
            }
        }
    }
}

impl EventReceiver {
    /// The lag report owed before the next event, if any.
    fn lag(&mut self) -> Option<Delivery> {
        let missed = self.missed.swap(0, Ordering::Relaxed);
        (missed > 0).then(|| {
            self.missed_total += missed;
            Delivery::Lagged { missed }
        })
    }

    /// The next delivery if one is waiting.
    pub fn try_next(&mut self) -> Option<Delivery> {
        self.lag()
            .or_else(|| self.rx.try_recv().ok().map(Delivery::Event))
    }

    /// Waits up to `timeout` for the next delivery.
    pub fn next_timeout(&mut self, timeout: Duration) -> Option<Delivery> {
        self.lag()
            .or_else(|| self.rx.recv_timeout(timeout).ok().map(Delivery::Event))
    }

    /// Events this subscriber has lost so far (reported in `Lagged` deliveries).
    pub fn missed_total(&self) -> u64 {
        self.missed_total
    }
}

impl Drop for EventReceiver {
    fn drop(&mut self) {
        self.alive.store(false, Ordering::Relaxed);
    }
}

//! The event bus: what people, the audit log and metrics need to see, carried off the hot path.
//!
//! Actors publish [`Event`]s with [`EventBus::publish`], which never blocks: a full bus drops the
//! event and counts it ([`EventBus::dropped`]). The receiving side ([`EventStream`]) runs on a
//! non-engine thread (gateway fan-out, audit writer) and writes JSON lines, one object per event,
//! with a `type` field naming the variant and a `ts` field (UTC ns):
//!
//! ```text
//! {"ts":1700000000000000000,"type":"alert","severity":"critical","source":"strategy:boom","message":"panicked"}
//! ```

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_engine::strategy::Signal;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Fill, InstrumentId, Price, Qty, Side, Tick};

/// One published event: a time plus what happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// When it happened, UTC ns.
    pub ts: TimestampNs,
    /// What happened; serialized inline with a `type` tag.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// How loud an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look.
    Warning,
    /// Something stopped; an operator should act.
    Critical,
}

/// The kinds of events the bus carries. The `type` values (`tick_sample`, `signal`,
/// `risk_accept`, `risk_reject`, `order`, `fill`, `pnl`, `alert`, `latency`) are an interface:
/// dashboards and audit tools read them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A sampled tick (the engine samples; it does not publish every tick).
    TickSample {
        /// The tick.
        tick: Tick,
    },
    /// A strategy's signal.
    Signal {
        /// Name of the strategy that emitted it.
        strategy: String,
        /// Trading symbol.
        symbol: String,
        /// `auto` (risk and orders follow) or `manual` (published only).
        mode: &'static str,
        /// The signal.
        signal: Signal,
    },
    /// Risk approved an order request.
    RiskAccept {
        /// Trading symbol.
        symbol: String,
        /// Buy or sell.
        side: Side,
        /// Approved quantity.
        qty: Qty,
        /// The client order id it became.
        client_order_id: u64,
    },
    /// Risk refused an order request (or the engine could not act on a signal).
    RiskReject {
        /// Trading symbol.
        symbol: String,
        /// Buy or sell.
        side: Side,
        /// Stable reason code, e.g. `INSUFFICIENT_CASH`.
        code: String,
        /// What was wrong, with the numbers.
        detail: String,
    },
    /// An order moved between lifecycle states.
    Order {
        /// Client order id (the broker `tag`).
        client_order_id: u64,
        /// Trading symbol.
        symbol: String,
        /// Buy or sell.
        side: Side,
        /// Ordered quantity.
        qty: Qty,
        /// Shares filled so far.
        filled_qty: Qty,
        /// State before (`null` for a new order), e.g. `sent`.
        from: Option<String>,
        /// State after, e.g. `open`.
        to: String,
        /// The broker's reason for a rejection, cancellation or ambiguity.
        reason: Option<String>,
    },
    /// A fill.
    Fill {
        /// Trading symbol.
        symbol: String,
        /// The broker's trade id.
        trade_id: String,
        /// The fill.
        fill: Fill,
    },
    /// Profit and loss for one instrument (or the account when `instrument` is `None`).
    Pnl {
        /// Instrument, or `None` for the whole account.
        instrument: Option<InstrumentId>,
        /// Realized P&L, rupees.
        realized: Decimal,
        /// Unrealized P&L at `mark`, rupees.
        unrealized: Decimal,
        /// Mark price used for the unrealized part.
        mark: Option<Price>,
    },
    /// Something an operator must know (a stopped strategy, a frozen instrument, overload).
    Alert {
        /// How loud.
        severity: Severity,
        /// Who raised it, e.g. `strategy:sma_cross(10,30)` or `link:feed`.
        source: String,
        /// What happened, in words.
        message: String,
    },
    /// Latency percentiles of one runtime stage over the last reporting period.
    Latency {
        /// Stage name, e.g. `feed_to_engine`.
        stage: String,
        /// Samples in the period.
        count: u64,
        /// Median, ns.
        p50_ns: u64,
        /// 99th percentile, ns.
        p99_ns: u64,
        /// Largest sample, ns.
        max_ns: u64,
    },
}

impl Event {
    /// An event at `ts`.
    pub fn new(ts: TimestampNs, kind: EventKind) -> Event {
        Event { ts, kind }
    }

    /// The event as one JSON object (no trailing newline).
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

/// The publishing end; clone freely (one per actor or thread).
#[derive(Clone, Debug)]
pub struct EventBus {
    tx: Sender<Event>,
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
            dropped: Arc::default(),
            published: Arc::default(),
        };
        (bus, EventStream { rx })
    }

    /// Publishes without blocking. Returns `false` (and counts a drop) when the bus is full or
    /// nobody listens any more.
    pub fn publish(&self, event: Event) -> bool {
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

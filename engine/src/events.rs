//! The event schema: what the daemon tells people, the audit log and metrics, one JSON object per
//! event with `seq`, `ts`, `type` and (where it concerns one) `account`:
//!
//! ```text
//! {"seq":42,"ts":1700000000000000000,"account":"main","type":"alert","severity":"critical","source":"strategy:boom","message":"panicked"}
//! ```
//!
//! The types live here, beside the domain types they carry, so the runtime that transports them
//! (`sharewise-actors`), the live node and the gateway all name the same thing. The `type` values
//! are an interface: dashboards and audit tools read them.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::strategy::Signal;
use crate::time::TimestampNs;
use crate::types::{Fill, InstrumentId, Price, Qty, Side, Tick};

/// One published event: its place in the daemon's sequence, a time, the account it concerns (if
/// one) and what happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Position in the daemon's event sequence (1, 2, 3, ...), assigned when the event is fanned
    /// out to subscribers; 0 before that. A subscriber resumes after the last `seq` it saw.
    pub seq: u64,
    /// When it happened, UTC ns.
    pub ts: TimestampNs,
    /// The account the event concerns (`None`: the daemon as a whole, e.g. a feed alert).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<Arc<str>>,
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
/// `risk_accept`, `risk_reject`, `order`, `fill`, `pnl`, `alert`, `latency`, `command`) are an interface:
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
    /// An operator's command to a running daemon and its outcome (the audit trail).
    Command {
        /// Who asked (`cli`, `gateway:<user id>`, ...).
        by: String,
        /// What, in words, e.g. `set trading state halted (no orders) (end of day)`.
        command: String,
        /// Whether it was carried out.
        ok: bool,
        /// What was done, or why not.
        outcome: String,
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

impl EventKind {
    /// The `type` this kind carries in JSON.
    pub const fn type_name(&self) -> &'static str {
        match self {
            EventKind::TickSample { .. } => "tick_sample",
            EventKind::Signal { .. } => "signal",
            EventKind::RiskAccept { .. } => "risk_accept",
            EventKind::RiskReject { .. } => "risk_reject",
            EventKind::Order { .. } => "order",
            EventKind::Fill { .. } => "fill",
            EventKind::Pnl { .. } => "pnl",
            EventKind::Alert { .. } => "alert",
            EventKind::Latency { .. } => "latency",
            EventKind::Command { .. } => "command",
        }
    }
}

impl Event {
    /// An event at `ts`, for no account in particular, not yet sequenced.
    pub fn new(ts: TimestampNs, kind: EventKind) -> Event {
        Event {
            seq: 0,
            ts,
            account: None,
            kind,
        }
    }

    /// The `type` the event carries in JSON (`order`, `fill`, ...).
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// The event as one JSON object (no trailing newline).
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

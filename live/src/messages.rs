//! What the daemon's actors say to each other.
//!
//! - strategy stage → accounts (engine thread): [`EngineMsg::Decision`], to every account;
//! - an account's order actor → that account: [`EngineMsg::Report`] (placements, fills, final
//!   states), addressed by the account's index;
//! - account (commands) and daemon (stop) → order actor: [`OrderMsg`], on one bounded queue
//!   (`[run] order_queue`), so the actor sees them in the order they were sent (the broker's
//!   fills reach it on the broker's own push stream, [`sharewise_brokers::update`]);
//! - order actor → account: [`EngineMsg::TradingState`] when the books disagree;
//! - daemon handle → account: [`EngineMsg::Control`] (commands) and [`EngineMsg::Snapshot`],
//!   each with a [`ReplyTo`] the handle waits on.

use sharewise_actors::Decision;
use sharewise_engine::types::{ClientOrderId, Fill, Order};
use sharewise_store::OrderStatus;

use crate::control::{Ack, CommandRequest, Refusal, Snapshot};

/// A message into the engine thread's account actor.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineMsg {
    /// A strategy's signal, or supervision's flatten/freeze of an instrument.
    Decision(Decision),
    /// News from account `account`'s order actor about one of its orders.
    Report {
        /// The account (its index in the daemon's account order).
        account: usize,
        /// What happened.
        report: OrderReport,
    },
    /// The strategy stage has finished a tick (sent only in lockstep replays; see
    /// [`crate::progress`]).
    TickDone,
    /// Put the account into `state` (`reducing` or `halted`) for `reason`: the journal and the
    /// broker disagree.
    TradingState {
        /// The account (its index in the daemon's account order).
        account: usize,
        /// The new state.
        state: sharewise_risk::TradingState,
        /// Why, for the operator.
        reason: String,
        /// Symbols whose books disagree: no orders at all in them.
        symbols: Vec<String>,
    },
    /// An operator's command (see [`crate::control`]); the outcome goes to `reply`.
    Control {
        /// What, for which account, from whom.
        request: CommandRequest,
        /// Where the answer goes.
        reply: ReplyTo<Result<Ack, Refusal>>,
    },
    /// A new account joins the engine thread (added while the daemon runs); its index goes to
    /// `reply`.
    AddAccount {
        /// The account's actor, handed over once.
        actor: Handover<crate::account::AccountActor>,
        /// Where the index (or the refusal) goes.
        reply: ReplyTo<Result<usize, Refusal>>,
    },
    /// Account `account` leaves the engine thread — only when it is flat with no working
    /// orders; its index (or why not) goes to `reply`.
    RemoveAccount {
        /// The account's name.
        account: String,
        /// Where the index (or the refusal) goes.
        reply: ReplyTo<Result<usize, Refusal>>,
    },
    /// A consistent picture of account `account`, sent to `reply`.
    Snapshot {
        /// The account's name.
        account: String,
        /// Where the snapshot goes.
        reply: ReplyTo<Result<Snapshot, Refusal>>,
    },
}

/// Where an answer goes: a one-slot channel the asker waits on (a gone asker is not an error).
#[derive(Clone, Debug)]
pub struct ReplyTo<T>(pub crossbeam_channel::Sender<T>);

impl<T> ReplyTo<T> {
    /// A reply slot and the end to wait on.
    pub fn pair() -> (ReplyTo<T>, crossbeam_channel::Receiver<T>) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        (ReplyTo(tx), rx)
    }

    /// Answers; an asker that stopped waiting is ignored.
    pub fn send(&self, answer: T) {
        let _ = self.0.try_send(answer);
    }
}

/// A value handed from one thread to another inside a message, taken once by the receiver
/// (messages are cloneable; what they hand over is not).
pub struct Handover<T>(std::sync::Arc<std::sync::Mutex<Option<T>>>);

impl<T> std::fmt::Debug for Handover<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handover(..)")
    }
}

impl<T> Handover<T> {
    /// Wraps `value` for handing over.
    pub fn new(value: T) -> Handover<T> {
        Handover(std::sync::Arc::new(std::sync::Mutex::new(Some(value))))
    }

    /// Takes the value (`None` once taken).
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl<T> Clone for Handover<T> {
    fn clone(&self) -> Handover<T> {
        Handover(std::sync::Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Handover<T> {
    fn eq(&self, other: &Handover<T>) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> PartialEq for ReplyTo<T> {
    fn eq(&self, other: &ReplyTo<T>) -> bool {
        self.0.same_channel(&other.0)
    }
}

impl From<Decision> for EngineMsg {
    fn from(decision: Decision) -> EngineMsg {
        EngineMsg::Decision(decision)
    }
}

/// What the order actor learned about an order (after journalling it).
#[derive(Clone, Debug, PartialEq)]
pub enum OrderReport {
    /// An execution, journalled.
    Fill(Fill),
    /// The order reached a final state other than `filled` (`cancelled`, `rejected`) with
    /// `unfilled` shares that will never fill.
    Closed {
        /// The order.
        client_id: ClientOrderId,
        /// The final state.
        status: OrderStatus,
        /// Shares that will never fill.
        unfilled: i64,
    },
    /// The placement could not be resolved with the broker (`unresolved`): the shares stay
    /// counted as working until reconciliation says otherwise.
    Unresolved {
        /// The order.
        client_id: ClientOrderId,
    },
}

/// What the account actor asks of the order actor.
#[derive(Clone, Debug, PartialEq)]
pub enum OrderCommand {
    /// Journal and place a new order.
    Place {
        /// The order, with its client id (the broker tag).
        order: Order,
        /// Trading symbol.
        symbol: String,
        /// Name of the strategy (or `supervisor`, `square_off`, `bracket`) that wants it.
        strategy: String,
        /// Stop-loss the engine will manage for the position it opens (journalled, so a restart
        /// re-arms it).
        stop_loss: Option<sharewise_engine::types::Price>,
        /// Profit target, likewise.
        take_profit: Option<sharewise_engine::types::Price>,
    },
    /// Cancel the unfilled rest of an order.
    Cancel {
        /// The order.
        client_id: ClientOrderId,
    },
}

/// The order actor's inbox (bounded: the account refuses a signal with `ORDER_QUEUE_FULL`
/// rather than wait; the daemon waits for room).
#[derive(Debug)]
pub enum OrderMsg {
    /// From the account actor.
    Command(OrderCommand),
    /// Shutdown: everything sent before this is handled first (after a stop request, commands
    /// are dropped and counted instead of placed); then open orders are cancelled if
    /// `cancel_open`, the books are compared, and the actor ends.
    Stop {
        /// Cancel orders still open at the broker.
        cancel_open: bool,
    },
}

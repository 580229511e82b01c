//! What a broker pushes without being asked: executions, order changes and the session's state,
//! as Kite's order-update WebSocket (and postbacks), Upstox's portfolio stream and AliceBlue's
//! order feed do.
//!
//! A broker has one subscriber ([`crate::Broker::subscribe`]): the account's order actor, which
//! journals each update before the engine hears of it. Updates come in the order the broker
//! sent them; a trade arrives before the order change that completes it. A subscriber that is
//! gone loses nothing that matters: the broker's order and trade books still hold every
//! execution, and reconciliation books what was not heard.

use crate::{BrokerOrder, BrokerTrade};

/// Room for pushed updates the subscriber has not read yet; a full queue makes the broker wait
/// (fills are never dropped on the way).
pub const UPDATE_QUEUE: usize = 4096;

/// One pushed update.
#[derive(Clone, Debug, PartialEq)]
pub enum BrokerUpdate {
    /// Executions, oldest first, with the broker's trade ids.
    Trades(Vec<BrokerTrade>),
    /// An order changed state at the broker or exchange (acknowledged, cancelled, rejected,
    /// expired at the day's end).
    Order(BrokerOrder),
    /// The session changed: logged in, expired, or the broker is unreachable.
    Session(SessionState),
}

/// Whether the account can trade through its broker now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Logged in and reachable.
    Connected,
    /// The session expired or was never started (Kite's access token dies at 06:00 IST): an
    /// operator must log in again.
    NeedsLogin {
        /// What the broker said.
        reason: String,
    },
    /// The broker cannot be reached or is failing; requests are refused until it recovers.
    Down {
        /// What failed.
        reason: String,
    },
}

impl SessionState {
    /// Whether orders can go out.
    pub fn is_connected(&self) -> bool {
        matches!(self, SessionState::Connected)
    }

    /// The state in a few words, e.g. `needs login (token expired)`.
    pub fn describe(&self) -> String {
        match self {
            SessionState::Connected => "connected".into(),
            SessionState::NeedsLogin { reason } => format!("needs login ({reason})"),
            SessionState::Down { reason } => format!("down ({reason})"),
        }
    }
}

/// Where a broker's updates go: the receiving end is the subscriber's.
pub type UpdateReceiver = tokio::sync::mpsc::Receiver<BrokerUpdate>;

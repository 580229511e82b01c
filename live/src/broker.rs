//! An account's broker as the daemon holds it: the paper exchange it runs itself, or a real
//! broker's adapter. The order actor, reconciliation and the book comparisons see one
//! [`Broker`]; only the feed thread (which shows ticks to paper venues) and the summaries (the
//! paper book's own counters) look inside.

use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, Funds, Holding, Modify, PlaceOutcome,
    SessionState, SharedPaper, UpdateReceiver,
};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Order, Position};
use sharewise_kite::KiteAccount;
use sharewise_upstox::UpstoxAccount;

/// An account's broker.
#[derive(Clone, Debug)]
pub enum AccountBroker {
    /// The built-in simulated exchange, fed by the daemon's own feed.
    Paper(SharedPaper),
    /// Zerodha Kite Connect.
    Kite(KiteAccount),
    /// Upstox.
    Upstox(UpstoxAccount),
}

impl AccountBroker {
    /// The paper venue, if this is one.
    pub fn paper(&self) -> Option<&SharedPaper> {
        match self {
            AccountBroker::Paper(p) => Some(p),
            AccountBroker::Kite(_) | AccountBroker::Upstox(_) => None,
        }
    }

    /// The broker's name in settings and messages.
    pub fn kind(&self) -> &'static str {
        match self {
            AccountBroker::Paper(_) => "paper",
            AccountBroker::Kite(_) => "kite",
            AccountBroker::Upstox(_) => "upstox",
        }
    }

    /// Whether a real broker's account has a session to send with (a paper venue always does).
    pub fn has_session(&self) -> bool {
        match self {
            AccountBroker::Paper(_) => true,
            AccountBroker::Kite(k) => k.current_token().is_some(),
            AccountBroker::Upstox(u) => u.current_token().is_some(),
        }
    }

    /// Starts a real broker's push stream of order updates (subscribe first).
    pub fn start_updates(&self) {
        match self {
            AccountBroker::Paper(_) => {}
            AccountBroker::Kite(k) => k.start_updates(),
            AccountBroker::Upstox(u) => u.start_updates(),
        }
    }

    /// Hands a real broker's account the access token of a fresh login, ending at `ends`.
    pub async fn resume_session(&self, token: &str, ends: std::time::SystemTime) {
        match self {
            AccountBroker::Paper(_) => {}
            AccountBroker::Kite(k) => {
                if let Ok(token) = kiteconnect::AccessToken::new(token) {
                    k.log_in(token).await;
                    k.expire_at(ends);
                }
            }
            AccountBroker::Upstox(u) => {
                if let Some(token) = sharewise_upstox::UpstoxToken::new(token) {
                    u.log_in(token).await;
                    u.expire_at(ends);
                }
            }
        }
    }
}

/// Calls the same method on whichever broker it is.
macro_rules! each {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            AccountBroker::Paper($b) => $call,
            AccountBroker::Kite($b) => $call,
            AccountBroker::Upstox($b) => $call,
        }
    };
}

impl Broker for AccountBroker {
    fn subscribe(&self) -> UpdateReceiver {
        each!(self, b => b.subscribe())
    }

    fn session(&self) -> SessionState {
        each!(self, b => b.session())
    }

    fn books_from(&self) -> TimestampNs {
        each!(self, b => b.books_from())
    }

    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        each!(self, b => b.place(order).await)
    }

    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        each!(self, b => b.modify(tag, change).await)
    }

    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        each!(self, b => b.cancel(tag).await)
    }

    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        each!(self, b => b.orders().await)
    }

    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        each!(self, b => b.order_by_tag(tag).await)
    }

    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        each!(self, b => b.trades().await)
    }

    async fn orders_since(&self, since: TimestampNs) -> Result<Vec<BrokerOrder>, BrokerError> {
        each!(self, b => b.orders_since(since).await)
    }

    async fn trades_since(&self, since: TimestampNs) -> Result<Vec<BrokerTrade>, BrokerError> {
        each!(self, b => b.trades_since(since).await)
    }

    async fn account_id(&self) -> Result<String, BrokerError> {
        each!(self, b => b.account_id().await)
    }

    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        each!(self, b => b.positions().await)
    }

    async fn funds(&self) -> Result<Funds, BrokerError> {
        each!(self, b => b.funds().await)
    }

    async fn holdings(&self) -> Result<Vec<Holding>, BrokerError> {
        each!(self, b => b.holdings().await)
    }
}

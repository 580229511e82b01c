//! The [`Broker`] trait: what the order actor asks of any broker (Kite, Upstox, AliceBlue, paper).
//!
//! The trait is async (the order actor runs on tokio) and used generically, never as `dyn`.
//! Methods return `impl Future + Send` so implementations may write plain `async fn`.
//! Orders are addressed by our [`ClientOrderId`], which every adapter sends as the broker's
//! `tag`; adapters keep the tag → broker order id map themselves.
//!
//! ```
//! use sharewise_brokers::{Broker, BrokerError, PlaceOutcome};
//! use sharewise_engine::types::Order;
//!
//! /// Places `order`, resolving an ambiguous reply by looking the tag up (never re-sending).
//! async fn place_once<B: Broker>(broker: &B, order: &Order) -> Result<PlaceOutcome, BrokerError> {
//!     match broker.place(order).await? {
//!         PlaceOutcome::Unresolved { tag, reason } => match broker.order_by_tag(tag).await? {
//!             Some(found) => Ok(PlaceOutcome::Placed(found)),
//!             None => Ok(PlaceOutcome::Unresolved { tag, reason }),
//!         },
//!         placed => Ok(placed),
//!     }
//! }
//! ```

use std::future::Future;

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Order, Position};

use crate::{
    BrokerError, BrokerOrder, BrokerTrade, Funds, Holding, Modify, PlaceOutcome, SessionState,
    UpdateReceiver,
};

/// A broker account: place, modify and cancel orders; read the order book, positions and funds;
/// hear what it pushes ([`crate::update`]).
pub trait Broker {
    /// Starts the push stream of executions, order changes and session changes (the one
    /// subscriber; a new call replaces the previous one). Subscribe before trading, so nothing
    /// is missed.
    fn subscribe(&self) -> UpdateReceiver;

    /// The session's state now.
    fn session(&self) -> SessionState;

    /// Places `order` with `order.client_id` as the tag. Placing a tag that already exists
    /// returns the existing order instead of a second one. An ambiguous reply is
    /// [`PlaceOutcome::Unresolved`], not an error.
    fn place(
        &self,
        order: &Order,
    ) -> impl Future<Output = Result<PlaceOutcome, BrokerError>> + Send;

    /// Changes the open order tagged `tag`; returns it as modified.
    fn modify(
        &self,
        tag: ClientOrderId,
        change: Modify,
    ) -> impl Future<Output = Result<BrokerOrder, BrokerError>> + Send;

    /// Cancels the open order tagged `tag` (its unfilled remainder); returns it as cancelled.
    fn cancel(
        &self,
        tag: ClientOrderId,
    ) -> impl Future<Output = Result<BrokerOrder, BrokerError>> + Send;

    /// The day's order book, oldest first.
    fn orders(&self) -> impl Future<Output = Result<Vec<BrokerOrder>, BrokerError>> + Send;

    /// The order tagged `tag`, if the broker has it in the day's book or its order history of
    /// earlier days (the lookup after an `Unresolved` placement, and reconciliation's proof).
    fn order_by_tag(
        &self,
        tag: ClientOrderId,
    ) -> impl Future<Output = Result<Option<BrokerOrder>, BrokerError>> + Send;

    /// The day's trade book, oldest first.
    fn trades(&self) -> impl Future<Output = Result<Vec<BrokerTrade>, BrokerError>> + Send;

    /// Orders placed or changed at or after `since` (UTC ns), from the day's book and the
    /// broker's order history of earlier days, oldest first (reconciliation across days).
    fn orders_since(
        &self,
        since: TimestampNs,
    ) -> impl Future<Output = Result<Vec<BrokerOrder>, BrokerError>> + Send;

    /// Executions at or after `since` (UTC ns), from the day's trade book and the broker's
    /// trade history, oldest first: what reconciliation books into the journal, across days.
    fn trades_since(
        &self,
        since: TimestampNs,
    ) -> impl Future<Output = Result<Vec<BrokerTrade>, BrokerError>> + Send;

    /// The broker account (Kite `user_id`, the paper book's stamp): the journal of an account
    /// is stamped with it, so a journal is never used with another account's book.
    fn account_id(&self) -> impl Future<Output = Result<String, BrokerError>> + Send;

    /// Net positions, one per instrument traded (flat ones included).
    fn positions(&self) -> impl Future<Output = Result<Vec<Position>, BrokerError>> + Send;

    /// Cash and margin.
    fn funds(&self) -> impl Future<Output = Result<Funds, BrokerError>> + Send;

    /// The earliest time (UTC ns) the broker's books can show orders and trades from: an order
    /// placed before it and not found proves nothing. Kite keeps only the day's books (today's
    /// IST midnight); the paper venue keeps its history (the default: any time).
    fn books_from(&self) -> TimestampNs {
        TimestampNs::MIN
    }

    /// Shares held in the demat account from earlier days (delivered CNC buys).
    fn holdings(&self) -> impl Future<Output = Result<Vec<Holding>, BrokerError>> + Send;
}

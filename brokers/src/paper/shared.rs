//! [`SharedPaper`]: the paper broker behind the async [`Broker`] trait.

use std::sync::{Arc, Mutex, MutexGuard};

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Order, Position, Tick};
use tokio::sync::mpsc::Sender;

use super::PaperBroker;
use crate::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate, ErrorKind, Funds, Holding, Modify,
    PlaceOutcome, SessionState, UpdateReceiver, UPDATE_QUEUE,
};

/// A cloneable handle on one [`PaperBroker`], the simulated venue: the order actor uses it as
/// a [`Broker`] (requests, and the push stream it subscribes to), while the feed side shows it
/// the market's ticks ([`SharedPaper::on_tick`]); the executions a tick makes are pushed to the
/// subscriber as a real broker's order-update stream pushes them. Placement never comes back
/// `Unresolved`: the paper broker always answers, and its session is always connected.
#[derive(Clone, Debug)]
pub struct SharedPaper {
    inner: Arc<Mutex<PaperBroker>>,
    subscriber: Arc<Mutex<Option<Sender<BrokerUpdate>>>>,
}

impl SharedPaper {
    /// Wraps `broker`.
    pub fn new(broker: PaperBroker) -> SharedPaper {
        SharedPaper {
            inner: Arc::new(Mutex::new(broker)),
            subscriber: Arc::new(Mutex::new(None)),
        }
    }

    /// The venue sees one market tick: orders it triggers fill, and the executions are pushed
    /// to the subscriber (waiting for room: fills are never dropped). Returns how many were
    /// pushed. Call it from a plain thread (the feed's), not from inside an async runtime.
    ///
    /// An error is the book's (it could not be saved) or a subscriber that is gone; the
    /// executions are in the book either way, and a restart's reconciliation books them.
    pub fn on_tick(&self, tick: &Tick) -> Result<usize, BrokerError> {
        let trades = {
            let mut book = self.lock()?;
            let before = book.trade_count();
            book.on_tick(tick)?;
            book.trades_from_seq(before)
        };
        if trades.is_empty() {
            return Ok(0);
        }
        let n = trades.len();
        let subscriber = self
            .subscriber
            .lock()
            .map_err(|_| BrokerError::new(ErrorKind::Unknown, "paper broker lock poisoned"))?
            .clone();
        match subscriber {
            Some(tx) if tx.blocking_send(BrokerUpdate::Trades(trades)).is_ok() => Ok(n),
            _ => Err(BrokerError::new(
                ErrorKind::Unknown,
                "no one hears this account's fills (its order actor stopped); they are in the paper broker's book and are booked on restart",
            )),
        }
    }

    /// Locks the broker for synchronous use (ticks, clock, inspection).
    pub fn lock(&self) -> Result<MutexGuard<'_, PaperBroker>, BrokerError> {
        self.inner
            .lock()
            .map_err(|_| BrokerError::new(ErrorKind::Unknown, "paper broker lock poisoned"))
    }
}

impl Broker for SharedPaper {
    fn subscribe(&self) -> UpdateReceiver {
        let (tx, rx) = tokio::sync::mpsc::channel(UPDATE_QUEUE);
        if let Ok(mut slot) = self.subscriber.lock() {
            *slot = Some(tx);
        }
        rx
    }

    fn session(&self) -> SessionState {
        SessionState::Connected
    }

    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        self.lock()?.place(order).map(PlaceOutcome::Placed)
    }

    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        self.lock()?.modify(tag, change)
    }

    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        self.lock()?.cancel(tag)
    }

    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        Ok(self.lock()?.orders())
    }

    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        Ok(self.lock()?.order(tag))
    }

    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        let book = self.lock()?;
        Ok(book.trades_from_seq(0))
    }

    async fn orders_since(&self, since: TimestampNs) -> Result<Vec<BrokerOrder>, BrokerError> {
        Ok(self.lock()?.orders_since(since))
    }

    async fn trades_since(&self, since: TimestampNs) -> Result<Vec<BrokerTrade>, BrokerError> {
        Ok(self.lock()?.trades_after(since))
    }

    async fn account_id(&self) -> Result<String, BrokerError> {
        Ok(self.lock()?.account_id().to_string())
    }

    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        Ok(self.lock()?.positions())
    }

    async fn funds(&self) -> Result<Funds, BrokerError> {
        Ok(self.lock()?.funds())
    }

    /// The paper venue settles at once and keeps no demat account: its long positions are its
    /// holdings, none of them still settling.
    async fn holdings(&self) -> Result<Vec<Holding>, BrokerError> {
        Ok(self
            .lock()?
            .positions()
            .into_iter()
            .filter(|p| p.qty > 0)
            .map(|p| Holding {
                instrument: p.instrument,
                qty: p.qty,
                t1_qty: 0,
                avg_price: p.avg_price,
            })
            .collect())
    }
}

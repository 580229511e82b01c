//! [`SharedPaper`]: the paper broker behind the async [`Broker`] trait.

use std::sync::{Arc, Mutex, MutexGuard};

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Order, Position};

use super::PaperBroker;
use crate::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, ErrorKind, Funds, Modify, PlaceOutcome,
};

/// A cloneable handle on one [`PaperBroker`]: the order actor uses it as a [`Broker`] while the
/// feed side calls [`lock`](SharedPaper::lock) to deliver ticks. Placement never comes back
/// `Unresolved`: the paper broker always answers.
#[derive(Clone, Debug)]
pub struct SharedPaper {
    inner: Arc<Mutex<PaperBroker>>,
}

impl SharedPaper {
    /// Wraps `broker`.
    pub fn new(broker: PaperBroker) -> SharedPaper {
        SharedPaper {
            inner: Arc::new(Mutex::new(broker)),
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
}

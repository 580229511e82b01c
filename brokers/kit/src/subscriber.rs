//! An account's one subscriber ([`sharewise_brokers::Broker::subscribe`]): where its pushed
//! updates go, fills waited for and never dropped, session changes said without waiting.

use std::sync::Mutex;

use sharewise_brokers::{BrokerUpdate, SessionState, UpdateReceiver, UPDATE_QUEUE};
use tokio::sync::mpsc;

/// The subscriber's end, if there is one (a new subscription replaces the last).
#[derive(Debug, Default)]
pub struct Subscriber(Mutex<Option<mpsc::Sender<BrokerUpdate>>>);

impl Subscriber {
    fn sender(&self) -> Option<mpsc::Sender<BrokerUpdate>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A new subscription: from now on updates go to the receiver returned.
    pub fn subscribe(&self) -> UpdateReceiver {
        let (tx, rx) = mpsc::channel(UPDATE_QUEUE);
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tx);
        rx
    }

    /// Hands `update` to the subscriber, if there is one (waiting for room: never dropped).
    pub async fn push(&self, update: BrokerUpdate) {
        if let Some(tx) = self.sender() {
            let _ = tx.send(update).await;
        }
    }

    /// Says a session change without waiting: the subscriber may be the very caller whose
    /// request changed it, and a full queue must not wait on it. A full queue gets the change
    /// from a task on the broker I/O runtime as soon as there is room.
    pub fn announce(&self, change: Option<SessionState>) {
        let (Some(state), Some(tx)) = (change, self.sender()) else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Full(update)) =
            tx.try_send(BrokerUpdate::Session(state))
        {
            crate::io::handle().spawn(async move {
                let _ = tx.send(update).await;
            });
        }
    }
}

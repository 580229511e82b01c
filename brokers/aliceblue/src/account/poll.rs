//! The push side of an AliceBlue account. AliceBlue documents no order-update WebSocket for its
//! v2 API [U: third-party clients use an `order-notify` socket with a separate token, not
//! adopted here unverified], so the order book is polled: every [`BUSY_EVERY`] while one of our
//! orders is open, every [`IDLE_EVERY`] otherwise, and at once after a placement (so a new
//! order never waits out an idle period). Each change is pushed through
//! [`sharewise_broker_kit::pushed`]: the order's new trades first (read from the trade book),
//! then its new state, each exactly once. While the session needs a login nothing is sent.
//! Polls are ordinary reads: they count against AliceBlue's 1800 per 15 minutes (at 1 s, 900 of
//! them; the idle rate leaves room for everything else).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sharewise_broker_kit::pushed::{self, Pushed, UpdateSource};
use sharewise_brokers::{BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate};

use super::{paths, AliceBlueAccount};
use crate::rest::wire::WireOrder;

/// The poll period while one of our orders is open.
pub const BUSY_EVERY: Duration = Duration::from_secs(1);

/// The poll period otherwise.
pub const IDLE_EVERY: Duration = Duration::from_secs(5);

/// Counters of the poller, for the status line.
#[derive(Debug, Default)]
pub struct PollStats {
    /// Order-book reads made.
    pub polls: AtomicU64,
    /// Reads that failed (made good by the next one).
    pub failed: AtomicU64,
    /// Order changes pushed.
    pub pushed: AtomicU64,
}

impl AliceBlueAccount {
    /// Starts pushing order updates from polls of the order book to the subscriber (once: a
    /// second call leaves the running poller be); runs until [`AliceBlueAccount::stop_updates`].
    /// Subscribe first.
    pub fn start_updates(&self) {
        let mut task = self
            .shared
            .poll_task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let account = self.clone();
        *task = Some(
            sharewise_broker_kit::io::handle().spawn(async move { account.run_polls().await }),
        );
    }

    /// Stops the poller.
    pub fn stop_updates(&self) {
        let task = self
            .shared
            .poll_task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }

    /// The poller's counters.
    pub fn poll_stats(&self) -> Arc<PollStats> {
        Arc::clone(&self.shared.poll)
    }

    async fn run_polls(&self) {
        loop {
            if self.current_token().is_none() {
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
            let placed_before = self.shared.placements.load(Ordering::SeqCst);
            self.shared.poll.polls.fetch_add(1, Ordering::Relaxed);
            let wait = match self.poll_once().await {
                Ok(true) => BUSY_EVERY,
                Ok(false) => IDLE_EVERY,
                Err(_) => {
                    self.shared.poll.failed.fetch_add(1, Ordering::Relaxed);
                    IDLE_EVERY
                }
            };
            // A placement answered during the poll may be missing from the book it read.
            if self.shared.placements.load(Ordering::SeqCst) != placed_before {
                continue;
            }
            // A placement cuts the wait short (a timeout here is the ordinary period).
            let _ = tokio::time::timeout(wait, self.shared.poll_now.notified()).await;
        }
    }

    /// One poll: pushes what the book says that the subscriber has not heard; whether one of
    /// our orders is still open.
    async fn poll_once(&self) -> Result<bool, BrokerError> {
        let wire: Vec<WireOrder> = self.read(paths::BOOK).await?;
        let orders = self.ours(&wire)?;
        let open = orders.iter().any(|o| !o.status.is_terminal());
        for order in orders {
            if pushed::on_order(self, order).await? {
                self.shared.poll.pushed.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(open)
    }
}

impl UpdateSource for AliceBlueAccount {
    async fn order_trades(&self, order: &BrokerOrder) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.trade_book(Some(&order.order_id)).await
    }

    async fn push(&self, update: BrokerUpdate) {
        self.shared.subscriber.push(update).await;
    }

    fn pushed(&self) -> std::sync::MutexGuard<'_, Pushed> {
        self.shared
            .pushed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

//! The push side of an Upstox account: the portfolio stream (`/v2/feed/portfolio-stream-feed`,
//! JSON text frames, one per order change, `"update_type":"order"`) read into
//! [`BrokerUpdate`]s for the subscriber: the new executions first, with Upstox's trade ids (read
//! from `GET /v2/order/trades?order_id=` when an update shows more filled), then the order's new
//! state ([`sharewise_broker_kit::pushed`]).
//!
//! Each connection is authorised afresh (`/authorize` gives a single-use address), leaves from
//! the account's egress IP, and is kept up while the session is: on any loss it reconnects with
//! backoff and full jitter, and after every (re)connection it catches up from the order book, so
//! an update missed while the socket was down is still pushed (once). While the session needs a
//! login it waits and sends nothing. A link silent for [`SILENT_FOR`] is pinged; one that stays
//! silent is replaced (Upstox's ping period is not documented [U]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use sharewise_broker_kit::pushed::{self, Pushed, UpdateSource};
use sharewise_broker_kit::ws::Socket;
use sharewise_brokers::{BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate};
use sharewise_net::Backoff;
use tokio_tungstenite::tungstenite::Message;

use super::gate::Lane;
use super::UpstoxAccount;
use crate::rest::convert::{self, Skip};
use crate::rest::wire::{WireAuthorized, WireOrder, WireTrade};

/// Reconnections wait like this (capped at 30 s).
const RECONNECT: Backoff = Backoff {
    base: Duration::from_millis(250),
    cap: Duration::from_secs(30),
    max_retries: u32::MAX,
};

/// Silence after which the link is pinged, and after a second one replaced.
pub const SILENT_FOR: Duration = Duration::from_secs(15);

/// Counters of the update stream, for the status line.
#[derive(Debug, Default)]
pub struct StreamStats {
    /// Connections made (the first one included).
    pub connects: AtomicU64,
    /// Order updates read from the socket.
    pub updates: AtomicU64,
    /// Catch-ups from the order book that found something the socket had not said.
    pub caught_up: AtomicU64,
}

impl UpstoxAccount {
    /// Starts pushing order updates from Upstox's portfolio stream to the subscriber (once: a
    /// second call leaves the running stream be); runs until [`UpstoxAccount::stop_updates`].
    /// Subscribe first.
    pub fn start_updates(&self) {
        let mut task = self
            .shared
            .stream_task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let account = self.clone();
        *task = Some(
            sharewise_broker_kit::io::handle().spawn(async move { account.run_updates().await }),
        );
    }

    /// Stops the order-update stream.
    pub fn stop_updates(&self) {
        let task = self
            .shared
            .stream_task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }

    /// The update stream's counters.
    pub fn stream_stats(&self) -> Arc<StreamStats> {
        Arc::clone(&self.shared.stream)
    }

    async fn run_updates(&self) {
        let mut attempt = 0u32;
        loop {
            if self.current_token().is_none() {
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
            match self.open_stream().await {
                Ok(mut socket) => {
                    self.shared.stream.connects.fetch_add(1, Ordering::Relaxed);
                    // Only a connection that caught up counts as healthy: a book that cannot
                    // be read backs off like a refused connection, never hammers Upstox.
                    if self.catch_up().await.is_ok() {
                        attempt = 0;
                        self.listen(&mut socket).await;
                    } else {
                        attempt = attempt.saturating_add(1);
                    }
                }
                Err(_) => attempt = attempt.saturating_add(1),
            }
            let wait = RECONNECT
                .delay(attempt.min(16), &mut rand::rng())
                .unwrap_or(RECONNECT.cap);
            tokio::time::sleep(wait).await;
        }
    }

    /// Authorises a connection (through the gate, like any read) and opens it from the egress
    /// address.
    async fn open_stream(&self) -> Result<Socket, BrokerError> {
        let query = [("update_types", "order".to_string())];
        let authorized: WireAuthorized = self
            .read(
                Lane::Reads,
                "/v2/feed/portfolio-stream-feed/authorize",
                &query,
            )
            .await?;
        let egress = self.shared.transport.endpoint().egress_ip;
        sharewise_broker_kit::ws::open(
            authorized.authorized_redirect_uri,
            "Upstox's portfolio stream",
            egress,
        )
        .await
    }

    /// Reads order updates until the socket ends or stays silent.
    async fn listen(&self, socket: &mut Socket) {
        let mut pinged = false;
        loop {
            let message = match tokio::time::timeout(SILENT_FOR, socket.next()).await {
                Ok(Some(Ok(message))) => message,
                Err(_) if !pinged => {
                    pinged = true;
                    if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                        return;
                    }
                    continue;
                }
                _ => return,
            };
            pinged = false;
            let Message::Text(text) = message else {
                continue; // pings and pongs: tungstenite answers them
            };
            let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if frame["update_type"] != "order" {
                continue;
            }
            let Ok(wire) = serde_json::from_value::<WireOrder>(frame) else {
                continue;
            };
            self.shared.stream.updates.fetch_add(1, Ordering::Relaxed);
            // A failed trade read is made good by the next catch-up.
            let _ = self.on_order(&wire).await;
        }
    }

    /// Pushes what the day's book says that the subscriber has not heard.
    async fn catch_up(&self) -> Result<(), BrokerError> {
        let wire: Vec<WireOrder> = self
            .read(Lane::Reads, "/v2/order/retrieve-all", &[])
            .await?;
        for w in &wire {
            if self.on_order(w).await? {
                self.shared.stream.caught_up.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// One order's news from the stream or the book: its new trades, then its new state.
    /// Whether anything was pushed.
    async fn on_order(&self, w: &WireOrder) -> Result<bool, BrokerError> {
        let order = match self.ours(std::slice::from_ref(w)) {
            Ok(mut one) => match one.pop() {
                Some(order) => order,
                None => return Ok(false),
            },
            Err(e) => return Err(e),
        };
        pushed::on_order(self, order).await
    }
}

impl UpdateSource for UpstoxAccount {
    async fn order_trades(&self, order: &BrokerOrder) -> Result<Vec<BrokerTrade>, BrokerError> {
        let query = [("order_id", order.order_id.clone())];
        let wire: Vec<WireTrade> = self.read(Lane::Reads, "/v2/order/trades", &query).await?;
        let ours = convert::OurOrders::from([(
            order.order_id.clone(),
            (order.tag(), order.request.instrument),
        )]);
        let mut out = Vec::with_capacity(wire.len());
        for w in &wire {
            match convert::broker_trade(w, &ours, &self.shared.listings, &self.shared.policy) {
                Ok(t) => out.push(t),
                Err(Skip::NotOurs) => {}
                Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
            }
        }
        Ok(out)
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

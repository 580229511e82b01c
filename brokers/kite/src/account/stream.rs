//! The push side of a Kite account: order updates from Kite's WebSocket (the ticker connection
//! carries them as text frames, `{"type":"order","data":<postback-shaped order>}`) become
//! [`BrokerUpdate`]s for the subscriber: the new executions first, with Kite's trade ids (read
//! from `GET /orders/{id}/trades` when an update shows more filled), then the order's new state.
//!
//! The connection is kept up while the session is: on any loss it reconnects with backoff and
//! full jitter, and after every (re)connection it catches up from the order book, so an update
//! missed while the socket was down is still pushed (once: trades already pushed are
//! remembered by id). While the session needs a login it waits and sends nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use sharewise_broker_kit::pushed::{self, UpdateSource};
use sharewise_brokers::{BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate};
use sharewise_net::Backoff;
use tokio_tungstenite::tungstenite::Message;

use super::KiteAccount;
use crate::rest::convert::{self, Skip};
use crate::rest::wire::{WireOrder, WireTrade};
use crate::ws::{open, Socket};

pub use crate::ws::KITE_WS;

/// Reconnections wait like this (capped at 30 s, as Kite's own clients do).
const RECONNECT: Backoff = Backoff {
    base: Duration::from_millis(250),
    cap: Duration::from_secs(30),
    max_retries: u32::MAX,
};

/// Silence after which the order-update connection is replaced.
const SILENT_FOR: Duration = Duration::from_secs(10);

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

pub(crate) use sharewise_broker_kit::pushed::Pushed;

impl KiteAccount {
    /// Starts pushing order updates from the endpoint's WebSocket to the subscriber (once: a
    /// second call leaves the running stream be); runs until [`KiteAccount::stop_updates`].
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
        let url = self
            .shared
            .transport
            .endpoint()
            .ws_url
            .trim_end_matches('/')
            .to_string();
        *task = Some(crate::io::handle().spawn(async move { account.run_updates(&url).await }));
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

    async fn run_updates(&self, url: &str) {
        let mut attempt = 0u32;
        loop {
            let Some(token) = self.current_token() else {
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            };
            let egress = self.shared.transport.endpoint().egress_ip;
            let api_key = self.shared.transport.endpoint().api_key.clone();
            match open(url, &api_key, &token, egress).await {
                Ok(mut socket) => {
                    self.shared.stream.connects.fetch_add(1, Ordering::Relaxed);
                    // Only a connection that caught up counts as healthy: a book that cannot
                    // be read backs off like a refused connection, never hammers Kite.
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

    /// Reads order updates until the socket ends.
    async fn listen(&self, socket: &mut Socket) {
        // Kite sends a heartbeat every second: ten silent seconds are a dead link.
        while let Ok(Some(Ok(message))) = tokio::time::timeout(SILENT_FOR, socket.next()).await {
            let Message::Text(text) = message else {
                continue; // binary frames are ticks and heartbeats: the feed's business
            };
            let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if frame["type"] != "order" {
                continue;
            }
            let Ok(wire) = serde_json::from_value::<WireOrder>(frame["data"].clone()) else {
                continue;
            };
            self.shared.stream.updates.fetch_add(1, Ordering::Relaxed);
            // A failed trade read is made good by the next catch-up.
            let _ = self.on_order(&wire).await;
        }
    }

    /// Pushes what the day's book says that the subscriber has not heard.
    async fn catch_up(&self) -> Result<(), BrokerError> {
        let wire: Vec<WireOrder> = self.read_json("/orders").await?;
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
        let order = match convert::broker_order(w, &self.shared.listings) {
            Ok(order) => order,
            Err(Skip::NotOurs) => return Ok(false),
            Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
        };
        self.remember(&order);
        pushed::on_order(self, order).await
    }
}

impl UpdateSource for KiteAccount {
    async fn order_trades(&self, order: &BrokerOrder) -> Result<Vec<BrokerTrade>, BrokerError> {
        let path = format!("/orders/{}/trades", order.order_id);
        let wire: Vec<WireTrade> = self.read_json(&path).await?;
        let tags = sharewise_broker_kit::OurOrders::from([(
            order.order_id.clone(),
            (order.tag(), order.request.instrument),
        )]);
        let mut out = Vec::with_capacity(wire.len());
        for w in &wire {
            match convert::broker_trade(w, &tags, &self.shared.listings, &self.shared.policy) {
                Ok(t) => out.push(t),
                Err(Skip::NotOurs) => {}
                Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
            }
        }
        Ok(out)
    }

    async fn push(&self, update: BrokerUpdate) {
        KiteAccount::push(self, update).await;
    }

    fn pushed(&self) -> std::sync::MutexGuard<'_, Pushed> {
        self.shared
            .pushed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

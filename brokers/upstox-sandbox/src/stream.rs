//! The portfolio stream: `GET /v2/feed/portfolio-stream-feed/authorize?update_types=order,
//! position,holding` gives a single-use `ws://…/v2/feed/portfolio-stream-feed/socket?…&code=…`;
//! on it, one text frame of JSON per state change of each order (placed, open or trigger
//! pending, each fill, modified, cancelled, rejected), in the shape of Upstox's order update
//! (the order's fields plus `update_type: "order"`, `user_id`, `userId` and `instrument_key`).
//! Only order updates are sent: position and holding updates are not imitated [U]. An idle
//! connection gets a ping every second.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::envelope::UpstoxError;
use crate::feed::{authorized_uri, socket_url};
use crate::session::random;
use crate::Shared;

/// `GET /v2/feed/portfolio-stream-feed/authorize[?update_types=…]`.
pub(crate) async fn authorize(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let known = ["order", "position", "holding", "gtt_order"];
    if let Some(types) = q.get("update_types") {
        if let Some(bad) = types.split(',').find(|t| !known.contains(&t.trim())) {
            let why = "must list order, position, holding or gtt_order";
            return UpstoxError::invalid("update_types", &json!(bad), why).into_response();
        }
    }
    let code = random(32);
    sb.inner().stream_codes.insert(code.clone());
    authorized_uri(&socket_url(
        &headers,
        "/v2/feed/portfolio-stream-feed/socket",
        &code,
    ))
}

/// The socket's handshake: spends the code, then streams.
pub(crate) async fn connect(
    State(sb): Shared,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let good = q
        .get("code")
        .is_some_and(|code| sb.inner().stream_codes.remove(code));
    if !good {
        return UpstoxError::invalid_token().into_response();
    }
    let updates = sb.order_updates.subscribe();
    let drops = sb.drops.subscribe();
    ws.on_upgrade(move |socket| stream(socket, updates, drops))
}

async fn stream(
    mut socket: WebSocket,
    mut updates: Receiver<String>,
    mut drops: tokio::sync::watch::Receiver<u64>,
) {
    let mut ping = tokio::time::interval(Duration::from_secs(1));
    let mut sent_since_ping = false;
    loop {
        tokio::select! {
            // The `drop_sockets` fault: gone without a close frame, as a dead link looks.
            _ = drops.changed() => return,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            update = updates.recv() => match update {
                Ok(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                    sent_since_ping = true;
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = ping.tick() => {
                if !std::mem::take(&mut sent_since_ping)
                    && socket.send(Message::Ping(Vec::new().into())).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

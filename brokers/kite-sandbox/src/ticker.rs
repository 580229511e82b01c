//! The ticker WebSocket at `/?api_key=..&access_token=..`, as `wss://ws.kite.trade` takes it.
//!
//! A bad key or token is refused at the handshake with 403. The client subscribes with JSON text
//! (`{"a":"subscribe","v":[408065]}`, quote mode by default), changes mode
//! (`{"a":"mode","v":["full",[408065]]}`) and unsubscribes; a message it cannot read gets a
//! `{"type":"error","data":"…"}` text frame naming what was wrong. Ticks go out as Kite's binary
//! messages (the encoder of `sharewise_kite::ticker`), the packets of every subscribed instrument
//! that traded since the last message in one frame; an idle connection gets a 1-byte heartbeat
//! every second. Order updates go out as text frames, `{"type":"order","data":{…}}` with the
//! postback's fields and checksum, when an order is placed, fills or is cancelled. A client too
//! slow for the stream misses ticks (the newest of each instrument
//! comes with its next trade), never slows the sandbox.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sharewise_kite::ticker::{write_message, KiteTick};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::envelope::{ErrorType, KiteError};
use crate::quotes::in_mode;
use crate::Sandbox;

/// Kite's limit of instruments per connection.
const MAX_SUBSCRIPTIONS: usize = 3000;

/// The handshake: checks the session, then streams.
pub(crate) async fn connect(
    State(sb): State<Arc<Sandbox>>,
    Query(q): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let (key, token) = (q.get("api_key"), q.get("access_token"));
    let good = key == Some(&sb.config.identity.api_key)
        && token.is_some_and(|t| sb.inner().sessions.is_live(t));
    if !good {
        return KiteError::new(ErrorType::Token, "Incorrect `api_key` or `access_token`.")
            .into_response();
    }
    let ticks = sb.ticks.subscribe();
    let updates = sb.order_updates.subscribe();
    let drops = sb.drops.subscribe();
    ws.on_upgrade(move |socket| stream(socket, ticks, updates, drops))
}

/// What one connection is subscribed to: token → mode.
type Subscriptions = HashMap<u32, &'static str>;

async fn stream(
    mut socket: WebSocket,
    mut ticks: Receiver<KiteTick>,
    mut updates: Receiver<String>,
    mut drops: tokio::sync::watch::Receiver<u64>,
) {
    let mut subscribed = Subscriptions::new();
    let mut batch: Vec<KiteTick> = Vec::new();
    let mut frame = Vec::new();
    let mut heartbeat = tokio::time::interval(Duration::from_secs(1));
    let mut sent_since_beat = false;
    loop {
        tokio::select! {
            // The `drop_sockets` fault: gone without a close frame, as a dead link looks.
            _ = drops.changed() => return,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Err(why) = apply(&mut subscribed, &text) {
                        let error = json!({"type": "error", "data": why}).to_string();
                        if socket.send(Message::Text(error.into())).await.is_err() {
                            return;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            tick = ticks.recv() => {
                match tick {
                    Ok(tick) => take(&subscribed, &tick, &mut batch),
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                }
                // Everything already waiting goes in the same message.
                while let Ok(tick) = ticks.try_recv() {
                    take(&subscribed, &tick, &mut batch);
                }
                if !batch.is_empty() {
                    write_message(&batch, &mut frame);
                    batch.clear();
                    if socket.send(Message::Binary(frame.clone().into())).await.is_err() {
                        return;
                    }
                    sent_since_beat = true;
                }
            }
            update = updates.recv() => match update {
                Ok(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = heartbeat.tick() => {
                if !std::mem::take(&mut sent_since_beat)
                    && socket.send(Message::Binary(vec![0u8].into())).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// Adds `tick` to the batch in its subscription's mode, replacing an older one of the same
/// instrument.
fn take(subscribed: &Subscriptions, tick: &KiteTick, batch: &mut Vec<KiteTick>) {
    let Some(mode) = subscribed.get(&tick.token) else {
        return;
    };
    let packet = in_mode(tick, mode);
    match batch.iter_mut().find(|t| t.token == tick.token) {
        Some(older) => *older = packet,
        None => batch.push(packet),
    }
}

/// Applies one client message; `Err` says what was wrong with it.
fn apply(subscribed: &mut Subscriptions, text: &str) -> Result<(), String> {
    let message: Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))?;
    let tokens = |v: &Value| -> Result<Vec<u32>, String> {
        v.as_array()
            .ok_or("`v` must list instrument tokens")?
            .iter()
            .map(|t| {
                t.as_u64()
                    .and_then(|t| u32::try_from(t).ok())
                    .ok_or_else(|| format!("`{t}` is not an instrument token"))
            })
            .collect()
    };
    let v = &message["v"];
    match message["a"].as_str() {
        Some("subscribe") => {
            for token in tokens(v)? {
                subscribed.entry(token).or_insert("quote");
            }
        }
        Some("unsubscribe") => {
            for token in tokens(v)? {
                subscribed.remove(&token);
            }
        }
        Some("mode") => {
            let mode = match v[0].as_str() {
                Some("ltp") => "ltp",
                Some("quote") => "quote",
                Some("full") => "full",
                other => return Err(format!("unknown mode {other:?}: ltp, quote or full")),
            };
            for token in tokens(&v[1])? {
                subscribed.insert(token, mode);
            }
        }
        other => {
            return Err(format!(
                "unknown action {other:?}: subscribe, unsubscribe or mode"
            ))
        }
    }
    if subscribed.len() > MAX_SUBSCRIPTIONS {
        return Err(format!(
            "{} instruments subscribed; Kite allows {MAX_SUBSCRIPTIONS} per connection",
            subscribed.len()
        ));
    }
    Ok(())
}

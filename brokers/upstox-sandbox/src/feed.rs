//! The market data feed v3: `GET /v3/feed/market-data-feed/authorize` gives a single-use
//! `ws://…/v3/feed/market-data-feed/socket?requestId=…&code=…` (a second use is refused at the
//! handshake with 401 `UDAPI100050` [U]); on it the sandbox speaks Upstox's protobuf
//! (`sharewise-upstox-proto`'s `FeedResponse`).
//!
//! First comes a `market_info` message (NSE_EQ `NORMAL_OPEN` during the session, `NORMAL_CLOSE`
//! outside it). The client sends JSON requests as binary frames, `{"guid":…,"method":"sub"|
//! "unsub"|"change_mode","data":{"mode":"ltpc"|"full"|"option_greeks"|"full_d30",
//! "instrumentKeys":[…]}}` (text frames are taken too [U]); a `sub` or `change_mode` gets an
//! `initial_feed` snapshot of those instruments, then `live_feed` messages follow each of their
//! trades on the price path, everything waiting batched in one message. Unknown instrument keys
//! are ignored; a request the sandbox cannot read closes the socket (1003) with the reason. An idle
//! connection gets a ping every second. `full_d30` carries the made-up book's five levels [U].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sharewise_engine::time::{
    ist_day, ist_midnight, ist_time_of_day, TimestampNs, NANOS_PER_MILLI, NSE_CLOSE_IST_NS,
    NSE_OPEN_IST_NS,
};
use sharewise_sandbox_venue::quote::{Candle, DayQuote};
use sharewise_upstox_proto::{
    feed, full_feed, Feed, FeedResponse, FirstLevelWithGreeks, FullFeed, Ltpc, MarketFullFeed,
    MarketInfo, MarketLevel, MarketOhlc, MarketStatus, Message as _, Ohlc, OptionGreeks, Quote,
    RequestMode, Type,
};
use tokio::sync::broadcast::error::RecvError;

use crate::envelope::{ok, UpstoxError};
use crate::orders::listed_index;
use crate::session::random;
use crate::{QuoteUpdate, Sandbox, Shared};

/// A single-use socket URL on the address the client reached the sandbox at.
pub(crate) fn socket_url(headers: &HeaderMap, path: &str, code: &str) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let request_id = format!("{}-{}", random(8), random(12)).to_lowercase();
    format!("ws://{host}{path}?requestId={request_id}&code={code}")
}

/// The authorize answer (`market_data_feed_authorize.json`): the URL in both spellings.
pub(crate) fn authorized_uri(url: &str) -> Response {
    ok(json!({"authorized_redirect_uri": url, "authorizedRedirectUri": url}))
}

/// `GET /v3/feed/market-data-feed/authorize`.
pub(crate) async fn authorize(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let code = random(32);
    sb.inner().feed_codes.insert(code.clone());
    authorized_uri(&socket_url(
        &headers,
        "/v3/feed/market-data-feed/socket",
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
        .is_some_and(|code| sb.inner().feed_codes.remove(code));
    if !good {
        return UpstoxError::invalid_token().into_response();
    }
    let quotes = sb.quotes.subscribe();
    let drops = sb.drops.subscribe();
    ws.on_upgrade(move |socket| stream(sb, socket, quotes, drops))
}

/// A subscription's mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Ltpc,
    Full,
    OptionGreeks,
    FullD30,
}

/// What one connection is subscribed to: instrument index → mode.
type Subscriptions = HashMap<usize, Mode>;

fn ms(ts: TimestampNs) -> i64 {
    ts / NANOS_PER_MILLI
}

fn rupees(paise: u32) -> f64 {
    f64::from(paise) / 100.0
}

fn market_info(now: TimestampNs) -> FeedResponse {
    let t = ist_time_of_day(now);
    let status = if (NSE_OPEN_IST_NS..NSE_CLOSE_IST_NS).contains(&t) {
        MarketStatus::NormalOpen
    } else {
        MarketStatus::NormalClose
    };
    let segments = ["NSE_EQ", "NSE_FO", "NSE_INDEX", "BSE_EQ", "BSE_INDEX"];
    FeedResponse {
        r#type: Type::MarketInfo as i32,
        feeds: HashMap::new(),
        current_ts: ms(now),
        market_info: Some(MarketInfo {
            segment_status: segments
                .iter()
                .map(|s| (s.to_string(), status as i32))
                .collect(),
        }),
    }
}

fn ohlc(interval: &str, c: Candle, ts: TimestampNs) -> Ohlc {
    Ohlc {
        interval: interval.to_string(),
        open: rupees(c.open),
        high: rupees(c.high),
        low: rupees(c.low),
        close: rupees(c.close),
        vol: c.volume as i64,
        ts: ms(ts),
    }
}

/// Instrument `q`'s update in `mode`.
fn feed_of(q: &DayQuote, mode: Mode) -> Feed {
    let ltpc = Ltpc {
        ltp: rupees(q.last_paise()),
        ltt: ms(q.last_trade_ts()),
        ltq: i64::from(q.last_qty()),
        cp: rupees(q.close_paise()),
    };
    let levels: Vec<Quote> = q
        .depth()
        .iter()
        .map(|l| Quote {
            bid_q: i64::from(l.bid_qty),
            bid_p: rupees(l.bid),
            ask_q: i64::from(l.ask_qty),
            ask_p: rupees(l.ask),
        })
        .collect();
    let vtt = q.volume() as i64;
    let (union, request_mode) = match mode {
        Mode::Ltpc => (feed::FeedUnion::Ltpc(ltpc), RequestMode::Ltpc),
        Mode::OptionGreeks => (
            feed::FeedUnion::FirstLevelWithGreeks(FirstLevelWithGreeks {
                ltpc: Some(ltpc),
                first_depth: levels.first().copied(),
                option_greeks: Some(OptionGreeks::default()),
                vtt,
                oi: 0.0,
                iv: 0.0,
            }),
            RequestMode::OptionGreeks,
        ),
        Mode::Full | Mode::FullD30 => {
            let today = q.today();
            let full = MarketFullFeed {
                ltpc: Some(ltpc),
                tbq: levels.iter().map(|l| l.bid_q as f64).sum(),
                tsq: levels.iter().map(|l| l.ask_q as f64).sum(),
                market_level: Some(MarketLevel {
                    bid_ask_quote: levels,
                }),
                option_greeks: None,
                market_ohlc: Some(MarketOhlc {
                    ohlc: vec![
                        ohlc("1d", today, ist_midnight(ist_day(today.ts))),
                        ohlc("I1", q.minute(), q.minute().ts),
                    ],
                }),
                atp: rupees(q.average_paise()),
                vtt,
                oi: 0.0,
                iv: 0.0,
            };
            let mode = if mode == Mode::Full {
                RequestMode::FullD5
            } else {
                RequestMode::FullD30
            };
            let union = full_feed::FullFeedUnion::MarketFf(full);
            let full = FullFeed {
                full_feed_union: Some(union),
            };
            (feed::FeedUnion::FullFeed(full), mode)
        }
    };
    Feed {
        feed_union: Some(union),
        request_mode: request_mode as i32,
    }
}

/// A message of `kind` with the feeds of `quotes` in their subscribed modes.
fn message<'a>(
    sb: &Sandbox,
    kind: Type,
    quotes: impl Iterator<Item = (usize, &'a DayQuote)>,
    subscribed: &Subscriptions,
    now: TimestampNs,
) -> Option<FeedResponse> {
    // Only the live day's quotes: the history sessions are not replayed on the feed.
    let feeds: HashMap<String, Feed> = quotes
        .filter(|(_, q)| q.last_paise() > 0 && ist_day(q.last_trade_ts()) == ist_day(now))
        .filter_map(|(k, q)| {
            let mode = subscribed.get(&k)?;
            let listed = sb.config.listing.get(k)?;
            Some((crate::orders::instrument_key(listed), feed_of(q, *mode)))
        })
        .collect();
    (!feeds.is_empty()).then(|| FeedResponse {
        r#type: kind as i32,
        feeds,
        current_ts: ms(now),
        market_info: None,
    })
}

/// Applies one request; the instruments to snapshot, or why it cannot be read.
fn apply(sb: &Sandbox, subscribed: &mut Subscriptions, raw: &[u8]) -> Result<Vec<usize>, String> {
    let request: Value =
        serde_json::from_slice(raw).map_err(|e| format!("Invalid request: not JSON ({e})"))?;
    let data = &request["data"];
    let keys: Vec<usize> = data["instrumentKeys"]
        .as_array()
        .ok_or("Invalid request: `data.instrumentKeys` must list instrument keys")?
        .iter()
        .filter_map(|k| listed_index(&sb.config.listing, k.as_str()?))
        .collect();
    let mode = || match data["mode"].as_str() {
        Some("ltpc") => Ok(Mode::Ltpc),
        Some("full") => Ok(Mode::Full),
        Some("option_greeks") => Ok(Mode::OptionGreeks),
        Some("full_d30") => Ok(Mode::FullD30),
        other => Err(format!(
            "Invalid request: mode {other:?}; ltpc, full, option_greeks or full_d30"
        )),
    };
    match request["method"].as_str() {
        Some("sub") => {
            let mode = mode()?;
            for k in &keys {
                subscribed.insert(*k, mode);
            }
            Ok(keys)
        }
        Some("change_mode") => {
            let mode = mode()?;
            let changed: Vec<usize> = keys
                .into_iter()
                .filter(|k| subscribed.contains_key(k))
                .collect();
            for k in &changed {
                subscribed.insert(*k, mode);
            }
            Ok(changed)
        }
        Some("unsub") => {
            for k in &keys {
                subscribed.remove(k);
            }
            Ok(Vec::new())
        }
        other => Err(format!(
            "Invalid request: method {other:?}; sub, unsub or change_mode"
        )),
    }
}

async fn send(socket: &mut WebSocket, message: &FeedResponse) -> bool {
    let bytes = message.encode_to_vec();
    socket.send(Message::Binary(bytes.into())).await.is_ok()
}

async fn stream(
    sb: Arc<Sandbox>,
    mut socket: WebSocket,
    mut quotes: tokio::sync::broadcast::Receiver<QuoteUpdate>,
    mut drops: tokio::sync::watch::Receiver<u64>,
) {
    let now = || sb.inner().venue.now();
    if !send(&mut socket, &market_info(now())).await {
        return;
    }
    let mut subscribed = Subscriptions::new();
    let mut ping = tokio::time::interval(Duration::from_secs(1));
    let mut sent_since_ping = false;
    loop {
        tokio::select! {
            // The `drop_sockets` fault: gone without a close frame, as a dead link looks.
            _ = drops.changed() => return,
            incoming = socket.recv() => {
                let raw = match incoming {
                    Some(Ok(Message::Binary(b))) => b.to_vec(),
                    Some(Ok(Message::Text(t))) => t.as_bytes().to_vec(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                match apply(&sb, &mut subscribed, &raw) {
                    Ok(keys) => {
                        let snapshot: Vec<(usize, DayQuote)> = {
                            let inner = sb.inner();
                            keys.iter().filter_map(|k| Some((*k, inner.venue.quote(*k)?.clone()))).collect()
                        };
                        let iter = snapshot.iter().map(|(k, q)| (*k, q));
                        if let Some(m) = message(&sb, Type::InitialFeed, iter, &subscribed, now()) {
                            if !send(&mut socket, &m).await {
                                return;
                            }
                            sent_since_ping = true;
                        }
                    }
                    Err(reason) => {
                        let frame = CloseFrame { code: 1003, reason: reason.into() };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                        return;
                    }
                }
            }
            update = quotes.recv() => {
                let mut batch: HashMap<usize, DayQuote> = HashMap::new();
                match update {
                    Ok((k, q)) => { batch.insert(k, q); }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                }
                // Everything already waiting goes in the same message, newest per instrument.
                while let Ok((k, q)) = quotes.try_recv() {
                    batch.insert(k, q);
                }
                let latest = batch.values().map(DayQuote::last_trade_ts).max().unwrap_or_default();
                let iter = batch.iter().map(|(k, q)| (*k, q));
                if let Some(m) = message(&sb, Type::LiveFeed, iter, &subscribed, latest) {
                    if !send(&mut socket, &m).await {
                        return;
                    }
                    sent_since_ping = true;
                }
            }
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

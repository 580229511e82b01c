//! Kite's live market feed: the KiteTicker WebSocket read into engine [`Tick`]s for the daemon's
//! feed thread.
//!
//! - Instruments are subscribed in `full` mode (exchange trade times) on as few connections as
//!   Kite allows ([`MAX_PER_CONNECTION`] instruments each, at most [`MAX_CONNECTIONS`], leaving
//!   Kite's third connection to the order-update stream).
//! - Packets become trades by the rise of the day's volume
//!   ([`sharewise_broker_kit::trades`]); a reconnection's first packet carries what traded while
//!   the socket was down, counted as a gap.
//! - Each connection reconnects at once and then with backoff and full jitter (capped at
//!   [`RECONNECT_CAP`]), and resubscribes; a connection silent for `stale_after` (Kite sends a
//!   heartbeat every second) is treated as dead and replaced.
//! - The feed thread reads a bounded queue. When it is full (a slow engine) an instrument's
//!   trades are conflated into one — volume summed, the last price and time kept — and counted,
//!   never dropped silently; the socket reader never waits for the engine.
//!
//! The connection loop, the queue and the counters are every broker's
//! ([`sharewise_broker_kit::feed`]); what is Kite's here is opening and subscribing a
//! connection and reading its binary frames.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use futures_util::SinkExt;
use kiteconnect::AccessToken;
use sharewise_broker_kit::feed::{
    self, now_ns, Connector, FeedSettings, Opened, RunningFeed, Sink,
};
use sharewise_broker_kit::trades::Snapshot;
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_net::Backoff;
use tokio_tungstenite::tungstenite::Message;

use crate::ticker::{Frame, KiteTick};
use crate::ws::{open, Socket};

/// Kite's limit of instruments per connection.
pub const MAX_PER_CONNECTION: usize = 3000;

/// Connections the feed may hold (Kite allows three per api_key; one is the order stream's).
pub const MAX_CONNECTIONS: usize = 2;

/// The longest wait between reconnection attempts.
pub const RECONNECT_CAP: Duration = Duration::from_secs(2);

/// Where the token for each connection comes from (the account's current session).
pub type TokenSource = Arc<dyn Fn() -> Option<AccessToken> + Send + Sync>;

/// How to reach the feed and what to subscribe.
#[derive(Clone, Debug)]
pub struct FeedConfig {
    /// Kite's WebSocket ([`crate::ws::KITE_WS`]) or a sandbox's `ws://host:port`.
    pub ws_url: String,
    /// The app's api_key.
    pub api_key: String,
    /// The local address connections leave from.
    pub egress_ip: Option<IpAddr>,
    /// Each engine instrument's Kite `instrument_token`, by instrument id.
    pub tokens: Vec<u32>,
    /// Silence after which a connection is replaced.
    pub stale_after: Duration,
    /// Trades the feed thread may fall behind by before conflation starts.
    pub queue: usize,
}

/// Why the feed cannot start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// More instruments than Kite's connections can carry.
    #[error("{0} instruments are more than the Kite feed can carry ({MAX_CONNECTIONS} connections of {MAX_PER_CONNECTION})")]
    TooMany(usize),
    /// No instruments.
    #[error("no instruments to subscribe")]
    Empty,
}

pub use sharewise_broker_kit::feed::FeedStats;

/// A running feed: its trades (blocking, for the feed thread) and counters.
#[derive(Debug)]
pub struct KiteFeed {
    feed: RunningFeed,
}

impl KiteFeed {
    /// Starts the feed's connections (on the Kite I/O runtime, [`crate::io`]).
    pub fn start(config: FeedConfig, token: TokenSource) -> Result<KiteFeed, FeedError> {
        let n = config.tokens.len();
        if n == 0 {
            return Err(FeedError::Empty);
        }
        if n > MAX_PER_CONNECTION * MAX_CONNECTIONS {
            return Err(FeedError::TooMany(n));
        }
        let instruments: Vec<(u32, InstrumentId)> = config
            .tokens
            .iter()
            .enumerate()
            .map(|(k, t)| (*t, InstrumentId(k as u32)))
            .collect();
        let connectors = instruments
            .chunks(MAX_PER_CONNECTION)
            .map(|chunk| Connection {
                config: config.clone(),
                token: Arc::clone(&token),
                by_token: chunk.iter().copied().collect(),
            })
            .collect();
        let settings = FeedSettings {
            instruments: n,
            queue: config.queue,
            stale_after: config.stale_after,
            reconnect: RECONNECT,
        };
        Ok(KiteFeed {
            feed: feed::start(&settings, connectors),
        })
    }

    /// The trades, in arrival order; blocks until the next one (ends when the feed stops).
    pub fn ticks(&self) -> &Receiver<Tick> {
        self.feed.ticks()
    }

    /// The counters.
    pub fn stats(&self) -> Arc<FeedStats> {
        self.feed.stats()
    }

    /// Stops every connection; the trade queue ends.
    pub fn stop(&self) {
        self.feed.stop();
    }
}

/// One WebSocket connection: its instruments and how to open it.
struct Connection {
    config: FeedConfig,
    token: TokenSource,
    by_token: HashMap<u32, InstrumentId>,
}

const RECONNECT: Backoff = Backoff {
    base: Duration::from_millis(100),
    cap: RECONNECT_CAP,
    max_retries: u32::MAX,
};

impl Connector for Connection {
    /// A connection with every instrument subscribed, if the session and Kite allow one now.
    async fn open(&mut self) -> Opened {
        let Some(token) = (self.token)() else {
            return Opened::Failed;
        };
        let c = &self.config;
        let Ok(mut socket) = open(&c.ws_url, &c.api_key, &token, c.egress_ip).await else {
            return Opened::Failed;
        };
        if self.subscribe(&mut socket).await {
            Opened::Up(Box::new(socket))
        } else {
            Opened::Failed
        }
    }

    fn binary(&mut self, bytes: &[u8], sink: &mut Sink) -> bool {
        let Ok(frame) = Frame::parse(bytes) else {
            sink.bad();
            return true;
        };
        let now = now_ns();
        for packet in frame {
            let Ok(packet) = packet else {
                sink.bad();
                continue;
            };
            let Some(&instrument) = self.by_token.get(&packet.token) else {
                continue;
            };
            if !sink.snapshot(instrument, &snapshot(&packet), now) {
                return false;
            }
        }
        true
    }
}

impl Connection {
    /// Subscribes every instrument of this connection in full mode.
    async fn subscribe(&self, socket: &mut Socket) -> bool {
        let tokens: Vec<u32> = self.by_token.keys().copied().collect();
        let subscribe = serde_json::json!({"a": "subscribe", "v": tokens});
        let mode = serde_json::json!({"a": "mode", "v": ["full", tokens]});
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await
            .is_ok()
            && socket
                .send(Message::Text(mode.to_string().into()))
                .await
                .is_ok()
    }
}

/// A packet as the trade tracker reads it: the day's volume, the last trade and its time
/// (seconds on Kite's wire; none in quote mode, which has no trade time).
fn snapshot(packet: &KiteTick) -> Snapshot {
    Snapshot {
        volume: u64::from(packet.volume),
        price: packet.engine_price(packet.last_price),
        last_qty: u64::from(packet.last_traded_qty),
        trade_ts: (packet.last_trade_time != 0)
            .then(|| i64::from(packet.last_trade_time) * sharewise_engine::time::NANOS_PER_SEC),
    }
}

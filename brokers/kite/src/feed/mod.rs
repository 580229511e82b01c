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

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use kiteconnect::AccessToken;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_net::Backoff;
use tokio_tungstenite::tungstenite::Message;

use crate::ticker::{Frame, KiteTick};
use crate::ws::{open, Socket};
use sharewise_broker_kit::trades::{Reading, Snapshot, TradeTracker};

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

/// The feed's counters, for the status line.
#[derive(Debug, Default)]
pub struct FeedStats {
    /// Binary messages read (heartbeats included).
    pub frames: AtomicU64,
    /// Trades handed to the feed thread.
    pub trades: AtomicU64,
    /// Trades merged into another because the feed thread was behind.
    pub conflated: AtomicU64,
    /// Gaps: instruments whose volume rose while a connection was down.
    pub gaps: AtomicU64,
    /// Shares that traded unseen in those gaps.
    pub gap_volume: AtomicU64,
    /// Connections made, the first ones included.
    pub connects: AtomicU64,
    /// Connections replaced after going silent.
    pub stale: AtomicU64,
    /// Packets or messages that did not decode.
    pub bad: AtomicU64,
    /// Connections up now.
    pub up: AtomicU64,
}

/// A running feed: its trades (blocking, for the feed thread) and counters.
pub struct KiteFeed {
    ticks: Receiver<Tick>,
    stats: Arc<FeedStats>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for KiteFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KiteFeed")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl KiteFeed {
    /// Starts the feed's connections (on the Kite I/O runtime, [`crate::io`]).
    pub fn start(config: FeedConfig, token: TokenSource) -> Result<KiteFeed, FeedError> {
        let runtime = crate::io::handle();
        let n = config.tokens.len();
        if n == 0 {
            return Err(FeedError::Empty);
        }
        if n > MAX_PER_CONNECTION * MAX_CONNECTIONS {
            return Err(FeedError::TooMany(n));
        }
        let (tx, rx) = sync_channel(config.queue.max(1));
        let stats = Arc::new(FeedStats::default());
        let stop = Arc::new(AtomicBool::new(false));
        let instruments: Vec<(u32, InstrumentId)> = config
            .tokens
            .iter()
            .enumerate()
            .map(|(k, t)| (*t, InstrumentId(k as u32)))
            .collect();
        let tasks = instruments
            .chunks(MAX_PER_CONNECTION)
            .map(|chunk| {
                let conn = Connection {
                    config: config.clone(),
                    token: Arc::clone(&token),
                    by_token: chunk.iter().copied().collect(),
                    tracker: TradeTracker::new(n),
                    out: Outlet::new(tx.clone(), n),
                    stats: Arc::clone(&stats),
                    stop: Arc::clone(&stop),
                };
                runtime.spawn(conn.run())
            })
            .collect();
        Ok(KiteFeed {
            ticks: rx,
            stats,
            stop,
            tasks,
        })
    }

    /// The trades, in arrival order; blocks until the next one (ends when the feed stops).
    pub fn ticks(&self) -> &Receiver<Tick> {
        &self.ticks
    }

    /// The counters.
    pub fn stats(&self) -> Arc<FeedStats> {
        Arc::clone(&self.stats)
    }

    /// Stops every connection; the trade queue ends.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Drop for KiteFeed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The queue to the feed thread, with per-instrument conflation when it is full.
struct Outlet {
    tx: SyncSender<Tick>,
    held: Vec<Option<Tick>>,
    holding: usize,
}

impl Outlet {
    fn new(tx: SyncSender<Tick>, instruments: usize) -> Outlet {
        Outlet {
            tx,
            held: vec![None; instruments],
            holding: 0,
        }
    }

    /// Hands `tick` on, or merges it into its instrument's held trade; `false` once the feed
    /// thread is gone.
    fn give(&mut self, tick: Tick, stats: &FeedStats) -> bool {
        if !self.flush() {
            return false;
        }
        let k = tick.instrument.0 as usize;
        // An instrument with a held trade merges into it, so its trades stay in time order.
        if let Some(Some(held)) = self.held.get_mut(k) {
            held.qty += tick.qty;
            held.price = tick.price;
            held.ts = tick.ts;
            stats.conflated.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        match self.tx.try_send(tick) {
            Ok(()) => {
                stats.trades.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(TrySendError::Full(tick)) => {
                if let Some(slot) = self.held.get_mut(k) {
                    *slot = Some(tick);
                    self.holding += 1;
                }
                stats.trades.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Sends held trades while there is room; `false` once the feed thread is gone.
    fn flush(&mut self) -> bool {
        if self.holding == 0 {
            return true;
        }
        for slot in &mut self.held {
            let Some(tick) = *slot else { continue };
            match self.tx.try_send(tick) {
                Ok(()) => {
                    *slot = None;
                    self.holding -= 1;
                }
                Err(TrySendError::Full(_)) => return true,
                Err(TrySendError::Disconnected(_)) => return false,
            }
        }
        true
    }
}

/// One WebSocket connection's loop.
struct Connection {
    config: FeedConfig,
    token: TokenSource,
    by_token: HashMap<u32, InstrumentId>,
    tracker: TradeTracker,
    out: Outlet,
    stats: Arc<FeedStats>,
    stop: Arc<AtomicBool>,
}

const RECONNECT: Backoff = Backoff {
    base: Duration::from_millis(100),
    cap: RECONNECT_CAP,
    max_retries: u32::MAX,
};

impl Connection {
    async fn run(mut self) {
        let mut attempt = 0u32;
        while !self.stop.load(Ordering::Acquire) {
            match self.connect().await {
                Some(mut socket) => {
                    attempt = 0;
                    self.stats.connects.fetch_add(1, Ordering::Relaxed);
                    self.stats.up.fetch_add(1, Ordering::Relaxed);
                    self.tracker.reconnected();
                    let alive = self.read(&mut socket).await;
                    self.stats.up.fetch_sub(1, Ordering::Relaxed);
                    if !alive {
                        return; // the feed thread is gone
                    }
                }
                None => attempt = attempt.saturating_add(1),
            }
            let wait = RECONNECT
                .delay(attempt.min(16), &mut rand::rng())
                .unwrap_or(RECONNECT_CAP);
            tokio::time::sleep(wait).await;
        }
    }

    /// A connection with every instrument subscribed, if the session and Kite allow one now.
    async fn connect(&self) -> Option<Socket> {
        let token = (self.token)()?;
        let c = &self.config;
        let mut socket = open(&c.ws_url, &c.api_key, &token, c.egress_ip)
            .await
            .ok()?;
        self.subscribe(&mut socket).await.then_some(socket)
    }

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

    /// Reads until the socket ends or goes silent; `false` once the feed thread is gone.
    async fn read(&mut self, socket: &mut Socket) -> bool {
        loop {
            let next = tokio::time::timeout(self.config.stale_after, socket.next()).await;
            let message = match next {
                Err(_) => {
                    self.stats.stale.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Ok(None | Some(Err(_))) => return true,
                Ok(Some(Ok(message))) => message,
            };
            let Message::Binary(bytes) = message else {
                continue; // text: order updates and errors, the account stream's business
            };
            self.stats.frames.fetch_add(1, Ordering::Relaxed);
            let Ok(frame) = Frame::parse(&bytes) else {
                self.stats.bad.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let now = now_ns();
            for packet in frame {
                let Ok(packet) = packet else {
                    self.stats.bad.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let Some(&instrument) = self.by_token.get(&packet.token) else {
                    continue;
                };
                let tick = match self.tracker.read(instrument, &snapshot(&packet), now) {
                    Reading::Trade(t) => t,
                    Reading::Gap { tick, missed } => {
                        self.stats.gaps.fetch_add(1, Ordering::Relaxed);
                        self.stats.gap_volume.fetch_add(missed, Ordering::Relaxed);
                        tick
                    }
                    Reading::Nothing => continue,
                    Reading::Bad => {
                        self.stats.bad.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                };
                if !self.out.give(tick, &self.stats) {
                    return false;
                }
            }
            if !self.out.flush() {
                return false;
            }
        }
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

fn now_ns() -> TimestampNs {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as TimestampNs)
}

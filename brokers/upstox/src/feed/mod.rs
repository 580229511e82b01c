//! Upstox's live market feed (market data feed v3, protobuf) read into engine [`Tick`]s for the
//! daemon's feed thread.
//!
//! - Each connection first asks `GET {base_url}/v3/feed/market-data-feed/authorize` for a
//!   single-use `wss://` address (every reconnection asks again), from the account's egress IP
//!   on the broker I/O runtime ([`sharewise_broker_kit::io`]). A token Upstox refuses (401,
//!   `UDAPI100050`) is not offered again: the connection waits, without calling Upstox, until
//!   the token source gives another.
//! - Instruments are subscribed in `full` mode (the only mode with the day's volume), at most
//!   [`MAX_PER_CONNECTION`] keys on each of at most [`MAX_CONNECTIONS`] connections.
//! - Server frames are protobuf `FeedResponse`s ([`sharewise_upstox_proto`]); each market
//!   instrument's update becomes a snapshot (rupees → [`Price`](sharewise_engine::types::Price)
//!   to the paisa, epoch ms → ns) and trades come from the rise of the day's volume
//!   ([`sharewise_broker_kit::trades`]). The `initial_feed` after a (re)connection is the
//!   baseline, or the gap of what traded while the socket was down. Index feeds carry no volume
//!   and are ignored. A frame or value that does not decode is counted, never fatal.
//! - Reconnection, the stale watchdog, the bounded queue with per-instrument conflation and the
//!   counters are every broker's ([`sharewise_broker_kit::feed`]); the pause between failed
//!   attempts is capped at [`RECONNECT_CAP`].

mod authorize;
mod connection;
mod decode;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use sharewise_broker_kit::feed::{self, FeedSettings, RunningFeed};
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_net::Backoff;

use connection::{Connection, Shared};

pub use sharewise_broker_kit::feed::FeedStats;

/// Instrument keys per connection in `full` mode. Upstox's published subscription limits for
/// `full` are around 2000 keys \[U: whether per connection or per user, and for which plan\]; we
/// stay at 2000.
pub const MAX_PER_CONNECTION: usize = 2000;

/// Connections the feed may hold (Upstox allows two market-feed connections per user on the
/// standard plan \[U\]).
pub const MAX_CONNECTIONS: usize = 2;

/// The longest wait between failed attempts. Longer than Kite's: every attempt is first an
/// authorisation call, which spends the account's REST rate limit (2000 per 30 minutes for
/// standard APIs), so a feed failing for long must not eat it.
pub const RECONNECT_CAP: Duration = Duration::from_secs(10);

const RECONNECT: Backoff = Backoff {
    base: Duration::from_millis(100),
    cap: RECONNECT_CAP,
    max_retries: u32::MAX,
};

/// Where the access token for each connection comes from (the account's current session).
pub type TokenSource = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// How to reach the feed and what to subscribe.
#[derive(Clone, Debug)]
pub struct FeedConfig {
    /// The REST root the authorisation is asked of: `https://api.upstox.com` or a sandbox's
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The local address connections (HTTP and WebSocket) leave from.
    pub egress_ip: Option<IpAddr>,
    /// Each engine instrument's Upstox instrument key (`NSE_EQ|INE002A01018`), by instrument id.
    pub keys: Vec<String>,
    /// Silence after which a connection is replaced (Upstox pings idle connections).
    pub stale_after: Duration,
    /// Trades the feed thread may fall behind by before conflation starts.
    pub queue: usize,
}

/// Why the feed cannot start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// More instruments than the feed's connections can carry.
    #[error("{0} instruments are more than the Upstox feed can carry ({MAX_CONNECTIONS} connections of {MAX_PER_CONNECTION})")]
    TooMany(usize),
    /// No instruments.
    #[error("no instruments to subscribe")]
    Empty,
    /// The same instrument key twice: its trades could not be told apart.
    #[error("instrument key {0} is given twice")]
    Duplicate(String),
    /// The HTTP client for the authorisation could not be made.
    #[error("cannot make the HTTP client for the feed's authorisation: {0}")]
    Client(String),
}

/// A running feed: its trades (blocking, for the feed thread) and counters.
#[derive(Debug)]
pub struct UpstoxFeed {
    feed: RunningFeed,
}

impl UpstoxFeed {
    /// Starts the feed's connections (on the broker I/O runtime, [`sharewise_broker_kit::io`]).
    pub fn start(config: FeedConfig, token: TokenSource) -> Result<UpstoxFeed, FeedError> {
        let n = config.keys.len();
        if n == 0 {
            return Err(FeedError::Empty);
        }
        if n > MAX_PER_CONNECTION * MAX_CONNECTIONS {
            return Err(FeedError::TooMany(n));
        }
        let mut by_key = HashMap::with_capacity(n);
        for (k, key) in config.keys.iter().enumerate() {
            if by_key.insert(key.clone(), InstrumentId(k as u32)).is_some() {
                return Err(FeedError::Duplicate(key.clone()));
            }
        }
        let client =
            authorize::client(config.egress_ip).map_err(|e| FeedError::Client(e.to_string()))?;
        let shared = Arc::new(Shared {
            base_url: config.base_url.clone(),
            egress_ip: config.egress_ip,
            token,
            client,
            by_key,
        });
        let connectors = config
            .keys
            .chunks(MAX_PER_CONNECTION)
            .map(|chunk| Connection::new(Arc::clone(&shared), chunk.to_vec()))
            .collect();
        let settings = FeedSettings {
            instruments: n,
            queue: config.queue,
            stale_after: config.stale_after,
            reconnect: RECONNECT,
        };
        Ok(UpstoxFeed {
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

//! What every broker's live market feed shares, none of it knowing the broker's frames: the
//! connection loop, the queue to the engine's feed thread and the counters.
//!
//! A broker's feed is a set of [`Connector`]s, one per WebSocket connection it holds; each
//! knows how to open and subscribe its connection ([`Connector::open`]) and how to read one
//! binary message into [`Snapshot`]s ([`Connector::binary`]). [`start`] runs each on the broker
//! I/O runtime ([`crate::io`]) and returns a [`RunningFeed`]: the trades for the feed thread,
//! the counters, and `stop()`.
//!
//! - A connection that ends is reopened at once, then with backoff and full jitter (the
//!   broker's [`FeedSettings::reconnect`]); one silent for [`FeedSettings::stale_after`] is
//!   treated as dead and replaced. Any frame counts as life, pings included.
//! - A connector that cannot open for a reason only its session can fix (no token, a token the
//!   broker refused) says [`Opened::Waiting`]: it is asked again every [`WAIT_POLL`] without
//!   backoff, and must not call the broker until its session changes.
//! - Snapshots become trades through a [`TradeTracker`] per connection; the first snapshot after
//!   a reconnection carries what traded while the socket was down, counted as a gap.
//! - The feed thread reads a bounded queue. When it is full (a slow engine) an instrument's
//!   trades are conflated into one — volume summed, the last price and time kept — and counted,
//!   never dropped silently; the socket reader never waits for the engine.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_net::Backoff;
use tokio_tungstenite::tungstenite::Message;

use crate::trades::{Reading, Snapshot, TradeTracker};
use crate::ws::Socket;

/// How often a [`Opened::Waiting`] connector is asked again (a local check, no broker call).
pub const WAIT_POLL: Duration = Duration::from_millis(250);

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
    /// Connections made after a connection's first (after a drop, silence or refusal).
    pub reconnects: AtomicU64,
    /// Connections replaced after going silent.
    pub stale: AtomicU64,
    /// Packets or messages that did not decode, and prices that did not convert.
    pub bad: AtomicU64,
    /// Tokens the broker refused; the feed waits for a new one instead of retrying.
    pub refused: AtomicU64,
    /// Connections up now.
    pub up: AtomicU64,
}

impl FeedStats {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// What opening a connection came to.
#[derive(Debug)]
pub enum Opened {
    /// Open, every instrument subscribed (boxed: a socket is large, and opens are rare).
    Up(Box<Socket>),
    /// Failed (network, handshake, the broker's error): tried again with backoff.
    Failed,
    /// The broker refused the token (counted): as [`Opened::Waiting`] from then on, until the
    /// session has another token.
    Refused,
    /// Cannot open until the session changes (no token, a refused token): asked again every
    /// [`WAIT_POLL`]; the connector must not call the broker meanwhile.
    Waiting,
}

/// One WebSocket connection of a broker's feed: how to open it and how to read its messages.
pub trait Connector: Send + 'static {
    /// Opens and subscribes the connection, if the session and the broker allow one now.
    fn open(&mut self) -> impl Future<Output = Opened> + Send;

    /// Reads one binary message into `sink`; `false` once the feed thread is gone.
    fn binary(&mut self, bytes: &[u8], sink: &mut Sink) -> bool;
}

/// How a feed runs.
#[derive(Clone, Copy, Debug)]
pub struct FeedSettings {
    /// Engine instruments (ids `0..instruments`).
    pub instruments: usize,
    /// Trades the feed thread may fall behind by before conflation starts.
    pub queue: usize,
    /// Silence after which a connection is replaced.
    pub stale_after: Duration,
    /// Waits between failed attempts (the first reopening after a drop waits at most `base`).
    pub reconnect: Backoff,
}

/// Where a connection's snapshots go: its trade tracker, then the queue to the feed thread.
#[derive(Debug)]
pub struct Sink {
    tracker: TradeTracker,
    out: Outbox,
    stats: Arc<FeedStats>,
}

impl Sink {
    /// A sink of its own with a queue of `queue` trades, to read a connector's frames without a
    /// running feed (tests, tools).
    pub fn standalone(instruments: usize, queue: usize) -> (Sink, Receiver<Tick>) {
        let (tx, rx) = sync_channel(queue.max(1));
        let sink = Sink {
            tracker: TradeTracker::new(instruments),
            out: Outbox::new(tx, instruments),
            stats: Arc::new(FeedStats::default()),
        };
        (sink, rx)
    }

    /// A new connection: the next snapshot of each instrument may carry a gap.
    pub fn reconnected(&mut self) {
        self.tracker.reconnected();
    }

    /// The feed's counters.
    pub fn stats(&self) -> &FeedStats {
        &self.stats
    }

    /// Counts a message, packet or value that did not decode.
    pub fn bad(&self) {
        FeedStats::add(&self.stats.bad, 1);
    }

    /// Reads `snapshot` of `instrument` (`now` stamps it if it has no trade time) and hands
    /// on the trade it is, if any; `false` once the feed thread is gone.
    pub fn snapshot(
        &mut self,
        instrument: InstrumentId,
        snapshot: &Snapshot,
        now: TimestampNs,
    ) -> bool {
        let tick = match self.tracker.read(instrument, snapshot, now) {
            Reading::Trade(t) => t,
            Reading::Gap { tick, missed } => {
                FeedStats::add(&self.stats.gaps, 1);
                FeedStats::add(&self.stats.gap_volume, missed);
                tick
            }
            Reading::Nothing => return true,
            Reading::Bad => {
                self.bad();
                return true;
            }
        };
        self.out.give(tick, &self.stats)
    }
}

/// A running feed: its trades (blocking, for the feed thread) and counters.
pub struct RunningFeed {
    ticks: Receiver<Tick>,
    stats: Arc<FeedStats>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for RunningFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningFeed")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl RunningFeed {
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

impl Drop for RunningFeed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs each of `connectors` on the broker I/O runtime, all feeding one queue.
pub fn start<C: Connector>(settings: &FeedSettings, connectors: Vec<C>) -> RunningFeed {
    let runtime = crate::io::handle();
    let (tx, rx) = sync_channel(settings.queue.max(1));
    let stats = Arc::new(FeedStats::default());
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = connectors
        .into_iter()
        .map(|connector| {
            let sink = Sink {
                tracker: TradeTracker::new(settings.instruments),
                out: Outbox::new(tx.clone(), settings.instruments),
                stats: Arc::clone(&stats),
            };
            runtime.spawn(run(connector, sink, Arc::clone(&stop), *settings))
        })
        .collect();
    RunningFeed {
        ticks: rx,
        stats,
        stop,
        tasks,
    }
}

/// One connection's life: open, read until it ends or goes silent, open again.
async fn run<C: Connector>(
    mut connector: C,
    mut sink: Sink,
    stop: Arc<AtomicBool>,
    settings: FeedSettings,
) {
    let stats = Arc::clone(&sink.stats);
    let mut attempt = 0u32;
    let mut ever = false;
    while !stop.load(Ordering::Acquire) {
        let wait = match connector.open().await {
            Opened::Up(mut socket) => {
                attempt = 0;
                FeedStats::add(&stats.connects, 1);
                if ever {
                    FeedStats::add(&stats.reconnects, 1);
                }
                ever = true;
                FeedStats::add(&stats.up, 1);
                sink.reconnected();
                let alive =
                    read(&mut connector, &mut socket, &mut sink, settings.stale_after).await;
                stats.up.fetch_sub(1, Ordering::Relaxed);
                if !alive {
                    return; // the feed thread is gone
                }
                // A dropped connection is reopened at once (jittered within `base`).
                jittered(&settings.reconnect, 0)
            }
            Opened::Failed => {
                attempt = attempt.saturating_add(1);
                jittered(&settings.reconnect, attempt)
            }
            Opened::Refused => {
                FeedStats::add(&stats.refused, 1);
                WAIT_POLL
            }
            Opened::Waiting => WAIT_POLL,
        };
        tokio::time::sleep(wait).await;
    }
}

fn jittered(backoff: &Backoff, attempt: u32) -> Duration {
    backoff
        .delay(attempt.min(16), &mut rand::rng())
        .unwrap_or(backoff.cap)
}

/// Reads until the socket ends or goes silent; `false` once the feed thread is gone.
async fn read<C: Connector>(
    connector: &mut C,
    socket: &mut Socket,
    sink: &mut Sink,
    stale_after: Duration,
) -> bool {
    loop {
        let next = tokio::time::timeout(stale_after, socket.next()).await;
        let message = match next {
            Err(_) => {
                FeedStats::add(&sink.stats.stale, 1);
                return true;
            }
            Ok(None | Some(Err(_))) => return true,
            Ok(Some(Ok(message))) => message,
        };
        // Text, pings and pongs are life too (the timeout above restarts); tungstenite answers
        // pings by itself.
        let Message::Binary(bytes) = message else {
            continue;
        };
        FeedStats::add(&sink.stats.frames, 1);
        if !connector.binary(&bytes, sink) || !sink.out.flush() {
            return false;
        }
    }
}

/// Now, in nanoseconds since the epoch: the time of snapshots without a trade time.
pub fn now_ns() -> TimestampNs {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as TimestampNs)
}

/// The queue to the feed thread, with per-instrument conflation when it is full.
#[derive(Debug)]
struct Outbox {
    tx: SyncSender<Tick>,
    held: Vec<Option<Tick>>,
    holding: usize,
}

impl Outbox {
    fn new(tx: SyncSender<Tick>, instruments: usize) -> Outbox {
        Outbox {
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
            FeedStats::add(&stats.conflated, 1);
            return true;
        }
        match self.tx.try_send(tick) {
            Ok(()) => {
                FeedStats::add(&stats.trades, 1);
                true
            }
            Err(TrySendError::Full(tick)) => {
                if let Some(slot) = self.held.get_mut(k) {
                    *slot = Some(tick);
                    self.holding += 1;
                }
                FeedStats::add(&stats.trades, 1);
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

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::Price;

    fn tick(instrument: u32, qty: i64, paise: i64, ts: TimestampNs) -> Tick {
        Tick {
            ts,
            instrument: InstrumentId(instrument),
            price: Price::from_rupees_paise(0, paise),
            qty,
        }
    }

    #[test]
    fn a_full_queue_conflates_per_instrument_and_counts_it() {
        let (tx, rx) = sync_channel(1);
        let stats = FeedStats::default();
        let mut out = Outbox::new(tx, 2);
        assert!(out.give(tick(0, 5, 100, 1), &stats));
        // The queue (of one) is full: instrument 1's trade is held, then merged into.
        assert!(out.give(tick(1, 2, 200, 2), &stats));
        assert!(out.give(tick(1, 3, 210, 3), &stats));
        assert_eq!(stats.conflated.load(Ordering::Relaxed), 1);
        assert_eq!(stats.trades.load(Ordering::Relaxed), 2);
        assert_eq!(rx.try_recv(), Ok(tick(0, 5, 100, 1)));
        assert!(out.flush());
        assert_eq!(
            rx.try_recv(),
            Ok(tick(1, 5, 210, 3)),
            "volume summed, last kept"
        );
        drop(rx);
        assert!(
            !out.give(tick(0, 1, 100, 4), &stats),
            "the feed thread is gone"
        );
    }

    #[test]
    fn a_sink_counts_gaps_and_hands_trades_on() {
        let (mut sink, rx) = Sink::standalone(1, 8);
        let snap = |volume| Snapshot {
            volume,
            price: Some(Price::from_rupees_paise(10, 0)),
            last_qty: 1,
            trade_ts: Some(volume as i64),
        };
        let i = InstrumentId(0);
        assert!(sink.snapshot(i, &snap(100), 0));
        assert!(sink.snapshot(i, &snap(101), 0));
        sink.reconnected();
        assert!(sink.snapshot(i, &snap(150), 0));
        let got: Vec<i64> = rx.try_iter().map(|t| t.qty).collect();
        assert_eq!(got, [1, 49]);
        assert_eq!(sink.stats().gaps.load(Ordering::Relaxed), 1);
        assert_eq!(sink.stats().gap_volume.load(Ordering::Relaxed), 48);
    }
}

//! One connection of the Upstox feed, as the kit's connection loop drives it
//! ([`sharewise_broker_kit::feed::Connector`]): authorise, open the single-use address from the
//! egress IP, subscribe in `full` mode, and read each `FeedResponse` frame into snapshots.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use futures_util::SinkExt;
use sharewise_broker_kit::feed::{now_ns, Connector, Opened, Sink};
use sharewise_broker_kit::ws;
use sharewise_engine::types::InstrumentId;
use sharewise_upstox_proto::{FeedResponse, Message as _};
use tokio_tungstenite::tungstenite::Message;

use super::authorize::{authorize, Authorized};
use super::decode::{update, Update};
use super::TokenSource;

/// How the feed's connections are named in errors (their address carries a one-time code).
const SHOWN: &str = "Upstox's market data feed";

/// What every connection of one feed shares.
pub(crate) struct Shared {
    /// The REST root the authorisation is asked of.
    pub(crate) base_url: String,
    /// The local address connections leave from.
    pub(crate) egress_ip: Option<IpAddr>,
    /// The account's current access token.
    pub(crate) token: TokenSource,
    /// The authorisation's HTTP client (bound to the egress IP).
    pub(crate) client: reqwest::Client,
    /// Engine instrument by Upstox instrument key, built once.
    pub(crate) by_key: HashMap<String, InstrumentId>,
}

/// One WebSocket connection and its instruments.
pub(crate) struct Connection {
    shared: Arc<Shared>,
    /// This connection's instrument keys.
    keys: Vec<String>,
    /// The token Upstox last refused: not offered again.
    refused: Option<String>,
}

impl Connection {
    /// A connection for `keys`.
    pub(crate) fn new(shared: Arc<Shared>, keys: Vec<String>) -> Connection {
        Connection {
            shared,
            keys,
            refused: None,
        }
    }

    /// The subscription request: JSON, sent as a binary frame as Upstox wants it.
    fn subscription(&self) -> Vec<u8> {
        serde_json::json!({
            "guid": guid(),
            "method": "sub",
            "data": {"mode": "full", "instrumentKeys": self.keys},
        })
        .to_string()
        .into_bytes()
    }
}

impl Connector for Connection {
    async fn open(&mut self) -> Opened {
        let Some(token) = (self.shared.token)() else {
            return Opened::Waiting;
        };
        if self.refused.as_deref() == Some(token.as_str()) {
            return Opened::Waiting;
        }
        let url = match authorize(&self.shared.client, &self.shared.base_url, &token).await {
            Authorized::Url(url) => url,
            Authorized::Refused => {
                self.refused = Some(token);
                return Opened::Refused;
            }
            Authorized::Failed => return Opened::Failed,
        };
        self.refused = None;
        let Ok(mut socket) = ws::open(url.as_str(), SHOWN, self.shared.egress_ip).await else {
            return Opened::Failed;
        };
        let request = self.subscription();
        match socket.send(Message::Binary(request.into())).await {
            Ok(()) => Opened::Up(Box::new(socket)),
            Err(_) => Opened::Failed,
        }
    }

    fn binary(&mut self, bytes: &[u8], sink: &mut Sink) -> bool {
        read_frame(&self.shared.by_key, bytes, sink)
    }
}

/// Reads one `FeedResponse` into `sink`: a snapshot per subscribed instrument with a full market
/// feed; `false` once the feed thread is gone. A frame that does not decode is counted, never
/// fatal. The `market_info` and `initial_feed` frames need no special case: the first has no
/// instruments, and the tracker reads the second as the (re)connection's baseline or gap.
pub(crate) fn read_frame(
    by_key: &HashMap<String, InstrumentId>,
    bytes: &[u8],
    sink: &mut Sink,
) -> bool {
    let Ok(frame) = FeedResponse::decode(bytes) else {
        sink.bad();
        return true;
    };
    let now = now_ns();
    for (key, feed) in &frame.feeds {
        let Some(&instrument) = by_key.get(key.as_str()) else {
            continue;
        };
        match update(feed) {
            Update::Snapshot(snapshot) => {
                if !sink.snapshot(instrument, &snapshot, now) {
                    return false;
                }
            }
            Update::Skip => {}
            Update::Bad => sink.bad(),
        }
    }
    true
}

/// A request id in UUID v4's shape (Upstox's examples send UUIDs \[U\]).
fn guid() -> String {
    let n: u128 = rand::random();
    let n = (n & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::decode::tests::market;
    use sharewise_engine::types::{Price, Tick};
    use sharewise_upstox_proto::full_feed::FullFeedUnion;
    use sharewise_upstox_proto::{Feed, FullFeed, IndexFullFeed, Ltpc, MarketInfo, Type};
    use std::sync::atomic::Ordering;
    use std::sync::mpsc::Receiver;

    const RELIANCE: &str = "NSE_EQ|INE002A01018";
    const INFY: &str = "NSE_EQ|INE009A01021";
    const NIFTY: &str = "NSE_INDEX|Nifty 50";

    fn keys() -> HashMap<String, InstrumentId> {
        [RELIANCE, INFY, NIFTY]
            .iter()
            .enumerate()
            .map(|(k, key)| (key.to_string(), InstrumentId(k as u32)))
            .collect()
    }

    fn frame(kind: Type, feeds: Vec<(&str, Feed)>) -> Vec<u8> {
        FeedResponse {
            r#type: kind as i32,
            feeds: feeds.into_iter().map(|(k, f)| (k.to_string(), f)).collect(),
            current_ts: 1_765_000_000_000,
            market_info: None,
        }
        .encode_to_vec()
    }

    fn index(value: f64) -> Feed {
        Feed {
            feed_union: Some(sharewise_upstox_proto::feed::FeedUnion::FullFeed(
                FullFeed {
                    full_feed_union: Some(FullFeedUnion::IndexFf(IndexFullFeed {
                        ltpc: Some(Ltpc {
                            ltp: value,
                            ltt: 1_765_000_000_000,
                            ltq: 0,
                            cp: value,
                        }),
                        market_ohlc: None,
                    })),
                },
            )),
            request_mode: 1,
        }
    }

    fn ticks(rx: &Receiver<Tick>) -> Vec<Tick> {
        rx.try_iter().collect()
    }

    #[test]
    fn frames_become_trades_with_exact_values() {
        let by_key = keys();
        let (mut sink, rx) = Sink::standalone(3, 64);
        let info = FeedResponse {
            r#type: Type::MarketInfo as i32,
            market_info: Some(MarketInfo {
                segment_status: [("NSE_EQ".to_string(), 2)].into_iter().collect(),
            }),
            ..Default::default()
        };
        assert!(read_frame(&by_key, &info.encode_to_vec(), &mut sink));
        // The snapshot after subscribing is the baseline: no trades.
        let initial = frame(
            Type::InitialFeed,
            vec![
                (RELIANCE, market(1573.1, 1_765_000_000_000, 10, 1_000)),
                (INFY, market(1500.0, 1_765_000_000_000, 5, 700)),
                (NIFTY, index(24_000.0)),
            ],
        );
        assert!(read_frame(&by_key, &initial, &mut sink));
        assert!(ticks(&rx).is_empty());
        let live = frame(
            Type::LiveFeed,
            vec![
                (RELIANCE, market(1573.2, 1_765_000_000_123, 25, 1_025)),
                (INFY, market(1500.5, 1_765_000_000_200, 5, 700)), // depth only
                (NIFTY, index(24_001.0)),
                ("NSE_EQ|NOT_OURS", market(10.0, 1, 1, 99)),
            ],
        );
        assert!(read_frame(&by_key, &live, &mut sink));
        assert_eq!(
            ticks(&rx),
            [Tick {
                ts: 1_765_000_000_123_000_000,
                instrument: InstrumentId(0),
                price: Price(15_732_000),
                qty: 25,
            }]
        );
        let stats = sink.stats();
        assert_eq!(stats.bad.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn bad_frames_and_prices_are_counted_and_the_reading_goes_on() {
        let by_key = keys();
        let (mut sink, rx) = Sink::standalone(3, 64);
        let base = frame(
            Type::InitialFeed,
            vec![(RELIANCE, market(100.0, 1_000, 1, 50))],
        );
        assert!(read_frame(&by_key, &base, &mut sink));
        assert!(read_frame(&by_key, b"\xff\xff\xff not protobuf", &mut sink));
        let nan = frame(
            Type::LiveFeed,
            vec![(RELIANCE, market(f64::NAN, 2_000, 1, 60))],
        );
        assert!(read_frame(&by_key, &nan, &mut sink));
        let negative = frame(Type::LiveFeed, vec![(RELIANCE, market(-1.0, 2_000, 1, 60))]);
        assert!(read_frame(&by_key, &negative, &mut sink));
        assert_eq!(sink.stats().bad.load(Ordering::Relaxed), 3);
        assert!(ticks(&rx).is_empty());
        // The volume refused with the bad prices is not lost: the next good update carries it.
        let good = frame(
            Type::LiveFeed,
            vec![(RELIANCE, market(100.05, 3_000, 4, 64))],
        );
        assert!(read_frame(&by_key, &good, &mut sink));
        let got = ticks(&rx);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].qty, got[0].price, got[0].ts),
            (14, Price(1_000_500), 3_000_000_000)
        );
    }

    #[test]
    fn the_initial_feed_after_a_reconnection_carries_the_gap() {
        let by_key = keys();
        let (mut sink, rx) = Sink::standalone(3, 64);
        let first = frame(
            Type::InitialFeed,
            vec![(INFY, market(1500.0, 1_000, 5, 700))],
        );
        assert!(read_frame(&by_key, &first, &mut sink));
        sink.reconnected();
        let again = frame(
            Type::InitialFeed,
            vec![(INFY, market(1502.0, 9_000, 10, 1_000))],
        );
        assert!(read_frame(&by_key, &again, &mut sink));
        let got = ticks(&rx);
        assert_eq!(
            (got.len(), got[0].qty, got[0].price),
            (1, 300, Price(15_020_000))
        );
        assert_eq!(sink.stats().gaps.load(Ordering::Relaxed), 1);
        assert_eq!(sink.stats().gap_volume.load(Ordering::Relaxed), 290);
    }

    #[test]
    fn a_gone_feed_thread_ends_the_reading() {
        let by_key = keys();
        let (mut sink, rx) = Sink::standalone(3, 64);
        let base = frame(
            Type::InitialFeed,
            vec![(RELIANCE, market(100.0, 1_000, 1, 50))],
        );
        assert!(read_frame(&by_key, &base, &mut sink));
        drop(rx);
        let live = frame(
            Type::LiveFeed,
            vec![(RELIANCE, market(100.0, 2_000, 1, 51))],
        );
        assert!(!read_frame(&by_key, &live, &mut sink));
    }

    #[test]
    fn the_subscription_is_full_mode_json_with_every_key() {
        let shared = Arc::new(Shared {
            base_url: String::new(),
            egress_ip: None,
            token: Arc::new(|| None),
            client: reqwest::Client::new(),
            by_key: keys(),
        });
        let c = Connection::new(shared, vec![RELIANCE.into(), INFY.into()]);
        let v: serde_json::Value = serde_json::from_slice(&c.subscription()).unwrap();
        assert_eq!(v["method"], "sub");
        assert_eq!(v["data"]["mode"], "full");
        assert_eq!(
            v["data"]["instrumentKeys"],
            serde_json::json!([RELIANCE, INFY])
        );
        assert_eq!(v["guid"].as_str().map(str::len), Some(36));
    }

    #[test]
    fn guids_are_uuid_shaped_and_differ() {
        let (a, b) = (guid(), guid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4', "{a}");
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{a}");
    }
}

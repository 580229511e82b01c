//! Upstox's market data feed v3 messages as Rust types: what `wss://api.upstox.com/v3/feed/
//! market-data-feed` sends (binary `FeedResponse` frames), for the adapter's decoder and the
//! sandbox's encoder.
//!
//! Origin: Upstox's published schema `MarketDataFeedV3.proto` (package
//! `com.upstox.marketdatafeederv3udapi.rpc.proto`), as shipped in upstox/upstox-python at
//! `upstox_client/feeder/proto/MarketDataFeedV3.proto` (commit 42fa80c). The message and field
//! names, numbers and types below are that interface, written out for prost's derive so the
//! build needs no `protoc`; field names are in Rust's case. Prices are rupees as `f64` on the
//! wire; the adapter converts them to paise at once.

use std::collections::HashMap;

/// Last traded price, time and quantity, and the previous close.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Ltpc {
    /// Last traded price, rupees.
    #[prost(double, tag = "1")]
    pub ltp: f64,
    /// Last trade time, epoch milliseconds.
    #[prost(int64, tag = "2")]
    pub ltt: i64,
    /// Last traded quantity.
    #[prost(int64, tag = "3")]
    pub ltq: i64,
    /// Previous close, rupees.
    #[prost(double, tag = "4")]
    pub cp: f64,
}

/// The order book's best levels.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MarketLevel {
    /// Bid and ask per level, best first.
    #[prost(message, repeated, tag = "1")]
    pub bid_ask_quote: Vec<Quote>,
}

/// Candles of several intervals.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MarketOhlc {
    /// One per interval (`1d`, `I1`, `I30`, ...).
    #[prost(message, repeated, tag = "1")]
    pub ohlc: Vec<Ohlc>,
}

/// One depth level: bid and ask.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Quote {
    /// Bid quantity.
    #[prost(int64, tag = "1")]
    pub bid_q: i64,
    /// Bid price, rupees.
    #[prost(double, tag = "2")]
    pub bid_p: f64,
    /// Ask quantity.
    #[prost(int64, tag = "3")]
    pub ask_q: i64,
    /// Ask price, rupees.
    #[prost(double, tag = "4")]
    pub ask_p: f64,
}

/// An option's greeks.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct OptionGreeks {
    /// Delta.
    #[prost(double, tag = "1")]
    pub delta: f64,
    /// Theta.
    #[prost(double, tag = "2")]
    pub theta: f64,
    /// Gamma.
    #[prost(double, tag = "3")]
    pub gamma: f64,
    /// Vega.
    #[prost(double, tag = "4")]
    pub vega: f64,
    /// Rho.
    #[prost(double, tag = "5")]
    pub rho: f64,
}

/// One candle.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Ohlc {
    /// The interval, e.g. `1d` or `I1`.
    #[prost(string, tag = "1")]
    pub interval: String,
    /// Open, rupees.
    #[prost(double, tag = "2")]
    pub open: f64,
    /// High, rupees.
    #[prost(double, tag = "3")]
    pub high: f64,
    /// Low, rupees.
    #[prost(double, tag = "4")]
    pub low: f64,
    /// Close, rupees.
    #[prost(double, tag = "5")]
    pub close: f64,
    /// Volume.
    #[prost(int64, tag = "6")]
    pub vol: i64,
    /// Start time, epoch milliseconds.
    #[prost(int64, tag = "7")]
    pub ts: i64,
}

/// What kind of message a [`FeedResponse`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Type {
    /// The snapshot after a subscription.
    InitialFeed = 0,
    /// A live update.
    LiveFeed = 1,
    /// The segments' market status (the first message of a connection).
    MarketInfo = 2,
}

/// A traded instrument's full feed (`full` mode).
#[derive(Clone, PartialEq, prost::Message)]
pub struct MarketFullFeed {
    /// Last trade and previous close.
    #[prost(message, optional, tag = "1")]
    pub ltpc: Option<Ltpc>,
    /// Depth.
    #[prost(message, optional, tag = "2")]
    pub market_level: Option<MarketLevel>,
    /// Greeks (options).
    #[prost(message, optional, tag = "3")]
    pub option_greeks: Option<OptionGreeks>,
    /// Candles.
    #[prost(message, optional, tag = "4")]
    pub market_ohlc: Option<MarketOhlc>,
    /// Average traded price, rupees.
    #[prost(double, tag = "5")]
    pub atp: f64,
    /// Volume traded today.
    #[prost(int64, tag = "6")]
    pub vtt: i64,
    /// Open interest.
    #[prost(double, tag = "7")]
    pub oi: f64,
    /// Implied volatility.
    #[prost(double, tag = "8")]
    pub iv: f64,
    /// Total buy quantity.
    #[prost(double, tag = "9")]
    pub tbq: f64,
    /// Total sell quantity.
    #[prost(double, tag = "10")]
    pub tsq: f64,
}

/// An index's full feed.
#[derive(Clone, PartialEq, prost::Message)]
pub struct IndexFullFeed {
    /// Last value and previous close.
    #[prost(message, optional, tag = "1")]
    pub ltpc: Option<Ltpc>,
    /// Candles.
    #[prost(message, optional, tag = "2")]
    pub market_ohlc: Option<MarketOhlc>,
}

/// A full feed: a traded instrument's or an index's.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FullFeed {
    /// Which one.
    #[prost(oneof = "full_feed::FullFeedUnion", tags = "1, 2")]
    pub full_feed_union: Option<full_feed::FullFeedUnion>,
}

/// [`FullFeed`]'s oneof.
pub mod full_feed {
    /// A traded instrument's or an index's full feed.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum FullFeedUnion {
        /// A traded instrument.
        #[prost(message, tag = "1")]
        MarketFf(super::MarketFullFeed),
        /// An index.
        #[prost(message, tag = "2")]
        IndexFf(super::IndexFullFeed),
    }
}

/// The `option_greeks` mode's feed.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FirstLevelWithGreeks {
    /// Last trade and previous close.
    #[prost(message, optional, tag = "1")]
    pub ltpc: Option<Ltpc>,
    /// Best bid and ask.
    #[prost(message, optional, tag = "2")]
    pub first_depth: Option<Quote>,
    /// Greeks.
    #[prost(message, optional, tag = "3")]
    pub option_greeks: Option<OptionGreeks>,
    /// Volume traded today.
    #[prost(int64, tag = "4")]
    pub vtt: i64,
    /// Open interest.
    #[prost(double, tag = "5")]
    pub oi: f64,
    /// Implied volatility.
    #[prost(double, tag = "6")]
    pub iv: f64,
}

/// One instrument's update.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Feed {
    /// The payload of the subscribed mode.
    #[prost(oneof = "feed::FeedUnion", tags = "1, 2, 3")]
    pub feed_union: Option<feed::FeedUnion>,
    /// The mode it was subscribed in ([`RequestMode`]).
    #[prost(enumeration = "RequestMode", tag = "4")]
    pub request_mode: i32,
}

/// [`Feed`]'s oneof.
pub mod feed {
    /// The payload of one mode.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum FeedUnion {
        /// `ltpc` mode.
        #[prost(message, tag = "1")]
        Ltpc(super::Ltpc),
        /// `full` / `full_d30` mode.
        #[prost(message, tag = "2")]
        FullFeed(super::FullFeed),
        /// `option_greeks` mode.
        #[prost(message, tag = "3")]
        FirstLevelWithGreeks(super::FirstLevelWithGreeks),
    }
}

/// The subscription mode an update was sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum RequestMode {
    /// Last trade only.
    Ltpc = 0,
    /// Full, 5 depth levels.
    FullD5 = 1,
    /// Best level with greeks.
    OptionGreeks = 2,
    /// Full, 30 depth levels.
    FullD30 = 3,
}

/// A segment's market status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum MarketStatus {
    /// Pre-open has started.
    PreOpenStart = 0,
    /// Pre-open has ended.
    PreOpenEnd = 1,
    /// The normal session is open.
    NormalOpen = 2,
    /// The normal session has closed.
    NormalClose = 3,
    /// The closing session has started.
    ClosingStart = 4,
    /// The closing session has ended.
    ClosingEnd = 5,
}

/// Every segment's status.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MarketInfo {
    /// Status ([`MarketStatus`]) by segment, e.g. `NSE_EQ`.
    #[prost(map = "string, enumeration(MarketStatus)", tag = "1")]
    pub segment_status: HashMap<String, i32>,
}

/// One binary frame from the feed.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FeedResponse {
    /// Snapshot, live update or market info ([`Type`]).
    #[prost(enumeration = "Type", tag = "1")]
    pub r#type: i32,
    /// Updates by instrument key, e.g. `NSE_EQ|INE002A01018`.
    #[prost(map = "string, message", tag = "2")]
    pub feeds: HashMap<String, Feed>,
    /// The server's time, epoch milliseconds.
    #[prost(int64, tag = "3")]
    pub current_ts: i64,
    /// Segment statuses (in a `market_info` message).
    #[prost(message, optional, tag = "4")]
    pub market_info: Option<MarketInfo>,
}

/// Re-exported so users encode and decode with the same prost.
pub use prost::Message;

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes written by hand from the protobuf encoding rules for a `live_feed` with one
    /// `ltpc` update: they decode to the fields the schema gives those numbers.
    #[test]
    fn a_hand_encoded_frame_decodes_to_the_schema_fields() {
        let ltpc = [
            0x09, 0, 0, 0, 0, 0, 0x3C, 0x99, 0x40, // 1: ltp = 1615.0 (double)
            0x10, 0xE8, 0x07, // 2: ltt = 1000
            0x18, 0x05, // 3: ltq = 5
        ];
        let mut feed = vec![0x0A, ltpc.len() as u8];
        feed.extend_from_slice(&ltpc);
        feed.extend_from_slice(&[0x20, 0x01]); // 4: requestMode = full_d5
        let key = b"NSE_EQ|INE009A01021";
        let mut entry = vec![0x0A, key.len() as u8];
        entry.extend_from_slice(key);
        entry.push(0x12);
        entry.push(feed.len() as u8);
        entry.extend_from_slice(&feed);
        let mut frame = vec![0x08, 0x01, 0x12, entry.len() as u8];
        frame.extend_from_slice(&entry);
        frame.extend_from_slice(&[0x18, 0x07]); // 3: currentTs = 7

        let decoded = FeedResponse::decode(frame.as_slice()).unwrap();
        assert_eq!(decoded.r#type(), Type::LiveFeed);
        assert_eq!(decoded.current_ts, 7);
        let update = &decoded.feeds["NSE_EQ|INE009A01021"];
        assert_eq!(update.request_mode(), RequestMode::FullD5);
        assert_eq!(
            update.feed_union,
            Some(feed::FeedUnion::Ltpc(Ltpc {
                ltp: 1615.0,
                ltt: 1000,
                ltq: 5,
                cp: 0.0
            }))
        );
        assert_eq!(
            decoded.encode_to_vec(),
            frame,
            "prost writes the same bytes back"
        );
    }
}

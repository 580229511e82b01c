//! Upstox's JSON payloads as they come (`order_book.json`, `positions.json`,
//! `funds_and_margin.json`, `profile.json`, the trade book, the portfolio stream's order updates),
//! with money read exactly into `Decimal` and Upstox's IST times into UTC nanoseconds.
//!
//! Only the fields ShareWise uses are named; Upstox adds fields over time and they are ignored.
//! Nullable fields (`tag`, `average_price`, `status_message`, ...) read as absent.

use rust_decimal::Decimal;
use serde::Deserialize;
use sharewise_broker_kit::json::{ist_time, money};
use sharewise_engine::time::{days_from_civil, TimestampNs, IST_OFFSET_NS, NANOS_PER_SEC};

/// One order as Upstox shows it in the order book, its details and history, and the portfolio
/// stream.
#[derive(Clone, Debug, Deserialize)]
pub struct WireOrder {
    /// Upstox's order id.
    pub order_id: String,
    /// Upstox's status words, lower case, e.g. `open`, `complete`.
    pub status: String,
    /// Why it was rejected or cancelled.
    #[serde(default)]
    pub status_message: Option<String>,
    /// When it was placed, IST `YYYY-MM-DD HH:MM:SS`.
    #[serde(default)]
    pub order_timestamp: Option<String>,
    /// The exchange's time of the last change, IST.
    #[serde(default)]
    pub exchange_timestamp: Option<String>,
    /// The instrument key, e.g. `NSE_EQ|INE848E01016`.
    pub instrument_token: String,
    /// `MARKET`, `LIMIT`, `SL`, `SL-M`.
    pub order_type: String,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// `DAY` or `IOC`.
    #[serde(default)]
    pub validity: Option<String>,
    /// `I` (intraday), `D` (delivery), `MTF`, `CO`.
    pub product: String,
    /// Ordered quantity.
    pub quantity: i64,
    /// Limit price (0 when none).
    #[serde(default, deserialize_with = "money")]
    pub price: Decimal,
    /// Trigger price (0 when none).
    #[serde(default, deserialize_with = "money")]
    pub trigger_price: Decimal,
    /// Average fill price (null before a fill).
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
    /// Shares filled.
    #[serde(default)]
    pub filled_quantity: i64,
    /// The client's tag (ours: the client order id).
    #[serde(default)]
    pub tag: Option<String>,
}

impl WireOrder {
    /// The time of its last change: the exchange's, else its placement.
    pub fn updated_ts(&self) -> Option<TimestampNs> {
        self.exchange_timestamp
            .as_deref()
            .and_then(upstox_time)
            .or_else(|| self.order_timestamp.as_deref().and_then(upstox_time))
    }
}

/// One execution from the trade book (`/v2/order/trades[...]`).
#[derive(Clone, Debug, Deserialize)]
pub struct WireTrade {
    /// The exchange's trade id.
    pub trade_id: String,
    /// Upstox's order id.
    pub order_id: String,
    /// The instrument key.
    pub instrument_token: String,
    /// Product.
    pub product: String,
    /// Fill price.
    #[serde(deserialize_with = "money")]
    pub average_price: Decimal,
    /// Shares in this trade.
    pub quantity: i64,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// The exchange's fill time, IST (`03-Aug-2017 15:03:42` or `2017-08-03 15:03:42`).
    #[serde(default)]
    pub exchange_timestamp: Option<String>,
    /// The order's time, the fallback.
    #[serde(default)]
    pub order_timestamp: Option<String>,
}

impl WireTrade {
    /// The fill time, UTC ns.
    pub fn ts(&self) -> Option<TimestampNs> {
        self.exchange_timestamp
            .as_deref()
            .and_then(upstox_time)
            .or_else(|| self.order_timestamp.as_deref().and_then(upstox_time))
    }
}

/// One product leg of a position (`/v2/portfolio/short-term-positions`).
#[derive(Clone, Debug, Deserialize)]
pub struct WirePosition {
    /// The instrument key.
    pub instrument_token: String,
    /// Product.
    pub product: String,
    /// Net quantity.
    pub quantity: i64,
    /// Average price of the net quantity.
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
    /// Realised P&L.
    #[serde(default, deserialize_with = "money")]
    pub realised: Decimal,
}

/// One holding (`/v2/portfolio/long-term-holdings`).
#[derive(Clone, Debug, Deserialize)]
pub struct WireHolding {
    /// The instrument key.
    pub instrument_token: String,
    /// Settled shares.
    pub quantity: i64,
    /// Shares bought yesterday, not yet settled.
    #[serde(default)]
    pub t1_quantity: i64,
    /// Average buying price.
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
}

/// `/v2/user/get-funds-and-margin`.
#[derive(Clone, Debug, Deserialize)]
pub struct WireFunds {
    /// The equity segment.
    pub equity: WireSegmentFunds,
}

/// One segment's funds.
#[derive(Clone, Debug, Deserialize)]
pub struct WireSegmentFunds {
    /// Margin in use.
    #[serde(default, deserialize_with = "money")]
    pub used_margin: Decimal,
    /// Funds added today.
    #[serde(default, deserialize_with = "money")]
    pub payin_amount: Decimal,
    /// What can still be used.
    #[serde(default, deserialize_with = "money")]
    pub available_margin: Decimal,
}

/// `/v2/user/profile`.
#[derive(Clone, Debug, Deserialize)]
pub struct WireProfile {
    /// The client id.
    pub user_id: String,
}

/// A v2 placement's answer.
#[derive(Clone, Debug, Deserialize)]
pub struct WireOrderId {
    /// Upstox's order id.
    pub order_id: String,
}

/// A v3 placement's answer: one id, or several when Upstox sliced the order.
#[derive(Clone, Debug, Deserialize)]
pub struct WireOrderIds {
    /// Upstox's order ids.
    pub order_ids: Vec<String>,
}

/// An authorised WebSocket address (`/feed/.../authorize`).
#[derive(Clone, Debug, Deserialize)]
pub struct WireAuthorized {
    /// The single-use `wss://` address.
    pub authorized_redirect_uri: String,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An Upstox IST time as UTC ns: `YYYY-MM-DD HH:MM:SS` (orders) or `DD-Mon-YYYY HH:MM:SS`
/// (trades, as the trade book's documentation shows it); `None` for anything else.
pub fn upstox_time(text: &str) -> Option<TimestampNs> {
    let text = text.trim();
    if let Some(ts) = ist_time(text) {
        return Some(ts);
    }
    let (date, time) = text.split_once(' ')?;
    let mut parts = date.split('-');
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next().is_some() || !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s;
    Some(secs * NANOS_PER_SEC - IST_OFFSET_NS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn data(name: &str) -> Value {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str::<Value>(&text).unwrap()["data"].clone()
    }

    #[test]
    fn the_recorded_order_book_positions_funds_and_profile_read() {
        let orders: Vec<WireOrder> = serde_json::from_value(data("order_book.json")).unwrap();
        let o = &orders[0];
        assert_eq!(
            (
                o.order_id.as_str(),
                o.status.as_str(),
                o.instrument_token.as_str()
            ),
            ("231019025057849", "complete", "BSE_EQ|INE220J01025")
        );
        assert_eq!((o.price.to_string(), o.filled_quantity), ("0.8".into(), 1));
        assert_eq!(o.tag, None);
        assert_eq!(o.updated_ts(), upstox_time("2023-10-19 09:23:23"));
        let positions: Vec<WirePosition> = serde_json::from_value(data("positions.json")).unwrap();
        assert_eq!(
            (
                positions[0].quantity,
                positions[0].average_price.to_string()
            ),
            (15, "2.65".into())
        );
        let funds: WireFunds = serde_json::from_value(data("funds_and_margin.json")).unwrap();
        assert_eq!(funds.equity.available_margin.to_string(), "15507.46");
        let profile: WireProfile = serde_json::from_value(data("profile.json")).unwrap();
        assert_eq!(profile.user_id, "******");
        let ids: WireOrderId = serde_json::from_value(data("modify_order_v3.json")).unwrap();
        assert_eq!(ids.order_id, "1644490272000");
        let feed: WireAuthorized =
            serde_json::from_value(data("portfolio_feed_authorize.json")).unwrap();
        assert!(feed.authorized_redirect_uri.starts_with("wss://"));
    }

    #[test]
    fn both_of_upstoxs_time_formats_read_as_ist() {
        let a = upstox_time("2017-08-03 15:03:42").unwrap();
        assert_eq!(upstox_time("03-Aug-2017 15:03:42"), Some(a));
        assert!(sharewise_engine::time::format_ist(a).starts_with("2017-08-03T15:03:42"));
        for bad in [
            "03-Foo-2017 15:03:42",
            "3 Aug 2017",
            "03-Aug-2017 25:00:00",
            "",
        ] {
            assert_eq!(upstox_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_stream_update_reads_as_an_order() {
        let update = serde_json::json!({
            "update_type": "order", "user_id": "******", "exchange": "NSE",
            "instrument_token": "NSE_EQ|INE848E01016", "instrument_key": "NSE_EQ|INE848E01016",
            "trading_symbol": "NHPC-EQ", "product": "D", "order_type": "MARKET",
            "average_price": 0, "price": 0, "trigger_price": 0, "quantity": 1,
            "disclosed_quantity": 0, "pending_quantity": 1, "transaction_type": "BUY",
            "validity": "DAY", "status": "put order req received", "is_amo": false,
            "tag": null, "exchange_timestamp": null, "status_message": "",
            "order_id": "240221025997024", "order_timestamp": "2024-02-21 14:40:02",
            "filled_quantity": 0
        });
        let o: WireOrder = serde_json::from_value(update).unwrap();
        assert_eq!(
            (o.status.as_str(), o.quantity),
            ("put order req received", 1)
        );
    }
}

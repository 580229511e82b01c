//! Kite's JSON payloads as they come (`orders.json`, `trades.json`, `positions.json`,
//! `margins.json`, `historical_*.json`, `postback.json`), with money read exactly into
//! `Decimal` and Kite's IST times read into UTC nanoseconds.
//!
//! Only the fields ShareWise uses are named; Kite adds fields over time and they are ignored.
//! Money arrives as JSON numbers (`420.65`): each is read through its shortest decimal form, which
//! is the digits Kite wrote for any price of up to 15 significant digits.

use rust_decimal::Decimal;
use serde::Deserialize;
use sharewise_engine::time::TimestampNs;

/// One order as Kite shows it in the order book, its history, an order update or a postback.
#[derive(Clone, Debug, Deserialize)]
pub struct WireOrder {
    /// Kite's order id.
    pub order_id: String,
    /// Kite's status words, e.g. `OPEN`, `COMPLETE`.
    pub status: String,
    /// Why it was rejected or cancelled.
    #[serde(default)]
    pub status_message: Option<String>,
    /// When it was placed, IST.
    #[serde(default)]
    pub order_timestamp: Option<String>,
    /// The exchange's last change, IST.
    #[serde(default)]
    pub exchange_update_timestamp: Option<String>,
    /// `NSE`, `BSE`, ...
    pub exchange: String,
    /// The trading symbol.
    pub tradingsymbol: String,
    /// `MARKET`, `LIMIT`, `SL`, `SL-M`.
    pub order_type: String,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// `DAY`, `IOC`, `TTL`.
    #[serde(default)]
    pub validity: Option<String>,
    /// `CNC`, `MIS`, `NRML`, `MTF`.
    pub product: String,
    /// Ordered quantity.
    pub quantity: i64,
    /// Limit price (0 when none).
    #[serde(default, deserialize_with = "money")]
    pub price: Decimal,
    /// Trigger price (0 when none).
    #[serde(default, deserialize_with = "money")]
    pub trigger_price: Decimal,
    /// Average fill price.
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
    /// Shares filled.
    #[serde(default)]
    pub filled_quantity: i64,
    /// The client's tag (ours: the client order id).
    #[serde(default)]
    pub tag: Option<String>,
    /// Every tag of the order (newer payloads).
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

impl WireOrder {
    /// The order's tag, from `tag` or else the first of `tags`.
    pub fn tag(&self) -> Option<&str> {
        self.tag
            .as_deref()
            .or_else(|| self.tags.as_ref()?.first().map(String::as_str))
    }

    /// The time of its last change: the exchange's update, else its placement.
    pub fn updated_ts(&self) -> Option<TimestampNs> {
        self.exchange_update_timestamp
            .as_deref()
            .and_then(ist_time)
            .or_else(|| self.order_timestamp.as_deref().and_then(ist_time))
    }
}

/// One execution from `GET /trades` or `GET /orders/{id}/trades`.
#[derive(Clone, Debug, Deserialize)]
pub struct WireTrade {
    /// Kite's trade id.
    pub trade_id: String,
    /// The order it filled.
    pub order_id: String,
    /// `NSE`, `BSE`, ...
    pub exchange: String,
    /// The trading symbol.
    pub tradingsymbol: String,
    /// `CNC`, `MIS`, ...
    pub product: String,
    /// Execution price.
    #[serde(deserialize_with = "money")]
    pub average_price: Decimal,
    /// Shares.
    pub quantity: i64,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// When it filled, IST (`fill_timestamp`, else `exchange_timestamp`).
    #[serde(default)]
    pub fill_timestamp: Option<String>,
    /// The exchange's time of the fill, IST.
    #[serde(default)]
    pub exchange_timestamp: Option<String>,
}

impl WireTrade {
    /// The execution time.
    pub fn ts(&self) -> Option<TimestampNs> {
        self.fill_timestamp
            .as_deref()
            .and_then(ist_time)
            .or_else(|| self.exchange_timestamp.as_deref().and_then(ist_time))
    }
}

/// `GET /portfolio/positions`.
#[derive(Clone, Debug, Deserialize)]
pub struct WirePositions {
    /// Net positions (carried and the day's together).
    pub net: Vec<WirePosition>,
}

/// One net position per instrument and product.
#[derive(Clone, Debug, Deserialize)]
pub struct WirePosition {
    /// `NSE`, `BSE`, ...
    pub exchange: String,
    /// The trading symbol.
    pub tradingsymbol: String,
    /// `CNC`, `MIS`, ...
    pub product: String,
    /// Signed net quantity.
    pub quantity: i64,
    /// Average price of the open quantity.
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
    /// Realised P&L.
    #[serde(default, deserialize_with = "money")]
    pub realised: Decimal,
}

/// One holding of `GET /portfolio/holdings`.
#[derive(Clone, Debug, Deserialize)]
pub struct WireHolding {
    /// `NSE`, `BSE`, ...
    pub exchange: String,
    /// The trading symbol.
    pub tradingsymbol: String,
    /// Settled shares.
    pub quantity: i64,
    /// Shares bought yesterday, settling today.
    #[serde(default)]
    pub t1_quantity: i64,
    /// Average buying price.
    #[serde(default, deserialize_with = "money")]
    pub average_price: Decimal,
}

/// `GET /user/margins` (only the equity segment is used).
#[derive(Clone, Debug, Deserialize)]
pub struct WireMargins {
    /// The equity segment.
    pub equity: WireSegment,
}

/// One segment's margins.
#[derive(Clone, Debug, Deserialize)]
pub struct WireSegment {
    /// Cash available now.
    #[serde(deserialize_with = "money")]
    pub net: Decimal,
    /// What the day started with.
    pub available: WireAvailable,
    /// What is in use.
    #[serde(default)]
    pub utilised: Option<WireUtilised>,
}

/// `available` of a segment.
#[derive(Clone, Debug, Deserialize)]
pub struct WireAvailable {
    /// Cash at the start of the day.
    #[serde(deserialize_with = "money")]
    pub opening_balance: Decimal,
}

/// `utilised` of a segment.
#[derive(Clone, Debug, Deserialize)]
pub struct WireUtilised {
    /// Realised mark-to-market of the day.
    #[serde(default, deserialize_with = "money")]
    pub m2m_realised: Decimal,
}

/// `GET /user/profile` (what identifies the account).
#[derive(Clone, Debug, Deserialize)]
pub struct WireProfile {
    /// Kite's client id, e.g. `AB1234`.
    pub user_id: String,
}

/// `POST /orders/{variety}` and friends: the order id acted on.
#[derive(Clone, Debug, Deserialize)]
pub struct WireOrderId {
    /// Kite's order id.
    pub order_id: String,
}

pub use sharewise_broker_kit::json::{decimal_of, ist_time, money};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_recorded_order_book_trades_positions_and_margins_read() {
        let read = |name: &str| -> Value {
            let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::from_str::<Value>(&text).unwrap()["data"].clone()
        };
        let orders: Vec<WireOrder> = serde_json::from_value(read("orders.json")).unwrap();
        assert!(!orders.is_empty());
        assert_eq!(orders[0].order_id, "100000000000000");
        assert_eq!(orders[0].price.to_string(), "72");
        let trades: Vec<WireTrade> = serde_json::from_value(read("trades.json")).unwrap();
        assert_eq!(trades[0].average_price.to_string(), "420.65");
        assert!(trades[0].ts().is_some());
        let positions: WirePositions = serde_json::from_value(read("positions.json")).unwrap();
        assert_eq!(positions.net[0].average_price.to_string(), "161.05");
        let margins: WireMargins = serde_json::from_value(read("margins.json")).unwrap();
        let holdings: Vec<WireHolding> = serde_json::from_value(read("holdings.json")).unwrap();
        assert_eq!(
            (
                holdings[0].tradingsymbol.as_str(),
                holdings[0].quantity,
                holdings[0].average_price.to_string()
            ),
            ("AARON", 1, "161".to_string())
        );
        assert_eq!(
            margins.equity.available.opening_balance.to_string(),
            "245431.6"
        );
        let history: Vec<WireOrder> = serde_json::from_value(read("order_info.json")).unwrap();
        assert_eq!(history.last().unwrap().status, "OPEN");
        let postback: WireOrder = serde_json::from_str(
            &std::fs::read_to_string(format!(
                "{}/tests/fixtures/postback.json",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap(),
        )
        .unwrap();
        assert_eq!(postback.status, "COMPLETE");
    }
}

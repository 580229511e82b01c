//! AliceBlue's v2 JSON payloads as they come, with money read exactly into `Decimal`, counts from
//! numbers or numeric strings (clients see both), and IST times into UTC nanoseconds.
//!
//! Field names seen in public client code: `brokerOrderId`, `orderStatus`, `filledQuantity`,
//! `averageTradedPrice`, `rejectionReason`, `instrumentId`, `exchange`, `transactionType`,
//! `orderType`, `product`, `quantity`, `price`, `slTriggerPrice`, `orderTag`, `tradingLimit`,
//! `openingCashLimit`, `clientId`. The rest are guesses shared with the sandbox [U]: the trade
//! book's `fillId`, `fillQuantity`, `fillPrice`, `fillTime`; the position book's `netQuantity`,
//! `netAveragePrice`, `realisedPnl`; holdings' `quantity`, `t1Quantity`, `averagePrice`; the
//! order's `orderTime` and `exchangeUpdateTime` as `YYYY-MM-DD HH:MM:SS` IST.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use sharewise_broker_kit::json::{decimal_of, ist_time};
use sharewise_engine::time::TimestampNs;

/// A whole count from a JSON number or numeric string (null or empty is zero).
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(d)?;
    let n = match &value {
        Value::Null => Some(0),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) if s.trim().is_empty() => Some(0),
        Value::String(s) => s.trim().parse::<i64>().ok().or_else(|| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        }),
        _ => None,
    };
    n.ok_or_else(|| serde::de::Error::custom(format!("not a whole count: {value}")))
}

/// A money amount from a JSON number or string exactly (null or an empty string is zero).
pub fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let value = Value::deserialize(d)?;
    if value.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(Decimal::ZERO);
    }
    decimal_of(&value).ok_or_else(|| serde::de::Error::custom(format!("not an amount: {value}")))
}

/// An id from a JSON string or number.
pub fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(serde::de::Error::custom(format!("not an id: {other}"))),
    }
}

/// One order as the order book and history show it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireOrder {
    /// AliceBlue's order id.
    #[serde(deserialize_with = "id_text")]
    pub broker_order_id: String,
    /// The OMS's status words, lower case (`open`, `complete`, ...).
    pub order_status: String,
    /// Why it was rejected.
    #[serde(default)]
    pub rejection_reason: Option<String>,
    /// The exchange, e.g. `NSE`.
    #[serde(default)]
    pub exchange: String,
    /// The exchange token.
    #[serde(deserialize_with = "id_text")]
    pub instrument_id: String,
    /// `LIMIT`, `MARKET`, `SL`, `SLM`.
    pub order_type: String,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// `INTRADAY`, `LONGTERM`, ...
    pub product: String,
    /// `DAY` or `IOC`.
    #[serde(default)]
    pub validity: Option<String>,
    /// Ordered quantity.
    #[serde(deserialize_with = "count")]
    pub quantity: i64,
    /// Shares filled.
    #[serde(default, deserialize_with = "count")]
    pub filled_quantity: i64,
    /// Limit price (0 when none).
    #[serde(default, deserialize_with = "amount")]
    pub price: Decimal,
    /// Trigger price (0 when none).
    #[serde(default, deserialize_with = "amount")]
    pub sl_trigger_price: Decimal,
    /// Average fill price.
    #[serde(default, deserialize_with = "amount")]
    pub average_traded_price: Decimal,
    /// The client's tag (ours: the client order id).
    #[serde(default)]
    pub order_tag: Option<String>,
    /// When it was placed, IST [U].
    #[serde(default)]
    pub order_time: Option<String>,
    /// The exchange's time of the last change, IST [U].
    #[serde(default)]
    pub exchange_update_time: Option<String>,
}

impl WireOrder {
    /// The time of its last change: the exchange's, else its placement.
    pub fn updated_ts(&self) -> Option<TimestampNs> {
        self.exchange_update_time
            .as_deref()
            .and_then(ist_time)
            .or_else(|| self.order_time.as_deref().and_then(ist_time))
    }
}

/// One execution from the trade book [U: names].
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireTrade {
    /// The fill's id.
    #[serde(deserialize_with = "id_text")]
    pub fill_id: String,
    /// AliceBlue's order id.
    #[serde(deserialize_with = "id_text")]
    pub broker_order_id: String,
    /// The exchange token.
    #[serde(deserialize_with = "id_text")]
    pub instrument_id: String,
    /// `BUY` or `SELL`.
    pub transaction_type: String,
    /// Product.
    pub product: String,
    /// Shares in this fill.
    #[serde(deserialize_with = "count")]
    pub fill_quantity: i64,
    /// Fill price.
    #[serde(deserialize_with = "amount")]
    pub fill_price: Decimal,
    /// Fill time, IST.
    #[serde(default)]
    pub fill_time: Option<String>,
}

/// One product leg of a position [U: names].
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePosition {
    /// The exchange token.
    #[serde(deserialize_with = "id_text")]
    pub instrument_id: String,
    /// Net quantity.
    #[serde(deserialize_with = "count")]
    pub net_quantity: i64,
    /// Average price of the net quantity.
    #[serde(default, deserialize_with = "amount")]
    pub net_average_price: Decimal,
    /// Realised P&L.
    #[serde(default, deserialize_with = "amount")]
    pub realised_pnl: Decimal,
}

/// One holding [U: names].
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireHolding {
    /// The exchange token.
    #[serde(deserialize_with = "id_text")]
    pub instrument_id: String,
    /// Settled shares.
    #[serde(default, deserialize_with = "count")]
    pub quantity: i64,
    /// Shares bought yesterday, not yet settled.
    #[serde(default, deserialize_with = "count")]
    pub t1_quantity: i64,
    /// Average buying price.
    #[serde(default, deserialize_with = "amount")]
    pub average_price: Decimal,
}

/// `GET /limits/`'s entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireLimits {
    /// What can be used now.
    #[serde(default, deserialize_with = "amount")]
    pub trading_limit: Decimal,
    /// The day's opening cash.
    #[serde(default, deserialize_with = "amount")]
    pub opening_cash_limit: Decimal,
}

/// `GET /profile/`'s entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireProfile {
    /// The client id.
    #[serde(deserialize_with = "id_text")]
    pub client_id: String,
}

/// A placement's, modification's or cancellation's answer entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireOrderId {
    /// AliceBlue's order id (empty when the entry is a refusal).
    #[serde(default, deserialize_with = "id_text")]
    pub broker_order_id: String,
    /// A per-entry refusal's message, if any.
    #[serde(default)]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_reads_with_numbers_as_strings_or_numbers() {
        let o: WireOrder = serde_json::from_value(serde_json::json!({
            "brokerOrderId": 26010500000001u64, "orderStatus": "open", "exchange": "NSE",
            "instrumentId": "1594", "orderType": "LIMIT", "transactionType": "BUY",
            "product": "INTRADAY", "quantity": "5", "filledQuantity": 2, "price": "1580.5",
            "slTriggerPrice": "", "averageTradedPrice": 1580.5, "orderTag": "SW0000000007",
            "orderTime": "2026-01-05 09:20:01"
        }))
        .unwrap();
        assert_eq!(
            (o.broker_order_id.as_str(), o.quantity, o.filled_quantity),
            ("26010500000001", 5, 2)
        );
        assert_eq!(o.price.to_string(), "1580.5");
        assert_eq!(o.updated_ts(), ist_time("2026-01-05 09:20:01"));
    }
}

//! Orders and fills, shaped after what Indian brokers accept (Kite/Upstox field names in docs).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{InstrumentId, Price, Qty};
use crate::time::TimestampNs;

/// Direction of an order or fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    /// Buy.
    Buy,
    /// Sell.
    Sell,
}

impl Side {
    /// `+1` for a buy, `-1` for a sell: the sign a fill adds to a position.
    #[inline]
    pub const fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }

    /// The other side.
    #[inline]
    pub const fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// `BUY` or `SELL`, as brokers and reports spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an order is priced (Kite's `order_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderType {
    /// At the best available price.
    #[serde(rename = "MARKET")]
    Market,
    /// At the limit price or better.
    #[serde(rename = "LIMIT")]
    Limit,
    /// Stop-loss limit: becomes a limit order once the trigger price trades.
    #[serde(rename = "SL")]
    StopLoss,
    /// Stop-loss market: becomes a market order once the trigger price trades.
    #[serde(rename = "SL-M")]
    StopLossMarket,
}

/// Margin product (Kite's `product`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Product {
    /// Intraday, squared off by the broker before the close.
    Mis,
    /// Cash and carry (delivery).
    Cnc,
    /// Normal (derivatives carried overnight).
    Nrml,
}

/// How long an order lives (Kite's `validity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Validity {
    /// Until the end of the trading day.
    Day,
    /// Immediate or cancel.
    Ioc,
}

/// Our idempotent order id; it becomes the broker's `tag`, so a retry can be looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientOrderId(pub u64);

impl std::fmt::Display for ClientOrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SW{:010}", self.0)
    }
}

impl ClientOrderId {
    /// Reads a broker `tag` written by [`Display`](std::fmt::Display) (`SW0000000042`); `None`
    /// for any other tag (orders placed by hand or by other apps).
    pub fn from_tag(tag: &str) -> Option<ClientOrderId> {
        let digits = tag.strip_prefix("SW")?;
        if digits.len() < 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(ClientOrderId)
    }
}

/// An order as the engine intends to send it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Idempotent client id.
    pub client_id: ClientOrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Buy or sell.
    pub side: Side,
    /// Quantity in shares (positive).
    pub qty: Qty,
    /// Pricing.
    pub order_type: OrderType,
    /// Limit price for `LIMIT` and `SL`.
    pub limit_price: Option<Price>,
    /// Trigger price for `SL` and `SL-M`.
    pub trigger_price: Option<Price>,
    /// Margin product.
    pub product: Product,
    /// Validity.
    pub validity: Validity,
    /// When the engine created it, UTC ns.
    pub created_ts: TimestampNs,
}

impl Order {
    /// A DAY market order.
    pub fn market(
        client_id: ClientOrderId,
        instrument: InstrumentId,
        side: Side,
        qty: Qty,
        product: Product,
        ts: TimestampNs,
    ) -> Order {
        Order {
            client_id,
            instrument,
            side,
            qty,
            order_type: OrderType::Market,
            limit_price: None,
            trigger_price: None,
            product,
            validity: Validity::Day,
            created_ts: ts,
        }
    }
}

/// An execution of (part of) an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// The order filled.
    pub client_id: ClientOrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Buy or sell.
    pub side: Side,
    /// Shares filled (positive).
    pub qty: Qty,
    /// Execution price.
    pub price: Price,
    /// Execution time, UTC ns.
    pub ts: TimestampNs,
    /// Brokerage, taxes and charges on this fill, rupees.
    pub fees: Decimal,
}

//! A [`KiteTick`] as the JSON object Zerodha's clients hand their users (pykiteconnect's field
//! names and order), with prices as exact decimal strings: what `sharewise feeds decode kite`
//! prints, and a readable form to compare with other decoders.
//!
//! Each shape has the fields its packet carries: LTP packets `tradable`, `mode`,
//! `instrument_token`, `last_price`; index packets also `ohlc` and `change`, and
//! `exchange_timestamp` in full mode; quote packets the trade quantities, `volume_traded`, buy/sell
//! totals, `ohlc` and `change`; full packets also the times, open interest and `depth`. `change`
//! is the percentage change from the previous close computed as pykiteconnect does (in `f64`, 0
//! when the close is 0); times are ISO-8601 in IST.

use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_engine::time::{format_ist, NANOS_PER_SEC};

use super::packet::{KiteTick, Layout, Level};

/// The previous close and the day's open, high and low.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OhlcJson {
    /// Today's open.
    pub open: Decimal,
    /// Today's high.
    pub high: Decimal,
    /// Today's low.
    pub low: Decimal,
    /// The previous session's close.
    pub close: Decimal,
}

/// One depth level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelJson {
    /// Quantity at this price.
    pub quantity: u32,
    /// The price.
    pub price: Decimal,
    /// Orders at this price.
    pub orders: u16,
}

/// Five bids and five asks, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthJson {
    /// Bids.
    pub buy: Vec<LevelJson>,
    /// Asks.
    pub sell: Vec<LevelJson>,
}

/// A tick with pykiteconnect's field names; absent fields are left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TickJson {
    /// `false` for indices.
    pub tradable: bool,
    /// `ltp`, `quote` or `full`.
    pub mode: &'static str,
    /// Kite's instrument token.
    pub instrument_token: u32,
    /// Last traded price.
    pub last_price: Decimal,
    /// Quantity of the last trade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_traded_quantity: Option<u32>,
    /// The day's volume-weighted average price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_traded_price: Option<Decimal>,
    /// Quantity traded today.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_traded: Option<u32>,
    /// Quantity bid in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_buy_quantity: Option<u32>,
    /// Quantity offered in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_sell_quantity: Option<u32>,
    /// The day's OHLC and the previous close.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ohlc: Option<OhlcJson>,
    /// Percentage change from the previous close.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    /// Time of the last trade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_trade_time: Option<String>,
    /// Open interest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oi: Option<u32>,
    /// The day's highest open interest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oi_day_high: Option<u32>,
    /// The day's lowest open interest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oi_day_low: Option<u32>,
    /// The exchange's time for the packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_timestamp: Option<String>,
    /// Market depth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<DepthJson>,
}

fn ist(unix_s: u32) -> String {
    format_ist(i64::from(unix_s) * NANOS_PER_SEC)
}

impl From<&KiteTick> for TickJson {
    fn from(t: &KiteTick) -> TickJson {
        let layout = t.layout;
        let price = |raw: u32| t.decimal(raw);
        let quantities = layout.has_quantities();
        let full = matches!(layout, Layout::Full);
        let some_if = |yes: bool, v: u32| yes.then_some(v);
        let divisor = 10f64.powi(t.segment().price_decimals() as i32);
        let (last, close) = (
            f64::from(t.last_price) / divisor,
            f64::from(t.ohlc.close) / divisor,
        );
        let levels = |side: &[Level; 5]| {
            side.iter()
                .map(|l| LevelJson {
                    quantity: l.qty,
                    price: price(l.price),
                    orders: l.orders,
                })
                .collect()
        };
        TickJson {
            tradable: t.segment().tradable(),
            mode: layout.mode(),
            instrument_token: t.token,
            last_price: price(t.last_price),
            last_traded_quantity: some_if(quantities, t.last_traded_qty),
            average_traded_price: quantities.then(|| price(t.average_price)),
            volume_traded: some_if(quantities, t.volume),
            total_buy_quantity: some_if(quantities, t.total_buy_qty),
            total_sell_quantity: some_if(quantities, t.total_sell_qty),
            ohlc: layout.has_ohlc().then(|| OhlcJson {
                open: price(t.ohlc.open),
                high: price(t.ohlc.high),
                low: price(t.ohlc.low),
                close: price(t.ohlc.close),
            }),
            change: layout.has_ohlc().then(|| {
                if close == 0.0 {
                    0.0
                } else {
                    (last - close) * 100.0 / close
                }
            }),
            last_trade_time: full.then(|| ist(t.last_trade_time)),
            oi: some_if(full, t.oi),
            oi_day_high: some_if(full, t.oi_day_high),
            oi_day_low: some_if(full, t.oi_day_low),
            exchange_timestamp: matches!(layout, Layout::Full | Layout::IndexFull)
                .then(|| ist(t.exchange_time)),
            depth: full.then(|| DepthJson {
                buy: levels(&t.depth.buy),
                sell: levels(&t.depth.sell),
            }),
        }
    }
}

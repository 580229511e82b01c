//! Between ShareWise's orders and Upstox's words: an engine order as Upstox's v3 placement body,
//! and Upstox's orders, trades, positions, holdings and funds as the common broker types.
//!
//! Instruments are matched by Upstox's instrument key (`NSE_EQ|<ISIN>`) through [`Listings`]:
//! trading symbols differ between Upstox's books (`NHPC-EQ` in one, `NHPC` in another), the key
//! does not. An order or trade of an instrument ShareWise does not trade (placed by hand in
//! Upstox's app) is left out, and an order whose tag is not one of ours likewise.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use sharewise_broker_kit::positions::{net_legs, Leg};
use sharewise_broker_kit::OrderPolicy;
use sharewise_brokers::{
    BrokerError, BrokerOrder, BrokerTrade, ErrorKind, Funds, Holding, Modify, VenueStatus,
};
use sharewise_engine::types::{
    ClientOrderId, Fill, Instrument, InstrumentId, Order, OrderType, Position, Price, Product,
    Side, Validity,
};

use super::wire::{upstox_time, WireFunds, WireHolding, WireOrder, WirePosition, WireTrade};

/// The instruments an account trades, found by id or by Upstox's instrument key.
#[derive(Clone, Debug, Default)]
pub struct Listings {
    by_id: HashMap<InstrumentId, (Instrument, String)>,
    by_key: HashMap<String, InstrumentId>,
}

impl Listings {
    /// The table of `instruments`, each with its Upstox instrument key.
    pub fn new(instruments: impl IntoIterator<Item = (Instrument, String)>) -> Listings {
        let mut listings = Listings::default();
        for (i, key) in instruments {
            listings.by_key.insert(key.clone(), i.id);
            listings.by_id.insert(i.id, (i, key));
        }
        listings
    }

    /// The instrument `id` and its key.
    pub fn get(&self, id: InstrumentId) -> Option<&(Instrument, String)> {
        self.by_id.get(&id)
    }

    /// The key of the account's instrument traded as `symbol`, if it trades one.
    pub fn key_of(&self, symbol: &str) -> Option<&str> {
        self.by_id
            .values()
            .find(|(i, _)| i.symbol == symbol)
            .map(|(_, key)| key.as_str())
    }

    /// The instrument Upstox calls `key`.
    pub fn find(&self, key: &str) -> Option<InstrumentId> {
        self.by_key.get(key).copied()
    }
}

/// Upstox's word for an order type (the same words as Kite's).
pub fn order_type_name(t: OrderType) -> &'static str {
    match t {
        OrderType::Market => "MARKET",
        OrderType::Limit => "LIMIT",
        OrderType::StopLoss => "SL",
        OrderType::StopLossMarket => "SL-M",
    }
}

fn order_type_of(name: &str) -> Option<OrderType> {
    Some(match name {
        "MARKET" => OrderType::Market,
        "LIMIT" => OrderType::Limit,
        "SL" => OrderType::StopLoss,
        "SL-M" => OrderType::StopLossMarket,
        _ => return None,
    })
}

/// Upstox's product: `I` intraday, `D` delivery (and carry-forward F&O).
fn product_name(p: Product) -> &'static str {
    match p {
        Product::Mis => "I",
        Product::Cnc | Product::Nrml => "D",
    }
}

fn product_of(name: &str) -> Option<Product> {
    match name {
        "I" => Some(Product::Mis),
        "D" => Some(Product::Cnc),
        _ => None,
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

fn side_of(name: &str) -> Option<Side> {
    match name {
        "BUY" => Some(Side::Buy),
        "SELL" => Some(Side::Sell),
        _ => None,
    }
}

/// A price as the JSON number Upstox reads, written from its decimal digits.
fn price_number(p: Option<Price>) -> Value {
    let text = p.map_or_else(
        || "0".to_string(),
        |p| p.to_decimal().normalize().to_string(),
    );
    serde_json::from_str(&text).unwrap_or(Value::from(0))
}

fn needs_protection(t: OrderType) -> bool {
    matches!(t, OrderType::Market | OrderType::StopLossMarket)
}

/// The body of `POST /v3/order/place` for `order` of `key` (our client id as the `tag`; no
/// slicing: a quantity above the freeze limit is refused by risk before it gets here).
pub fn placement_body(order: &Order, key: &str, policy: &OrderPolicy) -> Value {
    let mut body = json!({
        "quantity": order.qty,
        "product": product_name(order.product),
        "validity": match order.validity {
            Validity::Day => "DAY",
            Validity::Ioc => "IOC",
        },
        "price": price_number(order.limit_price),
        "tag": order.client_id.to_string(),
        "instrument_token": key,
        "order_type": order_type_name(order.order_type),
        "transaction_type": side_name(order.side),
        "disclosed_quantity": 0,
        "trigger_price": price_number(order.trigger_price),
        "is_amo": false,
        "slice": false,
    });
    if needs_protection(order.order_type) {
        body["market_protection"] = Value::from(policy.market_protection);
    }
    if let Some(algo) = &policy.algo_id {
        body["algo_id"] = Value::from(algo.clone());
    }
    body
}

/// The body of `PUT /v3/order/modify` changing `order` (Upstox's `order_id`) by `change`.
pub fn modify_body(order_id: &str, order: &Order, change: &Modify, policy: &OrderPolicy) -> Value {
    let order_type = change.order_type.unwrap_or(order.order_type);
    let priced = matches!(order_type, OrderType::Limit | OrderType::StopLoss);
    let triggered = matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket);
    let mut body = json!({
        "order_id": order_id,
        "quantity": change.qty.unwrap_or(order.qty),
        "validity": match order.validity {
            Validity::Day => "DAY",
            Validity::Ioc => "IOC",
        },
        "price": price_number(change.limit_price.or(order.limit_price).filter(|_| priced)),
        "order_type": order_type_name(order_type),
        "disclosed_quantity": 0,
        "trigger_price": price_number(change.trigger_price.or(order.trigger_price).filter(|_| triggered)),
    });
    if needs_protection(order_type) {
        body["market_protection"] = Value::from(policy.market_protection);
    }
    body
}

/// Why an entry of Upstox's books is not turned into a common one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not ShareWise's (another tag, or an instrument this account does not trade).
    NotOurs,
    /// Ours, but a field does not read: the message says which.
    Unreadable(String),
}

/// Upstox's order as a [`BrokerOrder`], if it is ours.
pub fn broker_order(w: &WireOrder, listings: &Listings) -> Result<BrokerOrder, Skip> {
    let client_id = w
        .tag
        .as_deref()
        .and_then(ClientOrderId::from_tag)
        .ok_or(Skip::NotOurs)?;
    let bad = |what: &str| Skip::Unreadable(format!("order {} ({client_id}): {what}", w.order_id));
    let instrument = listings.find(&w.instrument_token).ok_or_else(|| {
        bad(&format!(
            "{} is not an instrument of this account",
            w.instrument_token
        ))
    })?;
    let order_type = order_type_of(&w.order_type)
        .ok_or_else(|| bad(&format!("order type `{}`", w.order_type)))?;
    let side = side_of(&w.transaction_type)
        .ok_or_else(|| bad(&format!("transaction type `{}`", w.transaction_type)))?;
    let product = product_of(&w.product).ok_or_else(|| bad(&format!("product `{}`", w.product)))?;
    let status = VenueStatus::from_broker(&w.status, w.filled_quantity, w.quantity)
        .ok_or_else(|| bad(&format!("status `{}`", w.status)))?;
    let price = |d: Decimal, used: bool| -> Result<Option<Price>, Skip> {
        if !used || d.is_zero() {
            return Ok(None);
        }
        Price::from_decimal(d)
            .map(Some)
            .ok_or_else(|| bad(&format!("price {d}")))
    };
    let limit_price = price(
        w.price,
        matches!(order_type, OrderType::Limit | OrderType::StopLoss),
    )?;
    let trigger_price = price(
        w.trigger_price,
        matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket),
    )?;
    let created_ts = w
        .order_timestamp
        .as_deref()
        .and_then(upstox_time)
        .unwrap_or(0);
    Ok(BrokerOrder {
        order_id: w.order_id.clone(),
        request: Order {
            client_id,
            instrument,
            side,
            qty: w.quantity,
            order_type,
            limit_price,
            trigger_price,
            product,
            validity: if w.validity.as_deref() == Some("IOC") {
                Validity::Ioc
            } else {
                Validity::Day
            },
            created_ts,
        },
        status,
        filled_qty: w.filled_quantity,
        avg_price: w.average_price,
        status_message: w.status_message.clone().filter(|m| !m.is_empty()),
        updated_ts: w.updated_ts().unwrap_or(created_ts),
    })
}

pub use sharewise_broker_kit::OurOrders;

/// Upstox's trade as a [`BrokerTrade`], if its order is one of `ours`. The trade's instrument is
/// its order's: Upstox's trade book documents `instrument_token` loosely (a bare exchange token
/// in its sample), so a key is only checked when it names one of the account's instruments.
pub fn broker_trade(
    w: &WireTrade,
    ours: &OurOrders,
    listings: &Listings,
    policy: &OrderPolicy,
) -> Result<BrokerTrade, Skip> {
    let (client_id, instrument) = *ours.get(&w.order_id).ok_or(Skip::NotOurs)?;
    let bad = |what: &str| {
        Skip::Unreadable(format!(
            "trade {} of order {}: {what}",
            w.trade_id, w.order_id
        ))
    };
    if listings
        .find(&w.instrument_token)
        .is_some_and(|named| named != instrument)
    {
        return Err(bad(&format!(
            "{} is not its order's instrument",
            w.instrument_token
        )));
    }
    let side = side_of(&w.transaction_type).ok_or_else(|| bad("transaction type"))?;
    let product = product_of(&w.product).ok_or_else(|| bad("product"))?;
    let price = Price::from_decimal(w.average_price).ok_or_else(|| bad("price"))?;
    let ts = w.ts().ok_or_else(|| bad("no fill time"))?;
    if w.quantity <= 0 {
        return Err(bad("quantity"));
    }
    let exchange = listings
        .get(instrument)
        .map(|(i, _)| i.exchange)
        .ok_or_else(|| bad("exchange"))?;
    let fees = policy
        .commission
        .charges(side, product, exchange, price, w.quantity)
        .total;
    Ok(BrokerTrade {
        trade_id: w.trade_id.clone(),
        fill: Fill {
            client_id,
            instrument,
            side,
            qty: w.quantity,
            price,
            ts,
            fees,
        },
    })
}

/// Upstox's position legs (one per product) netted into one position per instrument, averaged
/// over the legs on the net position's side.
pub fn positions(legs: &[WirePosition], listings: &Listings) -> Vec<Position> {
    let legs: Vec<Leg> = legs
        .iter()
        .filter_map(|w| {
            Some(Leg {
                instrument: listings.find(&w.instrument_token)?,
                qty: w.quantity,
                avg_price: w.average_price,
                realised: w.realised,
            })
        })
        .collect();
    net_legs(&legs)
}

/// Upstox's holdings of the account's instruments.
pub fn holdings(wire: &[WireHolding], listings: &Listings) -> Vec<Holding> {
    wire.iter()
        .filter_map(|w| {
            Some(Holding {
                instrument: listings.find(&w.instrument_token)?,
                qty: w.quantity + w.t1_quantity,
                t1_qty: w.t1_quantity,
                avg_price: w.average_price,
            })
        })
        .collect()
}

/// Upstox's equity funds in common terms, read as Kite's are: cash is what is available now
/// (Kite's `net`: margin in use is not cash to spend); the session's opening balance is the
/// account's total (available plus used) less today's pay-in. Upstox reports no realised P&L in
/// funds (positions carry it): zero here.
pub fn funds(f: &WireFunds) -> Funds {
    let total = f.equity.available_margin + f.equity.used_margin;
    Funds {
        opening_balance: total - f.equity.payin_amount,
        cash: f.equity.available_margin,
        realized_pnl: Decimal::ZERO,
    }
}

/// A book entry that is ours but does not read, as the error the caller sees.
pub fn unreadable(message: String) -> BrokerError {
    BrokerError::new(ErrorKind::Unknown, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFY: &str = "NSE_EQ|INE009A01021";

    fn listings() -> Listings {
        Listings::new([(Instrument::nse_equity(0, "INFY"), INFY.to_string())])
    }

    #[test]
    fn a_market_order_is_placed_with_protection_and_our_tag() {
        let order = Order {
            client_id: ClientOrderId(42),
            instrument: InstrumentId(0),
            side: Side::Buy,
            qty: 3,
            order_type: OrderType::Market,
            limit_price: None,
            trigger_price: None,
            product: Product::Mis,
            validity: Validity::Day,
            created_ts: 0,
        };
        let body = placement_body(&order, INFY, &OrderPolicy::default());
        assert_eq!(
            body,
            json!({"quantity": 3, "product": "I", "validity": "DAY", "price": 0,
                "tag": "SW0000000042", "instrument_token": INFY, "order_type": "MARKET",
                "transaction_type": "BUY", "disclosed_quantity": 0, "trigger_price": 0,
                "is_amo": false, "slice": false, "market_protection": -1})
        );
        let limit = Order {
            order_type: OrderType::Limit,
            limit_price: Some(Price::parse("1573.15").unwrap()),
            product: Product::Cnc,
            ..order
        };
        let body = placement_body(&limit, INFY, &OrderPolicy::default());
        assert_eq!(body["price"].to_string(), "1573.15");
        assert_eq!(body["product"], "D");
        assert!(body.get("market_protection").is_none());
    }

    #[test]
    fn orders_of_other_apps_and_instruments_are_not_ours() {
        let mut w: WireOrder = serde_json::from_value(json!({
            "order_id": "231019025057849", "status": "open", "instrument_token": INFY,
            "order_type": "LIMIT", "transaction_type": "SELL", "product": "I", "quantity": 5,
            "price": 1580.5, "filled_quantity": 2, "average_price": 1580.5,
            "tag": "SW0000000007", "order_timestamp": "2026-12-08 09:20:01"
        }))
        .unwrap();
        let o = broker_order(&w, &listings()).unwrap();
        assert_eq!(o.status, VenueStatus::PartiallyFilled);
        assert_eq!(o.request.limit_price, Some(Price::parse("1580.5").unwrap()));
        assert_eq!(
            (o.request.product, o.tag()),
            (Product::Mis, ClientOrderId(7))
        );
        w.tag = None;
        assert_eq!(broker_order(&w, &listings()), Err(Skip::NotOurs));
        w.tag = Some("SW0000000007".into());
        w.instrument_token = "NSE_EQ|INE002A01018".into();
        assert!(matches!(
            broker_order(&w, &listings()),
            Err(Skip::Unreadable(_))
        ));
    }

    #[test]
    fn funds_read_cash_as_what_is_available_now() {
        let f: WireFunds = serde_json::from_value(json!({"equity": {
            "used_margin": 0.8, "payin_amount": 200.0, "available_margin": 15507.46}}))
        .unwrap();
        let funds = funds(&f);
        assert_eq!(funds.cash.to_string(), "15507.46");
        assert_eq!(funds.opening_balance.to_string(), "15308.26");
    }
}

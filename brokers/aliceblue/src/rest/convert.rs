//! Between ShareWise's orders and AliceBlue's words: an engine order as the v2 placement body,
//! and AliceBlue's orders, trades, positions, holdings and limits as the common broker types.
//!
//! Instruments are matched by AliceBlue's `instrumentId` (the exchange token from its contract
//! master) through [`Listings`]. An order or trade of an instrument ShareWise does not trade
//! (placed by hand in AliceBlue's app), or whose `orderTag` is not one of ours, is left out.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use sharewise_broker_kit::json::ist_time;
use sharewise_broker_kit::positions::{net_legs, Leg};
use sharewise_broker_kit::OrderPolicy;
use sharewise_brokers::{
    BrokerError, BrokerOrder, BrokerTrade, ErrorKind, Funds, Holding, Modify, VenueStatus,
};
use sharewise_engine::types::{
    ClientOrderId, Fill, Instrument, InstrumentId, Order, OrderType, Position, Price, Product,
    Side, Validity,
};

use super::wire::{WireHolding, WireLimits, WireOrder, WirePosition, WireTrade};

pub use sharewise_broker_kit::OurOrders;

/// The instruments an account trades, found by id or by AliceBlue's token.
#[derive(Clone, Debug, Default)]
pub struct Listings {
    by_id: HashMap<InstrumentId, (Instrument, String)>,
    by_token: HashMap<String, InstrumentId>,
}

impl Listings {
    /// The table of `instruments`, each with its AliceBlue token (the exchange token).
    pub fn new(instruments: impl IntoIterator<Item = (Instrument, u32)>) -> Listings {
        let mut listings = Listings::default();
        for (i, token) in instruments {
            listings.by_token.insert(token.to_string(), i.id);
            listings.by_id.insert(i.id, (i, token.to_string()));
        }
        listings
    }

    /// The instrument `id` and its token.
    pub fn get(&self, id: InstrumentId) -> Option<&(Instrument, String)> {
        self.by_id.get(&id)
    }

    /// The instrument AliceBlue calls `token`.
    pub fn find(&self, token: &str) -> Option<InstrumentId> {
        self.by_token.get(token.trim()).copied()
    }
}

/// AliceBlue's word for an order type (`SLM` without a dash).
pub fn order_type_name(t: OrderType) -> &'static str {
    match t {
        OrderType::Market => "MARKET",
        OrderType::Limit => "LIMIT",
        OrderType::StopLoss => "SL",
        OrderType::StopLossMarket => "SLM",
    }
}

fn order_type_of(name: &str) -> Option<OrderType> {
    Some(match name {
        "MARKET" | "MKT" => OrderType::Market,
        "LIMIT" | "L" => OrderType::Limit,
        "SL" => OrderType::StopLoss,
        "SLM" | "SL-M" => OrderType::StopLossMarket,
        _ => return None,
    })
}

/// AliceBlue's product: `INTRADAY` (MIS), `LONGTERM` (CNC and carry-forward NRML) [U].
fn product_name(p: Product) -> &'static str {
    match p {
        Product::Mis => "INTRADAY",
        Product::Cnc | Product::Nrml => "LONGTERM",
    }
}

fn product_of(name: &str) -> Option<Product> {
    match name {
        "INTRADAY" | "MIS" => Some(Product::Mis),
        "LONGTERM" | "DELIVERY" | "CNC" => Some(Product::Cnc),
        "NRML" => Some(Product::Nrml),
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
        "BUY" | "B" => Some(Side::Buy),
        "SELL" | "S" => Some(Side::Sell),
        _ => None,
    }
}

/// A price as the decimal string AliceBlue's clients send; empty when none.
fn price_text(p: Option<Price>) -> String {
    p.map_or_else(String::new, |p| p.to_decimal().normalize().to_string())
}

fn validity_name(v: Validity) -> &'static str {
    match v {
        Validity::Day => "DAY",
        Validity::Ioc => "IOC",
    }
}

/// The body of `POST /orders/placeorder` for `order` of `token`: a one-order array, our client
/// id as `orderTag`. A MARKET or SLM order carries `marketProtectionPercent` when the policy sets
/// a band (1..=100); with the policy's `-1` ("the broker's default") it is left out and
/// AliceBlue applies its own band, as SEBI has brokers do [U]. `algoId` goes when set [U].
pub fn placement_body(order: &Order, token: &str, policy: &OrderPolicy) -> Value {
    let priced = matches!(order.order_type, OrderType::Limit | OrderType::StopLoss);
    let triggered = matches!(
        order.order_type,
        OrderType::StopLoss | OrderType::StopLossMarket
    );
    let mut one = json!({
        "exchange": "NSE",
        "instrumentId": token,
        "transactionType": side_name(order.side),
        "quantity": order.qty,
        "product": product_name(order.product),
        "orderComplexity": "REGULAR",
        "orderType": order_type_name(order.order_type),
        "validity": validity_name(order.validity),
        "price": price_text(order.limit_price.filter(|_| priced)),
        "slTriggerPrice": price_text(order.trigger_price.filter(|_| triggered)),
        "disclosedQuantity": 0,
        "orderTag": order.client_id.to_string(),
        "source": "API",
    });
    let market = matches!(
        order.order_type,
        OrderType::Market | OrderType::StopLossMarket
    );
    if market && (1..=100).contains(&policy.market_protection) {
        one["marketProtectionPercent"] = Value::from(policy.market_protection.to_string());
    }
    if let Some(algo) = &policy.algo_id {
        one["algoId"] = Value::from(algo.clone());
    }
    Value::Array(vec![one])
}

/// The body of `POST /orders/modify` changing `order` (AliceBlue's `order_id`) by `change` [U:
/// the field set mirrors the placement's].
pub fn modify_body(order_id: &str, order: &Order, change: &Modify) -> Value {
    let order_type = change.order_type.unwrap_or(order.order_type);
    let priced = matches!(order_type, OrderType::Limit | OrderType::StopLoss);
    let triggered = matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket);
    json!({
        "brokerOrderId": order_id,
        "quantity": change.qty.unwrap_or(order.qty),
        "orderType": order_type_name(order_type),
        "validity": validity_name(order.validity),
        "price": price_text(change.limit_price.or(order.limit_price).filter(|_| priced)),
        "slTriggerPrice": price_text(change.trigger_price.or(order.trigger_price).filter(|_| triggered)),
        "disclosedQuantity": 0,
    })
}

/// Why an entry of AliceBlue's books is not turned into a common one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not ShareWise's (another tag, or an instrument this account does not trade).
    NotOurs,
    /// Ours, but a field does not read: the message says which.
    Unreadable(String),
}

/// AliceBlue's order as a [`BrokerOrder`], if it is ours.
pub fn broker_order(w: &WireOrder, listings: &Listings) -> Result<BrokerOrder, Skip> {
    let client_id = w
        .order_tag
        .as_deref()
        .and_then(ClientOrderId::from_tag)
        .ok_or(Skip::NotOurs)?;
    let bad =
        |what: &str| Skip::Unreadable(format!("order {} ({client_id}): {what}", w.broker_order_id));
    let instrument = listings.find(&w.instrument_id).ok_or_else(|| {
        bad(&format!(
            "{} is not an instrument of this account",
            w.instrument_id
        ))
    })?;
    let order_type = order_type_of(&w.order_type)
        .ok_or_else(|| bad(&format!("order type `{}`", w.order_type)))?;
    let side = side_of(&w.transaction_type)
        .ok_or_else(|| bad(&format!("transaction type `{}`", w.transaction_type)))?;
    let product = product_of(&w.product).ok_or_else(|| bad(&format!("product `{}`", w.product)))?;
    let status = VenueStatus::from_broker(&w.order_status, w.filled_quantity, w.quantity)
        .ok_or_else(|| bad(&format!("status `{}`", w.order_status)))?;
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
        w.sl_trigger_price,
        matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket),
    )?;
    let created_ts = w.order_time.as_deref().and_then(ist_time).unwrap_or(0);
    Ok(BrokerOrder {
        order_id: w.broker_order_id.clone(),
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
        avg_price: w.average_traded_price,
        status_message: w.rejection_reason.clone().filter(|m| !m.is_empty()),
        updated_ts: w.updated_ts().unwrap_or(created_ts),
    })
}

/// AliceBlue's trade as a [`BrokerTrade`], if its order is one of `ours`; fees estimated with
/// the policy's schedule (the trade book carries no charges).
pub fn broker_trade(
    w: &WireTrade,
    ours: &OurOrders,
    listings: &Listings,
    policy: &OrderPolicy,
) -> Result<BrokerTrade, Skip> {
    let (client_id, instrument) = *ours.get(&w.broker_order_id).ok_or(Skip::NotOurs)?;
    let bad = |what: &str| {
        Skip::Unreadable(format!(
            "trade {} of order {}: {what}",
            w.fill_id, w.broker_order_id
        ))
    };
    if listings
        .find(&w.instrument_id)
        .is_some_and(|named| named != instrument)
    {
        return Err(bad(&format!(
            "{} is not its order's instrument",
            w.instrument_id
        )));
    }
    let side = side_of(&w.transaction_type).ok_or_else(|| bad("transaction type"))?;
    let product = product_of(&w.product).ok_or_else(|| bad("product"))?;
    let price = Price::from_decimal(w.fill_price).ok_or_else(|| bad("price"))?;
    let ts = w
        .fill_time
        .as_deref()
        .and_then(ist_time)
        .ok_or_else(|| bad("no fill time"))?;
    if w.fill_quantity <= 0 {
        return Err(bad("quantity"));
    }
    let exchange = listings
        .get(instrument)
        .map(|(i, _)| i.exchange)
        .ok_or_else(|| bad("exchange"))?;
    let fees = policy
        .commission
        .charges(side, product, exchange, price, w.fill_quantity)
        .total;
    Ok(BrokerTrade {
        // AliceBlue's fill ids are per order [U]: the order id keeps them unique for the day.
        trade_id: format!("{}/{}", w.broker_order_id, w.fill_id),
        fill: Fill {
            client_id,
            instrument,
            side,
            qty: w.fill_quantity,
            price,
            ts,
            fees,
        },
    })
}

/// AliceBlue's position legs (one per product) netted into one position per instrument,
/// averaged over the legs on the net position's side.
pub fn positions(legs: &[WirePosition], listings: &Listings) -> Vec<Position> {
    let legs: Vec<Leg> = legs
        .iter()
        .filter_map(|w| {
            Some(Leg {
                instrument: listings.find(&w.instrument_id)?,
                qty: w.net_quantity,
                avg_price: w.net_average_price,
                realised: w.realised_pnl,
            })
        })
        .collect();
    net_legs(&legs)
}

/// AliceBlue's holdings of the account's instruments.
pub fn holdings(wire: &[WireHolding], listings: &Listings) -> Vec<Holding> {
    wire.iter()
        .filter_map(|w| {
            Some(Holding {
                instrument: listings.find(&w.instrument_id)?,
                qty: w.quantity + w.t1_quantity,
                t1_qty: w.t1_quantity,
                avg_price: w.average_price,
            })
        })
        .collect()
}

/// AliceBlue's limits in common terms: cash is what can be used now (`tradingLimit`), the
/// opening balance the day's `openingCashLimit` [U: the meaning of both is read from third-party
/// use]; no realised P&L here (positions carry it).
pub fn funds(f: &WireLimits) -> Funds {
    Funds {
        opening_balance: f.opening_cash_limit,
        cash: f.trading_limit,
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

    fn listings() -> Listings {
        Listings::new([(Instrument::nse_equity(0, "INFY"), 1594)])
    }

    fn market_buy() -> Order {
        Order {
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
        }
    }

    #[test]
    fn a_placement_is_a_one_order_array_with_our_tag() {
        let body = placement_body(&market_buy(), "1594", &OrderPolicy::default());
        assert_eq!(
            body,
            json!([{"exchange": "NSE", "instrumentId": "1594", "transactionType": "BUY",
                "quantity": 3, "product": "INTRADAY", "orderComplexity": "REGULAR",
                "orderType": "MARKET", "validity": "DAY", "price": "", "slTriggerPrice": "",
                "disclosedQuantity": 0, "orderTag": "SW0000000042", "source": "API"}])
        );
        let policy = OrderPolicy {
            market_protection: 3,
            algo_id: Some("ALGO1".into()),
            ..OrderPolicy::default()
        };
        let body = placement_body(&market_buy(), "1594", &policy);
        assert_eq!(
            (
                body[0]["marketProtectionPercent"].as_str(),
                body[0]["algoId"].as_str()
            ),
            (Some("3"), Some("ALGO1"))
        );
    }

    #[test]
    fn orders_of_other_apps_are_not_ours() {
        let mut w: WireOrder = serde_json::from_value(json!({
            "brokerOrderId": "1", "orderStatus": "open", "instrumentId": "1594",
            "orderType": "LIMIT", "transactionType": "SELL", "product": "INTRADAY",
            "quantity": "5", "filledQuantity": "2", "price": "1580.5",
            "orderTag": "SW0000000007", "orderTime": "2026-01-05 09:20:01"
        }))
        .unwrap();
        let o = broker_order(&w, &listings()).unwrap();
        assert_eq!(
            (o.status, o.tag()),
            (VenueStatus::PartiallyFilled, ClientOrderId(7))
        );
        w.order_tag = Some(String::new());
        assert_eq!(broker_order(&w, &listings()), Err(Skip::NotOurs));
    }
}

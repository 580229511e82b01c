//! Between ShareWise's orders and Kite's words: an engine order as Kite's placement form, and
//! Kite's orders, trades, positions and margins as the common broker types.
//!
//! Instruments are matched by exchange and trading symbol through [`Listings`]; an order or trade
//! of an instrument ShareWise does not trade (placed by hand in Kite's app) is left out, and an
//! order whose tag is not one of ours likewise: the engine answers only for its own orders.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sharewise_brokers::{
    BrokerError, BrokerOrder, BrokerTrade, Funds, Holding, Modify, VenueStatus,
};
use sharewise_engine::types::{
    ClientOrderId, Exchange, Fill, Instrument, InstrumentId, Order, OrderType, Position, Price,
    Product, Side, Validity,
};

use super::wire::{WireHolding, WireMargins, WireOrder, WirePosition, WireTrade};

/// The instruments an account trades, found by id or by Kite's exchange and symbol.
#[derive(Clone, Debug, Default)]
pub struct Listings {
    by_id: HashMap<InstrumentId, Instrument>,
    by_symbol: HashMap<(Exchange, String), InstrumentId>,
}

impl Listings {
    /// The table of `instruments`.
    pub fn new(instruments: impl IntoIterator<Item = Instrument>) -> Listings {
        let mut listings = Listings::default();
        for i in instruments {
            listings
                .by_symbol
                .insert((i.exchange, i.symbol.clone()), i.id);
            listings.by_id.insert(i.id, i);
        }
        listings
    }

    /// The instrument `id`.
    pub fn get(&self, id: InstrumentId) -> Option<&Instrument> {
        self.by_id.get(&id)
    }

    /// The instrument Kite calls `exchange:tradingsymbol`.
    pub fn find(&self, exchange: &str, tradingsymbol: &str) -> Option<InstrumentId> {
        let exchange = exchange_of(exchange)?;
        self.by_symbol
            .get(&(exchange, tradingsymbol.to_string()))
            .copied()
    }
}

use sharewise_broker_kit::positions::{net_legs, Leg};
pub use sharewise_broker_kit::OrderPolicy;

/// Kite's exchange name.
pub fn exchange_name(exchange: Exchange) -> &'static str {
    match exchange {
        Exchange::Nse => "NSE",
        Exchange::Bse => "BSE",
    }
}

fn exchange_of(name: &str) -> Option<Exchange> {
    match name {
        "NSE" => Some(Exchange::Nse),
        "BSE" => Some(Exchange::Bse),
        _ => None,
    }
}

/// Kite's word for an order type.
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

fn product_name(p: Product) -> &'static str {
    match p {
        Product::Mis => "MIS",
        Product::Cnc => "CNC",
        Product::Nrml => "NRML",
    }
}

fn product_of(name: &str) -> Option<Product> {
    Some(match name {
        "MIS" => Product::Mis,
        "CNC" => Product::Cnc,
        "NRML" => Product::Nrml,
        _ => return None,
    })
}

fn side_of(name: &str) -> Option<Side> {
    match name {
        "BUY" => Some(Side::Buy),
        "SELL" => Some(Side::Sell),
        _ => None,
    }
}

fn price_text(p: Price) -> String {
    p.to_decimal().normalize().to_string()
}

fn needs_protection(t: OrderType) -> bool {
    matches!(t, OrderType::Market | OrderType::StopLossMarket)
}

/// The form of `POST /orders/regular` for `order` of `instrument`.
pub fn placement_form(
    order: &Order,
    instrument: &Instrument,
    policy: &OrderPolicy,
) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("exchange", exchange_name(instrument.exchange).to_string()),
        ("tradingsymbol", instrument.symbol.clone()),
        (
            "transaction_type",
            match order.side {
                Side::Buy => "BUY",
                Side::Sell => "SELL",
            }
            .to_string(),
        ),
        ("order_type", order_type_name(order.order_type).to_string()),
        ("quantity", order.qty.to_string()),
        ("product", product_name(order.product).to_string()),
        (
            "validity",
            match order.validity {
                Validity::Day => "DAY",
                Validity::Ioc => "IOC",
            }
            .to_string(),
        ),
        ("tag", order.client_id.to_string()),
    ];
    if let Some(p) = order.limit_price {
        form.push(("price", price_text(p)));
    }
    if let Some(p) = order.trigger_price {
        form.push(("trigger_price", price_text(p)));
    }
    if needs_protection(order.order_type) {
        form.push(("market_protection", policy.market_protection.to_string()));
    }
    if let Some(algo) = &policy.algo_id {
        form.push(("algo_id", algo.clone()));
    }
    form
}

/// The form of `PUT /orders/regular/{order_id}` changing `order` (as it stands) by `change`.
pub fn modify_form(
    order: &Order,
    change: &Modify,
    policy: &OrderPolicy,
) -> Vec<(&'static str, String)> {
    let order_type = change.order_type.unwrap_or(order.order_type);
    let mut form = vec![
        ("quantity", change.qty.unwrap_or(order.qty).to_string()),
        ("order_type", order_type_name(order_type).to_string()),
    ];
    if let Some(p) = change.limit_price.or(order.limit_price) {
        if matches!(order_type, OrderType::Limit | OrderType::StopLoss) {
            form.push(("price", price_text(p)));
        }
    }
    if let Some(p) = change.trigger_price.or(order.trigger_price) {
        if matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket) {
            form.push(("trigger_price", price_text(p)));
        }
    }
    if needs_protection(order_type) {
        form.push(("market_protection", policy.market_protection.to_string()));
    }
    form
}

/// Why a Kite order could not be read as one of ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not tagged by ShareWise (placed by hand or another app).
    NotOurs,
    /// Tagged by us, but something in it is not understood: a fault worth reporting.
    Unreadable(String),
}

/// A Kite order as a [`BrokerOrder`].
pub fn broker_order(w: &WireOrder, listings: &Listings) -> Result<BrokerOrder, Skip> {
    let client_id = w
        .tag()
        .and_then(ClientOrderId::from_tag)
        .ok_or(Skip::NotOurs)?;
    let bad = |what: &str| Skip::Unreadable(format!("order {} ({client_id}): {what}", w.order_id));
    let instrument = listings
        .find(&w.exchange, &w.tradingsymbol)
        .ok_or_else(|| {
            bad(&format!(
                "{}:{} is not an instrument of this account",
                w.exchange, w.tradingsymbol
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
        .and_then(super::wire::ist_time)
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

/// A Kite trade as a [`BrokerTrade`]; `tags` maps Kite order ids to our client ids (and
/// instruments).
pub fn broker_trade(
    w: &WireTrade,
    tags: &sharewise_broker_kit::OurOrders,
    listings: &Listings,
    policy: &OrderPolicy,
) -> Result<BrokerTrade, Skip> {
    let (client_id, _) = *tags.get(&w.order_id).ok_or(Skip::NotOurs)?;
    let bad = |what: &str| {
        Skip::Unreadable(format!(
            "trade {} of order {}: {what}",
            w.trade_id, w.order_id
        ))
    };
    let instrument = listings
        .find(&w.exchange, &w.tradingsymbol)
        .ok_or_else(|| {
            bad(&format!(
                "{}:{} is not an instrument of this account",
                w.exchange, w.tradingsymbol
            ))
        })?;
    let side = side_of(&w.transaction_type).ok_or_else(|| bad("transaction type"))?;
    let product = product_of(&w.product).ok_or_else(|| bad("product"))?;
    let price = Price::from_decimal(w.average_price).ok_or_else(|| bad("price"))?;
    let ts = w.ts().ok_or_else(|| bad("no fill time"))?;
    if w.quantity <= 0 {
        return Err(bad("quantity"));
    }
    let exchange = exchange_of(&w.exchange).ok_or_else(|| bad("exchange"))?;
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

/// Kite's net positions as one [`Position`] per instrument of the account (products summed).
pub fn positions(net: &[WirePosition], listings: &Listings) -> Vec<Position> {
    let legs: Vec<Leg> = net
        .iter()
        .filter_map(|w| {
            Some(Leg {
                instrument: listings.find(&w.exchange, &w.tradingsymbol)?,
                qty: w.quantity,
                avg_price: w.average_price,
                realised: w.realised,
            })
        })
        .collect();
    net_legs(&legs)
}

/// Kite's holdings of the account's instruments as [`Holding`]s (others are left out).
pub fn holdings(wire: &[WireHolding], listings: &Listings) -> Vec<Holding> {
    wire.iter()
        .filter_map(|w| {
            Some(Holding {
                instrument: listings.find(&w.exchange, &w.tradingsymbol)?,
                qty: w.quantity + w.t1_quantity,
                t1_qty: w.t1_quantity,
                avg_price: w.average_price,
            })
        })
        .collect()
}

/// Kite's equity margins as [`Funds`].
pub fn funds(m: &WireMargins) -> Funds {
    Funds {
        opening_balance: m.equity.available.opening_balance,
        cash: m.equity.net,
        realized_pnl: m
            .equity
            .utilised
            .as_ref()
            .map_or(Decimal::ZERO, |u| u.m2m_realised),
    }
}

/// A skipped order or trade that should have been readable, as an error.
pub fn unreadable(message: String) -> BrokerError {
    BrokerError::new(sharewise_brokers::ErrorKind::Unknown, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(product: &str, quantity: i64, average: &str) -> WirePosition {
        WirePosition {
            exchange: "NSE".into(),
            tradingsymbol: "INFY".into(),
            product: product.into(),
            quantity,
            average_price: average.parse().unwrap(),
            realised: Decimal::ZERO,
        }
    }

    #[test]
    fn products_net_into_one_position_averaged_on_its_own_side() {
        let listings = Listings::new([Instrument::nse_equity(0, "INFY")]);
        let p = positions(&[leg("MIS", 10, "100"), leg("CNC", -5, "110")], &listings);
        assert_eq!((p[0].qty, p[0].avg_price), (5, Decimal::from(100)));
        let p = positions(&[leg("MIS", 10, "100"), leg("CNC", 30, "104")], &listings);
        assert_eq!((p[0].qty, p[0].avg_price), (40, Decimal::from(103)));
        let p = positions(&[leg("MIS", 10, "100"), leg("CNC", -10, "104")], &listings);
        assert_eq!((p[0].qty, p[0].avg_price), (0, Decimal::ZERO));
    }

    #[test]
    fn tags_round_trip_and_others_are_not_ours() {
        let id = ClientOrderId(42);
        assert_eq!(ClientOrderId::from_tag(&id.to_string()), Some(id));
        for other in [
            "",
            "SW",
            "SW123",
            "sw0000000042",
            "SW00000000x2",
            "manual-order",
        ] {
            assert_eq!(ClientOrderId::from_tag(other), None, "{other}");
        }
    }
}

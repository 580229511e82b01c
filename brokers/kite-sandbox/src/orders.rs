//! Orders as Kite takes and shows them, kept by the paper matching engine.
//!
//! `POST /orders/regular` takes Kite's form fields, checks them as Kite does (each refusal a 400
//! `InputException` naming the field) and places the order on the paper venue, which fills it on
//! the price path. `GET /orders`, `GET /orders/{order_id}`, `DELETE /orders/regular/{order_id}`
//! and `GET /trades` show and change them in Kite's shapes (`orders.json`, `trades.json`): statuses
//! in Kite's words (`OPEN`, `TRIGGER PENDING`, `COMPLETE`, `CANCELLED`, `REJECTED`), times in IST
//! on the sandbox's simulated clock. A refusal by the venue (no cash, say) is a 400
//! `OrderException`.

use std::collections::HashMap;

use serde_json::{json, Value};
use sharewise_brokers::{BrokerOrder, BrokerTrade, Modify, VenueStatus};
use sharewise_engine::time::{format_ist, TimestampNs};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Price, Product, Side, Validity,
};

use crate::envelope::{ErrorType, KiteError};
use crate::market::Listed;

/// Kite's longest `tag`.
const MAX_TAG: usize = 20;

/// What the sandbox remembers of an order beyond the paper venue's book.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    /// The client's `tag`, if it sent one.
    pub(crate) tag: Option<String>,
    /// `market_protection` as sent.
    pub(crate) market_protection: f64,
}

fn bad(message: impl Into<String>) -> KiteError {
    KiteError::new(ErrorType::Input, message)
}

/// Reads a placement's form into an engine order for the venue.
pub(crate) fn parse_placement(
    variety: &str,
    form: &HashMap<String, String>,
    listing: &[Listed],
    client_id: ClientOrderId,
    now: TimestampNs,
) -> Result<(Order, Placed), KiteError> {
    if variety != "regular" {
        return Err(bad(format!(
            "The sandbox places `regular` orders only, not `{variety}`."
        )));
    }
    let field = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let need = |name: &str| field(name).ok_or_else(|| bad(format!("Missing `{name}`.")));
    if need("exchange")? != "NSE" {
        return Err(bad(
            "Invalid `exchange`: the sandbox lists NSE shares only.",
        ));
    }
    let symbol = need("tradingsymbol")?;
    let k = listing
        .iter()
        .position(|l| l.symbol == symbol)
        .ok_or_else(|| bad(format!("Invalid `tradingsymbol`: {symbol} is not listed.")))?;
    let side = match need("transaction_type")? {
        "BUY" => Side::Buy,
        "SELL" => Side::Sell,
        other => return Err(bad(format!("Invalid `transaction_type`: {other}."))),
    };
    let order_type = order_type_of(need("order_type")?)?;
    let qty: i64 = need("quantity")?
        .parse()
        .ok()
        .filter(|q| *q > 0)
        .ok_or_else(|| bad("Invalid `quantity`: a whole number above zero."))?;
    let product = match need("product")? {
        "CNC" => Product::Cnc,
        "MIS" => Product::Mis,
        "NRML" => Product::Nrml,
        other => return Err(bad(format!("Invalid `product`: {other}."))),
    };
    let validity = match field("validity").unwrap_or("DAY") {
        "DAY" => Validity::Day,
        "IOC" => Validity::Ioc,
        other => return Err(bad(format!("Invalid `validity`: {other}."))),
    };
    let limit_price = price_of(form, "price")?;
    let trigger_price = price_of(form, "trigger_price")?;
    if matches!(order_type, OrderType::Limit | OrderType::StopLoss) && limit_price.is_none() {
        return Err(bad("Missing `price` for a LIMIT or SL order."));
    }
    if matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket)
        && trigger_price.is_none()
    {
        return Err(bad("Missing `trigger_price` for an SL or SL-M order."));
    }
    let tag = field("tag").map(str::to_string);
    if tag.as_ref().is_some_and(|t| t.chars().count() > MAX_TAG) {
        return Err(bad(format!("Invalid `tag`: at most {MAX_TAG} characters.")));
    }
    let market_protection = match field("market_protection") {
        None => 0.0,
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|m| *m == -1.0 || (0.0..=100.0).contains(m))
            .ok_or_else(|| bad("Invalid `market_protection`: 0, 1 to 100, or -1."))?,
    };
    // Since April 2026 the exchanges refuse algo market orders without a protection band.
    if matches!(order_type, OrderType::Market | OrderType::StopLossMarket)
        && market_protection == 0.0
    {
        return Err(bad(
            "Market and SL-M orders need `market_protection` (1 to 100, or -1 for automatic).",
        ));
    }
    let order = Order {
        client_id,
        instrument: InstrumentId(k as u32),
        side,
        qty,
        order_type,
        limit_price,
        trigger_price,
        product,
        validity,
        created_ts: now,
    };
    Ok((
        order,
        Placed {
            tag,
            market_protection,
        },
    ))
}

fn order_type_of(text: &str) -> Result<OrderType, KiteError> {
    match text {
        "MARKET" => Ok(OrderType::Market),
        "LIMIT" => Ok(OrderType::Limit),
        "SL" => Ok(OrderType::StopLoss),
        "SL-M" => Ok(OrderType::StopLossMarket),
        other => Err(bad(format!("Invalid `order_type`: {other}."))),
    }
}

/// A price field: absent or zero is `None` (Kite sends 0 for "no price").
fn price_of(form: &HashMap<String, String>, name: &str) -> Result<Option<Price>, KiteError> {
    match form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => Price::parse(text)
            .ok()
            .filter(|p| p.0 >= 0)
            .map(|p| (p.0 > 0).then_some(p))
            .ok_or_else(|| bad(format!("Invalid `{name}`: {text}."))),
    }
}

/// Reads a modification's form (`PUT /orders/regular/{order_id}`): any of `quantity`, `price`,
/// `order_type`, `trigger_price`.
pub(crate) fn parse_modify(form: &HashMap<String, String>) -> Result<Modify, KiteError> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let qty = match field("quantity") {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .ok()
                .filter(|q| *q > 0)
                .ok_or_else(|| bad("Invalid `quantity`: a whole number above zero."))?,
        ),
    };
    Ok(Modify {
        qty,
        order_type: field("order_type").map(order_type_of).transpose()?,
        limit_price: price_of(form, "price")?,
        trigger_price: price_of(form, "trigger_price")?,
    })
}

/// A time as Kite writes it: `2026-12-07 09:15:02` (IST).
pub(crate) fn kite_time(ts: TimestampNs) -> String {
    format_ist(ts)
        .get(..19)
        .unwrap_or_default()
        .replacen('T', " ", 1)
}

/// Kite's word for an order's state.
fn kite_status(o: &BrokerOrder) -> &'static str {
    match o.status {
        VenueStatus::Pending => "OPEN PENDING",
        VenueStatus::Open | VenueStatus::PartiallyFilled
            if matches!(
                o.request.order_type,
                OrderType::StopLoss | OrderType::StopLossMarket
            ) && o.filled_qty == 0 =>
        {
            "TRIGGER PENDING"
        }
        VenueStatus::Open | VenueStatus::PartiallyFilled => "OPEN",
        VenueStatus::Filled => "COMPLETE",
        VenueStatus::Cancelled => "CANCELLED",
        VenueStatus::Rejected => "REJECTED",
    }
}

fn order_type_name(t: OrderType) -> &'static str {
    match t {
        OrderType::Market => "MARKET",
        OrderType::Limit => "LIMIT",
        OrderType::StopLoss => "SL",
        OrderType::StopLossMarket => "SL-M",
    }
}

pub(crate) fn product_name(p: Product) -> &'static str {
    match p {
        Product::Cnc => "CNC",
        Product::Mis => "MIS",
        Product::Nrml => "NRML",
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

/// The exchange's id for an order the sandbox accepted.
fn exchange_order_id(order_id: &str) -> String {
    format!("1{order_id}")
}

fn rupees(p: Option<Price>) -> f64 {
    p.map_or(0.0, Price::to_f64)
}

/// An order in Kite's shape.
pub(crate) fn order_json(
    o: &BrokerOrder,
    placed: Option<&Placed>,
    listed: &Listed,
    user_id: &str,
) -> Value {
    let r = &o.request;
    let tag = placed.and_then(|p| p.tag.clone());
    let cancelled = if o.status == VenueStatus::Cancelled {
        r.qty - o.filled_qty
    } else {
        0
    };
    let accepted = o.status != VenueStatus::Rejected;
    json!({
        "account_id": user_id,
        "placed_by": user_id,
        "order_id": o.order_id,
        "exchange_order_id": accepted.then(|| exchange_order_id(&o.order_id)),
        "parent_order_id": null,
        "status": kite_status(o),
        "status_message": o.status_message,
        "status_message_raw": o.status_message,
        "order_timestamp": kite_time(r.created_ts),
        "exchange_update_timestamp": kite_time(o.updated_ts),
        "exchange_timestamp": accepted.then(|| kite_time(r.created_ts)),
        "variety": "regular",
        "modified": false,
        "meta": {},
        "exchange": "NSE",
        "tradingsymbol": listed.symbol,
        "instrument_token": listed.token,
        "order_type": order_type_name(r.order_type),
        "transaction_type": side_name(r.side),
        "validity": if r.validity == Validity::Ioc { "IOC" } else { "DAY" },
        "validity_ttl": null,
        "product": product_name(r.product),
        "quantity": r.qty,
        "disclosed_quantity": 0,
        "price": rupees(r.limit_price),
        "trigger_price": rupees(r.trigger_price),
        "average_price": o.avg_price.to_string().parse::<f64>().unwrap_or(0.0),
        "filled_quantity": o.filled_qty,
        "pending_quantity": o.pending_qty(),
        "cancelled_quantity": cancelled,
        "auction_number": null,
        "market_protection": placed.map_or(0.0, |p| p.market_protection),
        "tag": tag,
        "tags": tag.iter().collect::<Vec<_>>(),
        "guid": null,
    })
}

/// A trade in Kite's shape; `order` is the order it filled.
pub(crate) fn trade_json(t: &BrokerTrade, order: &BrokerOrder, listed: &Listed) -> Value {
    let f = &t.fill;
    json!({
        "trade_id": t.trade_id,
        "order_id": order.order_id,
        "exchange_order_id": exchange_order_id(&order.order_id),
        "exchange": "NSE",
        "tradingsymbol": listed.symbol,
        "instrument_token": listed.token,
        "product": product_name(order.request.product),
        "average_price": f.price.to_f64(),
        "quantity": f.qty,
        "fill_timestamp": kite_time(f.ts),
        "exchange_timestamp": kite_time(f.ts),
        "transaction_type": side_name(f.side),
    })
}

/// An order update as Kite pushes it (postback and ticker text frames): the order's fields plus
/// `user_id`, `app_id`, `unfilled_quantity` and the checksum
/// `sha256_hex(order_id + order_timestamp + api_secret)`.
pub(crate) fn update_json(order: Value, user_id: &str, api_secret: &str) -> Value {
    let mut update = order;
    let id = update["order_id"].as_str().unwrap_or_default().to_string();
    let stamp = update["order_timestamp"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let unfilled = update["pending_quantity"].clone();
    if let Some(fields) = update.as_object_mut() {
        fields.insert("user_id".into(), json!(user_id));
        fields.insert("app_id".into(), json!(0));
        fields.insert("unfilled_quantity".into(), unfilled);
        fields.insert(
            "checksum".into(),
            json!(crate::session::sha256_hex(&format!(
                "{id}{stamp}{api_secret}"
            ))),
        );
    }
    update
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn an_update_carries_the_postback_checksum_of_its_id_and_time() {
        let order = json!({
            "order_id": "220303000308932",
            "order_timestamp": "2022-03-03 09:24:25",
            "pending_quantity": 0,
        });
        let update = update_json(order, "SW0001", "s3cret");
        let want: String = Sha256::digest(b"2203030003089322022-03-03 09:24:25s3cret")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(update["checksum"], want.as_str());
        assert_eq!(update["user_id"], "SW0001");
        assert_eq!(update["unfilled_quantity"], 0);
    }
}

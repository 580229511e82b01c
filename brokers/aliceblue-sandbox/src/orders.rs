//! Orders as AliceBlue's v2 API takes and shows them, kept by the venue's paper matching engine.
//!
//! A placement is a JSON array of orders, each with `exchange`, `instrumentId` (the exchange
//! token), `transactionType`, `quantity`, `product` (`INTRADAY`, `LONGTERM`), `orderComplexity`
//! (`REGULAR`), `orderType` (`LIMIT`, `MARKET`, `SL`, `SLM`), `validity` (`DAY`, `IOC`), `price`,
//! `slTriggerPrice`, `disclosedQuantity`, optional `marketProtectionPercent`, `algoId`, `orderTag`
//! and `source` (brokers.md §3 and third-party clients [U]). Numbers are taken as JSON numbers or
//! strings (clients send both). Orders are shown with `brokerOrderId`, `orderStatus` in the OMS's
//! lower-case words, `filledQuantity`, `averageTradedPrice`, `rejectionReason`, `orderTag` and
//! times `YYYY-MM-DD HH:MM:SS` IST [U: field names beyond those seen in clients, the time format];
//! trades with `fillId`, `fillQuantity`, `fillPrice`, `fillTime` [U: invented names].

use serde_json::{json, Value};
use sharewise_brokers::{BrokerOrder, BrokerTrade, Modify, VenueStatus};
use sharewise_engine::time::{civil_from_days, format_ist, TimestampNs};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Price, Product, Side, Validity,
};
use sharewise_sandbox_venue::market::Listed;

use crate::envelope::AliceError;

/// What the sandbox keeps of an order beyond the paper venue's book.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    /// AliceBlue's order id.
    pub(crate) order_id: String,
    /// The client's `orderTag`.
    pub(crate) tag: Option<String>,
    /// AliceBlue's product word.
    pub(crate) product: &'static str,
    /// `disclosedQuantity` as sent.
    pub(crate) disclosed: i64,
    /// The exchange's id for it.
    pub(crate) exchange_order_id: String,
    /// Each state it has been in, oldest first (`POST /orders/history`).
    pub(crate) history: Vec<Value>,
}

/// A checked placement: the order (without its venue key) and what to keep of it.
#[derive(Clone, Debug)]
pub(crate) struct Placement {
    pub(crate) order: Order,
    pub(crate) tag: Option<String>,
    pub(crate) product: &'static str,
    pub(crate) disclosed: i64,
}

fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, AliceError> {
    body.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| AliceError::invalid(name, "is required"))
}

/// A JSON number or a numeric string.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => Some(0.0),
        Value::String(s) => s.trim().parse().ok(),
        Value::Null => Some(0.0),
        _ => None,
    }
}

fn whole(body: &Value, name: &str, min: i64) -> Result<i64, AliceError> {
    let v = body.get(name).unwrap_or(&Value::Null);
    number(v)
        .filter(|n| n.fract() == 0.0 && *n >= min as f64)
        .map(|n| n as i64)
        .ok_or_else(|| AliceError::invalid(name, &format!("must be a whole number ≥ {min}")))
}

/// A price in rupees; zero or absent is "no price".
fn price(body: &Value, name: &str) -> Result<Option<Price>, AliceError> {
    let v = body.get(name).unwrap_or(&Value::Null);
    let bad = || AliceError::invalid(name, "must be a price in rupees ≥ 0");
    let rupees = number(v).filter(|p| *p >= 0.0).ok_or_else(bad)?;
    if rupees == 0.0 {
        return Ok(None);
    }
    let digits = match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    Price::parse(&digits).map(Some).map_err(|_| bad())
}

fn order_type_of(word: &str) -> Result<OrderType, AliceError> {
    Ok(match word {
        "MARKET" => OrderType::Market,
        "LIMIT" => OrderType::Limit,
        "SL" => OrderType::StopLoss,
        "SLM" | "SL-M" => OrderType::StopLossMarket,
        _ => {
            return Err(AliceError::invalid(
                "orderType",
                "must be LIMIT, MARKET, SL or SLM",
            ))
        }
    })
}

/// The listed instrument an `instrumentId` names.
pub(crate) fn listed_index(listing: &[Listed], id: &Value) -> Option<usize> {
    let token = number(id).filter(|n| *n > 0.0)? as u32;
    listing.iter().position(|l| l.exchange_token == token)
}

/// Checks one order of a placement at `now`.
pub(crate) fn parse_placement(
    body: &Value,
    listing: &[Listed],
    now: TimestampNs,
) -> Result<Placement, AliceError> {
    if text(body, "exchange")? != "NSE" {
        return Err(AliceError::invalid(
            "exchange",
            "the sandbox lists NSE only",
        ));
    }
    let k = listed_index(listing, body.get("instrumentId").unwrap_or(&Value::Null))
        .ok_or_else(|| AliceError::invalid("instrumentId", "no such NSE instrument"))?;
    let side = match text(body, "transactionType")? {
        "BUY" => Side::Buy,
        "SELL" => Side::Sell,
        _ => {
            return Err(AliceError::invalid(
                "transactionType",
                "must be BUY or SELL",
            ))
        }
    };
    let qty = whole(body, "quantity", 1)?;
    let (engine_product, product) = match text(body, "product")? {
        "INTRADAY" => (Product::Mis, "INTRADAY"),
        "LONGTERM" | "DELIVERY" => (Product::Cnc, "LONGTERM"),
        _ => {
            return Err(AliceError::invalid(
                "product",
                "must be INTRADAY or LONGTERM",
            ))
        }
    };
    if body.get("orderComplexity").and_then(Value::as_str) != Some("REGULAR") {
        let why = "must be REGULAR (the sandbox takes no AMO, BO or CO)";
        return Err(AliceError::invalid("orderComplexity", why));
    }
    let order_type = order_type_of(text(body, "orderType")?)?;
    let validity = match text(body, "validity")? {
        "DAY" => Validity::Day,
        "IOC" => Validity::Ioc,
        _ => return Err(AliceError::invalid("validity", "must be DAY or IOC")),
    };
    let limit_price = price(body, "price")?;
    let trigger_price = price(body, "slTriggerPrice")?;
    check_prices(order_type, limit_price, trigger_price)?;
    let disclosed = whole(body, "disclosedQuantity", 0)?;
    let tag = tag_of(body)?;
    let order = Order {
        client_id: ClientOrderId(0),
        instrument: InstrumentId(k as u32),
        side,
        qty,
        order_type,
        limit_price,
        trigger_price,
        product: engine_product,
        validity,
        created_ts: now,
    };
    Ok(Placement {
        order,
        tag,
        product,
        disclosed,
    })
}

/// The `orderTag`, after checking `marketProtectionPercent` (0 to 100 when sent).
fn tag_of(body: &Value) -> Result<Option<String>, AliceError> {
    if let Some(mpp) = body.get("marketProtectionPercent").filter(|v| !v.is_null()) {
        if number(mpp).is_none_or(|p| !(0.0..=100.0).contains(&p)) {
            let why = "must be 0 to 100";
            return Err(AliceError::invalid("marketProtectionPercent", why));
        }
    }
    match body.get("orderTag") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) if t.is_empty() => Ok(None),
        Some(Value::String(t)) => Ok(Some(t.clone())),
        Some(_) => Err(AliceError::invalid("orderTag", "must be a string")),
    }
}

fn check_prices(
    t: OrderType,
    limit: Option<Price>,
    trigger: Option<Price>,
) -> Result<(), AliceError> {
    if matches!(t, OrderType::Limit | OrderType::StopLoss) && limit.is_none() {
        return Err(AliceError::invalid(
            "price",
            "must be above zero for LIMIT and SL",
        ));
    }
    if matches!(t, OrderType::StopLoss | OrderType::StopLossMarket) && trigger.is_none() {
        return Err(AliceError::invalid(
            "slTriggerPrice",
            "must be above zero for SL and SLM",
        ));
    }
    Ok(())
}

/// Reads a modification: `brokerOrderId` and the order's new `quantity`, `orderType`, `price`,
/// `slTriggerPrice`.
pub(crate) fn parse_modify(body: &Value) -> Result<(String, Modify), AliceError> {
    let order_id = text(body, "brokerOrderId")?.to_string();
    let present = |name: &str| body.get(name).is_some_and(|v| !v.is_null());
    let qty = if present("quantity") {
        Some(whole(body, "quantity", 1)?)
    } else {
        None
    };
    let order_type = match body.get("orderType").and_then(Value::as_str) {
        Some(word) => Some(order_type_of(word)?),
        None => None,
    };
    let opt_price = |name: &str| {
        if present(name) {
            price(body, name)
        } else {
            Ok(None)
        }
    };
    Ok((
        order_id,
        Modify {
            qty,
            order_type,
            limit_price: opt_price("price")?,
            trigger_price: opt_price("slTriggerPrice")?,
        },
    ))
}

/// The `n`th order id of IST day `day`: `YYMMDD` and eight digits [U: AliceBlue's format].
pub(crate) fn order_id(day: i64, n: u64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{:02}{m:02}{d:02}{:08}", y.rem_euclid(100), n % 100_000_000)
}

/// A time as the sandbox writes it: `2026-01-05 09:23:23` (IST) [U].
pub(crate) fn alice_time(ts: TimestampNs) -> String {
    format_ist(ts)
        .get(..19)
        .unwrap_or_default()
        .replacen('T', " ", 1)
}

/// The OMS's word for an order's state.
pub(crate) fn status_word(o: &BrokerOrder) -> &'static str {
    let stop = matches!(
        o.request.order_type,
        OrderType::StopLoss | OrderType::StopLossMarket
    );
    match o.status {
        VenueStatus::Pending => "open pending",
        VenueStatus::Open | VenueStatus::PartiallyFilled if stop && o.filled_qty == 0 => {
            "trigger pending"
        }
        VenueStatus::Open | VenueStatus::PartiallyFilled => "open",
        VenueStatus::Filled => "complete",
        VenueStatus::Cancelled => "cancelled",
        VenueStatus::Rejected => "rejected",
    }
}

fn order_type_name(t: OrderType) -> &'static str {
    match t {
        OrderType::Market => "MARKET",
        OrderType::Limit => "LIMIT",
        OrderType::StopLoss => "SL",
        OrderType::StopLossMarket => "SLM",
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

fn rupees(p: Option<Price>) -> String {
    p.map_or_else(|| "0".into(), |p| p.to_decimal().normalize().to_string())
}

/// An order as the order book shows it, in state `status` (its own when `None`).
pub(crate) fn order_json(o: &BrokerOrder, p: &Placed, l: &Listed, status: Option<&str>) -> Value {
    let r = &o.request;
    json!({
        "brokerOrderId": p.order_id,
        "exchangeOrderId": (o.status != VenueStatus::Rejected).then(|| p.exchange_order_id.clone()),
        "exchange": "NSE",
        "instrumentId": l.exchange_token.to_string(),
        "tradingSymbol": format!("{}-EQ", l.symbol),
        "formattedInstrumentName": l.symbol,
        "transactionType": side_name(r.side),
        "orderType": order_type_name(r.order_type),
        "product": p.product,
        "orderComplexity": "REGULAR",
        "validity": if r.validity == Validity::Ioc { "IOC" } else { "DAY" },
        "quantity": r.qty.to_string(),
        "filledQuantity": o.filled_qty.to_string(),
        "pendingQuantity": o.pending_qty().to_string(),
        "disclosedQuantity": p.disclosed.to_string(),
        "price": rupees(r.limit_price),
        "slTriggerPrice": rupees(r.trigger_price),
        "averageTradedPrice": o.avg_price.normalize().to_string(),
        "orderStatus": status.unwrap_or_else(|| status_word(o)),
        "rejectionReason": o.status_message.clone().unwrap_or_default(),
        "orderTag": p.tag.clone().unwrap_or_default(),
        "orderTime": alice_time(r.created_ts),
        "exchangeUpdateTime": alice_time(o.updated_ts),
    })
}

/// A trade as the trade book shows it; `n` is its place in the day's trades.
pub(crate) fn trade_json(
    t: &BrokerTrade,
    n: usize,
    o: &BrokerOrder,
    p: &Placed,
    l: &Listed,
) -> Value {
    json!({
        "brokerOrderId": p.order_id,
        "exchangeOrderId": p.exchange_order_id,
        "fillId": format!("{:08}", n + 1),
        "exchange": "NSE",
        "instrumentId": l.exchange_token.to_string(),
        "tradingSymbol": format!("{}-EQ", l.symbol),
        "transactionType": side_name(t.fill.side),
        "orderType": order_type_name(o.request.order_type),
        "product": p.product,
        "fillQuantity": t.fill.qty.to_string(),
        "fillPrice": t.fill.price.to_decimal().normalize().to_string(),
        "fillTime": alice_time(t.fill.ts),
        "orderTag": p.tag.clone().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::days_from_civil;

    #[test]
    fn a_placement_reads_numbers_or_strings_and_refuses_naming_the_field() {
        let listing = sharewise_sandbox_venue::market::default_listing();
        let body = json!({"exchange": "NSE", "instrumentId": "1594", "transactionType": "BUY",
            "quantity": "3", "product": "INTRADAY", "orderComplexity": "REGULAR",
            "orderType": "LIMIT", "validity": "DAY", "price": "1573.15", "slTriggerPrice": "",
            "disclosedQuantity": 0, "orderTag": "SW0000000001", "source": "API"});
        let p = parse_placement(&body, &listing, 0).unwrap();
        assert_eq!((p.order.qty, p.order.instrument), (3, InstrumentId(3)));
        assert_eq!(p.order.limit_price, Some(Price::parse("1573.15").unwrap()));
        let mut bad = body.clone();
        bad["orderType"] = json!("STOP");
        assert!(parse_placement(&bad, &listing, 0)
            .unwrap_err()
            .message
            .contains("orderType"));
        assert_eq!(order_id(days_from_civil(2026, 1, 5), 7), "26010500000007");
    }
}

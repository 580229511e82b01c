//! Orders as Upstox takes and shows them, kept by the venue's paper matching engine.
//!
//! `POST /v2|v3/order/place` takes Upstox's JSON fields (brokers.md §2), each refusal a 400
//! naming the field (`UDAPI100036` left out, `UDAPI100038` a value Upstox does not take,
//! `UDAPI100011` an unknown instrument key) in `property_path`. Order ids are Upstox's: 15 digits,
//! the IST day's `YYMMDD` then a sequence. Orders are shown in `order_book.json`'s shape with
//! Upstox's lower-case status words (`put order req received`, `open`, `trigger pending`,
//! `complete`, `cancelled`, `rejected`), times `YYYY-MM-DD HH:MM:SS` IST on the simulated clock.
//! Trades carry the get-trades-for-day shape with times as Upstox's page shows them,
//! `DD-Mon-YYYY HH:MM:SS` [U].

use axum::http::StatusCode;
use serde_json::{json, Value};
use sharewise_brokers::{BrokerOrder, BrokerTrade, Modify, VenueStatus};
use sharewise_engine::time::{civil_from_days, format_ist, ist_day, TimestampNs};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Price, Product, Side, Validity,
};
use sharewise_sandbox_venue::market::Listed;

use crate::envelope::UpstoxError;

/// The sandbox's freeze quantity for shares: the most one order may carry, and the size of each
/// child when v3's `slice` splits a bigger one [U: NSE sets no freeze quantity for cash shares].
pub const FREEZE_QTY: i64 = 100_000;

/// v3's most children per sliced order.
const MAX_SLICES: i64 = 25;

/// What the sandbox keeps of an order beyond the paper venue's book.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    /// Upstox's order id.
    pub(crate) order_id: String,
    /// The client's `tag`.
    pub(crate) tag: Option<String>,
    /// Upstox's product letter: `I`, `D` or `MTF`.
    pub(crate) product: &'static str,
    /// `disclosed_quantity` as sent.
    pub(crate) disclosed: i64,
    /// The exchange's id for it.
    pub(crate) exchange_order_id: String,
    /// Upstox's reference for it.
    pub(crate) order_ref_id: String,
    /// Requests made on it so far (placement, then each modification).
    pub(crate) requests: u32,
    /// Each state it has been in, oldest first, as `GET /v2/order/history` gives them.
    pub(crate) history: Vec<Value>,
}

/// A checked placement: the orders to book (one, or v3's slices) and what to keep of them.
#[derive(Clone, Debug)]
pub(crate) struct Placement {
    /// The order as asked, without its venue key (`client_id` is set per slice).
    pub(crate) order: Order,
    /// The quantities to book: the whole order, or its slices.
    pub(crate) slices: Vec<i64>,
    /// `tag`.
    pub(crate) tag: Option<String>,
    /// The product letter.
    pub(crate) product: &'static str,
    /// `disclosed_quantity`.
    pub(crate) disclosed: i64,
}

fn field<'a>(body: &'a Value, name: &str) -> Result<&'a Value, UpstoxError> {
    body.get(name)
        .filter(|v| !v.is_null())
        .ok_or_else(|| UpstoxError::missing(name))
}

fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, UpstoxError> {
    let v = field(body, name)?;
    v.as_str()
        .ok_or_else(|| UpstoxError::invalid(name, v, "must be a string"))
}

fn whole(body: &Value, name: &str, min: i64) -> Result<i64, UpstoxError> {
    let v = field(body, name)?;
    v.as_i64()
        .filter(|n| *n >= min)
        .ok_or_else(|| UpstoxError::invalid(name, v, &format!("must be a whole number ≥ {min}")))
}

/// A price field in rupees; zero is "no price".
fn price(body: &Value, name: &str) -> Result<Option<Price>, UpstoxError> {
    let v = field(body, name)?;
    let bad = || UpstoxError::invalid(name, v, "must be a price in rupees ≥ 0");
    let rupees = v.as_f64().filter(|p| *p >= 0.0).ok_or_else(bad)?;
    let p = Price::parse(&v.to_string()).map_err(|_| bad())?;
    Ok((rupees > 0.0).then_some(p))
}

fn order_type_of(body: &Value) -> Result<OrderType, UpstoxError> {
    match text(body, "order_type")? {
        "MARKET" => Ok(OrderType::Market),
        "LIMIT" => Ok(OrderType::Limit),
        "SL" => Ok(OrderType::StopLoss),
        "SL-M" => Ok(OrderType::StopLossMarket),
        _ => Err(UpstoxError::invalid(
            "order_type",
            &body["order_type"],
            "must be MARKET, LIMIT, SL or SL-M",
        )),
    }
}

fn validity_of(body: &Value) -> Result<Validity, UpstoxError> {
    match text(body, "validity")? {
        "DAY" => Ok(Validity::Day),
        "IOC" => Ok(Validity::Ioc),
        _ => Err(UpstoxError::invalid(
            "validity",
            &body["validity"],
            "must be DAY or IOC",
        )),
    }
}

/// The listed instrument an instrument key (`NSE_EQ|<ISIN>`) names.
pub(crate) fn listed_index(listing: &[Listed], key: &str) -> Option<usize> {
    let isin = key.strip_prefix("NSE_EQ|")?;
    listing.iter().position(|l| l.isin == isin)
}

/// An instrument's key, `NSE_EQ|<ISIN>`.
pub(crate) fn instrument_key(listed: &Listed) -> String {
    format!("NSE_EQ|{}", listed.isin)
}

/// Checks a placement's JSON body; `v3` allows `slice` and asks MARKET and SL-M orders for
/// `market_protection`.
pub(crate) fn parse_placement(
    body: &Value,
    listing: &[Listed],
    v3: bool,
    now: TimestampNs,
) -> Result<Placement, UpstoxError> {
    if !body.is_object() {
        return Err(UpstoxError::invalid("body", body, "must be a JSON object"));
    }
    let qty = whole(body, "quantity", 1)?;
    let (engine_product, product) = match text(body, "product")? {
        "I" => (Product::Mis, "I"),
        "D" => (Product::Cnc, "D"),
        "MTF" => (Product::Cnc, "MTF"),
        _ => {
            let why = "must be I, D or MTF (the sandbox takes no CO)";
            return Err(UpstoxError::invalid("product", &body["product"], why));
        }
    };
    let validity = validity_of(body)?;
    let limit_price = price(body, "price")?;
    let tag = match body.get("tag") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(other) => return Err(UpstoxError::invalid("tag", other, "must be a string")),
    };
    let key = text(body, "instrument_token")?;
    let k = listed_index(listing, key).ok_or_else(|| {
        UpstoxError::new(
            StatusCode::BAD_REQUEST,
            "UDAPI100011",
            "Invalid Instrument key",
        )
        .at("instrument_token", Some(key.into()))
    })?;
    let order_type = order_type_of(body)?;
    let side = match text(body, "transaction_type")? {
        "BUY" => Side::Buy,
        "SELL" => Side::Sell,
        _ => {
            let v = &body["transaction_type"];
            return Err(UpstoxError::invalid(
                "transaction_type",
                v,
                "must be BUY or SELL",
            ));
        }
    };
    let disclosed = whole(body, "disclosed_quantity", 0)?;
    if disclosed > qty {
        let v = &body["disclosed_quantity"];
        return Err(UpstoxError::invalid(
            "disclosed_quantity",
            v,
            "must not exceed `quantity`",
        ));
    }
    let trigger_price = price(body, "trigger_price")?;
    let is_amo = field(body, "is_amo")?;
    match is_amo.as_bool() {
        Some(false) => {}
        Some(true) => {
            let why = "must be false: the sandbox takes no after-market orders";
            return Err(UpstoxError::invalid("is_amo", is_amo, why));
        }
        None => {
            return Err(UpstoxError::invalid(
                "is_amo",
                is_amo,
                "must be true or false",
            ))
        }
    }
    check_prices(body, order_type, limit_price, trigger_price)?;
    if v3 {
        check_protection(body, order_type)?;
    }
    let slices = slices(body, qty, v3)?;
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
        slices,
        tag,
        product,
        disclosed,
    })
}

fn check_prices(
    body: &Value,
    order_type: OrderType,
    limit: Option<Price>,
    trigger: Option<Price>,
) -> Result<(), UpstoxError> {
    if matches!(order_type, OrderType::Limit | OrderType::StopLoss) && limit.is_none() {
        let why = "must be above zero for a LIMIT or SL order";
        return Err(UpstoxError::invalid("price", &body["price"], why));
    }
    if matches!(order_type, OrderType::StopLoss | OrderType::StopLossMarket) && trigger.is_none() {
        let why = "must be above zero for an SL or SL-M order";
        return Err(UpstoxError::invalid(
            "trigger_price",
            &body["trigger_price"],
            why,
        ));
    }
    Ok(())
}

/// Since April 2026 exchanges refuse algo market orders without a protection band (SEBI): v3
/// carries `market_protection` (-1 for automatic, or 1 to 100 percent) [U: Upstox's exact range].
fn check_protection(body: &Value, order_type: OrderType) -> Result<(), UpstoxError> {
    let protection = match body.get("market_protection") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .filter(|m| *m == -1.0 || (0.0..=100.0).contains(m))
                .ok_or_else(|| {
                    UpstoxError::invalid("market_protection", v, "must be -1 or 0 to 100")
                })?,
        ),
    };
    let market = matches!(order_type, OrderType::Market | OrderType::StopLossMarket);
    if market && protection.unwrap_or(0.0) == 0.0 {
        return Err(UpstoxError::invalid(
            "market_protection",
            body.get("market_protection").unwrap_or(&Value::Null),
            "is required for MARKET and SL-M orders (-1 for automatic, or 1 to 100)",
        ));
    }
    Ok(())
}

/// The quantities to book: one order, or (v3 `slice`) children of at most [`FREEZE_QTY`].
fn slices(body: &Value, qty: i64, v3: bool) -> Result<Vec<i64>, UpstoxError> {
    let slice = v3 && body.get("slice").and_then(Value::as_bool).unwrap_or(false);
    if qty <= FREEZE_QTY {
        return Ok(vec![qty]);
    }
    let children = (qty + FREEZE_QTY - 1) / FREEZE_QTY;
    if !slice || children > MAX_SLICES {
        let why = format!(
            "exceeds the freeze quantity {FREEZE_QTY}{}",
            if slice {
                " × 25 slices"
            } else {
                "; send `slice`: true on v3"
            }
        );
        return Err(UpstoxError::invalid("quantity", &body["quantity"], &why));
    }
    let mut out = vec![FREEZE_QTY; (children - 1) as usize];
    out.push(qty - FREEZE_QTY * (children - 1));
    Ok(out)
}

/// Reads a modification (`PUT /v2|v3/order/modify`): `order_id`, and the order's new
/// `quantity`, `validity`, `price`, `order_type`, `disclosed_quantity`, `trigger_price`.
pub(crate) fn parse_modify(body: &Value) -> Result<(String, Modify), UpstoxError> {
    let order_id = text(body, "order_id")?.to_string();
    let qty = match body.get("quantity") {
        None | Some(Value::Null) => None,
        Some(_) => Some(whole(body, "quantity", 1)?),
    };
    let order_type = match body.get("order_type") {
        None | Some(Value::Null) => None,
        Some(_) => Some(order_type_of(body)?),
    };
    if body.get("validity").is_some_and(|v| !v.is_null()) {
        validity_of(body)?;
    }
    let opt_price = |name: &str| match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => price(body, name),
    };
    let change = Modify {
        qty,
        order_type,
        limit_price: opt_price("price")?,
        trigger_price: opt_price("trigger_price")?,
    };
    Ok((order_id, change))
}

/// The `n`th order id of IST day `day`: `YYMMDD` and nine digits.
pub(crate) fn order_id(day: i64, n: u64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!(
        "{:02}{m:02}{d:02}{:09}",
        y.rem_euclid(100),
        n % 1_000_000_000
    )
}

/// A time as Upstox's orders show it: `2023-10-19 09:23:23` (IST).
pub(crate) fn upstox_time(ts: TimestampNs) -> String {
    format_ist(ts)
        .get(..19)
        .unwrap_or_default()
        .replacen('T', " ", 1)
}

/// A time as Upstox's trades show it: `19-Oct-2023 09:23:23` (IST) [U].
pub(crate) fn trade_time(ts: TimestampNs) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(ist_day(ts));
    let clock = upstox_time(ts).get(11..).unwrap_or_default().to_string();
    let month = MONTHS.get(m as usize - 1).copied().unwrap_or("Jan");
    format!("{d:02}-{month}-{y:04} {clock}")
}

/// Upstox's word for an order's state.
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
        OrderType::StopLossMarket => "SL-M",
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

fn rupees(p: Option<Price>) -> f64 {
    p.map_or(0.0, Price::to_f64)
}

/// An order in `order_book.json`'s shape, in state `status` (its current one when `None`).
pub(crate) fn order_json(
    o: &BrokerOrder,
    placed: &Placed,
    listed: &Listed,
    user_id: &str,
    status: Option<&str>,
) -> Value {
    let r = &o.request;
    let accepted = o.status != VenueStatus::Rejected;
    json!({
        "exchange": "NSE",
        "product": placed.product,
        "price": rupees(r.limit_price),
        "quantity": r.qty,
        "status": status.unwrap_or_else(|| status_word(o)),
        "guid": null,
        "tag": placed.tag,
        "instrument_token": instrument_key(listed),
        "placed_by": user_id,
        "trading_symbol": listed.symbol,
        "tradingsymbol": listed.symbol,
        "order_type": order_type_name(r.order_type),
        "validity": if r.validity == Validity::Ioc { "IOC" } else { "DAY" },
        "trigger_price": rupees(r.trigger_price),
        "disclosed_quantity": placed.disclosed,
        "transaction_type": side_name(r.side),
        "average_price": o.avg_price.to_string().parse::<f64>().unwrap_or(0.0),
        "filled_quantity": o.filled_qty,
        "pending_quantity": o.pending_qty(),
        "status_message": o.status_message,
        "status_message_raw": o.status_message,
        "exchange_order_id": accepted.then(|| placed.exchange_order_id.clone()),
        "parent_order_id": null,
        "order_id": placed.order_id,
        "variety": "SIMPLE",
        "order_timestamp": upstox_time(r.created_ts),
        "exchange_timestamp": accepted.then(|| upstox_time(o.updated_ts)),
        "is_amo": false,
        "order_request_id": placed.requests.to_string(),
        "order_ref_id": placed.order_ref_id,
    })
}

/// An order update as the portfolio stream sends it: the order's fields plus `update_type`,
/// `user_id`, `userId` and `instrument_key`.
pub(crate) fn update_json(order: &Value, user_id: &str) -> Value {
    let mut update = json!({
        "update_type": "order",
        "user_id": user_id,
        "userId": user_id,
        "instrument_key": order["instrument_token"],
    });
    if let (Some(u), Some(o)) = (update.as_object_mut(), order.as_object()) {
        u.extend(o.clone());
    }
    update
}

/// A trade in get-trades-for-day's shape; `n` is its place in the day's trades.
pub(crate) fn trade_json(
    t: &BrokerTrade,
    n: usize,
    o: &BrokerOrder,
    p: &Placed,
    l: &Listed,
) -> Value {
    json!({
        "exchange": "NSE",
        "product": p.product,
        "trading_symbol": l.symbol,
        "tradingsymbol": l.symbol,
        "instrument_token": instrument_key(l),
        "order_type": order_type_name(o.request.order_type),
        "transaction_type": side_name(t.fill.side),
        "quantity": t.fill.qty,
        "exchange_order_id": p.exchange_order_id,
        "order_id": p.order_id,
        "exchange_timestamp": trade_time(t.fill.ts),
        "average_price": t.fill.price.to_f64(),
        "trade_id": format!("5{:07}", n + 1),
        "order_ref_id": p.order_ref_id,
        "order_timestamp": trade_time(o.request.created_ts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::{days_from_civil, ist_midnight, NANOS_PER_SEC};

    #[test]
    fn ids_and_times_are_written_as_upstox_writes_them() {
        let day = days_from_civil(2023, 10, 19);
        assert_eq!(order_id(day, 25_057_849), "231019025057849");
        let ts = ist_midnight(day) + (9 * 3600 + 23 * 60 + 23) * NANOS_PER_SEC;
        assert_eq!(upstox_time(ts), "2023-10-19 09:23:23");
        assert_eq!(trade_time(ts), "19-Oct-2023 09:23:23");
    }

    #[test]
    fn a_v3_market_order_without_protection_is_refused_naming_the_field() {
        let body = json!({
            "quantity": 1, "product": "D", "validity": "DAY", "price": 0,
            "instrument_token": "NSE_EQ|INE009A01021", "order_type": "MARKET",
            "transaction_type": "BUY", "disclosed_quantity": 0, "trigger_price": 0,
            "is_amo": false,
        });
        let listing = sharewise_sandbox_venue::market::default_listing();
        assert!(parse_placement(&body, &listing, false, 0).is_ok());
        let refused = parse_placement(&body, &listing, true, 0).unwrap_err();
        assert_eq!(refused.property_path(), Some("market_protection"));
        assert_eq!(refused.code, "UDAPI100038");
    }
}

//! The user's profile, funds and portfolio in Upstox's shapes (`profile.json`,
//! `funds_and_margin.json`, `positions.json`): positions are the day's trades netted per
//! instrument and product by the venue and valued at the last price; holdings are empty (the
//! sandbox's user starts each run with cash only and the day's delivery buys settle after it).

use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sharewise_sandbox_venue::positions::legs;

use crate::envelope::ok;
use crate::orders::instrument_key;
use crate::session::Identity;
use crate::Shared;

/// `GET /v2/user/profile`'s data (also the flat body of the token exchange, with the tokens).
pub(crate) fn profile(who: &Identity) -> Value {
    json!({
        "email": "sandbox@sharewise.invalid",
        "exchanges": ["NSE", "NFO", "BSE", "CDS", "BFO", "BCD"],
        "products": ["D", "CO", "I"],
        "broker": "UPSTOX",
        "user_id": who.user_id,
        "user_name": "ShareWise Sandbox",
        "order_types": ["MARKET", "LIMIT", "SL", "SL-M"],
        "user_type": "individual",
        "poa": false,
        "is_active": true,
    })
}

/// `GET /v2/user/get-funds-and-margin[?segment=SEC|COM]`: the equity segment's cash now
/// (`available_margin`) and what buys have used (`used_margin`); the commodity segment is zero.
pub(crate) async fn funds(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let funds = sb.inner().venue.paper().funds();
    let used = (funds.opening_balance - funds.cash).max(Decimal::ZERO);
    let segment = |used: Value, available: Value| {
        json!({
            "used_margin": used,
            "payin_amount": 0.0,
            "span_margin": 0.0,
            "adhoc_margin": 0.0,
            "notional_cash": 0.0,
            "available_margin": available,
            "exposure_margin": 0.0,
        })
    };
    ok(json!({
        "commodity": segment(json!(0.0), json!(0.0)),
        "equity": segment(amount(used), amount(funds.cash)),
    }))
}

/// `GET /v2/portfolio/long-term-holdings`: empty.
pub(crate) async fn holdings(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers, &Method::GET) {
        Ok(_) => ok(Vec::<Value>::new()),
        Err(e) => e.into_response(),
    }
}

/// `GET /v2/portfolio/short-term-positions`: the day's trades netted and valued.
pub(crate) async fn positions(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    let book = inner.venue.paper().orders();
    let product_of =
        |o: &sharewise_brokers::BrokerOrder| inner.orders.get(&o.tag()).map_or("D", |p| p.product);
    let legs = legs(&inner.venue.trades(), &book, product_of);
    let rows: Vec<Value> = legs
        .iter()
        .filter_map(|(&(k, product), leg)| {
            let listed = sb.config.listing.get(k)?;
            let last = inner.venue.last_rupees(k);
            let n = leg.net(last);
            Some(json!({
                "exchange": "NSE",
                "multiplier": 1.0,
                "value": n.value,
                "pnl": n.pnl,
                "product": product,
                "instrument_token": instrument_key(listed),
                "average_price": n.average,
                "buy_value": leg.buy_value,
                "overnight_quantity": 0,
                "day_buy_value": leg.buy_value,
                "day_buy_price": n.buy_price,
                "overnight_buy_amount": 0.0,
                "overnight_buy_quantity": 0,
                "day_buy_quantity": leg.buy_qty,
                "day_sell_value": leg.sell_value,
                "day_sell_price": n.sell_price,
                "overnight_sell_amount": 0.0,
                "overnight_sell_quantity": 0,
                "day_sell_quantity": leg.sell_qty,
                "quantity": n.quantity,
                "last_price": last,
                "unrealised": n.unrealised,
                "realised": n.realised,
                "sell_value": leg.sell_value,
                "trading_symbol": listed.symbol,
                "tradingsymbol": listed.symbol,
                "close_price": inner.venue.close_rupees(k),
                "buy_price": n.buy_price,
                "sell_price": n.sell_price,
            }))
        })
        .collect();
    ok(rows)
}

/// An amount as a JSON number with the decimal's exact digits.
fn amount(d: Decimal) -> Value {
    serde_json::from_str(&d.round_dp(2).normalize().to_string()).unwrap_or(Value::Null)
}

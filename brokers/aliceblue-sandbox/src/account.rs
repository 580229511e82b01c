//! The user's profile, limits and portfolio in AliceBlue's v2 shapes [U: field names beyond
//! `tradingLimit` and `openingCashLimit`, seen in third-party clients, are the sandbox's own]:
//! positions are the day's trades netted per instrument and product by the venue (none is
//! `Not_Ok` EC920); holdings are empty (the sandbox's user starts with cash only).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sharewise_sandbox_venue::positions::legs;

use crate::envelope::{empty, ok, AliceError};
use crate::Shared;

/// `GET /open-api/od/v1/profile/`.
pub(crate) async fn profile(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    ok(vec![json!({
        "clientId": sb.config.identity.user_id,
        "clientName": "ShareWise Sandbox",
        "emailId": "sandbox@sharewise.invalid",
        "exchanges": ["NSE", "BSE", "NFO"],
        "products": ["INTRADAY", "LONGTERM"],
    })])
}

/// `GET /open-api/od/v1/limits/`: what can be used now (`tradingLimit`), the day's opening cash
/// (`openingCashLimit`) and what buys have used (`utilizedMargin`).
pub(crate) async fn limits(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let funds = sb.inner().venue.paper().funds();
    let used = (funds.opening_balance - funds.cash).max(Decimal::ZERO);
    let text = |d: Decimal| d.round_dp(2).normalize().to_string();
    ok(vec![json!({
        "segment": "ALL",
        "openingCashLimit": text(funds.opening_balance),
        "payInAmount": "0",
        "utilizedMargin": text(used),
        "tradingLimit": text(funds.cash),
    })])
}

/// `GET /open-api/od/v1/holdings/CNC`: none.
pub(crate) async fn holdings(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers) {
        Ok(()) => ok(Vec::<Value>::new()),
        Err(e) => e.into_response(),
    }
}

/// `GET /open-api/od/v1/positions`: the day's trades netted and valued.
pub(crate) async fn positions(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    let book = inner.venue.paper().orders();
    let product_of = |o: &sharewise_brokers::BrokerOrder| {
        inner.orders.get(&o.tag()).map_or("LONGTERM", |p| p.product)
    };
    let rows: Vec<Value> = legs(&inner.venue.trades(), &book, product_of)
        .iter()
        .filter_map(|(&(k, product), leg)| {
            let listed = sb.config.listing.get(k)?;
            let last = inner.venue.last_rupees(k);
            let n = leg.net(last);
            Some(json!({
                "exchange": "NSE",
                "instrumentId": listed.exchange_token.to_string(),
                "tradingSymbol": format!("{}-EQ", listed.symbol),
                "product": product,
                "netQuantity": n.quantity.to_string(),
                "netAveragePrice": format!("{:.2}", n.average),
                "buyQuantity": leg.buy_qty.to_string(),
                "buyAveragePrice": format!("{:.2}", n.buy_price),
                "sellQuantity": leg.sell_qty.to_string(),
                "sellAveragePrice": format!("{:.2}", n.sell_price),
                "realisedPnl": format!("{:.2}", n.realised),
                "unrealisedPnl": format!("{:.2}", n.unrealised),
                "ltp": format!("{last:.2}"),
            }))
        })
        .collect();
    if rows.is_empty() {
        return AliceError::not_ok(empty::POSITIONS).into_response();
    }
    ok(rows)
}

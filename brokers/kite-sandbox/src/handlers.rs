//! The order, portfolio and market-data endpoints (login, sessions and faults stay beside the
//! router in the crate root): each checks the session (and any armed fault) first, then answers
//! from the paper venue, the day's quotes or the price path in Kite's shapes.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde_json::json;
use sharewise_brokers::BrokerOrder;

use crate::envelope::{ok, ErrorType, KiteError};
use crate::{candles, orders, positions, Inner, Sandbox, Shared};

/// `POST /orders/{variety}`: checks and places an order on the venue.
pub(crate) async fn place(
    State(sb): Shared,
    Path(variety): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let (answer, stall) = {
        let mut inner = sb.inner();
        let id = inner.venue.next_client_id();
        let now = inner.venue.paper().now();
        let (order, placed) =
            match orders::parse_placement(&variety, &form, &sb.config.listing, id, now) {
                Ok(parsed) => parsed,
                Err(e) => return e.into_response(),
            };
        match inner.venue.place(&order) {
            Ok(booked) => {
                inner.placed.insert(booked.order_id.clone(), placed);
                sb.announce(&inner, &booked);
                (
                    ok(json!({"order_id": booked.order_id})),
                    inner.faults.take_stall(),
                )
            }
            Err(e) => return venue_error(&e).into_response(),
        }
    };
    // The `stall_placements` fault: the order exists, the answer comes late.
    if let Some(stall) = stall {
        tokio::time::sleep(stall).await;
    }
    answer
}

fn find(inner: &Inner, order_id: &str) -> Result<BrokerOrder, KiteError> {
    inner
        .venue
        .paper()
        .orders()
        .into_iter()
        .find(|o| o.order_id == order_id)
        .ok_or_else(|| KiteError::new(ErrorType::Input, format!("Order {order_id} not found.")))
}

/// `DELETE /orders/{variety}/{order_id}`: cancels an open order.
pub(crate) async fn cancel(
    State(sb): Shared,
    Path((variety, order_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    if variety != "regular" {
        return KiteError::new(ErrorType::Input, format!("Invalid `variety`: {variety}."))
            .into_response();
    }
    let mut inner = sb.inner();
    let order = match find(&inner, &order_id) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match inner.venue.paper_mut().cancel(order.tag()) {
        Ok(cancelled) => {
            sb.announce(&inner, &cancelled);
            ok(json!({"order_id": order_id}))
        }
        Err(e) => venue_error(&e).into_response(),
    }
}

/// `GET /orders`: the day's order book.
pub(crate) async fn list_orders(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    let user = &sb.config.identity.user_id;
    let all: Vec<_> = inner
        .venue
        .paper()
        .orders()
        .iter()
        .map(|o| orders::order_json(o, inner.placed.get(&o.order_id), sb.listed(o), user))
        .collect();
    ok(all)
}

/// `GET /orders/{order_id}`: the order's history (its latest state: the venue keeps no more).
pub(crate) async fn order_history(
    State(sb): Shared,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    match find(&inner, &order_id) {
        // The venue keeps an order's latest state: its history is that one entry.
        Ok(o) => ok([orders::order_json(
            &o,
            inner.placed.get(&o.order_id),
            sb.listed(&o),
            &sb.config.identity.user_id,
        )]),
        Err(e) => e.into_response(),
    }
}

/// `GET /trades`: the day's executions.
pub(crate) async fn list_trades(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    let book = inner.venue.paper().orders();
    let trades: Vec<_> = inner
        .venue
        .paper()
        .trades_after(i64::MIN)
        .iter()
        .filter_map(|t| {
            let order = book.iter().find(|o| o.tag() == t.fill.client_id)?;
            Some(orders::trade_json(t, order, sb.listed(order)))
        })
        .collect();
    ok(trades)
}

/// `GET /orders/{order_id}/trades`: one order's executions (the route shares its shape with
/// `/orders/{variety}/{order_id}`, so the second segment must be `trades`).
pub(crate) async fn order_trades(
    State(sb): Shared,
    Path((order_id, what)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    if what != "trades" {
        return KiteError::new(
            ErrorType::Input,
            format!("Unknown path /orders/{order_id}/{what}."),
        )
        .into_response();
    }
    let inner = sb.inner();
    let order = match find(&inner, &order_id) {
        Ok(order) => order,
        Err(e) => return e.into_response(),
    };
    let trades: Vec<_> = inner
        .venue
        .paper()
        .trades_after(i64::MIN)
        .iter()
        .filter(|t| t.fill.client_id == order.tag())
        .map(|t| orders::trade_json(t, &order, sb.listed(&order)))
        .collect();
    ok(trades)
}

/// `GET /portfolio/holdings`: the demat account — empty, as the sandbox's user starts each run
/// with cash only and the day's CNC buys settle after it.
pub(crate) async fn list_holdings(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers) {
        Ok(_) => ok(Vec::<serde_json::Value>::new()),
        Err(e) => e.into_response(),
    }
}

/// `GET /portfolio/positions`: the day's trades netted and valued.
pub(crate) async fn list_positions(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    ok(positions::positions_json(
        &inner.venue.trades(),
        &inner.venue.paper().orders(),
        &sb.config.listing,
        |k| inner.venue.last_rupees(k),
        |k| inner.venue.close_rupees(k),
    ))
}

/// Kite's instrument dump columns.
const DUMP_HEADER: &str = "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange";

/// The sandbox's listing as Kite's CSV dump (`text/csv`, like Kite's).
fn dump(sb: &Sandbox) -> Response {
    let mut csv = String::from(DUMP_HEADER);
    for l in &sb.config.listing {
        csv.push_str(&format!(
            "\n{},{},{},{},0.0,,0.0,0.05,1,EQ,NSE,NSE",
            l.token, l.exchange_token, l.symbol, l.symbol
        ));
    }
    csv.push('\n');
    ([(axum::http::header::CONTENT_TYPE, "text/csv")], csv).into_response()
}

/// `GET /instruments`: public on Kite (no session), as Zerodha's clients fetch it.
pub(crate) async fn instrument_dump(State(sb): Shared) -> Response {
    dump(&sb)
}

/// `GET /instruments/{exchange}`: public too; only NSE has listings here.
pub(crate) async fn instrument_dump_of(
    State(sb): Shared,
    Path(exchange): Path<String>,
) -> Response {
    if exchange == "NSE" {
        dump(&sb)
    } else {
        (
            [(axum::http::header::CONTENT_TYPE, "text/csv")],
            format!("{DUMP_HEADER}\n"),
        )
            .into_response()
    }
}

/// `PUT /orders/{variety}/{order_id}`: changes an open order's quantity, price, type or trigger.
pub(crate) async fn modify(
    State(sb): Shared,
    Path((variety, order_id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    if variety != "regular" {
        return KiteError::new(ErrorType::Input, format!("Invalid `variety`: {variety}."))
            .into_response();
    }
    let change = match orders::parse_modify(&form) {
        Ok(change) => change,
        Err(e) => return e.into_response(),
    };
    let mut inner = sb.inner();
    let order = match find(&inner, &order_id) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match inner.venue.paper_mut().modify(order.tag(), change) {
        Ok(modified) => {
            sb.announce(&inner, &modified);
            ok(json!({"order_id": order_id}))
        }
        Err(e) => venue_error(&e).into_response(),
    }
}

/// A refusal by the paper venue as Kite words it: a bad value is an `InputException`, anything
/// else about the order an `OrderException`.
fn venue_error(e: &sharewise_brokers::BrokerError) -> KiteError {
    let kind = match e.kind {
        sharewise_brokers::ErrorKind::InvalidInput => ErrorType::Input,
        _ => ErrorType::Order,
    };
    KiteError::new(kind, e.message.clone())
}

/// `GET /instruments/historical/{token}/{interval}`: candles from the price path.
pub(crate) async fn historical(
    State(sb): Shared,
    Path((token, interval)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let answer = (|| {
        let listing = &sb.config.listing;
        let k = token
            .parse::<u32>()
            .ok()
            .and_then(|t| listing.iter().position(|l| l.token == t))
            .ok_or_else(|| {
                KiteError::new(
                    ErrorType::Input,
                    format!("Invalid `instrument_token`: {token}."),
                )
            })?;
        let interval = candles::interval_of(&interval)?;
        let bound = |name: &str| {
            let text = q.get(name).map(String::as_str).unwrap_or_default();
            if text.is_empty() {
                return Err(KiteError::new(
                    ErrorType::Input,
                    format!("Missing `{name}`."),
                ));
            }
            candles::ist_time(name, text)
        };
        let range = (bound("from")?, bound("to")?);
        let now = sb.inner().venue.now();
        candles::candles(
            listing,
            k,
            sb.config.seed,
            sb.first_day(),
            interval,
            range,
            now,
        )
    })();
    match answer {
        Ok(data) => ok(data),
        Err(e) => e.into_response(),
    }
}

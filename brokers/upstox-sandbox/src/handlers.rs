//! The order endpoints, v2 and v3: each checks the session (and any armed fault) first, then
//! answers from the paper venue in Upstox's shapes (`src/orders.rs`). v3's place, modify and
//! cancel add `metadata.latency`, the milliseconds the sandbox took.

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sharewise_brokers::{BrokerError, BrokerOrder, ErrorKind};
use sharewise_engine::time::ist_day;
use sharewise_engine::types::{ClientOrderId, Order};

use crate::envelope::{ok, ok_v3, UpstoxError};
use crate::orders::{self, Placed};
use crate::{Inner, Sandbox, Shared};

/// The answer of a v2 (`data` only) or v3 (`data` and `metadata.latency`) order call.
fn answer(v3: bool, data: Value, started: Instant) -> Response {
    if v3 {
        ok_v3(data, started.elapsed().as_millis() as u64)
    } else {
        ok(data)
    }
}

/// A request body as JSON, or Upstox's 400.
fn json_body(body: &Bytes) -> Result<Value, UpstoxError> {
    serde_json::from_slice(body).map_err(|e| {
        let why = format!("must be a JSON object ({e})");
        UpstoxError::invalid("body", &Value::Null, &why)
    })
}

/// A refusal by the paper venue in Upstox's words: a bad value is `UDAPI100038`, an order that
/// cannot change any more is `UDAPI100038` too, with the venue's reason [U: Upstox's own codes
/// for order-state refusals are not published].
fn venue_error(e: &BrokerError) -> UpstoxError {
    let field = match e.kind {
        ErrorKind::InvalidInput => "body",
        _ => "order_id",
    };
    UpstoxError::new(StatusCode::BAD_REQUEST, "UDAPI100038", e.message.clone()).at(field, None)
}

/// 404 `UDAPI100010`: no order with that id today [U: status].
fn unknown_order(order_id: &str) -> UpstoxError {
    UpstoxError::new(StatusCode::NOT_FOUND, "UDAPI100010", "Order not found")
        .at("order_id", Some(order_id.into()))
}

impl Sandbox {
    /// Books one slice of a placement; its Upstox order id.
    fn book(
        &self,
        inner: &mut Inner,
        order: &Order,
        p: &orders::Placement,
    ) -> Result<String, UpstoxError> {
        let mut order = *order;
        order.client_id = inner.venue.next_client_id();
        let booked = inner.venue.place(&order).map_err(|e| venue_error(&e))?;
        inner.placed_count += 1;
        let n = inner.placed_count;
        let order_id = orders::order_id(ist_day(inner.venue.now()), n);
        inner.orders.insert(
            booked.tag(),
            Placed {
                order_id: order_id.clone(),
                tag: p.tag.clone(),
                product: p.product,
                disclosed: p.disclosed,
                exchange_order_id: format!("1{:018}", 1_000_000 + n),
                order_ref_id: format!("{:014}", 57_000_000_000_000 + n),
                requests: 1,
                history: Vec::new(),
            },
        );
        inner.ids.insert(order_id.clone(), booked.tag());
        self.record(inner, booked.tag(), Some("put order req received"));
        self.record(inner, booked.tag(), None);
        Ok(order_id)
    }

    /// Places a checked order (all its slices); the order ids and any stall armed.
    fn place_all(
        &self,
        body: &Value,
        v3: bool,
    ) -> Result<(Vec<String>, Option<std::time::Duration>), UpstoxError> {
        let mut inner = self.inner();
        let now = inner.venue.now();
        let p = orders::parse_placement(body, &self.config.listing, v3, now)?;
        let mut ids = Vec::new();
        for qty in &p.slices {
            let order = Order {
                qty: *qty,
                ..p.order
            };
            ids.push(self.book(&mut inner, &order, &p)?);
        }
        Ok((ids, inner.faults.take_stall()))
    }
}

async fn place(sb: &Sandbox, headers: &HeaderMap, body: &Bytes, v3: bool) -> Response {
    let started = Instant::now();
    if let Err(e) = sb.authorized(headers, &Method::POST) {
        return e.into_response();
    }
    let placed = json_body(body).and_then(|body| sb.place_all(&body, v3));
    let (ids, stall) = match placed {
        Ok(placed) => placed,
        Err(e) => return e.into_response(),
    };
    // The `stall_placements` fault: the order exists, the answer comes late.
    if let Some(stall) = stall {
        tokio::time::sleep(stall).await;
    }
    if v3 {
        answer(true, json!({"order_ids": ids}), started)
    } else {
        answer(false, json!({"order_id": ids.first()}), started)
    }
}

/// `POST /v2/order/place`: `data.order_id`.
pub(crate) async fn place_v2(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    place(&sb, &headers, &body, false).await
}

/// `POST /v3/order/place`: `data.order_ids` and `metadata.latency`.
pub(crate) async fn place_v3(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    place(&sb, &headers, &body, true).await
}

fn find(inner: &Inner, order_id: &str) -> Result<(ClientOrderId, BrokerOrder), UpstoxError> {
    let tag = *inner
        .ids
        .get(order_id)
        .ok_or_else(|| unknown_order(order_id))?;
    let order = inner
        .venue
        .order(tag)
        .ok_or_else(|| unknown_order(order_id))?;
    Ok((tag, order))
}

fn modify(sb: &Sandbox, headers: &HeaderMap, body: &Bytes, v3: bool) -> Response {
    let started = Instant::now();
    if let Err(e) = sb.authorized(headers, &Method::PUT) {
        return e.into_response();
    }
    let modified = json_body(body).and_then(|body| {
        let (order_id, change) = orders::parse_modify(&body)?;
        let mut inner = sb.inner();
        let (tag, _) = find(&inner, &order_id)?;
        inner
            .venue
            .paper_mut()
            .modify(tag, change)
            .map_err(|e| venue_error(&e))?;
        if let Some(placed) = inner.orders.get_mut(&tag) {
            placed.requests += 1;
            if let Some(d) = body.get("disclosed_quantity").and_then(Value::as_i64) {
                placed.disclosed = d;
            }
        }
        sb.record(&mut inner, tag, None);
        Ok(order_id)
    });
    match modified {
        Ok(order_id) => answer(v3, json!({"order_id": order_id}), started),
        Err(e) => e.into_response(),
    }
}

/// `PUT /v2/order/modify`.
pub(crate) async fn modify_v2(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    modify(&sb, &headers, &body, false)
}

/// `PUT /v3/order/modify`.
pub(crate) async fn modify_v3(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    modify(&sb, &headers, &body, true)
}

fn cancel(sb: &Sandbox, headers: &HeaderMap, q: &HashMap<String, String>, v3: bool) -> Response {
    let started = Instant::now();
    if let Err(e) = sb.authorized(headers, &Method::DELETE) {
        return e.into_response();
    }
    let cancelled = (|| {
        let order_id = q
            .get("order_id")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| UpstoxError::missing("order_id"))?;
        let mut inner = sb.inner();
        let (tag, _) = find(&inner, order_id)?;
        inner
            .venue
            .paper_mut()
            .cancel(tag)
            .map_err(|e| venue_error(&e))?;
        sb.record(&mut inner, tag, None);
        Ok::<_, UpstoxError>(order_id.clone())
    })();
    match cancelled {
        Ok(order_id) => answer(v3, json!({"order_id": order_id}), started),
        Err(e) => e.into_response(),
    }
}

/// `DELETE /v2/order/cancel?order_id=`.
pub(crate) async fn cancel_v2(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    cancel(&sb, &headers, &q, false)
}

/// `DELETE /v3/order/cancel?order_id=`.
pub(crate) async fn cancel_v3(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    cancel(&sb, &headers, &q, true)
}

impl Sandbox {
    /// Order `tag` in the order book's shape, now.
    fn order_now(&self, inner: &Inner, order: &BrokerOrder) -> Option<Value> {
        let placed = inner.orders.get(&order.tag())?;
        let listed = self
            .config
            .listing
            .get(order.request.instrument.0 as usize)?;
        Some(orders::order_json(
            order,
            placed,
            listed,
            &self.config.identity.user_id,
            None,
        ))
    }
}

/// `GET /v2/order/retrieve-all`: the day's orders, oldest first.
pub(crate) async fn order_book(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    let book: Vec<Value> = inner
        .venue
        .paper()
        .orders()
        .iter()
        .filter_map(|o| sb.order_now(&inner, o))
        .collect();
    ok(book)
}

/// `GET /v2/order/details?order_id=`: the order as it stands.
pub(crate) async fn details(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    let Some(order_id) = q.get("order_id") else {
        return UpstoxError::missing("order_id").into_response();
    };
    match find(&inner, order_id) {
        Ok((_, order)) => ok(sb.order_now(&inner, &order)),
        Err(e) => e.into_response(),
    }
}

/// `GET /v2/order/history?order_id=|tag=`: every state of the order (or of the orders tagged so),
/// oldest first.
pub(crate) async fn history(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    if let Some(order_id) = q.get("order_id").filter(|s| !s.is_empty()) {
        return match find(&inner, order_id) {
            Ok((tag, _)) => ok(inner.orders.get(&tag).map(|p| p.history.clone())),
            Err(e) => e.into_response(),
        };
    }
    let Some(tag) = q.get("tag").filter(|s| !s.is_empty()) else {
        return UpstoxError::missing("order_id").into_response();
    };
    let mut tagged: Vec<&Placed> = inner
        .orders
        .values()
        .filter(|p| p.tag.as_deref() == Some(tag.as_str()))
        .collect();
    tagged.sort_by(|a, b| a.order_id.cmp(&b.order_id));
    let mut states: Vec<Value> = tagged.iter().flat_map(|p| p.history.clone()).collect();
    // Oldest first across the orders: by the update's time, then as recorded.
    states.sort_by(|a, b| {
        let t = |v: &Value| {
            v["exchange_timestamp"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        t(a).cmp(&t(b))
    });
    ok(states)
}

fn trades_of(sb: &Sandbox, inner: &Inner, only: Option<ClientOrderId>) -> Vec<Value> {
    let book = inner.venue.paper().orders();
    inner
        .venue
        .trades()
        .iter()
        .enumerate()
        .filter(|(_, t)| only.is_none_or(|tag| t.fill.client_id == tag))
        .filter_map(|(n, t)| {
            let order = book.iter().find(|o| o.tag() == t.fill.client_id)?;
            let placed = inner.orders.get(&order.tag())?;
            let listed = sb.config.listing.get(order.request.instrument.0 as usize)?;
            Some(orders::trade_json(t, n, order, placed, listed))
        })
        .collect()
}

/// `GET /v2/order/trades/get-trades-for-day`: the day's executions.
pub(crate) async fn trades(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    ok(trades_of(&sb, &inner, None))
}

/// `GET /v2/order/trades?order_id=`: one order's executions.
pub(crate) async fn order_trades(
    State(sb): Shared,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = sb.authorized(&headers, &Method::GET) {
        return e.into_response();
    }
    let inner = sb.inner();
    let Some(order_id) = q.get("order_id") else {
        return UpstoxError::missing("order_id").into_response();
    };
    match find(&inner, order_id) {
        Ok((tag, _)) => ok(trades_of(&sb, &inner, Some(tag))),
        Err(e) => e.into_response(),
    }
}

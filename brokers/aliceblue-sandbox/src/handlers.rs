//! The order endpoints: each checks the session (and any armed fault) first, then answers from
//! the paper venue in AliceBlue's shapes (`src/orders.rs`). Place, modify and cancel are POSTs
//! with JSON bodies; the books are GETs; an empty order or trade book is `Not_Ok` with its EC
//! code, as AliceBlue answers it.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sharewise_brokers::{BrokerError, BrokerOrder};
use sharewise_engine::time::ist_day;
use sharewise_engine::types::ClientOrderId;

use crate::envelope::{empty, ok, AliceError};
use crate::orders::{self, Placed, Placement};
use crate::{Inner, Sandbox, Shared};

/// A request body as JSON, or AliceBlue's refusal.
fn json_body(body: &Bytes) -> Result<Value, AliceError> {
    serde_json::from_slice(body)
        .map_err(|e| AliceError::invalid("body", &format!("is not JSON ({e})")))
}

/// A refusal by the paper venue in AliceBlue's words (its wording is not known [U]).
fn venue_error(e: &BrokerError) -> AliceError {
    AliceError::not_ok(e.message.clone())
}

fn unknown_order(order_id: &str) -> AliceError {
    AliceError::not_ok(format!("Order {order_id} not found"))
}

impl Sandbox {
    /// Books one checked order; its AliceBlue order id.
    fn book(&self, inner: &mut Inner, p: &Placement) -> Result<String, AliceError> {
        let mut order = p.order;
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
                exchange_order_id: format!("1{:018}", 2_000_000 + n),
                history: Vec::new(),
            },
        );
        inner.ids.insert(order_id.clone(), booked.tag());
        self.record(inner, booked.tag(), Some("validation pending"));
        self.record(inner, booked.tag(), None);
        Ok(order_id)
    }

    /// Places each order of the array; the answers and any stall armed.
    fn place_all(
        &self,
        body: &Value,
    ) -> Result<(Vec<Value>, Option<std::time::Duration>), AliceError> {
        let list = body
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| AliceError::invalid("body", "must be a JSON array of orders"))?;
        let mut inner = self.inner();
        let now = inner.venue.now();
        let checked: Vec<Placement> = list
            .iter()
            .map(|o| orders::parse_placement(o, &self.config.listing, now))
            .collect::<Result<_, _>>()?;
        let mut answers = Vec::new();
        for p in &checked {
            let id = self.book(&mut inner, p)?;
            answers.push(json!({
                "brokerOrderId": id,
                "orderTag": p.tag.clone().unwrap_or_default(),
                "requestTime": orders::alice_time(now),
            }));
        }
        Ok((answers, inner.faults.take_stall()))
    }
}

/// `POST /open-api/od/v1/orders/placeorder`: `result[k].brokerOrderId`.
pub(crate) async fn place(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let (answers, stall) = match json_body(&body).and_then(|b| sb.place_all(&b)) {
        Ok(placed) => placed,
        Err(e) => return e.into_response(),
    };
    // The `stall_placements` fault: the order exists, the answer comes late.
    if let Some(stall) = stall {
        tokio::time::sleep(stall).await;
    }
    ok(answers)
}

fn find(inner: &Inner, order_id: &str) -> Result<(ClientOrderId, BrokerOrder), AliceError> {
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

/// `POST /open-api/od/v1/orders/modify`.
pub(crate) async fn modify(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let modified = json_body(&body).and_then(|body| {
        let (order_id, change) = orders::parse_modify(&body)?;
        let mut inner = sb.inner();
        let (tag, _) = find(&inner, &order_id)?;
        inner
            .venue
            .paper_mut()
            .modify(tag, change)
            .map_err(|e| venue_error(&e))?;
        sb.record(&mut inner, tag, None);
        Ok(order_id)
    });
    match modified {
        Ok(order_id) => ok(vec![json!({"brokerOrderId": order_id})]),
        Err(e) => e.into_response(),
    }
}

/// `POST /open-api/od/v1/orders/cancel {"brokerOrderId"}`.
pub(crate) async fn cancel(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let cancelled = json_body(&body).and_then(|body| {
        let order_id = body
            .get("brokerOrderId")
            .and_then(Value::as_str)
            .ok_or_else(|| AliceError::invalid("brokerOrderId", "is required"))?
            .to_string();
        let mut inner = sb.inner();
        let (tag, _) = find(&inner, &order_id)?;
        inner
            .venue
            .paper_mut()
            .cancel(tag)
            .map_err(|e| venue_error(&e))?;
        sb.record(&mut inner, tag, None);
        Ok(order_id)
    });
    match cancelled {
        Ok(order_id) => ok(vec![json!({"brokerOrderId": order_id})]),
        Err(e) => e.into_response(),
    }
}

/// `GET /open-api/od/v1/orders/book`: the day's orders, oldest first; none is `Not_Ok` EC916.
pub(crate) async fn order_book(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
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
    if book.is_empty() {
        return AliceError::not_ok(empty::ORDERS).into_response();
    }
    ok(book)
}

/// `POST /open-api/od/v1/orders/history {"brokerOrderId"}`: every state, oldest first [U: order].
pub(crate) async fn history(State(sb): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let states = json_body(&body).and_then(|body| {
        let order_id = body
            .get("brokerOrderId")
            .and_then(Value::as_str)
            .ok_or_else(|| AliceError::invalid("brokerOrderId", "is required"))?;
        let inner = sb.inner();
        let (tag, _) = find(&inner, order_id)?;
        Ok(inner
            .orders
            .get(&tag)
            .map(|p| p.history.clone())
            .unwrap_or_default())
    });
    match states {
        Ok(states) => ok(states),
        Err(e) => e.into_response(),
    }
}

/// `GET /open-api/od/v1/orders/trades`: the day's executions; none is `Not_Ok` EC927.
pub(crate) async fn trades(State(sb): Shared, headers: HeaderMap) -> Response {
    if let Err(e) = sb.authorized(&headers) {
        return e.into_response();
    }
    let inner = sb.inner();
    let book = inner.venue.paper().orders();
    let rows: Vec<Value> = inner
        .venue
        .trades()
        .iter()
        .enumerate()
        .filter_map(|(n, t)| {
            let order = book.iter().find(|o| o.tag() == t.fill.client_id)?;
            let placed = inner.orders.get(&order.tag())?;
            let listed = sb.config.listing.get(order.request.instrument.0 as usize)?;
            Some(orders::trade_json(t, n, order, placed, listed))
        })
        .collect();
    if rows.is_empty() {
        return AliceError::not_ok(empty::TRADES).into_response();
    }
    ok(rows)
}

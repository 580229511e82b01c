//! What Kite checks before a request reaches its handler, as middleware: the caller's source IP
//! on order requests (SEBI's static-IP rule: Kite validates place, modify and cancel only; the
//! books, positions and the ticker answer any address), Kite's rate limits per endpoint class
//! (429 `NetworkException` beyond them), and the `slow` fault.
//!
//! Kite's exact wording for a refused IP is not published; the sandbox answers 403
//! `PermissionException` with a message that says what to do.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sharewise_net::{RateLimit, Window};
use sharewise_sandbox_venue::source_allowed;

use crate::envelope::{ErrorType, KiteError};
use crate::Shared;

/// Kite's rate limits for one api_key, by endpoint class (brokers.md §1).
#[derive(Debug)]
pub(crate) struct Limits {
    orders: Mutex<RateLimit>,
    quotes: Mutex<RateLimit>,
    history: Mutex<RateLimit>,
    others: Mutex<RateLimit>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            orders: Mutex::new(RateLimit::new(&[
                Window::per_second(10),
                Window::per_minute(400),
                Window::per_day(5000),
            ])),
            quotes: Mutex::new(RateLimit::new(&[Window::per_second(1)])),
            history: Mutex::new(RateLimit::new(&[Window::per_second(3)])),
            others: Mutex::new(RateLimit::new(&[Window::per_second(10)])),
        }
    }
}

/// Which class a request counts in; `None` for the unlimited (login, dumps, ticker, faults).
fn class<'a>(limits: &'a Limits, method: &Method, path: &str) -> Option<&'a Mutex<RateLimit>> {
    let public = path == "/"
        || path.starts_with("/__sandbox")
        || path.starts_with("/connect/")
        || path.starts_with("/session/")
        || (path.starts_with("/instruments") && !path.starts_with("/instruments/historical/"));
    if public {
        None
    } else if is_order_request(method, path) {
        Some(&limits.orders)
    } else if path.starts_with("/quote") {
        Some(&limits.quotes)
    } else if path.starts_with("/instruments/historical/") {
        Some(&limits.history)
    } else {
        Some(&limits.others)
    }
}

/// Place, modify or cancel: the requests Kite checks the source IP of.
fn is_order_request(method: &Method, path: &str) -> bool {
    path.starts_with("/orders/") && matches!(*method, Method::POST | Method::PUT | Method::DELETE)
}

/// The middleware: IP check, rate limit, slow answers, then the handler.
pub(crate) async fn check(State(sb): Shared, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    if is_order_request(&method, &path) {
        let peer: Option<IpAddr> = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if !source_allowed(&sb.config.allowed_ips, peer) {
            let from = peer.map_or("an unknown address".to_string(), |ip| ip.to_string());
            return KiteError::new(
                ErrorType::Permission,
                format!(
                    "Order requests from {from} are not allowed: add the address under IP \
                     Whitelist in the Kite Connect developer console and send orders from it."
                ),
            )
            .into_response();
        }
    }
    if let Some(limit) = class(&sb.limits, &method, &path) {
        let refused = limit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .try_acquire(Instant::now())
            .is_err();
        if refused {
            return KiteError::new(ErrorType::RateLimit, "Too many requests").into_response();
        }
    }
    if !path.starts_with("/__sandbox") {
        let slow = sb.inner().faults.take_slow();
        if let Some(delay) = slow {
            tokio::time::sleep(delay).await;
        }
    }
    next.run(request).await
}

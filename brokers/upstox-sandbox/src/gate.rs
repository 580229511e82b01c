//! What Upstox checks before a request reaches its handler, as middleware:
//! - the source IP of order requests (place, modify, cancel; SEBI's static-IP rule): from an
//!   address not in `allowed_ips`, a 403 with code `UDAPI100403` and a message that says what to
//!   do — Upstox publishes neither the code nor the wording [U: both invented here];
//! - the `Api-Version: 2.0` header on v2 calls (400 `UDAPI100015` without it); the browser's
//!   login dialog, the token exchange [U: Upstox's own curl samples send none there] and the
//!   WebSockets are exempt, and v3 calls need none;
//! - Upstox's rate limits, per user and per API (brokers.md §2): order APIs 10/s, 500/min,
//!   2000/30 min; other APIs 50/s, 500/min, 2000/30 min; beyond them 429 `UDAPI10005`
//!   (`error_rate_limited.json`); the login, the instrument dump, the sockets and the faults
//!   endpoint are not counted;
//! - the `slow` fault.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sharewise_net::{RateLimit, Window};
use sharewise_sandbox_venue::source_allowed;

use crate::envelope::UpstoxError;
use crate::Shared;

/// Upstox's rate limits for the one user, one counter per API.
#[derive(Debug, Default)]
pub(crate) struct Limits {
    apis: Mutex<HashMap<String, RateLimit>>,
}

const HALF_HOUR: Duration = Duration::from_secs(1800);

/// The windows of an order API or another one.
fn windows(order: bool) -> [Window; 3] {
    let per_second = if order { 10 } else { 50 };
    [
        Window::per_second(per_second),
        Window::per_minute(500),
        Window {
            limit: 2000,
            period: HALF_HOUR,
        },
    ]
}

/// Place, modify or cancel, v2 or v3.
fn is_order_request(method: &Method, path: &str) -> bool {
    let p = path.trim_start_matches("/v2").trim_start_matches("/v3");
    matches!(
        (method, p),
        (&Method::POST, "/order/place")
            | (&Method::PUT, "/order/modify")
            | (&Method::DELETE, "/order/cancel")
    )
}

/// Paths nobody counts or versions: login, dump, sockets, faults.
fn is_public(path: &str) -> bool {
    path.starts_with("/v2/login/")
        || path.starts_with("/market-quote/instruments/")
        || path.starts_with("/__sandbox")
        || path.ends_with("/socket")
}

/// The API a path belongs to (candle paths carry their parameters).
fn api_of(method: &Method, path: &str) -> String {
    let api = if path.starts_with("/v3/historical-candle/intraday/") {
        "/v3/historical-candle/intraday"
    } else if path.starts_with("/v3/historical-candle/") {
        "/v3/historical-candle"
    } else {
        path
    };
    format!("{method} {api}")
}

impl Limits {
    /// Counts one call of `method path`; `false` when a limit refuses it.
    fn admit(&self, method: &Method, path: &str) -> bool {
        let mut apis = self
            .apis
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        apis.entry(api_of(method, path))
            .or_insert_with(|| RateLimit::new(&windows(is_order_request(method, path))))
            .try_acquire(Instant::now())
            .is_ok()
    }
}

fn ip_refused(peer: Option<IpAddr>) -> UpstoxError {
    let from = peer.map_or("an unknown address".to_string(), |ip| ip.to_string());
    UpstoxError::new(
        StatusCode::FORBIDDEN,
        "UDAPI100403",
        format!(
            "Order requests from {from} are not allowed: register this static IP for your app \
             on the Upstox developer console and send orders from it."
        ),
    )
}

/// The middleware: IP check, API version, rate limit, slow answers, then the handler.
pub(crate) async fn check(State(sb): Shared, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    if is_order_request(&method, &path) {
        let peer: Option<IpAddr> = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if !source_allowed(&sb.config.allowed_ips, peer) {
            return ip_refused(peer).into_response();
        }
    }
    if is_public(&path) {
        return next.run(request).await;
    }
    let version = request
        .headers()
        .get("Api-Version")
        .and_then(|v| v.to_str().ok());
    if path.starts_with("/v2/") && version != Some("2.0") {
        let message = UpstoxError::usual_message("UDAPI100015");
        return UpstoxError::new(StatusCode::BAD_REQUEST, "UDAPI100015", message).into_response();
    }
    if !sb.limits.admit(&method, &path) {
        return UpstoxError::rate_limited().into_response();
    }
    let slow = sb.inner().faults.take_slow();
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_calls_are_told_apart_and_candles_count_as_one_api() {
        assert!(is_order_request(&Method::POST, "/v3/order/place"));
        assert!(is_order_request(&Method::DELETE, "/v2/order/cancel"));
        assert!(!is_order_request(&Method::GET, "/v2/order/retrieve-all"));
        assert_eq!(
            api_of(
                &Method::GET,
                "/v3/historical-candle/NSE_EQ|X/minutes/1/2026-01-05"
            ),
            "GET /v3/historical-candle"
        );
    }
}

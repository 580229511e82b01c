//! What AliceBlue checks before a request reaches its handler, as middleware:
//! - the source IP of order requests (place, modify, cancel; SEBI's static-IP rule): from an
//!   address not in `allowed_ips`, a 403 `Not_Ok` saying what to do [U: AliceBlue's wording];
//! - its rate limit for calls other than orders, 1800 per 15 minutes (third-party reports [U];
//!   order calls are not limited by AliceBlue, SEBI's 10/s is the client's to keep); beyond it a
//!   429; the login, the contract master and the faults endpoint are not counted;
//! - the `slow` fault.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sharewise_net::{RateLimit, Window};
use sharewise_sandbox_venue::source_allowed;

use crate::envelope::AliceError;
use crate::Shared;

/// AliceBlue's limit on calls other than orders, for the one user.
#[derive(Debug)]
pub(crate) struct Limits(Mutex<RateLimit>);

impl Default for Limits {
    fn default() -> Self {
        Limits(Mutex::new(RateLimit::new(&[Window {
            limit: 1800,
            period: Duration::from_secs(900),
        }])))
    }
}

impl Limits {
    fn admit(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .try_acquire(Instant::now())
            .is_ok()
    }
}

/// Place, modify or cancel.
pub(crate) fn is_order_request(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && matches!(
            path,
            "/open-api/od/v1/orders/placeorder"
                | "/open-api/od/v1/orders/modify"
                | "/open-api/od/v1/orders/cancel"
        )
}

/// Paths nobody counts: login, contract master, faults.
fn is_public(path: &str) -> bool {
    path == "/"
        || path == "/open-api/od/v1/vendor/getUserDetails"
        || path.starts_with("/restpy/")
        || path.starts_with("/__sandbox")
}

/// The middleware: IP check, rate limit, slow answers, then the handler.
pub(crate) async fn check(State(sb): Shared, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let order = is_order_request(&method, &path);
    if order {
        let peer: Option<IpAddr> = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if !source_allowed(&sb.config.allowed_ips, peer) {
            let from = peer.map_or("an unknown address".to_string(), |ip| ip.to_string());
            let message = format!(
                "Order requests from {from} are not allowed: whitelist this static IP for your app \
                 with AliceBlue and send orders from it."
            );
            return AliceError::with_status(StatusCode::FORBIDDEN, message).into_response();
        }
    }
    if is_public(&path) {
        return next.run(request).await;
    }
    if !order && !sb.limits.admit() {
        return AliceError::rate_limited().into_response();
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
    fn order_calls_are_told_apart_and_other_calls_stop_at_1800() {
        assert!(is_order_request(
            &Method::POST,
            "/open-api/od/v1/orders/placeorder"
        ));
        assert!(is_order_request(
            &Method::POST,
            "/open-api/od/v1/orders/cancel"
        ));
        assert!(!is_order_request(
            &Method::GET,
            "/open-api/od/v1/orders/book"
        ));
        assert!(!is_order_request(
            &Method::POST,
            "/open-api/od/v1/orders/history"
        ));
        let limits = Limits::default();
        assert!((0..1800).all(|_| limits.admit()));
        assert!(!limits.admit(), "the 1801st call in 15 minutes is refused");
    }
}

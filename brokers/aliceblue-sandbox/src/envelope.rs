//! AliceBlue's v2 envelope (brokers.md §3, read from third-party clients [U]): success is
//! `{"status":"Ok","message":"","result":[...]}`; a refusal is `{"status":"Not_Ok","message":..,
//! "result":[]}`, the message often a bare `ECnnn` code, mostly under HTTP 200 (a 401, 403 or 429
//! where the gateway itself refuses [U]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// A success body with `result`.
pub fn ok(result: impl Serialize) -> Response {
    Json(json!({"status": "Ok", "message": "", "result": result})).into_response()
}

/// An AliceBlue refusal: its HTTP status and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliceError {
    /// The HTTP status (200 for most of AliceBlue's refusals).
    pub status: StatusCode,
    /// The message (an `ECnnn` code, or words).
    pub message: String,
}

impl AliceError {
    /// A refusal saying `message` under HTTP 200.
    pub fn not_ok(message: impl Into<String>) -> AliceError {
        AliceError::with_status(StatusCode::OK, message)
    }

    /// A refusal saying `message` under `status`.
    pub fn with_status(status: StatusCode, message: impl Into<String>) -> AliceError {
        AliceError {
            status,
            message: message.into(),
        }
    }

    /// 401: no session, or one that ended [U: AliceBlue's exact wording].
    pub fn unauthorized() -> AliceError {
        AliceError::with_status(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: invalid or expired session",
        )
    }

    /// 429: a rate limit exceeded [U: wording].
    pub fn rate_limited() -> AliceError {
        AliceError::with_status(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
    }

    /// A field AliceBlue does not take (its own wording is not known [U]).
    pub fn invalid(field: &str, why: &str) -> AliceError {
        AliceError::not_ok(format!("Invalid {field}: {why}"))
    }
}

impl IntoResponse for AliceError {
    fn into_response(self) -> Response {
        let body = json!({"status": "Not_Ok", "message": self.message, "result": []});
        (self.status, Json(body)).into_response()
    }
}

/// The empty-book codes (brokers.md §3; which of each pair means "none" is not known [U]).
pub mod empty {
    /// The order book has no orders.
    pub const ORDERS: &str = "EC916";
    /// The position book has no positions.
    pub const POSITIONS: &str = "EC920";
    /// The trade book has no trades.
    pub const TRADES: &str = "EC927";
}

//! Kite's response envelopes: `{"status":"success","data":…}`, and errors as
//! `{"status":"error","message":"…","error_type":"<Name>","data":null}` with the HTTP status Kite
//! uses for that `error_type` (brokers.md §1).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// A success body.
pub fn ok(data: impl Serialize) -> Response {
    Json(json!({"status": "success", "data": data})).into_response()
}

/// Kite's error types, with the HTTP status each comes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    /// 403: the session expired or the token is invalid; log in again.
    Token,
    /// 400: a missing or bad parameter.
    Input,
    /// 400: the order was refused by the OMS/RMS.
    Order,
    /// 403: not allowed for this user/app.
    Permission,
    /// 429: too many requests.
    RateLimit,
    /// 503: the OMS or exchange cannot be reached.
    Network,
    /// 502: a bad response from the OMS.
    Data,
    /// 500: anything else.
    General,
}

impl ErrorType {
    /// Kite's name for it, as in `error_type`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorType::Token => "TokenException",
            ErrorType::Input => "InputException",
            ErrorType::Order => "OrderException",
            ErrorType::Permission => "PermissionException",
            // Kite names throttling `NetworkException` too; the 429 tells them apart.
            ErrorType::RateLimit | ErrorType::Network => "NetworkException",
            ErrorType::Data => "DataException",
            ErrorType::General => "GeneralException",
        }
    }

    /// The HTTP status Kite sends with it.
    pub const fn status(self) -> StatusCode {
        match self {
            ErrorType::Token | ErrorType::Permission => StatusCode::FORBIDDEN,
            ErrorType::Input | ErrorType::Order => StatusCode::BAD_REQUEST,
            ErrorType::RateLimit => StatusCode::TOO_MANY_REQUESTS,
            ErrorType::Network => StatusCode::SERVICE_UNAVAILABLE,
            ErrorType::Data => StatusCode::BAD_GATEWAY,
            ErrorType::General => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KiteError {
    /// Which kind.
    pub kind: ErrorType,
    /// The message, in Kite's style.
    pub message: String,
}

impl KiteError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorType, message: impl Into<String>) -> KiteError {
        KiteError {
            kind,
            message: message.into(),
        }
    }
}

impl IntoResponse for KiteError {
    fn into_response(self) -> Response {
        let body = json!({
            "status": "error",
            "message": self.message,
            "error_type": self.kind.name(),
            "data": null,
        });
        (self.kind.status(), Json(body)).into_response()
    }
}

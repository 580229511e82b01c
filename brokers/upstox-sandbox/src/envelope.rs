//! Upstox's response envelopes (brokers.md §2): success is `{"status":"success","data":…}` (v3
//! order calls add `"metadata":{"latency":ms}`); an error is `{"status":"error","errors":[…]}`,
//! each entry with `error_code`, `message`, `property_path` and `invalid_value` and their
//! deprecated camelCase twins (`error_invalid_token.json`), under the HTTP status Upstox uses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

/// A success body.
pub fn ok(data: impl Serialize) -> Response {
    Json(json!({"status": "success", "data": data})).into_response()
}

/// A v3 order call's success body: the data and the call's latency, milliseconds.
pub fn ok_v3(data: impl Serialize, latency_ms: u64) -> Response {
    Json(json!({"status": "success", "data": data, "metadata": {"latency": latency_ms}}))
        .into_response()
}

/// An error answer: one entry of Upstox's `errors` list and its HTTP status.
#[derive(Clone, Debug, PartialEq)]
pub struct UpstoxError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Upstox's code, e.g. `UDAPI100050`.
    pub code: String,
    /// The message.
    pub message: String,
    /// The request field at fault and the value it had, if any (boxed: errors travel in
    /// `Result`s and stay small).
    pub at: Option<Box<(String, Option<Value>)>>,
}

impl UpstoxError {
    /// An error `code` saying `message` under `status`.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> UpstoxError {
        UpstoxError {
            status,
            code: code.to_string(),
            message: message.into(),
            at: None,
        }
    }

    /// The same error naming the field at fault and its value.
    pub fn at(mut self, field: &str, value: Option<Value>) -> UpstoxError {
        self.at = Some(Box::new((field.to_string(), value)));
        self
    }

    /// The field at fault, if any.
    pub fn property_path(&self) -> Option<&str> {
        self.at.as_ref().map(|a| a.0.as_str())
    }

    /// 401 `UDAPI100050`: a missing, unknown, ended or expired token.
    pub fn invalid_token() -> UpstoxError {
        UpstoxError::new(
            StatusCode::UNAUTHORIZED,
            "UDAPI100050",
            "Invalid token used to access API",
        )
    }

    /// 401 `UDAPI100016`: a bad client secret or authorization code.
    pub fn invalid_credentials() -> UpstoxError {
        UpstoxError::new(
            StatusCode::UNAUTHORIZED,
            "UDAPI100016",
            "Invalid Credentials",
        )
    }

    /// 429 `UDAPI10005`: a rate limit exceeded (`error_rate_limited.json`).
    pub fn rate_limited() -> UpstoxError {
        UpstoxError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "UDAPI10005",
            "Too Many Request Sent",
        )
    }

    /// 400 `UDAPI100036`: a required field left out.
    pub fn missing(field: &str) -> UpstoxError {
        UpstoxError::new(
            StatusCode::BAD_REQUEST,
            "UDAPI100036",
            format!("Invalid Input: `{field}` is required"),
        )
        .at(field, None)
    }

    /// 400 `UDAPI100038`: a field with a value Upstox does not take.
    pub fn invalid(field: &str, value: &Value, why: &str) -> UpstoxError {
        UpstoxError::new(
            StatusCode::BAD_REQUEST,
            "UDAPI100038",
            format!("Invalid input passed to the API: `{field}` {why}"),
        )
        .at(field, Some(value.clone()))
    }

    /// The status Upstox sends with `code` when a fault names none.
    pub fn usual_status(code: &str) -> Option<StatusCode> {
        Some(match code {
            "UDAPI100050" | "UDAPI100016" => StatusCode::UNAUTHORIZED,
            "UDAPI10005" => StatusCode::TOO_MANY_REQUESTS,
            "UDAPI100067" | "UDAPI100073" => StatusCode::FORBIDDEN,
            "UDAPI100500" => StatusCode::INTERNAL_SERVER_ERROR,
            "UDAPI100060" | "UDAPI100010" => StatusCode::NOT_FOUND,
            c if c.starts_with("UDAPI") => StatusCode::BAD_REQUEST,
            _ => return None,
        })
    }

    /// Upstox's message for `code`, where the error-code page gives one.
    pub fn usual_message(code: &str) -> &'static str {
        match code {
            "UDAPI100050" => "Invalid token used to access API",
            "UDAPI100016" => "Invalid Credentials",
            "UDAPI10005" => "Too Many Request Sent",
            "UDAPI100015" => "API Version does not exist",
            "UDAPI100036" => "Invalid Input",
            "UDAPI100038" => "Invalid input passed to the API",
            "UDAPI100067" => {
                "The API you are trying to access is not permitted with an extended_token"
            }
            "UDAPI100073" => "Your 'client_id' is inactive",
            "UDAPI100500" => "Something went wrong... please contact us",
            _ => "sandbox fault",
        }
    }
}

impl IntoResponse for UpstoxError {
    fn into_response(self) -> Response {
        let (path, value) = match self.at {
            Some(at) => (Some(at.0), at.1),
            None => (None, None),
        };
        let body = json!({
            "status": "error",
            "errors": [{
                "errorCode": self.code,
                "message": self.message,
                "propertyPath": path,
                "invalidValue": value,
                "error_code": self.code,
                "property_path": path,
                "invalid_value": value,
            }],
        });
        (self.status, Json(body)).into_response()
    }
}

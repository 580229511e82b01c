//! The instrument master: Upstox's daily JSON dump of the listing, gzip-compressed, at
//! `GET /market-quote/instruments/exchange/NSE.json.gz` (on Upstox, a public file on its assets
//! host; here the same path, no session needed).
//!
//! One object per listed share with Upstox's fields: `segment` (`NSE_EQ`), `name`, `exchange`,
//! `isin`, `instrument_type` (`EQ`), `instrument_key` (`NSE_EQ|<ISIN>`), `lot_size`,
//! `freeze_quantity`, `exchange_token` (a string), `tick_size`, `trading_symbol`, `short_name`,
//! `security_type` (`NORMAL`). `tick_size` is in paise as Upstox writes it (5.0 for ₹0.05) [U:
//! seen in the published dumps, not stated in the docs]. `name` is the symbol: the sandbox keeps
//! no company names [U].

use std::io::Write;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use sharewise_sandbox_venue::market::Listed;
use sharewise_sandbox_venue::quote::TICK_PAISE;

use crate::envelope::UpstoxError;
use crate::orders::{instrument_key, FREEZE_QTY};
use crate::Shared;

/// One listed share as the dump writes it.
fn entry(l: &Listed) -> Value {
    json!({
        "segment": "NSE_EQ",
        "name": l.symbol,
        "exchange": "NSE",
        "isin": l.isin,
        "instrument_type": "EQ",
        "instrument_key": instrument_key(l),
        "lot_size": 1,
        "freeze_quantity": FREEZE_QTY as f64,
        "exchange_token": l.exchange_token.to_string(),
        "tick_size": f64::from(TICK_PAISE),
        "trading_symbol": l.symbol,
        "short_name": l.symbol,
        "security_type": "NORMAL",
    })
}

/// `listing` as the gzip-compressed JSON array of the dump.
pub(crate) fn gzip_dump(listing: &[Listed]) -> std::io::Result<Vec<u8>> {
    let entries: Vec<Value> = listing.iter().map(entry).collect();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(Value::Array(entries).to_string().as_bytes())?;
    gz.finish()
}

/// `GET /market-quote/instruments/exchange/{file}`: `NSE.json.gz` is the listing; `complete`
/// and the other exchanges' files are served too, holding what the sandbox lists there.
pub(crate) async fn dump(State(sb): Shared, Path(file): Path<String>) -> Response {
    let listing: &[Listed] = match file.as_str() {
        "NSE.json.gz" | "complete.json.gz" => &sb.config.listing,
        "BSE.json.gz" | "MCX.json.gz" => &[],
        _ => {
            return UpstoxError::new(StatusCode::NOT_FOUND, "UDAPI100060", "Resource not Found")
                .into_response()
        }
    };
    match gzip_dump(listing) {
        Ok(bytes) => ([(CONTENT_TYPE, "application/gzip")], bytes).into_response(),
        Err(e) => UpstoxError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UDAPI100500",
            e.to_string(),
        )
        .into_response(),
    }
}

//! The contract master: AliceBlue's NSE file as CSV at `GET
//! /restpy/static/contract_master/NSE.csv` (no session), one row per listed share with the
//! columns third-party clients read: `Exch`, `Exchange Segment`, `Symbol`, `Token`, `Instrument
//! Type`, `Option Type`, `Strike Price`, `Instrument Name`, `Formatted Ins Name`, `Trading Symbol`,
//! `Expiry Date`, `Lot Size`, `Tick Size` (rupees) [U: the column set and order; AliceBlue also
//! publishes it zipped and as JSON, the sandbox serves the plain CSV so no zip crate is needed].

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sharewise_sandbox_venue::market::Listed;

use crate::Shared;

/// The header row.
pub const HEADER: &str = "Exch,Exchange Segment,Symbol,Token,Instrument Type,Option Type,Strike Price,Instrument Name,Formatted Ins Name,Trading Symbol,Expiry Date,Lot Size,Tick Size";

/// `listing` as the contract master's CSV.
pub(crate) fn csv(listing: &[Listed]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for l in listing {
        out.push_str(&format!(
            "NSE,nse_cm,{s},{t},EQ,XX,0,{s},{s},{s}-EQ,,1,0.05\n",
            s = l.symbol,
            t = l.exchange_token
        ));
    }
    out
}

/// `GET /restpy/static/contract_master/{file}`: `NSE.csv` is the listing; other exchanges' files
/// are served empty.
pub(crate) async fn master(State(sb): Shared, Path(file): Path<String>) -> Response {
    let listing: &[Listed] = match file.as_str() {
        "NSE.csv" => &sb.config.listing,
        "BSE.csv" | "NFO.csv" | "INDICES.csv" => &[],
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(CONTENT_TYPE, "text/csv")], csv(listing)).into_response()
}

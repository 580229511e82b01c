//! Kite's instrument dump (`GET /instruments`, CSV, refreshed by Zerodha every morning) → listings.
//!
//! Columns, found by name: `instrument_token, exchange_token, tradingsymbol, name, last_price,
//! expiry, strike, tick_size, lot_size, instrument_type, segment, exchange`. Rows of markets we do
//! not list ([`Market`]) are passed over and counted; a row whose own values are broken is
//! skipped and reported with its line and column, so one bad row never blocks a day's trading on
//! the others. A missing column is an error: that is not Kite's dump.

use std::io::Read;

use sharewise_engine::time::days_from_civil;
use sharewise_engine::types::Price;

use crate::listing::{BrokerIds, Kind, Listing, Market};
use crate::MasterError;

/// Skipped rows reported by line; more are only counted.
const REPORTED: usize = 10;

/// What reading a dump found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KiteDump {
    /// The listings, in the dump's order.
    pub listings: Vec<Listing>,
    /// Rows of markets the master does not list (e.g. `NSEIX`), passed over.
    pub other_markets: usize,
    /// Rows skipped for a broken value.
    pub skipped: usize,
    /// The first skipped rows: `line N: column `x` = `v`: why`.
    pub problems: Vec<String>,
}

const COLUMNS: [&str; 10] = [
    "instrument_token",
    "exchange_token",
    "tradingsymbol",
    "name",
    "expiry",
    "strike",
    "tick_size",
    "lot_size",
    "instrument_type",
    "segment",
];

/// Reads a Kite instrument dump from `input`; `source` names it in errors.
pub fn read_kite_dump(input: impl Read, source: &str) -> Result<KiteDump, MasterError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| MasterError::Read {
            source_name: source.to_string(),
            reason: e.to_string(),
        })?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| MasterError::MissingColumn {
                source_name: source.to_string(),
                column: name.to_string(),
            })
    };
    let at: Vec<usize> = COLUMNS.iter().map(|c| col(c)).collect::<Result<_, _>>()?;
    let exchange_at = col("exchange")?;
    let mut dump = KiteDump::default();
    for (k, row) in reader.records().enumerate() {
        let line = k + 2;
        let row = row.map_err(|e| MasterError::Read {
            source_name: source.to_string(),
            reason: format!("line {line}: {e}"),
        })?;
        let field = |i: usize| row.get(at[i]).unwrap_or("").trim();
        let Some(market) = Market::from_code(row.get(exchange_at).unwrap_or("").trim()) else {
            dump.other_markets += 1;
            continue;
        };
        match listing(market, &field) {
            Ok(listing) => dump.listings.push(listing),
            Err((column, why)) => {
                dump.skipped += 1;
                if dump.problems.len() < REPORTED {
                    let value = field(COLUMNS.iter().position(|c| *c == column).unwrap_or(0));
                    dump.problems.push(format!(
                        "{source}: line {line}: column `{column}` = `{value}`: {why}"
                    ));
                }
            }
        }
    }
    Ok(dump)
}

/// One row; on a broken value, the column and why.
fn listing<'r>(
    market: Market,
    field: &impl Fn(usize) -> &'r str,
) -> Result<Listing, (&'static str, String)> {
    let number = |i: usize| -> Result<u32, (&'static str, String)> {
        field(i)
            .parse::<u32>()
            .map_err(|_| (COLUMNS[i], "not a whole number".to_string()))
    };
    let price = |i: usize| Price::parse(field(i)).map_err(|e| (COLUMNS[i], e.to_string()));
    let kite_token = number(0)?;
    let exchange_token = number(1)?;
    let symbol = field(2);
    if symbol.is_empty() {
        return Err((COLUMNS[2], "empty".to_string()));
    }
    let kind = if field(9) == "INDICES" {
        Kind::Index
    } else {
        Kind::from_code(field(8)).ok_or((COLUMNS[8], "expected EQ, FUT, CE or PE".to_string()))?
    };
    let tick_size = price(6)?;
    if tick_size.0 < 0 {
        return Err((COLUMNS[6], "negative".to_string()));
    }
    let lot_size = number(7)?;
    let expiry = match field(4) {
        "" => None,
        text => Some(ist_day(text).ok_or((COLUMNS[4], "expected YYYY-MM-DD".to_string()))?),
    };
    let strike = match kind {
        Kind::Call | Kind::Put => Some(price(5)?),
        _ => None,
    };
    Ok(Listing {
        market,
        symbol: symbol.to_string(),
        name: field(3).to_string(),
        kind,
        exchange_token,
        tick_size,
        lot_size,
        // Kite's dump has no freeze limits: NSE publishes them separately.
        freeze_qty: None,
        expiry,
        strike,
        ids: BrokerIds {
            kite_token: Some(kite_token),
            ..BrokerIds::default()
        },
    })
}

/// `YYYY-MM-DD` → IST day number.
fn ist_day(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

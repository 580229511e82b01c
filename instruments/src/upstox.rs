//! Upstox's instrument dump (`https://assets.upstox.com/market-quote/instruments/exchange/
//! NSE.json.gz`, gzip'd JSON, refreshed every morning) → listings with Upstox's instrument keys.
//!
//! One object per instrument: `segment` (`NSE_EQ`, `NSE_FO`, `NSE_INDEX`, `BSE_EQ`, ...),
//! `instrument_key` (`NSE_EQ|INE848E01016`), `exchange_token`, `trading_symbol`, `name`,
//! `instrument_type` (`EQ`, `FUT`, `CE`, `PE`, `INDEX`, ...), `tick_size` (in paise, e.g. `5.0`
//! for ₹0.05 [U: read so from third-party use of the dump]), `lot_size`, `freeze_quantity`,
//! `expiry` (epoch milliseconds) and `strike_price`. Objects of segments we do not list are
//! passed over and counted; one whose own values are broken is skipped and reported by its
//! index, so one bad entry never blocks a day's trading on the others. A body that is not a
//! JSON array is an error: that is not Upstox's dump. The caller decompresses it.

use serde::Deserialize;
use sharewise_engine::time::{ist_day, NANOS_PER_MILLI};
use sharewise_engine::types::Price;

use crate::listing::{BrokerIds, Kind, Listing, Market};
use crate::MasterError;

/// Skipped entries reported by index; more are only counted.
const REPORTED: usize = 10;

/// What reading a dump found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstoxDump {
    /// The listings, in the dump's order.
    pub listings: Vec<Listing>,
    /// Entries of segments the master does not list (e.g. `MCX_INDEX`), passed over.
    pub other_markets: usize,
    /// Entries skipped for a broken value.
    pub skipped: usize,
    /// The first skipped entries: `entry N (`key`): why`.
    pub problems: Vec<String>,
}

/// One entry as Upstox writes it (the fields the master keeps).
#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    segment: String,
    #[serde(default)]
    instrument_key: String,
    #[serde(default)]
    exchange_token: serde_json::Value,
    #[serde(default)]
    trading_symbol: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    instrument_type: String,
    #[serde(default)]
    tick_size: Option<f64>,
    #[serde(default)]
    lot_size: Option<f64>,
    #[serde(default)]
    freeze_quantity: Option<f64>,
    #[serde(default)]
    expiry: Option<i64>,
    #[serde(default)]
    strike_price: Option<f64>,
}

/// The market and whether it is an index, of an Upstox segment.
fn market_of(segment: &str) -> Option<(Market, bool)> {
    Some(match segment {
        "NSE_EQ" => (Market::Nse, false),
        "NSE_INDEX" => (Market::Nse, true),
        "BSE_EQ" => (Market::Bse, false),
        "BSE_INDEX" => (Market::Bse, true),
        "NSE_FO" => (Market::Nfo, false),
        "BSE_FO" => (Market::Bfo, false),
        "NCD_FO" => (Market::Cds, false),
        "BCD_FO" => (Market::Bcd, false),
        "MCX_FO" => (Market::Mcx, false),
        _ => return None,
    })
}

/// Reads Upstox's dump (already decompressed) from `json`; `source` names it in errors.
pub fn read_upstox_dump(json: &[u8], source: &str) -> Result<UpstoxDump, MasterError> {
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(json).map_err(|e| MasterError::Read {
            source_name: source.to_string(),
            reason: format!("not Upstox's JSON list of instruments: {e}"),
        })?;
    let mut dump = UpstoxDump::default();
    for (k, value) in entries.into_iter().enumerate() {
        let key = value["instrument_key"].as_str().unwrap_or("?").to_string();
        let read = serde_json::from_value::<Entry>(value)
            .map_err(|e| e.to_string())
            .and_then(|entry| match market_of(&entry.segment) {
                None => Ok(None),
                Some(market) => listing(&entry, market).map(Some),
            });
        match read {
            Ok(Some(listing)) => dump.listings.push(listing),
            Ok(None) => dump.other_markets += 1,
            Err(why) => {
                dump.skipped += 1;
                if dump.problems.len() < REPORTED {
                    dump.problems
                        .push(format!("{source}: entry {k} (`{key}`): {why}"));
                }
            }
        }
    }
    Ok(dump)
}

/// A whole, non-negative count from a JSON number (Upstox writes `1.0`, `1800.0`).
fn whole(value: Option<f64>, what: &str) -> Result<Option<u32>, String> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) => {
            Ok(Some(v as u32))
        }
        Some(v) => Err(format!("`{what}` = {v} is not a whole number")),
    }
}

/// Paise (a JSON number, possibly with a fraction of a paisa for currencies) as a price.
fn paise(value: f64, what: &str) -> Result<Price, String> {
    let units = value * 100.0;
    if !units.is_finite() || units < 0.0 || units.fract().abs() > 1e-6 || units > 1e15 {
        return Err(format!("`{what}` = {value} is not a price in paise"));
    }
    Ok(Price(units.round() as i64))
}

fn listing(e: &Entry, (market, index): (Market, bool)) -> Result<Listing, String> {
    if e.instrument_key.is_empty() || e.trading_symbol.is_empty() {
        return Err("no `instrument_key` or `trading_symbol`".into());
    }
    let kind = if index {
        Kind::Index
    } else {
        match e.instrument_type.as_str() {
            "EQ" | "BE" | "SM" | "ST" => Kind::Equity,
            "FUT" | "FUTIDX" | "FUTSTK" | "FUTCOM" | "FUTCUR" => Kind::Future,
            "CE" => Kind::Call,
            "PE" => Kind::Put,
            other => return Err(format!("`instrument_type` = `{other}` is not one we trade")),
        }
    };
    let exchange_token = match &e.exchange_token {
        serde_json::Value::String(s) => s.parse::<u32>().ok(),
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
    .ok_or("`exchange_token` is not a whole number")?;
    let tick_size = paise(e.tick_size.unwrap_or(0.0), "tick_size")?;
    let expiry = e
        .expiry
        .filter(|ms| *ms > 0)
        .map(|ms| ist_day(ms.saturating_mul(NANOS_PER_MILLI)));
    let strike = match kind {
        Kind::Call | Kind::Put => {
            let rupees = e.strike_price.ok_or("an option without `strike_price`")?;
            Some(paise(rupees * 100.0, "strike_price")?)
        }
        _ => None,
    };
    Ok(Listing {
        market,
        symbol: e.trading_symbol.clone(),
        name: e.name.clone(),
        kind,
        exchange_token,
        tick_size,
        lot_size: whole(e.lot_size, "lot_size")?.unwrap_or(1).max(1),
        freeze_qty: whole(e.freeze_quantity, "freeze_quantity")?.filter(|q| *q > 0),
        expiry,
        strike,
        ids: BrokerIds {
            upstox_key: Some(e.instrument_key.clone()),
            ..BrokerIds::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = r#"[
      {"segment":"NSE_EQ","name":"INFOSYS LIMITED","exchange":"NSE","isin":"INE009A01021",
       "instrument_type":"EQ","instrument_key":"NSE_EQ|INE009A01021","lot_size":1,
       "freeze_quantity":100000.0,"exchange_token":"1594","tick_size":5.0,
       "trading_symbol":"INFY","short_name":"INFOSYS","security_type":"NORMAL"},
      {"segment":"NSE_FO","name":"NIFTY","exchange":"NSE","expiry":1785436199000,
       "instrument_type":"FUT","instrument_key":"NSE_FO|54452","lot_size":75,
       "freeze_quantity":1800.0,"exchange_token":"54452","tick_size":10.0,
       "trading_symbol":"NIFTY FUT 30 JUL 26"},
      {"segment":"NSE_INDEX","name":"Nifty 50","exchange":"NSE","instrument_type":"INDEX",
       "instrument_key":"NSE_INDEX|Nifty 50","exchange_token":"26000",
       "trading_symbol":"NIFTY"},
      {"segment":"MCX_INDEX","instrument_key":"MCX_INDEX|X","trading_symbol":"X"},
      {"segment":"NSE_EQ","instrument_type":"EQ","instrument_key":"NSE_EQ|BROKEN",
       "exchange_token":"12","tick_size":-5.0,"trading_symbol":"BRKN"}
    ]"#;

    #[test]
    fn shares_futures_and_indices_read_with_their_keys_and_grids() {
        let dump = read_upstox_dump(DUMP.as_bytes(), "NSE.json").unwrap();
        assert_eq!(
            (dump.listings.len(), dump.other_markets, dump.skipped),
            (3, 1, 1)
        );
        let infy = &dump.listings[0];
        assert_eq!(
            (
                infy.market,
                infy.kind,
                infy.symbol.as_str(),
                infy.exchange_token
            ),
            (Market::Nse, Kind::Equity, "INFY", 1594)
        );
        assert_eq!(infy.tick_size, Price::parse("0.05").unwrap());
        assert_eq!(infy.ids.upstox_key.as_deref(), Some("NSE_EQ|INE009A01021"));
        let fut = &dump.listings[1];
        assert_eq!(
            (fut.kind, fut.lot_size, fut.freeze_qty),
            (Kind::Future, 75, Some(1800))
        );
        assert_eq!(fut.tick_size, Price::parse("0.10").unwrap());
        assert_eq!(
            fut.expiry,
            Some(sharewise_engine::time::days_from_civil(2026, 7, 30))
        );
        assert_eq!(dump.listings[2].kind, Kind::Index);
        assert!(
            dump.problems[0].contains("NSE_EQ|BROKEN"),
            "{:?}",
            dump.problems
        );
        assert!(read_upstox_dump(b"{\"status\":\"error\"}", "x").is_err());
    }
}

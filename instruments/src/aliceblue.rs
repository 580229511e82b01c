//! AliceBlue's contract master (CSV, one file per exchange, e.g. `NSE.csv`, at
//! `https://v2api.aliceblueonline.com/restpy/static/contract_master/` [U: the host and path are
//! what third-party clients use; AliceBlue also publishes zipped and JSON forms]) → listings with
//! AliceBlue's token (the exchange token, its v2 API's `instrumentId`).
//!
//! Columns, found by name (third-party clients read these [U]): `Exch`, `Symbol`, `Token`,
//! `Instrument Type` (`EQ`, `FUTIDX`, `FUTSTK`, `OPTIDX`, `OPTSTK`, `INDEX`, ...), `Option Type`
//! (`CE`, `PE`, `XX`), `Strike Price`, `Trading Symbol` (`INFY-EQ`), `Expiry Date`
//! (`YYYY-MM-DD`), `Lot Size`, `Tick Size` (rupees). A share is listed under its `Symbol`
//! (`INFY`, as Kite names it, so the master merges the two); a derivative under AliceBlue's
//! `Trading Symbol`, which may differ from Kite's [U]. Rows of exchanges we do not list are
//! passed over and counted; a row with a broken value is skipped and reported by line; a missing
//! column is an error: that is not AliceBlue's contract master.

use std::io::Read;

use sharewise_engine::time::days_from_civil;
use sharewise_engine::types::Price;

use crate::listing::{BrokerIds, Kind, Listing, Market};
use crate::MasterError;

/// Skipped rows reported by line; more are only counted.
const REPORTED: usize = 10;

/// What reading a contract master found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AliceBlueMaster {
    /// The listings, in the file's order.
    pub listings: Vec<Listing>,
    /// Rows of exchanges the master does not list, passed over.
    pub other_markets: usize,
    /// Rows skipped for a broken value.
    pub skipped: usize,
    /// The first skipped rows: `line N: why`.
    pub problems: Vec<String>,
}

const COLUMNS: [&str; 10] = [
    "Exch",
    "Symbol",
    "Token",
    "Instrument Type",
    "Option Type",
    "Strike Price",
    "Trading Symbol",
    "Expiry Date",
    "Lot Size",
    "Tick Size",
];

/// Reads an AliceBlue contract master from `input`; `source` names it in errors.
pub fn read_aliceblue_master(
    input: impl Read,
    source: &str,
) -> Result<AliceBlueMaster, MasterError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| MasterError::Read {
            source_name: source.to_string(),
            reason: e.to_string(),
        })?
        .clone();
    let at: Vec<usize> = COLUMNS
        .iter()
        .map(|name| {
            header
                .iter()
                .position(|h| h.trim() == *name)
                .ok_or_else(|| MasterError::MissingColumn {
                    source_name: source.to_string(),
                    column: name.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    let mut out = AliceBlueMaster::default();
    for (k, row) in reader.records().enumerate() {
        let line = k + 2;
        let row = row.map_err(|e| MasterError::Read {
            source_name: source.to_string(),
            reason: format!("line {line}: {e}"),
        })?;
        let field = |i: usize| row.get(at[i]).unwrap_or("").trim();
        let Some(market) = Market::from_code(field(0)) else {
            out.other_markets += 1;
            continue;
        };
        match listing(market, &field) {
            Ok(l) => out.listings.push(l),
            Err(why) => {
                out.skipped += 1;
                if out.problems.len() < REPORTED {
                    out.problems.push(format!("{source}: line {line}: {why}"));
                }
            }
        }
    }
    Ok(out)
}

/// The kind of a row: its `Instrument Type`, and `Option Type` for options.
fn kind_of(instrument_type: &str, option_type: &str) -> Option<Kind> {
    Some(match instrument_type {
        "EQ" | "BE" | "SM" | "ST" | "" => Kind::Equity,
        "INDEX" => Kind::Index,
        t if t.starts_with("FUT") => Kind::Future,
        t if t.starts_with("OPT") => match option_type {
            "CE" => Kind::Call,
            "PE" => Kind::Put,
            _ => return None,
        },
        _ => return None,
    })
}

/// `YYYY-MM-DD` as an IST day number.
fn day(text: &str) -> Option<i64> {
    let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m as u32, d as u32))
}

fn listing<'r>(market: Market, field: &impl Fn(usize) -> &'r str) -> Result<Listing, String> {
    let named = |i: usize, why: &str| format!("column `{}` = `{}`: {why}", COLUMNS[i], field(i));
    let kind = kind_of(field(3), field(4)).ok_or_else(|| named(3, "not a kind we list"))?;
    let token: u32 = field(2)
        .parse()
        .map_err(|_| named(2, "not a whole number"))?;
    let symbol = match kind {
        Kind::Equity | Kind::Index if !field(1).is_empty() => field(1),
        _ => field(6),
    };
    if symbol.is_empty() {
        return Err(named(6, "no symbol"));
    }
    let tick_size = match field(9) {
        "" => Price(0),
        t => Price::parse(t).map_err(|e| named(9, &e.to_string()))?,
    };
    if tick_size.0 < 0 {
        return Err(named(9, "negative"));
    }
    let lot_size = match field(8) {
        "" => 1,
        t => t
            .parse::<f64>()
            .ok()
            .filter(|l| l.fract() == 0.0 && *l >= 1.0 && *l <= f64::from(u32::MAX))
            .ok_or_else(|| named(8, "not a whole lot size"))? as u32,
    };
    let expiry = match field(7) {
        "" => None,
        t => Some(day(t).ok_or_else(|| named(7, "expected YYYY-MM-DD"))?),
    };
    let strike = match kind {
        Kind::Call | Kind::Put => {
            Some(Price::parse(field(5)).map_err(|e| named(5, &e.to_string()))?)
        }
        _ => None,
    };
    Ok(Listing {
        market,
        symbol: symbol.to_string(),
        name: field(1).to_string(),
        kind,
        exchange_token: token,
        tick_size,
        lot_size,
        // The contract master carries no freeze limits.
        freeze_qty: None,
        expiry,
        strike,
        ids: BrokerIds {
            aliceblue_token: Some(token),
            ..BrokerIds::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASTER: &str = "\
Exch,Exchange Segment,Symbol,Token,Instrument Type,Option Type,Strike Price,Instrument Name,Formatted Ins Name,Trading Symbol,Expiry Date,Lot Size,Tick Size
NSE,nse_cm,INFY,1594,EQ,XX,0,INFOSYS LIMITED,INFY,INFY-EQ,,1,0.05
NFO,nse_fo,NIFTY,54452,FUTIDX,XX,0,NIFTY,NIFTY JUL FUT,NIFTY26JULFUT,2026-07-30,75,0.1
NFO,nse_fo,NIFTY,60001,OPTIDX,CE,24000,NIFTY,NIFTY 24000 CE,NIFTY26JUL24000CE,2026-07-30,75,0.05
NSEIX,x,X,1,EQ,XX,0,X,X,X,,1,0.05
NSE,nse_cm,BRKN,12,EQ,XX,0,B,B,BRKN-EQ,,1,-0.05
";

    #[test]
    fn shares_futures_and_options_read_with_their_tokens() {
        let m = read_aliceblue_master(MASTER.as_bytes(), "NSE.csv").unwrap();
        assert_eq!((m.listings.len(), m.other_markets, m.skipped), (3, 1, 1));
        let infy = &m.listings[0];
        assert_eq!(
            (infy.market, infy.kind, infy.symbol.as_str()),
            (Market::Nse, Kind::Equity, "INFY")
        );
        assert_eq!(
            (infy.ids.aliceblue_token, infy.tick_size),
            (Some(1594), Price::parse("0.05").unwrap())
        );
        let fut = &m.listings[1];
        assert_eq!(
            (fut.kind, fut.lot_size, fut.symbol.as_str()),
            (Kind::Future, 75, "NIFTY26JULFUT")
        );
        assert_eq!(fut.expiry, Some(days_from_civil(2026, 7, 30)));
        assert_eq!(m.listings[2].strike, Some(Price::parse("24000").unwrap()));
        assert!(m.problems[0].contains("Tick Size"), "{:?}", m.problems);
        assert!(read_aliceblue_master("a,b\n1,2\n".as_bytes(), "x").is_err());
    }
}

//! Kite's instrument dumps (Zerodha's mock files) into the master: every row listed with its grid
//! and token, options with strike and expiry, broken rows named by line and column, and orders
//! checked against the grid.

use std::fs::File;
use std::path::PathBuf;

use sharewise_engine::time::days_from_civil;
use sharewise_instruments::{
    read_kite_dump, BrokerIds, GridError, InstrumentMaster, Kind, Listing, Market, MasterError,
};
use sharewise_testkit::p;

fn fixture(name: &str) -> File {
    File::open(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

#[test]
fn the_whole_dump_is_listed_with_grids_and_tokens() {
    let dump = read_kite_dump(fixture("instruments_all.csv"), "instruments_all.csv").unwrap();
    assert_eq!(dump.listings.len(), 99);
    assert_eq!((dump.skipped, dump.other_markets), (0, 0));
    let count = |m: Market| dump.listings.iter().filter(|l| l.market == m).count();
    assert_eq!(
        (count(Market::Nse), count(Market::Bse), count(Market::Nfo)),
        (55, 19, 25)
    );

    let mut master = InstrumentMaster::new();
    master.merge(dump.listings);
    let call = master.get(Market::Nfo, "BANKNIFTY18JAN23500CE").unwrap();
    assert_eq!(call.kind, Kind::Call);
    assert_eq!(call.ids.kite_token, Some(12_073_986));
    assert_eq!(call.exchange_token, 47_164);
    assert_eq!(call.lot_size, 40);
    assert_eq!(call.tick_size, p("0.05"));
    assert_eq!(call.strike, Some(p("23500")));
    assert_eq!(call.expiry, Some(days_from_civil(2018, 1, 25)));
    assert_eq!(master.by_kite_token(12_073_986), Some(call));

    let share = master.get(Market::Nse, "CENTRALBK-BE").unwrap();
    assert_eq!(
        (share.kind, share.lot_size, share.strike, share.expiry),
        (Kind::Equity, 1, None, None)
    );
    assert_eq!(share.name, "CENTRAL BANK OF INDIA");
    assert_eq!(
        share.market.equity_exchange().map(|e| e.to_string()),
        Some("NSE".into())
    );
    assert!(master.get(Market::Bse, "CENTRALBK-BE").is_none());

    // The per-exchange dump: the same format, one market.
    let nse = read_kite_dump(fixture("instruments_nse.csv"), "instruments_nse.csv").unwrap();
    assert_eq!(nse.listings.len(), 99);
    assert!(nse.listings.iter().all(|l| l.market == Market::Nse));
    master.merge(nse.listings);
    assert!(master.conflicts().is_empty(), "{:?}", master.conflicts());
}

#[test]
fn broken_rows_are_named_and_skipped_and_other_markets_passed_over() {
    let text = "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange\n\
        408065,1594,INFY,INFOSYS,0.0,,0.0,0.05,1,EQ,NSE,NSE\n\
        x,1,BAD,BAD,0,,0,0.05,1,EQ,NSE,NSE\n\
        256265,1001,NIFTY 50,,0.0,,0.0,0.0,0,EQ,INDICES,NSE\n\
        1,2,ODD,,0,,0,0.05,1,EQ,NSEIX,NSEIX\n\
        3,4,OPT,,0,2026-13-01,100,0.05,50,CE,NFO-OPT,NFO\n\
        5,6,TICK,,0,,0,NaN,1,EQ,NSE,NSE\n";
    let dump = read_kite_dump(text.as_bytes(), "today.csv").unwrap();
    let symbols: Vec<&str> = dump.listings.iter().map(|l| l.symbol.as_str()).collect();
    assert_eq!(symbols, ["INFY", "NIFTY 50"]);
    assert_eq!(dump.listings[1].kind, Kind::Index);
    assert_eq!((dump.skipped, dump.other_markets), (3, 1));
    assert_eq!(
        dump.problems[0],
        "today.csv: line 3: column `instrument_token` = `x`: not a whole number"
    );
    assert!(dump.problems[1].contains("line 6: column `expiry` = `2026-13-01`"));
    assert!(dump.problems[2].contains("line 7: column `tick_size` = `NaN`"));

    let err = read_kite_dump("a,b\n1,2\n".as_bytes(), "wrong.csv").unwrap_err();
    assert!(matches!(err, MasterError::MissingColumn { .. }));
    assert_eq!(
        err.to_string(),
        "wrong.csv: no `instrument_token` column: is this the broker's instrument dump?"
    );
}

fn listing(symbol: &str, tick: &str, lot: u32, ids: BrokerIds) -> Listing {
    Listing {
        market: Market::Nfo,
        symbol: symbol.into(),
        name: String::new(),
        kind: Kind::Future,
        exchange_token: 1,
        tick_size: p(tick),
        lot_size: lot,
        freeze_qty: None,
        expiry: None,
        strike: None,
        ids,
    }
}

#[test]
fn a_second_brokers_dump_adds_its_ids_and_disagreements_are_reported() {
    let mut master = InstrumentMaster::new();
    let kite = BrokerIds {
        kite_token: Some(7),
        ..BrokerIds::default()
    };
    master.merge([listing("NIFTYFUT", "0.05", 75, kite)]);
    let upstox = BrokerIds {
        upstox_key: Some("NSE_FO|35001".into()),
        ..BrokerIds::default()
    };
    master.merge([listing("NIFTYFUT", "0.10", 75, upstox)]);
    assert_eq!(master.len(), 1);
    let merged = master.get(Market::Nfo, "NIFTYFUT").unwrap();
    assert_eq!(merged.ids.kite_token, Some(7));
    assert_eq!(merged.ids.upstox_key.as_deref(), Some("NSE_FO|35001"));
    assert_eq!(merged.tick_size, p("0.05"), "the first dump's grid stays");
    assert_eq!(master.conflicts().len(), 1);
    assert!(
        master.conflicts()[0].contains("NFO:NIFTYFUT"),
        "{:?}",
        master.conflicts()
    );

    assert_eq!(
        InstrumentMaster::check_grid(merged, Some(p("24000.05")), 150),
        Ok(())
    );
    assert!(matches!(
        InstrumentMaster::check_grid(merged, Some(p("24000.02")), 75),
        Err(GridError::OffTick { .. })
    ));
    let err = InstrumentMaster::check_grid(merged, None, 100).unwrap_err();
    assert_eq!(
        err.to_string(),
        "NIFTYFUT: quantity 100 is not a multiple of the lot size 75"
    );
}

//! The sandbox's instrument dump, read by Zerodha's client and by our instrument master: the same
//! ten NSE shares with Kite's token scheme, the tokens its ticker streams.

mod common;

use common::logged_in;
use sharewise_instruments::{read_kite_dump, InstrumentMaster, Market};

#[tokio::test]
async fn the_dump_reads_in_zerodhas_client_and_in_our_master() {
    let (kite, addr) = logged_in().await;
    let listed = kite.instruments().await.unwrap();
    assert_eq!(listed.len(), 10);
    let infy = listed.iter().find(|i| i.tradingsymbol == "INFY").unwrap();
    assert_eq!(
        (infy.instrument_token, infy.exchange_token),
        (408_065, 1594)
    );

    // Public, as on Kite: no session needed.
    let csv = reqwest::Client::new()
        .get(format!("http://{addr}/instruments/NSE"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dump = read_kite_dump(csv.as_bytes(), "sandbox").unwrap();
    assert_eq!((dump.listings.len(), dump.skipped), (10, 0));
    let mut master = InstrumentMaster::new();
    master.merge(dump.listings);
    let tcs = master.get(Market::Nse, "TCS").unwrap();
    assert_eq!(tcs.ids.kite_token, Some(2_953_217));
    assert_eq!(master.by_kite_token(408_065).unwrap().symbol, "INFY");
}

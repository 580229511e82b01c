//! Kite's REST answers and postbacks on input nobody planned for: random bytes, Zerodha's recorded
//! bodies mutated and cut short, any status. Nothing may panic; the envelope reader either
//! finds the payload or names an error, and the order reader either reads an order of ours or
//! says why not. A postback passes only whole and signed.

use proptest::prelude::*;
use sharewise_engine::types::Instrument;
use sharewise_kite::postback;
use sharewise_kite::rest::convert::{broker_order, broker_trade, Listings, OrderPolicy};
use sharewise_kite::rest::envelope;
use sharewise_kite::rest::wire::{ist_time, WireOrder, WireTrade};

fn recorded(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn listings() -> Listings {
    Listings::new([
        Instrument::nse_equity(0, "SBIN"),
        Instrument::nse_equity(1, "INFY"),
    ])
}

/// `body` with `edits` applied: each (position, byte) overwrites, and `cut` truncates.
fn mutated(mut body: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    for &(at, byte) in edits {
        if !body.is_empty() {
            let k = at % body.len();
            body[k] = byte;
        }
    }
    if let Some(c) = cut {
        body.truncate(c % (body.len() + 1));
    }
    body
}

/// Every reader a REST body goes through, for whatever it holds.
fn read_all(status: u16, body: &[u8]) {
    let Ok(data) = envelope("/orders", status, body) else {
        return;
    };
    let listings = listings();
    if let Ok(orders) = serde_json::from_value::<Vec<WireOrder>>(data.clone()) {
        for o in &orders {
            let _ = broker_order(o, &listings);
        }
    }
    if let Ok(trades) = serde_json::from_value::<Vec<WireTrade>>(data) {
        let tags = std::collections::HashMap::new();
        for t in &trades {
            let _ = broker_trade(t, &tags, &listings, &OrderPolicy::default());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_never_a_payload(bytes in proptest::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
        read_all(status, &bytes);
        // Only Kite's success envelope yields data.
        if let Ok(v) = envelope("/x", status, &bytes) {
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(text.contains("success"), "{v}");
        }
    }

    #[test]
    fn recorded_bodies_mutated_or_cut_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
        status in prop_oneof![Just(200u16), Just(400), Just(403), Just(429), Just(503)],
    ) {
        let name = ["orders.json", "trades.json", "order_info.json", "order_trades.json"][which];
        read_all(status, &mutated(recorded(name), &edits, cut));
    }

    #[test]
    fn a_postback_passes_only_whole_and_signed(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut p: serde_json::Value = serde_json::from_slice(&recorded("postback.json")).unwrap();
        let sum = postback::checksum(p["order_id"].as_str().unwrap(), p["order_timestamp"].as_str().unwrap(), "k3y");
        p["checksum"] = sum.into();
        let body = serde_json::to_vec(&p).unwrap();
        let changed = mutated(body.clone(), &edits, cut);
        match postback::verify(&changed, "k3y") {
            // A change that leaves the signed fields and the JSON intact may pass (a space, a
            // field outside the checksum); the order read is then the one signed.
            Ok(order) => prop_assert_eq!(order.order_id, "220303000308932"),
            Err(_) => prop_assert!(changed != body, "the untouched postback must pass"),
        }
    }

    #[test]
    fn any_text_as_a_kite_time_is_read_or_refused(text in ".{0,40}") {
        let _ = ist_time(&text);
    }
}

//! A REST answer: Kite's envelope, then its data read as orders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sharewise_kite::rest::envelope;
use sharewise_kite::rest::wire::WireOrder;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = envelope("/orders", 200, data) {
        let _ = serde_json::from_value::<Vec<WireOrder>>(value);
    }
});

//! A KiteTicker binary message: parsed, every packet decoded and its prices converted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sharewise_kite::ticker::Frame;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = Frame::parse(data) {
        for tick in frame.into_iter().flatten() {
            let _ = tick.engine_price(tick.last_price);
        }
    }
});

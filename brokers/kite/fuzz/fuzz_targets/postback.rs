//! A postback body: read and its checksum checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sharewise_kite::postback::verify(data, "fuzz-secret");
});

//! The reference data the TA-Lib tests share: `tests/data/ref_bars.csv` (the input bars) and the
//! path of every committed reference file.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;

use sharewise_engine::indicators::Candle;
use sharewise_engine::time::NANOS_PER_MILLI;
use sharewise_engine::types::Price;

/// The committed reference file `tests/data/NAME` of the engine crate.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The reference bars of `ref_bars.csv`, each with its epoch-millisecond timestamp (panics naming
/// the row of anything unreadable).
pub fn ref_bars() -> Vec<(i64, Candle)> {
    let mut rd = csv::Reader::from_path(data("ref_bars.csv")).expect("open ref_bars.csv");
    let mut bars = Vec::new();
    for (row, rec) in rd.records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("ref_bars.csv row {row}: {e}"));
        let price = |i: usize| {
            Price::parse(&rec[i])
                .unwrap_or_else(|e| panic!("ref_bars row {row}: {e}"))
                .to_f64()
        };
        let ts_ms: i64 = rec[0]
            .parse()
            .unwrap_or_else(|e| panic!("ref_bars row {row}: ts: {e}"));
        let volume: f64 = rec[5]
            .parse()
            .unwrap_or_else(|e| panic!("ref_bars row {row}: volume: {e}"));
        let candle = Candle {
            ts: ts_ms * NANOS_PER_MILLI,
            open: price(1),
            high: price(2),
            low: price(3),
            close: price(4),
            volume,
        };
        bars.push((ts_ms, candle));
    }
    bars
}

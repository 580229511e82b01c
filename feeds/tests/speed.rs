//! Throughput checks, ignored by default. Run in release mode:
//! `cargo test -p sharewise-feeds --release --test speed -- --ignored --nocapture`.

use std::time::Instant;

use sharewise_engine::types::Bar;
use sharewise_feeds::synthetic::{generate_bars, GenSpec};
use sharewise_feeds::{write_bars_csv, BarReader, ReadOptions, TimeFormat};

/// 2 667 days × 375 = 1 000 125 one-minute bars.
const DAYS: u32 = 2_667;

#[test]
#[ignore = "timing; run with --release --ignored"]
fn generate_write_and_read_a_million_bars() {
    let dir = tempfile::tempdir().unwrap();
    for format in [TimeFormat::EpochMillis, TimeFormat::IST] {
        let path = dir.path().join("bars.csv");
        let spec = GenSpec::new("BENCH", DAYS, 1);

        let t = Instant::now();
        let n = generate_bars(&spec).unwrap().count();
        let gen_only = t.elapsed();

        let t = Instant::now();
        let file = std::fs::File::create(&path).unwrap();
        let rows = write_bars_csv(generate_bars(&spec).unwrap(), file, format).unwrap();
        let gen_write = t.elapsed();
        let size = std::fs::metadata(&path).unwrap().len();

        let t = Instant::now();
        let mut checksum = 0i64;
        let mut read = 0usize;
        for bar in BarReader::open(&path, ReadOptions::STRICT).unwrap() {
            let bar: Bar = bar.unwrap();
            checksum = checksum.wrapping_add(bar.close.units() ^ bar.volume);
            read += 1;
        }
        let read_time = t.elapsed();
        assert_eq!((rows as usize, read), (n, n));
        println!(
            "{format:?}: {n} bars ({:.1} MB): generate {:.0} ms, generate+write {:.0} ms, read+validate {:.0} ms ({:.0} ns/bar) [checksum {checksum}]",
            size as f64 / 1e6,
            gen_only.as_secs_f64() * 1e3,
            gen_write.as_secs_f64() * 1e3,
            read_time.as_secs_f64() * 1e3,
            read_time.as_secs_f64() * 1e9 / n as f64,
        );
    }
}

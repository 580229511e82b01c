//! Throughput checks, ignored by default. Run in release mode:
//! `cargo test -p sharewise-feeds --release --test speed -- --ignored --nocapture`.

use std::time::Instant;

use sharewise_engine::types::Bar;
use sharewise_engine::types::InstrumentId;
use sharewise_feeds::synthetic::{generate_bars, generate_ticks, GenSpec};
use sharewise_feeds::{
    write_bars_csv, write_ticks_csv, BarReader, ReadOptions, TickReader, TimeFormat,
};

/// 2 667 days × 375 = 1 000 125 one-minute bars.
const DAYS: u32 = 2_667;

#[test]
#[ignore = "timing; run with --release --ignored"]
fn generate_write_and_read_a_million_bars() {
    let dir = sharewise_testkit::tmp();
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

/// Reads an existing bar CSV (`SHAREWISE_BENCH_CSV`, default `/tmp/b1m.csv`) several times and
/// prints the best and median read+validate times; skipped if the file is missing.
#[test]
#[ignore = "timing; run with --release --ignored"]
fn read_an_existing_file_repeatedly() {
    let path = std::env::var("SHAREWISE_BENCH_CSV").unwrap_or_else(|_| "/tmp/b1m.csv".to_string());
    if !std::path::Path::new(&path).exists() {
        println!(
            "{path} missing; generate it with `sharewise generate bars --days 2667 --out {path}`"
        );
        return;
    }
    let reps: usize = std::env::var("SHAREWISE_BENCH_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let mut times = Vec::new();
    let mut bars = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let mut checksum = 0i64;
        bars = 0;
        for bar in BarReader::open(&path, ReadOptions::STRICT).unwrap() {
            let bar: Bar = bar.unwrap();
            checksum = checksum.wrapping_add(bar.close.units() ^ bar.volume);
            bars += 1;
        }
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(checksum);
    }
    times.sort_by(f64::total_cmp);
    let (best, median) = (times[0], times[times.len() / 2]);
    println!(
        "{path}: {bars} bars, best {:.1} ms, median {:.1} ms ({:.1}M bars/s median)",
        best * 1e3,
        median * 1e3,
        bars as f64 / median / 1e6
    );
}

#[test]
#[ignore = "timing; run with --release --ignored"]
fn write_and_read_a_million_ticks() {
    let dir = sharewise_testkit::tmp();
    let path = dir.path().join("ticks.csv");
    let spec = GenSpec::new("BENCH", 667, 1); // about 4 trades a minute: 1M ticks
    let written = write_ticks_csv(
        generate_ticks(&spec).unwrap(),
        std::fs::File::create(&path).unwrap(),
        TimeFormat::EpochMillis,
    )
    .unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    let mut checksum = 0i64;
    let mut read = 0u64;
    for tick in TickReader::open(&path, InstrumentId(1), ReadOptions::STRICT).unwrap() {
        let tick = tick.unwrap();
        checksum = checksum.wrapping_add(tick.price.units() ^ tick.qty);
        read += 1;
    }
    let read_time = t.elapsed();
    assert_eq!(read, written);
    println!(
        "{read} ticks ({:.1} MB): read+validate {:.0} ms ({:.0} ns/tick) [checksum {checksum}]",
        size as f64 / 1e6,
        read_time.as_secs_f64() * 1e3,
        read_time.as_secs_f64() * 1e9 / read as f64
    );
}

//! KiteTicker decoding, ours against Zerodha's Rust client on the same messages
//! (`cargo bench -p sharewise-kite --bench ticker`).
//!
//! The messages are what a busy subscription receives: batches of full-mode packets (184 bytes,
//! five-level depth), and of quote-mode packets (44 bytes), made from Zerodha's own test vector
//! with the token, price and volume varied per packet. Ours: `Frame::parse` and `KiteTick::decode`
//! into integers, then each packet's last price converted to the engine's fixed-point `Price`
//! (what the feed does). `kiteconnect::parse_binary`: its `Vec<Tick>` of `f64` prices. Throughput
//! is reported in packets; both outputs go through `black_box`.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sharewise_kite::ticker::{write_message, Frame, KiteTick};

/// Zerodha's full-mode packet (INFY, 184 bytes), from the test fixtures.
fn full_packet() -> KiteTick {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ticker_full.bin"
    ))
    .expect("tests/fixtures/ticker_full.bin");
    KiteTick::decode(&bytes).expect("the fixture decodes")
}

/// One message of `n` packets like `base`, each of its own instrument and price.
fn message(base: KiteTick, n: u32, quote_only: bool) -> Vec<u8> {
    let ticks: Vec<KiteTick> = (0..n)
        .map(|k| {
            let mut t = base;
            t.token = 408_065 + k * 256;
            t.last_price = base.last_price + k * 5;
            t.volume = base.volume + k;
            if quote_only {
                t.layout = sharewise_kite::ticker::Layout::Quote;
            }
            t
        })
        .collect();
    let mut out = Vec::new();
    write_message(&ticks, &mut out);
    out
}

fn ours(message: &[u8]) -> i64 {
    let mut sum = 0;
    let Ok(frame) = Frame::parse(message) else {
        return 0;
    };
    for tick in frame.into_iter().flatten() {
        if let Some(price) = tick.engine_price(tick.last_price) {
            sum += price.units() + i64::from(tick.volume);
        }
    }
    sum
}

fn bench(c: &mut Criterion) {
    let base = full_packet();
    for (name, n, quote) in [
        ("full_x50", 50, false),
        ("quote_x50", 50, true),
        ("full_x1", 1, false),
    ] {
        let msg = message(base, n, quote);
        let mut g = c.benchmark_group(format!("kite_ticker/{name}"));
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_function("sharewise", |b| b.iter(|| black_box(ours(black_box(&msg)))));
        g.bench_function("kiteconnect", |b| {
            b.iter(|| black_box(kiteconnect::parse_binary(black_box(&msg))))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Micro-benchmarks: the cost of one streaming indicator update (`cargo bench --bench indicators`).
//!
//! Every bench feeds one bar per iteration from a pre-generated in-memory series (a deterministic
//! random walk around ₹1500 with one-minute timestamps), cycling through it, so the indicator stays
//! warmed up and the inputs are not constant. Inputs and outputs go through `black_box`.
// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use criterion::measurement::WallTime;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion};
use sharewise_engine::indicators::{
    Adx, Atr, BollingerBands, Candle, Ema, Indicator, Macd, Obv, Rsi, Sma, Stochastic, Vwap, Wma,
};
use sharewise_engine::time::NANOS_PER_MINUTE;

/// Bars in the series (a power of two, so cycling is a mask).
const BARS: usize = 1 << 14;

/// A deterministic random walk (xorshift64*), on the 5-paise grid, one bar per minute.
fn series() -> Vec<Candle> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let tick = |x: f64| (x * 20.0).round() / 20.0;
    let mut close = 1500.0;
    (0..BARS)
        .map(|i| {
            let open = close;
            close = tick(open + (rand() - 0.5) * 2.0);
            let high = tick(open.max(close) + rand());
            let low = tick(open.min(close) - rand());
            let volume = (1000.0 + rand() * 9000.0).round();
            Candle {
                ts: 1_767_584_700_000_000_000 + i as i64 * NANOS_PER_MINUTE,
                open,
                high,
                low,
                close,
                volume,
            }
        })
        .collect()
}

/// Benches one update of `ind` fed by `input` over the series.
fn bench<I: Indicator>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    bars: &[Candle],
    mut ind: I,
    input: impl Fn(&Candle) -> I::Input,
) {
    let inputs: Vec<I::Input> = bars.iter().map(input).collect();
    // Warm up past every look-back so the bench measures the steady state.
    for x in &inputs {
        ind.next(*x);
    }
    let mut i = 0usize;
    g.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) & (BARS - 1);
            black_box(ind.next(black_box(inputs[i])))
        })
    });
}

fn indicator_update(c: &mut Criterion) {
    let bars = series();
    let close = |b: &Candle| b.close;
    let candle = |b: &Candle| *b;
    let ok = "valid parameters";
    let mut group = c.benchmark_group("indicator_update");
    let c = &mut group;
    bench(c, "sma_20", &bars, Sma::new(20).expect(ok), close);
    bench(c, "ema_20", &bars, Ema::new(20).expect(ok), close);
    bench(c, "wma_20", &bars, Wma::new(20).expect(ok), close);
    bench(c, "rsi_14", &bars, Rsi::new(14).expect(ok), close);
    bench(
        c,
        "macd_12_26_9",
        &bars,
        Macd::new(12, 26, 9).expect(ok),
        close,
    );
    bench(
        c,
        "bbands_20_2_2",
        &bars,
        BollingerBands::new(20, 2.0, 2.0).expect(ok),
        close,
    );
    bench(c, "atr_14", &bars, Atr::new(14).expect(ok), candle);
    bench(
        c,
        "stoch_14_3_3",
        &bars,
        Stochastic::new(14, 3, 3).expect(ok),
        candle,
    );
    bench(c, "obv", &bars, Obv::new(), candle);
    bench(c, "adx_14", &bars, Adx::new(14).expect(ok), candle);
    bench(c, "vwap", &bars, Vwap::new(), candle);
    group.finish();
}

criterion_group!(benches, indicator_update);
criterion_main!(benches);

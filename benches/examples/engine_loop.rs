//! Profiling aid: loads a bar CSV once, then runs the SMA(10)/SMA(30) backtest over it many times,
//! so `perf stat`/`perf record` see mostly the engine. `cargo run --release -p sharewise-benches
//! --example engine_loop -- FILE [RUNS]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: engine_loop FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let bars = match sharewise_benches::backtest::read_all(std::path::Path::new(&path)) {
        Ok(bars) => bars,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let started = std::time::Instant::now();
    let mut trades = 0;
    for _ in 0..runs {
        let result = sharewise_benches::backtest::sma_backtester(false).run_slice(&bars);
        trades += result.metrics.trade_count;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{runs} runs × {} bars: {:.1}M bars/s ({trades} trades)",
        bars.len(),
        (runs * bars.len()) as f64 / secs / 1e6
    );
}

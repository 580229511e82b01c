//! ShareWise benchmark harness. `sharewise bench backtest` calls [`backtest::run`]; per-indicator
//! micro-benchmarks are criterion benches in `benches/benches/indicators.rs` (`cargo bench`).

pub mod backtest;
pub mod pipeline;

//! Shared test input for the backtester integration tests: a scripted strategy (the only test
//! double: it stands in for the *input*, signals at given bar indices), run through the real
//! pre-trade gate of `sharewise-risk`. Prices, times and hand-made bars come from
//! `sharewise-testkit`.
//!
//! Unless a test says otherwise: cash ₹10,00,000, no slippage, no charges, CNC, no shorting, lot 1,
//! one-minute bars from 2026-01-05 09:15 IST (the kit's `bars`).
#![allow(dead_code, unused_imports)]
pub use rust_decimal::Decimal;
pub use sharewise_engine::backtest::{
    BacktestConfig, BacktestResult, Backtester, Commission, SignalDecision, ZerodhaRates,
};
pub use sharewise_engine::risk::ReasonCode;
pub use sharewise_engine::strategy::{Reason, Signal, Strategy};
pub use sharewise_engine::time::{days_from_civil, ist_day, NANOS_PER_MINUTE};
pub use sharewise_engine::types::{
    Bar, Fill, Instrument, InstrumentId, OrderType, Price, Product, Side,
};
pub use sharewise_risk::{codes, Limits, PreTradeRisk, Sizing};
pub use sharewise_testkit::{bar_at, bar_ts, bars, d, day_at, p};

// ---------------------------------------------------------------------------------------------
// Test input: a scripted strategy and hand-made bars.
// ---------------------------------------------------------------------------------------------

/// One scripted signal: emitted at the close of bar `bar` (0-based index of the bars shown).
#[derive(Clone, Debug)]
pub struct Step {
    pub bar: usize,
    pub side: Side,
    pub entry: Option<&'static str>,
    pub stop: Option<&'static str>,
    pub target: Option<&'static str>,
}

pub fn buy(bar: usize) -> Step {
    Step {
        bar,
        side: Side::Buy,
        entry: None,
        stop: None,
        target: None,
    }
}

pub fn sell(bar: usize) -> Step {
    Step {
        bar,
        side: Side::Sell,
        ..buy(bar)
    }
}

impl Step {
    pub fn limit(mut self, price: &'static str) -> Step {
        self.entry = Some(price);
        self
    }
    pub fn stop(mut self, price: &'static str) -> Step {
        self.stop = Some(price);
        self
    }
    pub fn target(mut self, price: &'static str) -> Step {
        self.target = Some(price);
        self
    }
}

/// Emits the scripted signals at their bar indices, nothing else.
pub struct Scripted {
    steps: Vec<Step>,
    seen: usize,
}

impl Scripted {
    pub fn new(steps: Vec<Step>) -> Scripted {
        Scripted { steps, seen: 0 }
    }
}

impl Strategy for Scripted {
    fn name(&self) -> String {
        "scripted".into()
    }

    fn on_bar(&mut self, instrument: InstrumentId, bar: &Bar) -> Option<Signal> {
        let index = self.seen;
        self.seen += 1;
        let step = self.steps.iter().find(|s| s.bar == index)?;
        Some(Signal {
            ts: bar.ts,
            instrument,
            side: step.side,
            entry: step.entry.map(p),
            stop_loss: step.stop.map(p),
            take_profit: step.target.map(p),
            confidence: 1.0,
            reason: Reason::Text(format!("scripted step at bar {index}")),
        })
    }

    fn warmup_bars(&self) -> usize {
        0
    }

    fn reset(&mut self) {
        self.seen = 0;
    }
}

pub fn instrument(lot: i64) -> Instrument {
    let mut inst = Instrument::nse_equity(0, "TESTEQ");
    inst.lot_size = lot;
    inst
}

pub fn config() -> BacktestConfig {
    BacktestConfig::default()
}

pub fn run_with(
    config: BacktestConfig,
    inst: Instrument,
    sizing: Sizing,
    steps: Vec<Step>,
    bars: &[Bar],
) -> BacktestResult {
    let gate = PreTradeRisk::new(sizing, Limits::default(), config.product);
    Backtester::new(config, inst, Scripted::new(steps), gate).run(bars.iter().copied())
}

/// Ten shares, lot 1.
pub fn run(config: BacktestConfig, steps: Vec<Step>, bars: &[Bar]) -> BacktestResult {
    run_with(config, instrument(1), Sizing::FixedQty(10), steps, bars)
}

pub fn fill_prices(result: &BacktestResult) -> Vec<(Side, i64, Price)> {
    result
        .fills
        .iter()
        .map(|f: &Fill| (f.side, f.qty, f.price))
        .collect()
}

pub fn order_of(result: &BacktestResult, signal: usize) -> sharewise_engine::types::Order {
    match &result.signals[signal].decision {
        SignalDecision::Order { order } => *order,
        other => panic!("signal {signal}: expected an order, got {other:?}"),
    }
}

pub fn rejection_of(result: &BacktestResult, signal: usize) -> (ReasonCode, String) {
    match &result.signals[signal].decision {
        SignalDecision::Rejected { rejection } => (rejection.code, rejection.detail.clone()),
        other => panic!("signal {signal}: expected a rejection, got {other:?}"),
    }
}

/// Rupees to the equity curve's fixed-point units (1/10 000 rupee).
pub fn units(rupees: &str) -> i64 {
    p(rupees).units()
}

pub fn zerodha() -> Commission {
    Commission::Zerodha(ZerodhaRates::default())
}

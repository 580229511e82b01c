//! The backtester's fill model, brackets, sizing, charges and metrics, end to end through the real
//! pre-trade gate (`sharewise_risk::PreTradeRisk`).
//!
//! The only test double is the *input*: a scripted strategy that emits given signals at given bar
//! indices. Bars are built by hand with exact prices, and every number asserted here is computed
//! by hand in the comment beside it, from the rules documented in
//! `engine/src/backtest/fill_model.rs`, `engine/src/backtest/engine.rs`,
//! `engine/src/backtest/commission.rs` and `engine/src/backtest/metrics.rs`.
//!
//! Unless a test says otherwise: cash ₹10,00,000, no slippage, no charges, CNC, no shorting, lot 1,
//! one-minute bars from 2026-01-05 09:15 IST.

use rust_decimal::Decimal;
use sharewise_engine::backtest::{BacktestConfig, BacktestResult, Backtester, Commission, Decision, ZerodhaRates};
use sharewise_engine::strategy::{Reason, Signal, Strategy};
use sharewise_engine::time::{days_from_civil, ist_day, ist_midnight, TimestampNs, NANOS_PER_MINUTE, NSE_OPEN_IST_NS};
use sharewise_engine::types::{Bar, Fill, Instrument, InstrumentId, OrderType, Price, Product, Side};
use sharewise_risk::{codes, Limits, PreTradeRisk, Sizing};

// ---------------------------------------------------------------------------------------------
// Test input: a scripted strategy and hand-made bars.
// ---------------------------------------------------------------------------------------------

/// One scripted signal: emitted at the close of bar `bar` (0-based index of the bars shown).
#[derive(Clone, Debug)]
struct Step {
    bar: usize,
    side: Side,
    entry: Option<&'static str>,
    stop: Option<&'static str>,
    target: Option<&'static str>,
}

fn buy(bar: usize) -> Step {
    Step { bar, side: Side::Buy, entry: None, stop: None, target: None }
}

fn sell(bar: usize) -> Step {
    Step { bar, side: Side::Sell, ..buy(bar) }
}

impl Step {
    fn limit(mut self, price: &'static str) -> Step {
        self.entry = Some(price);
        self
    }
    fn stop(mut self, price: &'static str) -> Step {
        self.stop = Some(price);
        self
    }
    fn target(mut self, price: &'static str) -> Step {
        self.target = Some(price);
        self
    }
}

/// Emits the scripted signals at their bar indices, nothing else.
struct Scripted {
    steps: Vec<Step>,
    seen: usize,
}

impl Scripted {
    fn new(steps: Vec<Step>) -> Scripted {
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

fn p(text: &str) -> Price {
    Price::parse(text).unwrap()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// 2026-01-05 (a Monday) 09:15 IST, in UTC ns.
fn session_open() -> TimestampNs {
    ist_midnight(days_from_civil(2026, 1, 5)) + NSE_OPEN_IST_NS
}

fn bar_at(ts: TimestampNs, [o, h, l, c]: [&str; 4]) -> Bar {
    Bar { ts, open: p(o), high: p(h), low: p(l), close: p(c), volume: 1_000 }
}

/// One-minute bars from 09:15 IST on one day, open/high/low/close each.
fn bars(rows: &[[&str; 4]]) -> Vec<Bar> {
    rows.iter().enumerate().map(|(i, row)| bar_at(session_open() + i as i64 * NANOS_PER_MINUTE, *row)).collect()
}

fn ts_of(i: usize) -> TimestampNs {
    session_open() + i as i64 * NANOS_PER_MINUTE
}

fn instrument(lot: i64) -> Instrument {
    let mut inst = Instrument::nse_equity(0, "TESTEQ");
    inst.lot_size = lot;
    inst
}

fn config() -> BacktestConfig {
    BacktestConfig::default()
}

fn run_with(config: BacktestConfig, inst: Instrument, sizing: Sizing, steps: Vec<Step>, bars: &[Bar]) -> BacktestResult {
    let gate = PreTradeRisk::new(sizing, Limits::default(), config.product);
    Backtester::new(config, inst, Scripted::new(steps), gate).run(bars.iter().copied())
}

/// Ten shares, lot 1.
fn run(config: BacktestConfig, steps: Vec<Step>, bars: &[Bar]) -> BacktestResult {
    run_with(config, instrument(1), Sizing::FixedQty(10), steps, bars)
}

fn fill_prices(result: &BacktestResult) -> Vec<(Side, i64, Price)> {
    result.fills.iter().map(|f: &Fill| (f.side, f.qty, f.price)).collect()
}

fn order_of(result: &BacktestResult, signal: usize) -> sharewise_engine::types::Order {
    match &result.signals[signal].decision {
        Decision::Order { order } => *order,
        other => panic!("signal {signal}: expected an order, got {other:?}"),
    }
}

fn rejection_of(result: &BacktestResult, signal: usize) -> (&'static str, String) {
    match &result.signals[signal].decision {
        Decision::Rejected { rejection } => (rejection.code, rejection.detail.clone()),
        other => panic!("signal {signal}: expected a rejection, got {other:?}"),
    }
}

/// Rupees to the equity curve's fixed-point units (1/10 000 rupee).
fn units(rupees: &str) -> i64 {
    p(rupees).units()
}

fn zerodha() -> Commission {
    Commission::Zerodha(ZerodhaRates::default())
}

// ---------------------------------------------------------------------------------------------
// 1. Market orders: decided at bar t's close, filled at bar t+1's open.
// ---------------------------------------------------------------------------------------------

#[test]
fn market_order_fills_at_next_open_and_a_last_bar_signal_never_fills() {
    let b = bars(&[
        ["100.00", "101.00", "99.00", "100.50"], // 0: BUY decided at the close
        ["101.00", "102.00", "100.00", "101.50"], // 1: BUY 10 fills at the open 101.00
        ["102.00", "103.00", "101.00", "102.50"], // 2
        ["103.00", "104.00", "102.00", "103.20"], // 3: last bar; SELL decided here never fills
    ]);
    let r = run(config(), vec![buy(0), sell(3)], &b);

    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("101.00"))]);
    assert_eq!(r.fills[0].ts, ts_of(1), "fill carries the time of the bar whose open filled it");
    assert_eq!(r.fills[0].fees, Decimal::ZERO);

    // The SELL on the last bar was decided (an order exists) but there is no bar to fill it.
    assert_eq!(r.signals.len(), 2);
    let exit = order_of(&r, 1);
    assert_eq!((exit.side, exit.qty, exit.order_type), (Side::Sell, 10, OrderType::Market));

    // The position is still open: one trade with no exit.
    assert_eq!(r.trades.len(), 1);
    let t = &r.trades[0];
    assert_eq!((t.entry_ts, t.exit_ts, t.side, t.qty), (ts_of(1), None, Side::Buy, 10));
    assert_eq!((t.entry_price, t.exit_price, t.pnl), (d("101"), None, None));
    assert_eq!(r.metrics.trade_count, 0);

    // cash = 10,00,000 − 10 × 101.00 = 9,98,990; equity = cash + 10 × last close 103.20 = 10,00,022.
    assert_eq!(r.final_equity, d("1000022"));
    let curve: Vec<i64> = r.curve.iter().map(|e| e.equity).collect();
    // bar0 flat 10,00,000; bar1 9,98,990 + 1,015 ; bar2 + 1,025 ; bar3 + 1,032.
    assert_eq!(curve, vec![units("1000000"), units("1000005"), units("1000015"), units("1000022")]);
    // Bars 1..3 end in the market: 3 of 4.
    assert_eq!(r.metrics.exposure, 0.75);
}

#[test]
fn a_buy_on_the_only_bar_leaves_no_fill_and_no_trade() {
    let b = bars(&[["100.00", "101.00", "99.00", "100.50"]]);
    let r = run(config(), vec![buy(0)], &b);
    assert!(matches!(r.signals[0].decision, Decision::Order { .. }));
    assert!(r.fills.is_empty());
    assert!(r.trades.is_empty());
    assert_eq!(r.final_equity, d("1000000"));
    assert_eq!(r.metrics.exposure, 0.0);
}

// ---------------------------------------------------------------------------------------------
// 2. Slippage in ticks (0.05 on NSE), always against the trader.
// ---------------------------------------------------------------------------------------------

#[test]
fn slippage_moves_market_fills_against_the_trader_by_whole_ticks() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY
        ["101.00", "101.50", "100.50", "101.00"], // 1: buy at 101.00 + 2 × 0.05 = 101.10; SELL
        ["102.00", "102.50", "101.50", "102.00"], // 2: sell at 102.00 − 2 × 0.05 = 101.90
    ]);
    let r = run(BacktestConfig { slippage_ticks: 2, ..config() }, vec![buy(0), sell(1)], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("101.10")), (Side::Sell, 10, p("101.90"))]);
    // pnl = (101.90 − 101.10) × 10 = 8.00; flat, so equity = cash = 10,00,008.
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].pnl, Some(d("8")));
    assert_eq!(r.trades[0].exit_ts, Some(ts_of(2)));
    assert_eq!(r.final_equity, d("1000008"));

    // Three ticks on a short (MIS, shorting on): sell 100.00 − 0.15, cover 98.00 + 0.15.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL (opens a short)
        ["100.00", "100.50", "99.00", "99.00"],  // 1: sell at 99.85; BUY (cover 10 + long 10)
        ["98.00", "98.50", "97.50", "98.00"],    // 2: buy 20 at 98.15
    ]);
    let cfg = BacktestConfig { slippage_ticks: 3, product: Product::Mis, allow_short: true, ..config() };
    let r = run(cfg, vec![sell(0), buy(1)], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Sell, 10, p("99.85")), (Side::Buy, 20, p("98.15"))]);
    // Short pnl = (98.15 − 99.85) × −10 = +17.00.
    assert_eq!(r.trades[0].side, Side::Sell);
    assert_eq!(r.trades[0].pnl, Some(d("17")));
}

// ---------------------------------------------------------------------------------------------
// 3. Stop-loss and take-profit attached to an entry.
// ---------------------------------------------------------------------------------------------

/// A long entered at bar 1's open (100.00 + 1 tick = 100.05) with stop 98 and target 110, and
/// `exit_bar` as bar 2.
fn bracket_run(exit_bar: [&str; 4]) -> BacktestResult {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY, stop 98, target 110
        ["100.00", "101.00", "99.50", "100.50"], // 1: buy at 100.05; range touches neither
        exit_bar,                                // 2
        ["98.00", "99.00", "97.00", "98.50"],    // 3: SELL signal (position already flat)
        ["98.50", "99.00", "98.00", "98.50"],    // 4: would fill that SELL if it were an order
    ]);
    let cfg = BacktestConfig { slippage_ticks: 1, ..config() };
    run(cfg, vec![buy(0).stop("98").target("110"), sell(3)], &b)
}

#[test]
fn stop_hit_inside_a_later_bar_fills_at_the_stop_less_slippage() {
    let r = bracket_run(["100.00", "100.50", "97.50", "98.00"]);
    // low 97.50 ≤ 98: sell at min(open 100, stop 98) − 0.05 = 97.95.
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("100.05")), (Side::Sell, 10, p("97.95"))]);
    assert_eq!(r.fills[1].ts, ts_of(2));
    // pnl = (97.95 − 100.05) × 10 = −21.00; equity 9,99,979.
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].exit_ts, Some(ts_of(2)));
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
    assert_eq!(r.final_equity, d("999979"));
    // The later SELL finds the position flat: nothing to do, no order, no fill.
    assert_eq!(r.signals[1].decision, Decision::NoChange);
    assert_eq!(r.fills.len(), 2);
}

#[test]
fn a_gap_through_the_stop_fills_at_the_open_less_slippage() {
    let r = bracket_run(["96.00", "96.50", "95.00", "96.00"]);
    // Opens at 96 < stop 98: sell at 96.00 − 0.05 = 95.95; pnl = (95.95 − 100.05) × 10 = −41.
    assert_eq!(r.fills[1].price, p("95.95"));
    assert_eq!(r.trades[0].pnl, Some(d("-41")));
    assert_eq!(r.final_equity, d("999959"));
    assert_eq!(r.signals[1].decision, Decision::NoChange);
}

#[test]
fn take_profit_fills_at_the_target_or_the_better_open_without_slippage() {
    let r = bracket_run(["101.00", "110.50", "100.50", "110.00"]);
    // high 110.50 ≥ 110, opened below it: sell at the target 110.00 (no slippage on the target).
    assert_eq!(r.fills[1].price, p("110.00"));
    // pnl = (110.00 − 100.05) × 10 = 99.50.
    assert_eq!(r.trades[0].pnl, Some(d("99.5")));
    assert_eq!(r.final_equity, d("1000099.5"));
    assert_eq!(r.signals[1].decision, Decision::NoChange);

    let r = bracket_run(["112.00", "113.00", "111.00", "112.50"]);
    // Opens above the target: sell at the better open 112.00; pnl = (112 − 100.05) × 10 = 119.50.
    assert_eq!(r.fills[1].price, p("112.00"));
    assert_eq!(r.trades[0].pnl, Some(d("119.5")));
}

#[test]
fn when_one_bar_touches_stop_and_target_the_stop_wins() {
    let r = bracket_run(["100.00", "111.00", "97.00", "105.00"]);
    // Both 98 and 110 inside [97, 111]: the stop is assumed first → 98.00 − 0.05 = 97.95.
    assert_eq!(r.fills[1].price, p("97.95"));
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
}

#[test]
fn the_bracket_is_checked_on_the_entry_bar_itself() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY, stop 98
        ["100.00", "100.50", "97.50", "98.00"],  // 1: buy at open 100.05, then low 97.50 hits the stop
        ["98.00", "99.00", "97.00", "98.50"],    // 2: SELL: already flat
        ["98.50", "99.00", "98.00", "98.50"],    // 3
    ]);
    let cfg = BacktestConfig { slippage_ticks: 1, ..config() };
    let r = run(cfg, vec![buy(0).stop("98"), sell(2)], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("100.05")), (Side::Sell, 10, p("97.95"))]);
    assert_eq!((r.fills[0].ts, r.fills[1].ts), (ts_of(1), ts_of(1)));
    assert_eq!((r.trades[0].entry_ts, r.trades[0].exit_ts), (ts_of(1), Some(ts_of(1))));
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
    // The bar closed flat: no bar of the run ends in the market.
    assert_eq!(r.metrics.exposure, 0.0);
    assert_eq!(r.signals[1].decision, Decision::NoChange);
}

#[test]
fn a_short_brackets_mirror_the_long_ones() {
    // MIS short of 10 entered at bar 1's open 100.00 − 0.05 = 99.95, stop 102, target 95.
    let short_run = |exit_bar: [&str; 4]| {
        let b = bars(&[["100.00", "100.50", "99.50", "100.00"], ["100.00", "101.00", "99.00", "100.50"], exit_bar]);
        let cfg = BacktestConfig { slippage_ticks: 1, product: Product::Mis, allow_short: true, ..config() };
        run(cfg, vec![sell(0).stop("102").target("95")], &b)
    };
    // high 102.50 ≥ 102: buy at max(open 101, 102) + 0.05 = 102.05; pnl = (102.05 − 99.95) × −10 = −21.
    let r = short_run(["101.00", "102.50", "100.50", "102.00"]);
    assert_eq!(fill_prices(&r), vec![(Side::Sell, 10, p("99.95")), (Side::Buy, 10, p("102.05"))]);
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
    // Gap above the stop: buy at the open 103.00 + 0.05.
    let r = short_run(["103.00", "104.00", "102.50", "103.50"]);
    assert_eq!(r.fills[1].price, p("103.05"));
    // low 94.50 ≤ 95: buy at min(open 97, 95) = 95.00 (no slippage); pnl = (95 − 99.95) × −10 = 49.50.
    let r = short_run(["97.00", "97.50", "94.50", "95.00"]);
    assert_eq!(r.fills[1].price, p("95.00"));
    assert_eq!(r.trades[0].pnl, Some(d("49.5")));
    assert_eq!(r.final_equity, d("1000049.5"));
}

/// A limit BUY at 95 fills inside bar 1 *after* its open (the bar opens at 100 and trades down
/// to 94), so the bar's open and high may have come before the position existed. The fill model
/// therefore checks the target only from the next bar (the stop from the fill price on): no exit
/// at the open 100, nor at 98 on the entry bar.
#[test]
fn take_profit_on_a_limit_entry_bar_cannot_fill_at_the_open_that_preceded_the_entry() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY limit 95, stop 90, target 98
        ["100.00", "101.00", "94.00", "96.00"],  // 1: opens 100, trades through 95 → bought at 95
        ["96.00", "96.50", "95.50", "96.00"],    // 2
    ]);
    let r = run(config(), vec![buy(0).limit("95").stop("90").target("98")], &b);
    assert_eq!(r.fills[0].price, p("95.00"));
    assert_eq!(r.trades[0].exit_price, None, "no target exit on the entry bar; bar 2 never reaches 98");

    // The mirror: a limit SELL (short, MIS) at 105 fills as bar 1 rallies from its open 100; the
    // open 100 below the target 102 came before the short existed, so it must not cover there.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL limit 105, stop 110, target 102
        ["100.00", "106.00", "99.00", "104.00"], // 1: opens 100, trades up through 105 → sold at 105
        ["104.00", "104.50", "103.50", "104.00"],
    ]);
    let cfg = BacktestConfig { product: Product::Mis, allow_short: true, ..config() };
    let r = run(cfg, vec![sell(0).limit("105").stop("110").target("102")], &b);
    assert_eq!(r.fills[0].price, p("105.00"));
    assert_eq!(r.trades[0].exit_price, None, "no target exit on the entry bar; bar 2 never reaches 102");
}

/// Signals say which way the strategy wants to be (`SELL` = out when shorting is off). A `SELL`
/// while flat changes no position, but it must cancel a limit `BUY` still resting from an earlier
/// signal, or the run would end long against the strategy's latest wish. Likewise a `BUY` while
/// long cancels a resting limit `SELL` exit.
#[test]
fn a_contrary_signal_cancels_a_resting_limit_order() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY limit 95
        ["100.00", "100.50", "96.00", "97.00"],  // 1: low 96: no fill; SELL ("be out")
        ["96.00", "96.50", "94.00", "94.50"],    // 2: trades through 95
        ["94.50", "95.00", "94.00", "94.50"],
    ]);
    let r = run(config(), vec![buy(0).limit("95"), sell(1)], &b);
    assert!(r.fills.is_empty(), "the resting BUY limit should have been cancelled by the SELL, got fills {:?}", fill_prices(&r));
    assert_eq!(r.cancelled_orders, 1);
    assert!(r.trades.is_empty());
    assert_eq!(r.final_equity, d("1000000"));

    // Long 10 at 100; SELL limit 105 rests; BUY ("stay long") → the exit should be cancelled.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY
        ["100.00", "101.00", "99.50", "100.50"], // 1: bought at 100; SELL limit 105
        ["100.50", "104.00", "100.00", "103.00"], // 2: high 104: no fill; BUY (stay long)
        ["103.00", "106.00", "102.50", "105.50"], // 3: trades through 105
    ]);
    let r = run(config(), vec![buy(0), sell(1).limit("105"), buy(2)], &b);
    assert_eq!(r.signals[2].decision, Decision::NoChange);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("100"))], "the resting SELL limit should have been cancelled by the BUY");
    // Still long 10 bought at 100, marked at 105.50.
    assert_eq!(r.final_equity, d("1000055"));
}

// ---------------------------------------------------------------------------------------------
// 4. Limit entries.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_limit_buy_fills_only_when_the_price_trades_through_at_the_limit_without_slippage() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY limit 99
        ["100.00", "101.00", "99.00", "100.50"], // 1: low touches 99 but not below: no fill
        ["100.00", "100.50", "98.50", "99.50"],  // 2: low 98.50 < 99: filled at 99.00
        ["99.50", "100.00", "99.00", "99.80"],   // 3
    ]);
    let cfg = BacktestConfig { slippage_ticks: 2, ..config() };
    let r = run(cfg, vec![buy(0).limit("99")], &b);
    let order = order_of(&r, 0);
    assert_eq!((order.order_type, order.limit_price, order.qty), (OrderType::Limit, Some(p("99")), 10));
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("99.00"))]);
    assert_eq!(r.fills[0].ts, ts_of(2));
    assert_eq!(r.expired_orders, 0);
    // cash 10,00,000 − 990 = 9,99,010; + 10 × 99.80 = 10,00,008.
    assert_eq!(r.final_equity, d("1000008"));
    // In the market at the close of bars 2 and 3 only.
    assert_eq!(r.metrics.exposure, 0.5);
}

#[test]
fn a_limit_buy_fills_at_the_open_when_the_bar_opens_below_the_limit() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY limit 99
        ["98.50", "99.50", "98.00", "99.00"],    // 1: opens 98.50 < 99: filled at the open
    ]);
    let r = run(config(), vec![buy(0).limit("99")], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("98.50"))]);
}

#[test]
fn a_limit_sell_exit_fills_when_the_high_trades_through() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY
        ["100.00", "101.00", "99.50", "100.50"], // 1: bought at 100; SELL limit 102
        ["100.50", "102.00", "100.00", "101.50"], // 2: high only touches 102: no fill
        ["101.50", "102.50", "101.00", "102.00"], // 3: high 102.50 > 102: sold at 102
        ["103.00", "103.50", "102.50", "103.00"], // 4
    ]);
    let r = run(config(), vec![buy(0), sell(1).limit("102")], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("100")), (Side::Sell, 10, p("102"))]);
    assert_eq!(r.fills[1].ts, ts_of(3));
    assert_eq!(r.trades[0].pnl, Some(d("20")));
    assert_eq!(r.final_equity, d("1000020"));
}

#[test]
fn a_day_limit_not_filled_by_the_end_of_its_ist_day_expires() {
    let day = days_from_civil(2026, 1, 5);
    let at = |day: i64, hh: i64, mm: i64| ist_midnight(day) + (hh * 60 + mm) * NANOS_PER_MINUTE;
    let b = vec![
        bar_at(at(day, 15, 28), ["100.00", "100.50", "99.50", "100.00"]), // BUY limit 95 (Mon)
        bar_at(at(day, 15, 29), ["100.00", "100.50", "96.00", "97.00"]),  // low 96: no fill
        bar_at(at(day + 1, 9, 15), ["95.50", "96.00", "94.00", "94.50"]), // Tue: would fill, but expired
        bar_at(at(day + 1, 9, 16), ["94.50", "95.00", "93.00", "93.50"]),
    ];
    assert_ne!(ist_day(b[1].ts), ist_day(b[2].ts));
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!(r.expired_orders, 1);
    assert!(r.fills.is_empty());
    assert!(r.trades.is_empty());
    assert_eq!(r.final_equity, d("1000000"));
}

#[test]
fn day_expiry_follows_the_ist_day_not_the_utc_day() {
    let utc = |y: i64, m: u32, dd: u32, hh: i64, mm: i64| days_from_civil(y, m, dd) * 1440 * NANOS_PER_MINUTE + (hh * 60 + mm) * NANOS_PER_MINUTE;
    // Same UTC date (5 Jan), different IST dates: 18:00 UTC = 23:30 IST 5 Jan, 19:00 UTC = 00:30 IST 6 Jan.
    let b = vec![
        bar_at(utc(2026, 1, 5, 18, 0), ["100.00", "100.50", "99.50", "100.00"]),
        bar_at(utc(2026, 1, 5, 19, 0), ["99.00", "99.50", "94.00", "95.00"]),
    ];
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!((r.expired_orders, r.fills.len()), (1, 0), "the IST day changed at 18:30 UTC");

    // Different UTC dates, same IST date (6 Jan): 20:00 UTC 5 Jan = 01:30 IST, 03:45 UTC 6 Jan = 09:15 IST.
    let b = vec![
        bar_at(utc(2026, 1, 5, 20, 0), ["100.00", "100.50", "99.50", "100.00"]),
        bar_at(utc(2026, 1, 6, 3, 45), ["99.00", "99.50", "94.00", "95.00"]),
    ];
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!(r.expired_orders, 0);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("95"))]);
}

// ---------------------------------------------------------------------------------------------
// 5. Sizing through the gate, rounded down to the lot (25), and the gate's refusals.
// ---------------------------------------------------------------------------------------------

/// Bar 0 closes at `close` (the reference price); bar 1 opens at `close` too.
fn sizing_run(cfg: BacktestConfig, sizing: Sizing, step: Step, close: &'static str) -> BacktestResult {
    let b = bars(&[[close, close, close, close], [close, close, close, close]]);
    run_with(cfg, instrument(25), sizing, vec![step], &b)
}

#[test]
fn each_sizing_method_rounds_down_to_the_lot() {
    // Fixed 60 shares → 50 (two lots).
    let r = sizing_run(config(), Sizing::FixedQty(60), buy(0), "100");
    assert_eq!(order_of(&r, 0).qty, 50);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 50, p("100"))]);

    // Fixed ₹10,000 at 150: floor(66.67) = 66 → 50.
    let r = sizing_run(config(), Sizing::FixedValue(d("10000")), buy(0), "150");
    assert_eq!(order_of(&r, 0).qty, 50);

    // 10 % of equity 10,00,000 = 1,00,000 at 130: floor(769.23) = 769 → 750.
    let r = sizing_run(config(), Sizing::PercentEquity(d("10")), buy(0), "130");
    assert_eq!(order_of(&r, 0).qty, 750);

    // Risk 1 % = 10,000 over |100 − 96.70| = 3.30: floor(3030.30) = 3030 → 3025.
    let r = sizing_run(config(), Sizing::RiskPerTrade(d("1")), buy(0).stop("96.70"), "100");
    assert_eq!(order_of(&r, 0).qty, 3025);
    assert_eq!(r.fills[0].qty, 3025);

    // Risk sizing from a limit entry measures the distance from the limit: |99 − 96.50| = 2.50 →
    // 10,000 / 2.5 = 4000 (already a whole number of lots). Bar 1 opens at 100 > 99: no fill.
    let r = sizing_run(config(), Sizing::RiskPerTrade(d("1")), buy(0).limit("99").stop("96.50"), "100");
    assert_eq!(order_of(&r, 0).qty, 4000);
}

#[test]
fn percent_of_equity_sizing_uses_equity_marked_at_the_signal_close() {
    // 1 % of equity, lot 25, shorting on (MIS). Long 100 bought at 100; at bar 2's close (120)
    // equity = 10,00,000 + 100 × 20 = 10,02,000, and a SELL there exits 100 and sizes the short from it.
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"],
        ["100.00", "100.00", "100.00", "100.00"],
        ["120.00", "120.00", "120.00", "120.00"],
        ["120.00", "120.00", "120.00", "120.00"],
    ]);
    let cfg = BacktestConfig { product: Product::Mis, allow_short: true, ..config() };
    let r = run_with(cfg, instrument(25), Sizing::PercentEquity(d("1")), vec![buy(0), sell(2)], &b);
    // Entry: 1 % × 10,00,000 / 100 = 100 shares (four lots).
    assert_eq!(order_of(&r, 0).qty, 100);
    // Flip at 120: equity 10,02,000 → 1 % = 10,020 / 120 = 83.5 → 83 → 75; order = 100 + 75.
    assert_eq!(order_of(&r, 1).qty, 175);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 100, p("100")), (Side::Sell, 175, p("120"))]);
}

#[test]
fn zero_lots_is_rejected_with_qty_below_lot() {
    // ₹2,000 at 100 = 20 shares, under one lot of 25.
    let r = sizing_run(config(), Sizing::FixedValue(d("2000")), buy(0), "100");
    assert_eq!(rejection_of(&r, 0), (codes::QTY_BELOW_LOT, "sized 20 shares, below one lot of 25".to_string()));
    assert!(r.fills.is_empty());
    assert_eq!(r.final_equity, d("1000000"));
}

#[test]
fn not_enough_cash_is_rejected_with_insufficient_cash() {
    let cfg = BacktestConfig { initial_cash: d("10000"), ..config() };
    // 200 shares × 100 = 20,000 > 10,000.
    let r = sizing_run(cfg, Sizing::FixedQty(200), buy(0), "100");
    assert_eq!(rejection_of(&r, 0), (codes::INSUFFICIENT_CASH, "needs 20000.00, free cash 10000.00".to_string()));
    assert!(r.fills.is_empty());
}

#[test]
fn a_short_entry_with_cnc_is_rejected_with_short_needs_mis() {
    let cfg = BacktestConfig { allow_short: true, product: Product::Cnc, ..config() };
    let r = sizing_run(cfg, Sizing::FixedQty(50), sell(0), "100");
    assert_eq!(rejection_of(&r, 0).0, codes::SHORT_NEEDS_MIS);
    assert!(r.fills.is_empty());

    // Without shorting, a SELL when flat is not even asked of the gate.
    let r = sizing_run(config(), Sizing::FixedQty(50), sell(0), "100");
    assert_eq!(r.signals[0].decision, Decision::NoChange);
}

#[test]
fn with_cnc_a_sell_when_long_still_exits_though_the_short_half_is_refused() {
    let cfg = BacktestConfig { allow_short: true, product: Product::Cnc, ..config() };
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"], // 0: BUY 50
        ["100.00", "100.00", "100.00", "100.00"], // 1: bought; SELL: exit 50 ok, short entry refused
        ["101.00", "101.00", "101.00", "101.00"], // 2: sells exactly 50
        ["101.00", "101.00", "101.00", "101.00"],
    ]);
    let r = run_with(cfg, instrument(25), Sizing::FixedQty(50), vec![buy(0), sell(1)], &b);
    assert_eq!(order_of(&r, 1).qty, 50);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 50, p("100")), (Side::Sell, 50, p("101"))]);
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.final_equity, d("1000050"));
}

#[test]
fn with_mis_and_shorting_a_sell_opens_a_short_and_a_buy_covers_and_goes_long_in_one_order() {
    let cfg = BacktestConfig { allow_short: true, product: Product::Mis, ..config() };
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL → short 50
        ["99.00", "99.50", "98.50", "99.00"],    // 1: sold 50 at 99.00
        ["98.00", "98.50", "97.50", "98.00"],    // 2: BUY → cover 50 + long 50 = 100
        ["97.00", "98.50", "96.50", "98.00"],    // 3: bought 100 at 97.00
    ]);
    let r = run_with(cfg, instrument(25), Sizing::FixedQty(50), vec![sell(0), buy(2)], &b);
    let (open, flip) = (order_of(&r, 0), order_of(&r, 1));
    assert_eq!((open.side, open.qty), (Side::Sell, 50));
    assert_eq!((flip.side, flip.qty), (Side::Buy, 100));
    assert_eq!(fill_prices(&r), vec![(Side::Sell, 50, p("99")), (Side::Buy, 100, p("97"))]);

    // Short closed: (97 − 99) × −50 = +100; long of 50 at 97 still open.
    assert_eq!(r.trades.len(), 2);
    let (short, long) = (&r.trades[0], &r.trades[1]);
    assert_eq!((short.side, short.qty, short.entry_price, short.exit_price), (Side::Sell, 50, d("99"), Some(d("97"))));
    assert_eq!(short.pnl, Some(d("100")));
    assert_eq!((short.entry_ts, short.exit_ts), (ts_of(1), Some(ts_of(3))));
    assert_eq!((long.side, long.qty, long.entry_price, long.exit_ts, long.entry_ts), (Side::Buy, 50, d("97"), None, ts_of(3)));

    // cash = 10,00,000 + 4,950 − 9,700 = 9,95,250; equity = 9,95,250 + 50 × 98 = 10,00,150.
    assert_eq!(r.final_equity, d("1000150"));
    // Short over bars 1, 2; long at bar 3: all but bar 0.
    assert_eq!(r.metrics.exposure, 0.75);
    assert_eq!(r.metrics.trade_count, 1);
}

#[test]
fn a_flip_whose_long_half_lacks_cash_still_covers_the_short() {
    // Cash 10,000; short 100 at 99 → cash 19,900. BUY at close 100: covering costs 10,000, leaving
    // 9,900 free for a long of 100 × 100 = 10,000 → the entry is refused, the cover goes through.
    let cfg = BacktestConfig { initial_cash: d("10000"), allow_short: true, product: Product::Mis, ..config() };
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"],
        ["99.00", "100.00", "99.00", "100.00"],
        ["100.00", "100.00", "100.00", "100.00"],
    ]);
    let r = run_with(cfg, instrument(25), Sizing::FixedQty(100), vec![sell(0), buy(1)], &b);
    assert_eq!(order_of(&r, 1).qty, 100);
    assert_eq!(fill_prices(&r), vec![(Side::Sell, 100, p("99")), (Side::Buy, 100, p("100"))]);
    // Flat: pnl (100 − 99) × −100 = −100 → equity 9,900.
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].pnl, Some(d("-100")));
    assert_eq!(r.final_equity, d("9900"));
}

// ---------------------------------------------------------------------------------------------
// 6. Zerodha charges.
// ---------------------------------------------------------------------------------------------

/// BUY `qty` at bar 1's open 250.00, SELL at bar 2's open 260.00.
fn round_trip(product: Product, qty: i64) -> BacktestResult {
    let b = bars(&[
        ["250.00", "250.00", "250.00", "250.00"],
        ["250.00", "255.00", "249.00", "255.00"],
        ["260.00", "261.00", "259.00", "260.00"],
    ]);
    let cfg = BacktestConfig { commission: zerodha(), product, ..config() };
    run_with(cfg, instrument(1), Sizing::FixedQty(qty), vec![buy(0), sell(1)], &b)
}

#[test]
fn cnc_round_trip_charges_match_the_hand_computed_contract_note() {
    let r = round_trip(Product::Cnc, 100);
    // BUY 100 @ 250 = 25,000 turnover:
    //   brokerage 0; STT 0.1 % = 25.00; NSE 0.00297 % = 0.7425; SEBI 0.0001 % = 0.025;
    //   GST 18 % × (0 + 0.7425 + 0.025) = 0.13815; stamp 0.015 % = 3.75
    //   total 29.65565 → 29.66
    // SELL 100 @ 260 = 26,000 turnover:
    //   STT 26.00; NSE 0.7722; SEBI 0.026; GST 18 % × 0.7982 = 0.143676; no stamp
    //   total 26.941876 → 26.94
    assert_eq!(r.fills[0].fees, d("29.66"));
    assert_eq!(r.fills[1].fees, d("26.94"));
    let t = &r.trades[0];
    assert_eq!(t.fees, d("56.60"));
    // Gross (260 − 250) × 100 = 1,000; net 1,000 − 56.60 = 943.40.
    assert_eq!(t.pnl, Some(d("943.40")));
    // Flat, so equity = cash = 10,00,000 + 1,000 − 56.60.
    assert_eq!(r.final_equity, d("1000943.40"));
    assert_eq!(r.curve.last().unwrap().equity, units("1000943.40"));
    // After the buy: 10,00,000 − 25,000 − 29.66 + 100 × close 255 = 10,00,470.34.
    assert_eq!(r.curve[1].equity, units("1000470.34"));
}

#[test]
fn mis_round_trip_charges_match_the_hand_computed_contract_note() {
    let r = round_trip(Product::Mis, 100);
    // BUY 25,000: brokerage min(0.03 % = 7.50, 20) = 7.50; no STT; NSE 0.7425; SEBI 0.025;
    //   GST 18 % × 8.2675 = 1.48815; stamp 0.003 % = 0.75 → 10.50565 → 10.51
    // SELL 26,000: brokerage 7.80; STT 0.025 % = 6.50; NSE 0.7722; SEBI 0.026;
    //   GST 18 % × 8.5982 = 1.547676; no stamp → 16.645876 → 16.65
    assert_eq!(r.fills[0].fees, d("10.51"));
    assert_eq!(r.fills[1].fees, d("16.65"));
    assert_eq!(r.trades[0].fees, d("27.16"));
    assert_eq!(r.trades[0].pnl, Some(d("972.84")));
    assert_eq!(r.final_equity, d("1000972.84"));
}

#[test]
fn mis_brokerage_is_capped_at_twenty_rupees_per_order() {
    let r = round_trip(Product::Mis, 1000);
    // BUY 2,50,000: brokerage min(75, 20) = 20; NSE 7.425; SEBI 0.25; GST 18 % × 27.675 = 4.9815;
    //   stamp 7.50 → 40.1565 → 40.16
    // SELL 2,60,000: brokerage min(78, 20) = 20; STT 65; NSE 7.722; SEBI 0.26;
    //   GST 18 % × 27.982 = 5.03676 → 98.01876 → 98.02
    assert_eq!(r.fills[0].fees, d("40.16"));
    assert_eq!(r.fills[1].fees, d("98.02"));
    // Gross 10,000 − 138.18.
    assert_eq!(r.trades[0].pnl, Some(d("9861.82")));
    assert_eq!(r.final_equity, d("1009861.82"));
}

#[test]
fn a_flip_order_splits_its_charges_between_the_closed_and_the_new_trade() {
    let cfg = BacktestConfig { commission: zerodha(), allow_short: true, product: Product::Mis, ..config() };
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL → short 50
        ["99.00", "99.50", "98.50", "99.00"],    // 1: sold 50 at 99
        ["98.00", "98.50", "97.50", "98.00"],    // 2: BUY → 100
        ["97.00", "98.50", "96.50", "98.00"],    // 3: bought 100 at 97
    ]);
    let r = run_with(cfg, instrument(25), Sizing::FixedQty(50), vec![sell(0), buy(2)], &b);
    // SELL 50 @ 99 = 4,950: brokerage 1.485; STT 1.2375; NSE 0.147015; SEBI 0.00495;
    //   GST 18 % × 1.636965 = 0.2946537 → 3.1691187 → 3.17
    // BUY 100 @ 97 = 9,700: brokerage 2.91; NSE 0.28809; SEBI 0.0097; GST 18 % × 3.20779 = 0.5774022;
    //   stamp 0.291 → 4.0761922 → 4.08, half (50 of 100 shares) to each trade: 2.04
    assert_eq!(r.fills[0].fees, d("3.17"));
    assert_eq!(r.fills[1].fees, d("4.08"));
    assert_eq!(r.trades[0].fees, d("5.21"));
    assert_eq!(r.trades[0].pnl, Some(d("94.79")));
    assert_eq!(r.trades[1].fees, d("2.04"));
    // 10,00,150 (as without charges) − 3.17 − 4.08.
    assert_eq!(r.final_equity, d("1000142.75"));
}

// ---------------------------------------------------------------------------------------------
// 7. Determinism.
// ---------------------------------------------------------------------------------------------

fn busy_bars() -> Vec<Bar> {
    // Two IST days, a mix of gaps and wide ranges.
    let day = days_from_civil(2026, 1, 5);
    let rows: [[&str; 4]; 12] = [
        ["100.00", "101.00", "99.00", "100.50"],
        ["100.50", "102.00", "98.00", "101.00"],
        ["101.00", "104.00", "100.50", "103.50"],
        ["103.50", "104.00", "96.00", "97.00"],
        ["96.50", "98.00", "95.00", "97.50"],
        ["97.50", "99.00", "97.00", "98.50"],
        ["99.00", "101.00", "98.50", "100.00"],
        ["102.00", "103.00", "101.00", "102.50"],
        ["102.50", "103.50", "99.50", "100.00"],
        ["100.00", "100.50", "97.00", "97.50"],
        ["97.50", "98.00", "94.00", "95.00"],
        ["95.00", "96.50", "94.50", "96.00"],
    ];
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let (d, minute) = if i < 6 { (day, i as i64) } else { (day + 1, i as i64 - 6) };
            bar_at(ist_midnight(d) + NSE_OPEN_IST_NS + minute * NANOS_PER_MINUTE, *row)
        })
        .collect()
}

fn busy_steps() -> Vec<Step> {
    vec![
        buy(0).stop("97.00").target("104.50"),
        sell(2),
        sell(4).limit("98.50").stop("100.00"),
        buy(6),
        sell(7).stop("104.00").target("98.00"),
        buy(9).limit("94.50"),
    ]
}

fn busy_run(record_curve: bool) -> BacktestResult {
    let cfg = BacktestConfig { commission: zerodha(), slippage_ticks: 1, allow_short: true, product: Product::Mis, ..config() };
    let gate = PreTradeRisk::new(Sizing::PercentEquity(d("20")), Limits::default(), Product::Mis);
    Backtester::new(cfg, instrument(25), Scripted::new(busy_steps()), gate).record_curve(record_curve).run(busy_bars())
}

#[test]
fn the_same_bars_give_identical_results() {
    let (a, b) = (busy_run(true), busy_run(true));
    assert!(a.fills.len() >= 4, "the scenario should trade: {:?}", a.fills);
    assert_eq!(a.trades, b.trades);
    assert_eq!(a.fills, b.fills);
    assert_eq!(a.signals, b.signals);
    assert_eq!(a.curve, b.curve);
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(a.final_equity, b.final_equity);
    assert_eq!(a.expired_orders, b.expired_orders);

    // Not recording the curve changes nothing else.
    let c = busy_run(false);
    assert!(c.curve.is_empty());
    assert_eq!((&c.trades, &c.fills, &c.signals, &c.metrics, c.final_equity), (&a.trades, &a.fills, &a.signals, &a.metrics, a.final_equity));
    // And the final equity is the curve's last point.
    assert_eq!(a.curve.last().unwrap().equity, Price::from_decimal(a.final_equity).unwrap().units());
}

// ---------------------------------------------------------------------------------------------
// 8. Metrics on a hand-built case.
// ---------------------------------------------------------------------------------------------

#[test]
fn trade_metrics_on_a_hand_built_case() {
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"], // 0: BUY
        ["100.00", "101.00", "100.00", "101.00"], // 1: bought 10 @ 100              eq 10,00,010
        ["101.00", "104.00", "101.00", "104.00"], // 2: SELL                         eq 10,00,040
        ["105.00", "105.00", "105.00", "105.00"], // 3: sold @ 105 (+50); BUY       eq 10,00,050
        ["106.00", "106.00", "104.00", "104.00"], // 4: bought @ 106; SELL           eq 10,00,030
        ["103.00", "103.00", "103.00", "103.00"], // 5: sold @ 103 (−30); BUY       eq 10,00,020
        ["102.00", "104.00", "102.00", "104.00"], // 6: bought @ 102; SELL           eq 10,00,040
        ["106.10", "106.10", "106.10", "106.10"], // 7: sold @ 106.10 (+41)          eq 10,00,061
        ["106.00", "106.00", "106.00", "106.00"], // 8: flat                         eq 10,00,061
    ]);
    let steps = vec![buy(0), sell(2), buy(3), sell(4), buy(5), sell(6)];
    let r = run(config(), steps, &b);
    let pnls: Vec<Option<Decimal>> = r.trades.iter().map(|t| t.pnl).collect();
    assert_eq!(pnls, vec![Some(d("50")), Some(d("-30")), Some(d("41"))]);

    let m = &r.metrics;
    assert_eq!(m.trade_count, 3);
    // Ends in the market: bars 1, 2, 4, 6 → 4 of 9.
    assert_eq!(m.exposure, 4.0 / 9.0);
    assert_eq!(m.win_rate, Some(2.0 / 3.0));
    // (50 + 41) / 30.
    assert!((m.profit_factor.unwrap() - 91.0 / 30.0).abs() < 1e-15, "{:?}", m.profit_factor);
    // (50 + 41) / 2 = 45.50; −30 / 1.
    assert_eq!(m.avg_win, Some(d("45.50")));
    assert_eq!(m.avg_loss, Some(d("-30")));
    // Equity 10,00,061 on 10,00,000.
    assert_eq!(r.final_equity, d("1000061"));
    assert!((m.total_return - 61.0 / 1_000_000.0).abs() < 1e-15);
    // Peak 10,00,050 at bar 3, trough 10,00,020 at bar 5: ₹30 deep; under water bars 4..6 (3 bars),
    // from 09:18 to 09:21 (180 s).
    assert_eq!(m.max_drawdown_value, d("30"));
    assert_eq!(m.max_drawdown, 30.0 / 1_000_050.0);
    assert_eq!(m.max_drawdown_duration_bars, 3);
    assert_eq!(m.max_drawdown_duration_s, 180);
    assert_eq!(m.days, 1);
    // A single day: no daily-return statistics.
    assert_eq!((m.sharpe, m.sortino, m.annual_volatility), (None, None, None));
}

#[test]
fn metrics_without_losing_trades_leave_profit_factor_and_avg_loss_undefined() {
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"],
        ["100.00", "101.00", "100.00", "101.00"],
        ["102.00", "102.00", "102.00", "102.00"],
    ]);
    let r = run(config(), vec![buy(0), sell(1)], &b);
    assert_eq!(r.trades[0].pnl, Some(d("20")));
    let m = &r.metrics;
    assert_eq!((m.trade_count, m.win_rate, m.profit_factor), (1, Some(1.0), None));
    assert_eq!((m.avg_win, m.avg_loss), (Some(d("20")), None));
}


//! Sizing, the gate's refusals, Zerodha charges, determinism and metrics, end to end through the
//! backtester and the real pre-trade gate. Every number asserted is computed by hand beside it.

mod backtest_support;
use backtest_support::*;

// ---------------------------------------------------------------------------------------------
// 5. Sizing through the gate, rounded down to the lot (25), and the gate's refusals.
// ---------------------------------------------------------------------------------------------

/// Bar 0 closes at `close` (the reference price); bar 1 opens at `close` too.
fn sizing_run(
    cfg: BacktestConfig,
    sizing: Sizing,
    step: Step,
    close: &'static str,
) -> BacktestResult {
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
    let r = sizing_run(
        config(),
        Sizing::RiskPerTrade(d("1")),
        buy(0).stop("96.70"),
        "100",
    );
    assert_eq!(order_of(&r, 0).qty, 3025);
    assert_eq!(r.fills[0].qty, 3025);

    // Risk sizing from a limit entry measures the distance from the limit: |99 − 96.50| = 2.50 →
    // 10,000 / 2.5 = 4000 (already a whole number of lots). Bar 1 opens at 100 > 99: no fill.
    let r = sizing_run(
        config(),
        Sizing::RiskPerTrade(d("1")),
        buy(0).limit("99").stop("96.50"),
        "100",
    );
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
    let cfg = BacktestConfig {
        product: Product::Mis,
        allow_short: true,
        ..config()
    };
    let r = run_with(
        cfg,
        instrument(25),
        Sizing::PercentEquity(d("1")),
        vec![buy(0), sell(2)],
        &b,
    );
    // Entry: 1 % × 10,00,000 / 100 = 100 shares (four lots).
    assert_eq!(order_of(&r, 0).qty, 100);
    // Flip at 120: equity 10,02,000 → 1 % = 10,020 / 120 = 83.5 → 83 → 75; order = 100 + 75.
    assert_eq!(order_of(&r, 1).qty, 175);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 100, p("100")), (Side::Sell, 175, p("120"))]
    );
}

#[test]
fn zero_lots_is_rejected_with_qty_below_lot() {
    // ₹2,000 at 100 = 20 shares, under one lot of 25.
    let r = sizing_run(config(), Sizing::FixedValue(d("2000")), buy(0), "100");
    assert_eq!(
        rejection_of(&r, 0),
        (
            codes::QTY_BELOW_LOT,
            "sized 20 shares, below one lot of 25".to_string()
        )
    );
    assert!(r.fills.is_empty());
    assert_eq!(r.final_equity, d("1000000"));
}

#[test]
fn not_enough_cash_is_rejected_with_insufficient_cash() {
    let cfg = BacktestConfig {
        initial_cash: d("10000"),
        ..config()
    };
    // 200 shares × 100 = 20,000 > 10,000.
    let r = sizing_run(cfg, Sizing::FixedQty(200), buy(0), "100");
    assert_eq!(
        rejection_of(&r, 0),
        (
            codes::INSUFFICIENT_CASH,
            "needs 20000.00, free cash 10000.00".to_string()
        )
    );
    assert!(r.fills.is_empty());
}

#[test]
fn a_short_entry_with_cnc_is_rejected_with_short_needs_mis() {
    let cfg = BacktestConfig {
        allow_short: true,
        product: Product::Cnc,
        ..config()
    };
    let r = sizing_run(cfg, Sizing::FixedQty(50), sell(0), "100");
    assert_eq!(rejection_of(&r, 0).0, codes::SHORT_NEEDS_MIS);
    assert!(r.fills.is_empty());

    // Without shorting, a SELL when flat is not even asked of the gate.
    let r = sizing_run(config(), Sizing::FixedQty(50), sell(0), "100");
    assert_eq!(r.signals[0].decision, SignalDecision::NoChange);
}

#[test]
fn with_cnc_a_sell_when_long_still_exits_though_the_short_half_is_refused() {
    let cfg = BacktestConfig {
        allow_short: true,
        product: Product::Cnc,
        ..config()
    };
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"], // 0: BUY 50
        ["100.00", "100.00", "100.00", "100.00"], // 1: bought; SELL: exit 50 ok, short entry refused
        ["101.00", "101.00", "101.00", "101.00"], // 2: sells exactly 50
        ["101.00", "101.00", "101.00", "101.00"],
    ]);
    let r = run_with(
        cfg,
        instrument(25),
        Sizing::FixedQty(50),
        vec![buy(0), sell(1)],
        &b,
    );
    assert_eq!(order_of(&r, 1).qty, 50);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 50, p("100")), (Side::Sell, 50, p("101"))]
    );
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.final_equity, d("1000050"));
}

#[test]
fn with_mis_and_shorting_a_sell_opens_a_short_and_a_buy_covers_and_goes_long_in_one_order() {
    let cfg = BacktestConfig {
        allow_short: true,
        product: Product::Mis,
        ..config()
    };
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL → short 50
        ["99.00", "99.50", "98.50", "99.00"],    // 1: sold 50 at 99.00
        ["98.00", "98.50", "97.50", "98.00"],    // 2: BUY → cover 50 + long 50 = 100
        ["97.00", "98.50", "96.50", "98.00"],    // 3: bought 100 at 97.00
    ]);
    let r = run_with(
        cfg,
        instrument(25),
        Sizing::FixedQty(50),
        vec![sell(0), buy(2)],
        &b,
    );
    let (open, flip) = (order_of(&r, 0), order_of(&r, 1));
    assert_eq!((open.side, open.qty), (Side::Sell, 50));
    assert_eq!((flip.side, flip.qty), (Side::Buy, 100));
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Sell, 50, p("99")), (Side::Buy, 100, p("97"))]
    );

    // Short closed: (97 − 99) × −50 = +100; long of 50 at 97 still open.
    assert_eq!(r.trades.len(), 2);
    let (short, long) = (&r.trades[0], &r.trades[1]);
    assert_eq!(
        (short.side, short.qty, short.entry_price, short.exit_price),
        (Side::Sell, 50, d("99"), Some(d("97")))
    );
    assert_eq!(short.pnl, Some(d("100")));
    assert_eq!(
        (short.entry_ts, short.exit_ts),
        (bar_ts(1), Some(bar_ts(3)))
    );
    assert_eq!(
        (
            long.side,
            long.qty,
            long.entry_price,
            long.exit_ts,
            long.entry_ts
        ),
        (Side::Buy, 50, d("97"), None, bar_ts(3))
    );

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
    let cfg = BacktestConfig {
        initial_cash: d("10000"),
        allow_short: true,
        product: Product::Mis,
        ..config()
    };
    let b = bars(&[
        ["100.00", "100.00", "100.00", "100.00"],
        ["99.00", "100.00", "99.00", "100.00"],
        ["100.00", "100.00", "100.00", "100.00"],
    ]);
    let r = run_with(
        cfg,
        instrument(25),
        Sizing::FixedQty(100),
        vec![sell(0), buy(1)],
        &b,
    );
    assert_eq!(order_of(&r, 1).qty, 100);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Sell, 100, p("99")), (Side::Buy, 100, p("100"))]
    );
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
    let cfg = BacktestConfig {
        commission: zerodha(),
        product,
        ..config()
    };
    run_with(
        cfg,
        instrument(1),
        Sizing::FixedQty(qty),
        vec![buy(0), sell(1)],
        &b,
    )
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
    let cfg = BacktestConfig {
        commission: zerodha(),
        allow_short: true,
        product: Product::Mis,
        ..config()
    };
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL → short 50
        ["99.00", "99.50", "98.50", "99.00"],    // 1: sold 50 at 99
        ["98.00", "98.50", "97.50", "98.00"],    // 2: BUY → 100
        ["97.00", "98.50", "96.50", "98.00"],    // 3: bought 100 at 97
    ]);
    let r = run_with(
        cfg,
        instrument(25),
        Sizing::FixedQty(50),
        vec![sell(0), buy(2)],
        &b,
    );
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
            // Monday's six bars from 09:15, then Tuesday's from 09:15.
            let (day, minute) = if i < 6 {
                (0, i as i64)
            } else {
                (1, i as i64 - 6)
            };
            bar_at(day_at(day, 9, 15 + minute), *row)
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
    let cfg = BacktestConfig {
        commission: zerodha(),
        slippage_ticks: 1,
        allow_short: true,
        product: Product::Mis,
        ..config()
    };
    let gate = PreTradeRisk::new(
        Sizing::PercentEquity(d("20")),
        Limits::default(),
        Product::Mis,
    );
    Backtester::new(cfg, instrument(25), Scripted::new(busy_steps()), gate)
        .record_curve(record_curve)
        .run(busy_bars())
}

#[test]
fn the_same_bars_give_identical_results() {
    let (a, b) = (busy_run(true), busy_run(true));
    assert!(
        a.fills.len() >= 4,
        "the scenario should trade: {:?}",
        a.fills
    );
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
    assert_eq!(
        (&c.trades, &c.fills, &c.signals, &c.metrics, c.final_equity),
        (&a.trades, &a.fills, &a.signals, &a.metrics, a.final_equity)
    );
    // And the final equity is the curve's last point.
    assert_eq!(
        a.curve.last().unwrap().equity,
        Price::from_decimal(a.final_equity).unwrap().units()
    );
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
    assert!(
        (m.profit_factor.unwrap() - 91.0 / 30.0).abs() < 1e-15,
        "{:?}",
        m.profit_factor
    );
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
    assert_eq!(
        (m.sharpe, m.sortino, m.annual_volatility),
        (None, None, None)
    );
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
    assert_eq!(
        (m.trade_count, m.win_rate, m.profit_factor),
        (1, Some(1.0), None)
    );
    assert_eq!((m.avg_win, m.avg_loss), (Some(d("20")), None));
}

//! The backtester's fill model, brackets and limit orders, end to end through the real pre-trade
//! gate (`sharewise_risk::PreTradeRisk`). Every number asserted is computed by hand in the comment
//! beside it, from the rules in `engine/src/backtest/fill_model.rs` and `backtester.rs`.

mod backtest_support;
use backtest_support::*;

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
    assert_eq!(
        r.fills[0].ts,
        bar_ts(1),
        "fill carries the time of the bar whose open filled it"
    );
    assert_eq!(r.fills[0].fees, Decimal::ZERO);

    // The SELL on the last bar was decided (an order exists) but there is no bar to fill it.
    assert_eq!(r.signals.len(), 2);
    let exit = order_of(&r, 1);
    assert_eq!(
        (exit.side, exit.qty, exit.order_type),
        (Side::Sell, 10, OrderType::Market)
    );

    // The position is still open: one trade with no exit.
    assert_eq!(r.trades.len(), 1);
    let t = &r.trades[0];
    assert_eq!(
        (t.entry_ts, t.exit_ts, t.side, t.qty),
        (bar_ts(1), None, Side::Buy, 10)
    );
    assert_eq!((t.entry_price, t.exit_price, t.pnl), (d("101"), None, None));
    assert_eq!(r.metrics.trade_count, 0);

    // cash = 10,00,000 − 10 × 101.00 = 9,98,990; equity = cash + 10 × last close 103.20 = 10,00,022.
    assert_eq!(r.final_equity, d("1000022"));
    let curve: Vec<i64> = r.curve.iter().map(|e| e.equity).collect();
    // bar0 flat 10,00,000; bar1 9,98,990 + 1,015 ; bar2 + 1,025 ; bar3 + 1,032.
    assert_eq!(
        curve,
        vec![
            units("1000000"),
            units("1000005"),
            units("1000015"),
            units("1000022")
        ]
    );
    // Bars 1..3 end in the market: 3 of 4.
    assert_eq!(r.metrics.exposure, 0.75);
}

#[test]
fn a_buy_on_the_only_bar_leaves_no_fill_and_no_trade() {
    let b = bars(&[["100.00", "101.00", "99.00", "100.50"]]);
    let r = run(config(), vec![buy(0)], &b);
    assert!(matches!(
        r.signals[0].decision,
        SignalDecision::Order { .. }
    ));
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
        ["100.00", "100.50", "99.50", "100.00"],  // 0: BUY
        ["101.00", "101.50", "100.50", "101.00"], // 1: buy at 101.00 + 2 × 0.05 = 101.10; SELL
        ["102.00", "102.50", "101.50", "102.00"], // 2: sell at 102.00 − 2 × 0.05 = 101.90
    ]);
    let r = run(
        BacktestConfig {
            slippage_ticks: 2,
            ..config()
        },
        vec![buy(0), sell(1)],
        &b,
    );
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("101.10")), (Side::Sell, 10, p("101.90"))]
    );
    // pnl = (101.90 − 101.10) × 10 = 8.00; flat, so equity = cash = 10,00,008.
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].pnl, Some(d("8")));
    assert_eq!(r.trades[0].exit_ts, Some(bar_ts(2)));
    assert_eq!(r.final_equity, d("1000008"));

    // Three ticks on a short (MIS, shorting on): sell 100.00 − 0.15, cover 98.00 + 0.15.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL (opens a short)
        ["100.00", "100.50", "99.00", "99.00"],  // 1: sell at 99.85; BUY (cover 10 + long 10)
        ["98.00", "98.50", "97.50", "98.00"],    // 2: buy 20 at 98.15
    ]);
    let cfg = BacktestConfig {
        slippage_ticks: 3,
        product: Product::Mis,
        allow_short: true,
        ..config()
    };
    let r = run(cfg, vec![sell(0), buy(1)], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Sell, 10, p("99.85")), (Side::Buy, 20, p("98.15"))]
    );
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
    let cfg = BacktestConfig {
        slippage_ticks: 1,
        ..config()
    };
    run(cfg, vec![buy(0).stop("98").target("110"), sell(3)], &b)
}

#[test]
fn stop_hit_inside_a_later_bar_fills_at_the_stop_less_slippage() {
    let r = bracket_run(["100.00", "100.50", "97.50", "98.00"]);
    // low 97.50 ≤ 98: sell at min(open 100, stop 98) − 0.05 = 97.95.
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100.05")), (Side::Sell, 10, p("97.95"))]
    );
    assert_eq!(r.fills[1].ts, bar_ts(2));
    // pnl = (97.95 − 100.05) × 10 = −21.00; equity 9,99,979.
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].exit_ts, Some(bar_ts(2)));
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
    assert_eq!(r.final_equity, d("999979"));
    // The later SELL finds the position flat: nothing to do, no order, no fill.
    assert_eq!(r.signals[1].decision, SignalDecision::NoChange);
    assert_eq!(r.fills.len(), 2);
}

#[test]
fn a_gap_through_the_stop_fills_at_the_open_less_slippage() {
    let r = bracket_run(["96.00", "96.50", "95.00", "96.00"]);
    // Opens at 96 < stop 98: sell at 96.00 − 0.05 = 95.95; pnl = (95.95 − 100.05) × 10 = −41.
    assert_eq!(r.fills[1].price, p("95.95"));
    assert_eq!(r.trades[0].pnl, Some(d("-41")));
    assert_eq!(r.final_equity, d("999959"));
    assert_eq!(r.signals[1].decision, SignalDecision::NoChange);
}

#[test]
fn take_profit_fills_at_the_target_or_the_better_open_without_slippage() {
    let r = bracket_run(["101.00", "110.50", "100.50", "110.00"]);
    // high 110.50 ≥ 110, opened below it: sell at the target 110.00 (no slippage on the target).
    assert_eq!(r.fills[1].price, p("110.00"));
    // pnl = (110.00 − 100.05) × 10 = 99.50.
    assert_eq!(r.trades[0].pnl, Some(d("99.5")));
    assert_eq!(r.final_equity, d("1000099.5"));
    assert_eq!(r.signals[1].decision, SignalDecision::NoChange);

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
        ["100.00", "100.50", "97.50", "98.00"], // 1: buy at open 100.05, then low 97.50 hits the stop
        ["98.00", "99.00", "97.00", "98.50"],   // 2: SELL: already flat
        ["98.50", "99.00", "98.00", "98.50"],   // 3
    ]);
    let cfg = BacktestConfig {
        slippage_ticks: 1,
        ..config()
    };
    let r = run(cfg, vec![buy(0).stop("98"), sell(2)], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100.05")), (Side::Sell, 10, p("97.95"))]
    );
    assert_eq!((r.fills[0].ts, r.fills[1].ts), (bar_ts(1), bar_ts(1)));
    assert_eq!(
        (r.trades[0].entry_ts, r.trades[0].exit_ts),
        (bar_ts(1), Some(bar_ts(1)))
    );
    assert_eq!(r.trades[0].pnl, Some(d("-21")));
    // The bar closed flat: no bar of the run ends in the market.
    assert_eq!(r.metrics.exposure, 0.0);
    assert_eq!(r.signals[1].decision, SignalDecision::NoChange);
}

#[test]
fn a_short_brackets_mirror_the_long_ones() {
    // MIS short of 10 entered at bar 1's open 100.00 − 0.05 = 99.95, stop 102, target 95.
    let short_run = |exit_bar: [&str; 4]| {
        let b = bars(&[
            ["100.00", "100.50", "99.50", "100.00"],
            ["100.00", "101.00", "99.00", "100.50"],
            exit_bar,
        ]);
        let cfg = BacktestConfig {
            slippage_ticks: 1,
            product: Product::Mis,
            allow_short: true,
            ..config()
        };
        run(cfg, vec![sell(0).stop("102").target("95")], &b)
    };
    // high 102.50 ≥ 102: buy at max(open 101, 102) + 0.05 = 102.05; pnl = (102.05 − 99.95) × −10 = −21.
    let r = short_run(["101.00", "102.50", "100.50", "102.00"]);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Sell, 10, p("99.95")), (Side::Buy, 10, p("102.05"))]
    );
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
    let r = run(
        config(),
        vec![buy(0).limit("95").stop("90").target("98")],
        &b,
    );
    assert_eq!(r.fills[0].price, p("95.00"));
    assert_eq!(
        r.trades[0].exit_price, None,
        "no target exit on the entry bar; bar 2 never reaches 98"
    );

    // The mirror: a limit SELL (short, MIS) at 105 fills as bar 1 rallies from its open 100; the
    // open 100 below the target 102 came before the short existed, so it must not cover there.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: SELL limit 105, stop 110, target 102
        ["100.00", "106.00", "99.00", "104.00"], // 1: opens 100, trades up through 105 → sold at 105
        ["104.00", "104.50", "103.50", "104.00"],
    ]);
    let cfg = BacktestConfig {
        product: Product::Mis,
        allow_short: true,
        ..config()
    };
    let r = run(
        cfg,
        vec![sell(0).limit("105").stop("110").target("102")],
        &b,
    );
    assert_eq!(r.fills[0].price, p("105.00"));
    assert_eq!(
        r.trades[0].exit_price, None,
        "no target exit on the entry bar; bar 2 never reaches 102"
    );
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
    assert!(
        r.fills.is_empty(),
        "the resting BUY limit should have been cancelled by the SELL, got fills {:?}",
        fill_prices(&r)
    );
    assert_eq!(r.cancelled_orders, 1);
    assert!(r.trades.is_empty());
    assert_eq!(r.final_equity, d("1000000"));

    // Long 10 at 100; SELL limit 105 rests; BUY ("stay long") → the exit should be cancelled.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"],  // 0: BUY
        ["100.00", "101.00", "99.50", "100.50"],  // 1: bought at 100; SELL limit 105
        ["100.50", "104.00", "100.00", "103.00"], // 2: high 104: no fill; BUY (stay long)
        ["103.00", "106.00", "102.50", "105.50"], // 3: trades through 105
    ]);
    let r = run(config(), vec![buy(0), sell(1).limit("105"), buy(2)], &b);
    assert_eq!(r.signals[2].decision, SignalDecision::NoChange);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100"))],
        "the resting SELL limit should have been cancelled by the BUY"
    );
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
    let cfg = BacktestConfig {
        slippage_ticks: 2,
        ..config()
    };
    let r = run(cfg, vec![buy(0).limit("99")], &b);
    let order = order_of(&r, 0);
    assert_eq!(
        (order.order_type, order.limit_price, order.qty),
        (OrderType::Limit, Some(p("99")), 10)
    );
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("99.00"))]);
    assert_eq!(r.fills[0].ts, bar_ts(2));
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
        ["100.00", "100.50", "99.50", "100.00"],  // 0: BUY
        ["100.00", "101.00", "99.50", "100.50"],  // 1: bought at 100; SELL limit 102
        ["100.50", "102.00", "100.00", "101.50"], // 2: high only touches 102: no fill
        ["101.50", "102.50", "101.00", "102.00"], // 3: high 102.50 > 102: sold at 102
        ["103.00", "103.50", "102.50", "103.00"], // 4
    ]);
    let r = run(config(), vec![buy(0), sell(1).limit("102")], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100")), (Side::Sell, 10, p("102"))]
    );
    assert_eq!(r.fills[1].ts, bar_ts(3));
    assert_eq!(r.trades[0].pnl, Some(d("20")));
    assert_eq!(r.final_equity, d("1000020"));
}

#[test]
fn a_day_limit_not_filled_by_the_end_of_its_ist_day_expires() {
    let b = vec![
        bar_at(day_at(0, 15, 28), ["100.00", "100.50", "99.50", "100.00"]), // BUY limit 95 (Mon)
        bar_at(day_at(0, 15, 29), ["100.00", "100.50", "96.00", "97.00"]),  // low 96: no fill
        bar_at(day_at(1, 9, 15), ["95.50", "96.00", "94.00", "94.50"]), // Tue: would fill, but expired
        bar_at(day_at(1, 9, 16), ["94.50", "95.00", "93.00", "93.50"]),
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
    let utc = |y: i64, m: u32, dd: u32, hh: i64, mm: i64| {
        days_from_civil(y, m, dd) * 1440 * NANOS_PER_MINUTE + (hh * 60 + mm) * NANOS_PER_MINUTE
    };
    // Same UTC date (5 Jan), different IST dates: 18:00 and 18:10 UTC = 23:30 and 23:40 IST 5 Jan
    // (the order's first chance to fill, so its DAY), 19:00 UTC = 00:30 IST 6 Jan.
    let b = vec![
        bar_at(
            utc(2026, 1, 5, 18, 0),
            ["100.00", "100.50", "99.50", "100.00"],
        ),
        bar_at(
            utc(2026, 1, 5, 18, 10),
            ["100.00", "100.50", "99.50", "100.00"],
        ),
        bar_at(utc(2026, 1, 5, 19, 0), ["99.00", "99.50", "94.00", "95.00"]),
    ];
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!(
        (r.expired_orders, r.fills.len()),
        (1, 0),
        "the IST day changed at 18:30 UTC"
    );

    // Different UTC dates, same IST date (6 Jan): 20:00 UTC 5 Jan = 01:30 IST, 03:45 UTC 6 Jan = 09:15 IST.
    let b = vec![
        bar_at(
            utc(2026, 1, 5, 20, 0),
            ["100.00", "100.50", "99.50", "100.00"],
        ),
        bar_at(utc(2026, 1, 6, 3, 45), ["99.00", "99.50", "94.00", "95.00"]),
    ];
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!(r.expired_orders, 0);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("95"))]);
}

// ---------------------------------------------------------------------------------------------
// Trailing stop: the live account's rule (engine::account::Bracket), in bars.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_trailing_stop_follows_the_best_high_and_exits_at_its_level() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY decided at the close
        ["100.00", "101.00", "99.00", "100.50"], // 1: BUY 10 fills at 100.00; trail 98.00 not hit (low 99)
        ["101.00", "110.00", "100.50", "109.00"], // 2: trail from 100: 98.00, not hit; best becomes 110
        ["109.00", "109.50", "107.00", "107.50"], // 3: trail 2 % behind 110 = 107.80: hit, exit at 107.80
        ["107.50", "108.00", "106.00", "107.00"], // 4: flat
    ]);
    let trailing = BacktestConfig {
        trailing_stop_bps: Some(200),
        ..config()
    };
    let r = run(trailing, vec![buy(0)], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100.00")), (Side::Sell, 10, p("107.80"))]
    );
    // Off, the position rides on.
    let r = run(config(), vec![buy(0)], &b);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("100.00"))]);

    // A gap through the trail fills at the open, as a stop does; a tighter fixed stop wins.
    let gap = bars(&[
        ["100.00", "100.50", "99.50", "100.00"],
        ["100.00", "104.00", "99.50", "103.00"], // fills 100.00; best 104 → trail 101.92
        ["100.00", "100.50", "99.00", "100.00"], // opens below 101.92: exit at the open 100.00
    ]);
    let trailing = BacktestConfig {
        trailing_stop_bps: Some(200),
        ..config()
    };
    let r = run(trailing.clone(), vec![buy(0)], &gap);
    assert_eq!(fill_prices(&r)[1], (Side::Sell, 10, p("100.00")));
    let r = run(trailing, vec![buy(0).stop("102.50")], &gap);
    assert_eq!(
        fill_prices(&r)[1],
        (Side::Sell, 10, p("100.00")),
        "the 102.50 stop is tighter than the trail; both gapped: the open"
    );
}

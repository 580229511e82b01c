//! Intraday (MIS) square-off, walk-forward close-out, DAY validity and refused flips, end to end
//! through the backtester and the real pre-trade gate. Numbers are worked out beside each assert.

mod backtest_support;
use backtest_support::*;

fn mis() -> BacktestConfig {
    BacktestConfig {
        product: Product::Mis,
        allow_short: true,
        ..config()
    }
}

#[test]
fn mis_positions_are_squared_off_at_1520_and_no_entry_fills_after() {
    let b = vec![
        bar_at(day_at(0, 15, 18), ["100.00", "100.50", "99.50", "100.00"]), // 0: BUY
        bar_at(day_at(0, 15, 19), ["100.00", "101.00", "99.50", "100.50"]), // 1: bought at 100.00
        bar_at(day_at(0, 15, 20), ["101.00", "101.50", "100.50", "101.00"]), // 2: squared off at the open 101.00; BUY again
        bar_at(day_at(0, 15, 21), ["101.00", "101.50", "100.50", "101.00"]), // 3: the new entry must not fill
    ];
    let r = run(mis(), vec![buy(0), buy(2)], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100")), (Side::Sell, 10, p("101"))]
    );
    assert_eq!(r.square_offs, 1);
    assert_eq!(r.expired_orders, 1, "the 15:20 entry expired unfilled");
    assert_eq!(r.trades[0].pnl, Some(d("10")));
    assert_eq!(r.final_equity, d("1000010"));
}

#[test]
fn an_mis_position_left_open_overnight_is_squared_off_at_that_days_last_close() {
    // The data stops at 15:00 (no 15:20 bar), so the position reaches the next morning.
    let b = vec![
        bar_at(day_at(0, 14, 58), ["100.00", "100.50", "99.50", "100.00"]), // 0: SELL (short)
        bar_at(day_at(0, 14, 59), ["100.00", "100.50", "99.50", "99.00"]),  // 1: shorted at 100.00
        bar_at(day_at(0, 15, 0), ["99.00", "99.50", "98.00", "98.50"]), // 2: last bar of the day, close 98.50
        bar_at(day_at(1, 9, 15), ["105.00", "106.00", "104.00", "105.00"]), // 3: gap up: must not hurt the closed short
    ];
    let r = run(mis(), vec![sell(0)], &b);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Sell, 10, p("100")), (Side::Buy, 10, p("98.50"))]
    );
    assert_eq!(
        r.fills[1].ts,
        day_at(0, 15, 0),
        "squared off at the day's last bar"
    );
    assert_eq!(r.trades[0].pnl, Some(d("15")));
    assert_eq!(r.final_equity, d("1000015"));
}

#[test]
fn close_out_squares_off_at_the_last_close_and_restates_the_curve() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"],  // 0: BUY
        ["100.00", "101.00", "99.50", "100.50"],  // 1: bought at 100.00
        ["100.50", "103.00", "100.50", "102.00"], // 2: last close 102.00
    ]);
    let gate = PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Cnc);
    let mut bt = Backtester::new(
        BacktestConfig {
            commission: zerodha(),
            ..config()
        },
        instrument(1),
        Scripted::new(vec![buy(0)]),
        gate,
    );
    for bar in &b {
        bt.on_bar(bar);
    }
    bt.close_out();
    let r = bt.finish();
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100")), (Side::Sell, 10, p("102"))]
    );
    assert!(
        r.trades.iter().all(|t| t.exit_ts.is_some()),
        "no trade left open"
    );
    // Flat: equity is cash, and the curve's last point says the same.
    assert_eq!(
        r.final_equity,
        r.config.initial_cash + d("20") - r.fees_paid
    );
    assert_eq!(Decimal::new(r.curve[2].equity, 4), r.final_equity);
}

#[test]
fn a_day_limit_decided_on_the_sessions_last_bar_lives_through_the_next_day() {
    let b = vec![
        bar_at(day_at(0, 15, 29), ["100.00", "100.50", "99.50", "100.00"]), // Mon last bar: BUY limit 95
        bar_at(day_at(1, 9, 15), ["99.00", "99.50", "96.00", "97.00"]), // Tue: first chance, no fill
        bar_at(day_at(1, 9, 16), ["97.00", "97.50", "94.50", "95.00"]), // Tue: trades through 95
    ];
    let r = run(config(), vec![buy(0).limit("95")], &b);
    assert_eq!(r.expired_orders, 0);
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 10, p("95"))]);
}

#[test]
fn a_flip_whose_new_entry_is_refused_records_why_and_still_closes() {
    // ₹1,500 buys 10 at 100, leaving ₹500. The SELL flip would sell those 10 (freeing ₹1,000) and
    // short 10 more, which under a 300 % margin rule needs ₹3,000: refused, the long still closes.
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY
        ["100.00", "100.50", "99.50", "100.00"], // 1: bought at 100.00; SELL (flip)
        ["100.00", "100.50", "99.50", "100.00"], // 2: the exit fills
    ]);
    let limits = Limits {
        short_margin_pct: Some(d("300")),
        ..Limits::default()
    };
    let gate = PreTradeRisk::new(Sizing::FixedQty(10), limits, Product::Mis);
    let cfg = BacktestConfig {
        initial_cash: d("1500"),
        ..mis()
    };
    let r = Backtester::new(
        cfg,
        instrument(1),
        Scripted::new(vec![buy(0), sell(1)]),
        gate,
    )
    .run(b);
    // Free for the short: 500 cash + 1,000 from the sale = 1,500 < 3,000 margin.
    let record = &r.signals[1];
    assert_eq!(order_of(&r, 1).qty, 10, "the order only closes the long");
    assert_eq!(
        record.entry_rejected.as_ref().map(|x| x.code),
        Some(codes::INSUFFICIENT_MARGIN)
    );
    assert_eq!(r.counts.rejections, vec![(codes::INSUFFICIENT_MARGIN, 1)]);
    assert_eq!(
        fill_prices(&r),
        vec![(Side::Buy, 10, p("100")), (Side::Sell, 10, p("100"))]
    );
}

#[test]
fn a_realised_loss_today_trips_the_daily_loss_limit() {
    let b = bars(&[
        ["100.00", "100.50", "99.50", "100.00"], // 0: BUY
        ["100.00", "100.50", "99.50", "99.00"],  // 1: bought at 100.00; SELL
        ["98.00", "98.50", "97.50", "98.00"],    // 2: sold at 98.00: realised −20 today; BUY
        ["98.00", "98.50", "97.50", "98.00"],    // 3
    ]);
    let config = sharewise_risk::RiskConfig {
        daily_loss_limit: Some(d("15")),
        ..Default::default()
    };
    let gate = PreTradeRisk::with_config(Sizing::FixedQty(10), config, Product::Cnc);
    let r = Backtester::new(
        BacktestConfig::default(),
        instrument(1),
        Scripted::new(vec![buy(0), sell(1), buy(2)]),
        gate,
    )
    .run(b);
    assert_eq!(r.trades[0].pnl, Some(d("-20")));
    assert_eq!(
        rejection_of(&r, 2).0,
        codes::DAILY_LOSS,
        "−20 realised today is past the ₹15 limit"
    );
    assert_eq!(r.fills.len(), 2);
}

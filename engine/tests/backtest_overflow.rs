//! Absurd prices, quantities and slippage in a backtest: refused with a reason code or clamped,
//! never a panic or a wrapped (favourable) number.

mod backtest_support;
use backtest_support::*;

/// `i64::MAX / 100` units: about ₹9.2 × 10¹² a share.
const HUGE: &str = "9223372036854.7758";

#[test]
fn an_entry_whose_value_cannot_be_computed_is_refused_with_a_code() {
    let cfg = BacktestConfig {
        initial_cash: sharewise_engine::types::Price::MAX_VALUE,
        ..config()
    };
    let b = bars(&[[HUGE, HUGE, HUGE, HUGE], [HUGE, HUGE, HUGE, HUGE]]);
    let r = run_with(
        cfg,
        instrument(1),
        Sizing::FixedQty(1_000_000_000),
        vec![buy(0)],
        &b,
    );
    let (code, detail) = rejection_of(&r, 0);
    assert_eq!(code, "ORDER_VALUE_OVERFLOW", "{detail}");
    assert!(
        detail.contains("1000000000") && detail.contains(HUGE),
        "names qty and price: {detail}"
    );
    assert!(r.fills.is_empty());
}

#[test]
fn a_price_spike_on_a_large_position_is_marked_without_overflow() {
    // Long 10⁹ shares at 100, then the data jumps to ₹9.2 × 10¹²: the mark exceeds what the
    // engine represents, so equity is clamped at the bound instead of overflowing.
    let cfg = BacktestConfig {
        initial_cash: d("1000000000000"),
        ..config()
    };
    let b = bars(&[
        ["100", "100", "100", "100"],
        ["100", "100", "100", "100"],
        [HUGE, HUGE, HUGE, HUGE],
        [HUGE, HUGE, HUGE, HUGE],
    ]);
    let r = run_with(
        cfg,
        instrument(1),
        Sizing::FixedQty(1_000_000_000),
        vec![buy(0), sell(2)],
        &b,
    );
    assert_eq!(fill_prices(&r), vec![(Side::Buy, 1_000_000_000, p("100"))]);
    assert_eq!(r.curve.last().map(|e| e.equity), Some(i64::MAX));
    // Selling 10⁹ at the spike is worth more than the engine represents: refused, not wrapped.
    assert_eq!(rejection_of(&r, 1).0, "ORDER_VALUE_OVERFLOW");
}

#[test]
fn slippage_that_overflows_the_price_cancels_the_fill_instead_of_wrapping() {
    let cfg = BacktestConfig {
        slippage_ticks: i64::MAX,
        ..config()
    };
    let b = bars(&[["100", "100", "100", "100"], ["100", "100", "100", "100"]]);
    let r = run(cfg, vec![buy(0)], &b);
    assert!(
        r.fills.is_empty(),
        "no fill at a wrapped price: {:?}",
        fill_prices(&r)
    );
    assert_eq!(r.cancelled_orders, 1);
    assert!(
        r.counts
            .rejections
            .contains(&(ReasonCode::PriceOutOfRange, 1)),
        "{:?}",
        r.counts.rejections
    );
}

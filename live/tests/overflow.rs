//! The account actor fed absurd prices and sizes: the order is refused with a reason code and
//! marks are clamped, never a panic on the engine thread.

mod common;

use common::*;
use sharewise_actors::EventKind;
use sharewise_engine::types::{Portfolio, Price, Side};
use sharewise_risk::Sizing;

#[test]
fn an_order_worth_more_than_the_engine_represents_is_refused_with_a_code() {
    let opts = AccountOpts {
        sizing: Sizing::FixedQty(1_000_000_000),
        portfolio: Portfolio::new(Price::MAX_VALUE, 2),
        ..AccountOpts::default()
    };
    let mut rig = AccountRig::new(opts);
    let huge = Price(i64::MAX / 100).to_string();
    rig.tick(INFY, &huge, at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Buy, &huge, at(10, 0, 0));
    assert!(rig.commands().is_empty(), "nothing sent");
    let kinds = rig.kinds();
    let Some(EventKind::RiskReject { code, detail, .. }) = kinds.last() else {
        panic!("expected a refusal: {kinds:?}")
    };
    assert_eq!(code, "ORDER_VALUE_OVERFLOW", "{detail}");
}

#[test]
fn a_large_position_marked_at_an_absurd_price_is_clamped() {
    // 10¹⁰ shares at ₹100, then marks at i64::MAX units: price × qty is past Decimal's 96 bits.
    let opts = AccountOpts {
        sizing: Sizing::FixedQty(10_000_000_000),
        portfolio: Portfolio::new(d("2000000000000"), 2),
        ..AccountOpts::default()
    };
    let mut rig = AccountRig::new(opts);
    rig.tick(INFY, "100", at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.fill(1, INFY, Side::Buy, 10_000_000_000, "100", at(10, 0, 1));
    let huge = Price(i64::MAX).to_string();
    for k in 0..256 {
        rig.tick(INFY, &huge, at(10, 1, 0) + k);
    }
    // A second signal marks equity and exposure at the absurd price: refused, not a panic.
    rig.signal(AUTO, INFY, Side::Sell, &huge, at(10, 2, 0));
    let kinds = rig.kinds();
    let Some(EventKind::RiskReject { code, .. }) = kinds.last() else {
        panic!("expected a refusal: {kinds:?}")
    };
    assert_eq!(code, "ORDER_VALUE_OVERFLOW");
}

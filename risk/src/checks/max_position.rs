//! `MAX_POSITION` (`max_position_qty`, `max_position_value`): the absolute position in one
//! instrument after the order, in shares and/or rupees at the order price, stays within limits.

use rust_decimal::Decimal;
use sharewise_engine::risk::Rejection;
use sharewise_engine::types::{Price, Qty};

use super::reject;
use crate::codes;

/// Refuses when the position after the order (`new_position`, signed shares) is too large.
pub fn check(
    new_position: Qty,
    price: Price,
    max_qty: Option<i64>,
    max_value: Option<Decimal>,
) -> Result<(), Rejection> {
    let shares = new_position.abs();
    if let Some(max) = max_qty.filter(|max| shares > *max) {
        return Err(reject(
            codes::MAX_POSITION,
            format!("position would be {new_position} shares, max_position_qty {max}"),
        ));
    }
    let value = price.notional(shares);
    if let Some(max) = max_value.filter(|max| value > *max) {
        return Err(reject(
            codes::MAX_POSITION,
            format!("position value would be {value:.2}, max_position_value {max}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{AccountView, RiskGate};
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn adding_past_the_position_limit_trips() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            max_position_qty: Some(100),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(60), config, Product::Cnc);
        let long_60 = AccountView {
            position_qty: 60,
            ..view(&inst, "1000000")
        };
        let err = gate.review(&entry(Side::Buy, "100"), &long_60).unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::MAX_POSITION,
                "position would be 120 shares, max_position_qty 100"
            )
        );
        assert_eq!(
            gate.review(&entry(Side::Buy, "100"), &view(&inst, "1000000")),
            Ok(60)
        );

        let config = RiskConfig {
            max_position_value: Some(d("5000")),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(60), config, Product::Cnc);
        let err = gate
            .review(&entry(Side::Buy, "100"), &view(&inst, "1000000"))
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::MAX_POSITION,
                "position value would be 6000.00, max_position_value 5000"
            )
        );
    }
}

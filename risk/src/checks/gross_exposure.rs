//! `MAX_GROSS_EXPOSURE` (`max_gross_exposure`): the sum of `|position value|` over all instruments
//! after the order stays within the limit. The account's `gross_exposure` is taken as given and
//! this instrument's share of it is re-marked at the order price.

use rust_decimal::Decimal;
use sharewise_engine::risk::{AccountView, Rejection};
use sharewise_engine::types::{Price, Qty};

use super::reject;
use crate::codes;

/// Refuses when gross exposure after moving this instrument to `new_position` exceeds `max`.
pub fn check(
    account: &AccountView<'_>,
    new_position: Qty,
    price: Price,
    max: Decimal,
) -> Result<(), Rejection> {
    let before = price.notional(account.position_qty.abs());
    let after = account.gross_exposure - before + price.notional(new_position.abs());
    if after <= max {
        return Ok(());
    }
    Err(reject(
        codes::MAX_GROSS_EXPOSURE,
        format!(
            "gross exposure would be {after:.2} (now {:.2}), max_gross_exposure {max}",
            account.gross_exposure
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{AccountView, RiskGate};
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn exposure_elsewhere_counts_against_the_limit() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            max_gross_exposure: Some(d("100000")),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(100), config, Product::Cnc);
        // 95,000 held in other instruments + 100 × 100 = 105,000.
        let account = AccountView {
            gross_exposure: d("95000"),
            ..view(&inst, "1000000")
        };
        let err = gate.review(&entry(Side::Buy, "100"), &account).unwrap_err();
        assert_eq!(err.code, codes::MAX_GROSS_EXPOSURE);
        assert_eq!(
            err.detail,
            "gross exposure would be 105000.00 (now 95000.00), max_gross_exposure 100000"
        );
        let account = AccountView {
            gross_exposure: d("90000"),
            ..account
        };
        assert_eq!(gate.review(&entry(Side::Buy, "100"), &account), Ok(100));
    }
}

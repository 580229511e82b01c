//! `PRICE_BAND` (`price_band_pct`): the order price may be at most this many percent away from
//! the instrument's last trade, which catches fat-fingered limits and stale reference prices.
//! With no last trade known (`AccountView::last_trade_price` is `None`) the check passes.

use rust_decimal::Decimal;
use sharewise_engine::risk::Rejection;
use sharewise_engine::types::Price;

use super::reject;
use crate::codes;

/// Refuses `price` when `|price − last| / last` exceeds `band_pct` percent.
pub fn check(price: Price, last: Option<Price>, band_pct: Decimal) -> Result<(), Rejection> {
    let Some(last) = last.filter(|l| l.units() > 0) else {
        return Ok(());
    };
    // Cross-multiplied, so the passing path does no Decimal division.
    let distance =
        Decimal::from((price.units() - last.units()).unsigned_abs()) * Decimal::ONE_HUNDRED;
    let allowed = band_pct * Decimal::from(last.units());
    if distance <= allowed {
        return Ok(());
    }
    let pct = distance / Decimal::from(last.units());
    Err(reject(
        codes::PRICE_BAND,
        format!(
            "price {price} is {:.1} % from last {last}; band {band_pct} %",
            pct.round_dp(1)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{AccountView, RiskGate};
    use sharewise_engine::types::{Instrument, Price, Product, Side};

    #[test]
    fn a_price_too_far_from_the_last_trade_trips() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            price_band_pct: Some(d("3")),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config, Product::Cnc);
        let account = AccountView {
            last_trade_price: Some(Price::parse("1573.15").unwrap()),
            ..view(&inst, "1000000")
        };
        let err = gate
            .review(&entry(Side::Buy, "1650"), &account)
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::PRICE_BAND,
                "price 1650.00 is 4.9 % from last 1573.15; band 3 %"
            )
        );
        assert_eq!(gate.review(&entry(Side::Buy, "1600"), &account), Ok(1));
        // No last trade: nothing to compare with.
        assert_eq!(
            gate.review(&entry(Side::Buy, "1650"), &view(&inst, "1000000")),
            Ok(1)
        );
    }
}

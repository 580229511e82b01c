//! `PRICE_OFF_TICK` / `QTY_OFF_LOT` (`enforce_tick_and_lot = true`): explicit prices must sit on the
//! instrument's tick grid and explicit quantities on its lot grid; exchanges reject both otherwise.
//!
//! The price checked is the request's `reference_price` (the limit price of a limit order). The
//! quantities checked are the ones the request states (an exit's `qty`, an entry's `closing`);
//! sized quantities are rounded down to the lot by construction.

use sharewise_engine::risk::Rejection;
use sharewise_engine::types::{Instrument, Price, Qty};

use super::reject;
use crate::codes;

/// Refuses `price` when it is not a multiple of the instrument's tick.
pub fn check_price(price: Price, instrument: &Instrument) -> Result<(), Rejection> {
    if price.is_on_tick(instrument.tick_size) {
        return Ok(());
    }
    Err(reject(
        codes::PRICE_OFF_TICK,
        format!(
            "price {price} is not a multiple of tick {}",
            instrument.tick_size
        ),
    ))
}

/// Refuses `qty` when it is not a whole number of lots.
pub fn check_qty(qty: Qty, instrument: &Instrument) -> Result<(), Rejection> {
    let lot = instrument.lot_size.max(1);
    if qty % lot == 0 {
        return Ok(());
    }
    Err(reject(
        codes::QTY_OFF_LOT,
        format!("qty {qty} is not a multiple of lot {lot}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::RiskGate;
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn off_tick_price_and_off_lot_qty_trip_only_when_enabled() {
        let mut inst = Instrument::nse_equity(0, "NIFTYBEES");
        inst.lot_size = 25;
        let config = RiskConfig {
            enforce_tick_and_lot: true,
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(25), config, Product::Cnc);
        let err = gate
            .review(&entry(Side::Buy, "150.03"), &view(&inst, "1000000"))
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::PRICE_OFF_TICK,
                "price 150.03 is not a multiple of tick 0.05"
            )
        );
        let err = gate
            .review(&exit(Side::Sell, "150.05", 30), &view(&inst, "0"))
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (codes::QTY_OFF_LOT, "qty 30 is not a multiple of lot 25")
        );
        assert_eq!(
            gate.review(&entry(Side::Buy, "150.05"), &view(&inst, "1000000")),
            Ok(25)
        );
        // Off by default: the original gate accepted both.
        let mut gate =
            PreTradeRisk::with_config(Sizing::FixedQty(25), RiskConfig::default(), Product::Cnc);
        assert_eq!(
            gate.review(&entry(Side::Buy, "150.03"), &view(&inst, "1000000")),
            Ok(25)
        );
    }
}

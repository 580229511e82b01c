//! The pre-trade gate: sizing plus the checks that exist so far (lot, order limits, cash, shorting).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sharewise_engine::risk::{AccountView, OrderRequest, Purpose, Rejection, RiskGate};
use sharewise_engine::types::{Product, Qty, Side};

use crate::codes;
use crate::Sizing;

/// Per-order limits; `None` means no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest quantity of one order.
    pub max_order_qty: Option<i64>,
    /// Largest value of one order, rupees.
    pub max_order_value: Option<Decimal>,
}

/// Sizes entries and checks every order request (see [`codes`] for the refusals).
#[derive(Clone, Debug)]
pub struct PreTradeRisk {
    sizing: Sizing,
    limits: Limits,
    product: Product,
}

impl PreTradeRisk {
    /// A gate with this sizing and these limits, for orders of `product`.
    pub fn new(sizing: Sizing, limits: Limits, product: Product) -> PreTradeRisk {
        PreTradeRisk { sizing, limits, product }
    }

    fn reject(code: &'static str, detail: String) -> Result<Qty, Rejection> {
        Err(Rejection { code, detail })
    }

    fn size_entry(&self, request: &OrderRequest, account: &AccountView<'_>) -> Result<Qty, Rejection> {
        if request.side == Side::Sell && self.product != Product::Mis {
            return Self::reject(codes::SHORT_NEEDS_MIS, format!("cannot open a short with product {:?}; use MIS", self.product));
        }
        let price = request.reference_price.to_decimal();
        let stop_distance = request.stop_loss.map(|s| (price - s.to_decimal()).abs());
        let Some(raw) = self.sizing.raw_qty(price, stop_distance, account.equity) else {
            return Self::reject(codes::NO_STOP_FOR_RISK_SIZING, "risk-per-trade sizing needs a stop-loss away from the entry price".into());
        };
        let qty = account.instrument.round_down_to_lot(raw);
        if qty <= 0 {
            return Self::reject(codes::QTY_BELOW_LOT, format!("sized {raw} shares, below one lot of {}", account.instrument.lot_size));
        }
        Ok(qty)
    }
}

impl RiskGate for PreTradeRisk {
    fn review(&mut self, request: &OrderRequest, account: &AccountView<'_>) -> Result<Qty, Rejection> {
        if request.reference_price.units() <= 0 {
            return Self::reject(codes::BAD_PRICE, format!("reference price {} is not positive", request.reference_price));
        }
        let qty = match request.purpose {
            // Closing a position is always allowed: it only reduces risk.
            Purpose::Exit { qty } => return Ok(qty),
            Purpose::Enter => self.size_entry(request, account)?,
        };
        if let Some(max) = self.limits.max_order_qty.filter(|max| qty > *max) {
            return Self::reject(codes::MAX_ORDER_QTY, format!("qty {qty} exceeds max_order_qty {max}"));
        }
        let value = request.reference_price.notional(qty);
        if let Some(max) = self.limits.max_order_value.filter(|max| value > *max) {
            return Self::reject(codes::MAX_ORDER_VALUE, format!("order value {value} exceeds max_order_value {max}"));
        }
        if request.side == Side::Buy {
            // Covering a short first spends cash on the shares bought back.
            let covering = request.reference_price.notional(account.position_qty.min(0).abs());
            let free = account.cash - covering;
            if value > free {
                return Self::reject(codes::INSUFFICIENT_CASH, format!("needs {:.2}, free cash {:.2}", value, free));
            }
        }
        Ok(qty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::{Instrument, Price};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn entry(side: Side, price: &str, stop: Option<&str>) -> OrderRequest {
        OrderRequest {
            side,
            purpose: Purpose::Enter,
            reference_price: Price::parse(price).unwrap(),
            stop_loss: stop.map(|s| Price::parse(s).unwrap()),
            ts: 0,
        }
    }

    fn view<'a>(instrument: &'a Instrument, cash: &str) -> AccountView<'a> {
        AccountView { instrument, position_qty: 0, cash: d(cash), equity: d(cash) }
    }

    #[test]
    fn sizes_and_rounds_down_to_the_lot() {
        let mut inst = Instrument::nse_equity(0, "NIFTYBEES");
        inst.lot_size = 25;
        let mut gate = PreTradeRisk::new(Sizing::FixedValue(d("10000")), Limits::default(), Product::Cnc);
        // 10000 / 150 = 66 shares → 50 (two lots of 25).
        assert_eq!(gate.review(&entry(Side::Buy, "150", None), &view(&inst, "1000000")), Ok(50));
        let err = gate.review(&entry(Side::Buy, "500", None), &view(&inst, "1000000")).unwrap_err();
        assert_eq!(err.code, codes::QTY_BELOW_LOT);
        assert_eq!(err.detail, "sized 20 shares, below one lot of 25");
    }

    #[test]
    fn each_check_trips_with_its_code() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let limits = Limits { max_order_qty: Some(100), max_order_value: Some(d("50000")) };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(200), limits, Product::Cnc);
        assert_eq!(gate.review(&entry(Side::Buy, "100", None), &view(&inst, "1000000")).unwrap_err().code, codes::MAX_ORDER_QTY);
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(100), limits, Product::Cnc);
        assert_eq!(gate.review(&entry(Side::Buy, "600", None), &view(&inst, "1000000")).unwrap_err().code, codes::MAX_ORDER_VALUE);
        let err = gate.review(&entry(Side::Buy, "400", None), &view(&inst, "1000")).unwrap_err();
        assert_eq!((err.code, err.detail.as_str()), (codes::INSUFFICIENT_CASH, "needs 40000.00, free cash 1000.00"));
        assert_eq!(gate.review(&entry(Side::Sell, "400", None), &view(&inst, "1000000")).unwrap_err().code, codes::SHORT_NEEDS_MIS);
        let mut gate = PreTradeRisk::new(Sizing::RiskPerTrade(d("1")), Limits::default(), Product::Cnc);
        assert_eq!(gate.review(&entry(Side::Buy, "400", None), &view(&inst, "1000000")).unwrap_err().code, codes::NO_STOP_FOR_RISK_SIZING);
        assert_eq!(gate.review(&entry(Side::Buy, "400", Some("390")), &view(&inst, "1000000")), Ok(1000));
    }

    #[test]
    fn exits_are_always_allowed() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(1), Limits { max_order_qty: Some(1), max_order_value: None }, Product::Cnc);
        let exit = OrderRequest { purpose: Purpose::Exit { qty: 500 }, ..entry(Side::Sell, "400", None) };
        assert_eq!(gate.review(&exit, &view(&inst, "0")), Ok(500));
    }
}

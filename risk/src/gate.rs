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
    /// Free cash a short entry needs, percent of its value (default 100: fully cash-covered;
    /// brokers' intraday margins are lower, e.g. 20).
    pub short_margin_pct: Option<Decimal>,
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
        let (closing, opening) = match request.purpose {
            // Closing a position is always allowed: it only reduces risk.
            Purpose::Exit { qty } => return Ok(qty),
            Purpose::Enter { closing } => (closing, self.size_entry(request, account)?),
        };
        // Order limits apply to the whole order, flips included.
        let qty = closing + opening;
        if let Some(max) = self.limits.max_order_qty.filter(|max| qty > *max) {
            return Self::reject(codes::MAX_ORDER_QTY, format!("qty {qty} exceeds max_order_qty {max}"));
        }
        let price = request.reference_price;
        let value = price.notional(qty);
        if let Some(max) = self.limits.max_order_value.filter(|max| value > *max) {
            return Self::reject(codes::MAX_ORDER_VALUE, format!("order value {value:.2} exceeds max_order_value {max}"));
        }
        let opening_value = price.notional(opening);
        match request.side {
            Side::Buy => {
                // Covering a short first spends cash on the shares bought back.
                let free = account.cash - price.notional(closing);
                if opening_value > free {
                    return Self::reject(codes::INSUFFICIENT_CASH, format!("needs {opening_value:.2}, free cash {free:.2}"));
                }
            }
            Side::Sell => {
                // Selling a long first frees its proceeds.
                let free = account.cash + price.notional(closing);
                let pct = self.limits.short_margin_pct.unwrap_or(Decimal::ONE_HUNDRED);
                let margin = opening_value * pct / Decimal::ONE_HUNDRED;
                if margin > free {
                    return Self::reject(codes::INSUFFICIENT_MARGIN, format!("short needs margin {margin:.2} ({pct} % of {opening_value:.2}), free cash {free:.2}"));
                }
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
            purpose: Purpose::Enter { closing: 0 },
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
        let limits = Limits { max_order_qty: Some(100), max_order_value: Some(d("50000")), short_margin_pct: None };
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
    fn a_flip_is_checked_as_one_order_and_shorts_need_margin() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let flip = |closing| OrderRequest { purpose: Purpose::Enter { closing }, ..entry(Side::Sell, "100", None) };
        let long_10 = |cash: &str| AccountView { position_qty: 10, ..view(&inst, cash) };
        // 10 to close + 10 to open = 20 > max 15, although each half alone fits.
        let limits = Limits { max_order_qty: Some(15), ..Limits::default() };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), limits, Product::Mis);
        let err = gate.review(&flip(10), &long_10("100000")).unwrap_err();
        assert_eq!((err.code, err.detail.as_str()), (codes::MAX_ORDER_QTY, "qty 20 exceeds max_order_qty 15"));
        // Short 10 at 100 needs 1000 of margin at 100 %; 500 cash + 1000 from selling the long is enough.
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Mis);
        assert_eq!(gate.review(&flip(10), &long_10("500")), Ok(20));
        let err = gate.review(&flip(0), &view(&inst, "500")).unwrap_err();
        assert_eq!(err.code, codes::INSUFFICIENT_MARGIN);
        assert_eq!(err.detail, "short needs margin 1000.00 (100 % of 1000.00), free cash 500.00");
        // At a 20 % intraday margin, 500 covers the same short.
        let limits = Limits { short_margin_pct: Some(d("20")), ..Limits::default() };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), limits, Product::Mis);
        assert_eq!(gate.review(&flip(0), &view(&inst, "500")), Ok(10));
    }

    #[test]
    fn exits_are_always_allowed() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let limits = Limits { max_order_qty: Some(1), ..Limits::default() };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(1), limits, Product::Cnc);
        let exit = OrderRequest { purpose: Purpose::Exit { qty: 500 }, ..entry(Side::Sell, "400", None) };
        assert_eq!(gate.review(&exit, &view(&inst, "0")), Ok(500));
    }
}

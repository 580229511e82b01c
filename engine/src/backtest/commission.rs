//! Commission models: `none`, or Zerodha's NSE/BSE equity charges.
//!
//! Zerodha equity charges per executed order, each rate configurable (defaults as published for
//! 2026; see `config/default.toml`):
//!
//! | charge | intraday (MIS) | delivery (CNC) |
//! | --- | --- | --- |
//! | brokerage | 0.03 % of turnover, at most ₹20 | 0 |
//! | STT | 0.025 % on the sell side | 0.1 % on buy and sell |
//! | exchange transaction charge | NSE 0.00297 %, BSE 0.00375 % | same |
//! | SEBI turnover fee | ₹10 per crore (0.0001 %) | same |
//! | GST | 18 % of brokerage + exchange charge + SEBI fee | same |
//! | stamp duty | 0.003 % on the buy side | 0.015 % on the buy side |
//!
//! Each component is computed exactly; the order's total is rounded to the paisa (half up), as a
//! contract note shows it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::types::{Exchange, Price, Product, Qty, Side};

/// Zerodha's equity charge rates, in percent of turnover unless named otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZerodhaRates {
    /// Intraday brokerage, percent of turnover.
    pub brokerage_intraday_pct: Decimal,
    /// Cap on intraday brokerage per order, rupees.
    pub brokerage_intraday_max: Decimal,
    /// Delivery brokerage, percent of turnover.
    pub brokerage_delivery_pct: Decimal,
    /// STT on intraday sells, percent.
    pub stt_intraday_sell_pct: Decimal,
    /// STT on delivery buys and sells, percent.
    pub stt_delivery_pct: Decimal,
    /// NSE transaction charge, percent.
    pub exchange_nse_pct: Decimal,
    /// BSE transaction charge, percent.
    pub exchange_bse_pct: Decimal,
    /// SEBI turnover fee, percent.
    pub sebi_pct: Decimal,
    /// GST, percent of brokerage + exchange charge (+ SEBI fee when `gst_on_sebi_fee`).
    pub gst_pct: Decimal,
    /// Whether GST is charged on the SEBI fee too.
    pub gst_on_sebi_fee: bool,
    /// Stamp duty on intraday buys, percent.
    pub stamp_intraday_buy_pct: Decimal,
    /// Stamp duty on delivery buys, percent.
    pub stamp_delivery_buy_pct: Decimal,
}

impl Default for ZerodhaRates {
    fn default() -> ZerodhaRates {
        let pct = |units: i64, scale: u32| Decimal::new(units, scale);
        ZerodhaRates {
            brokerage_intraday_pct: pct(3, 2),
            brokerage_intraday_max: Decimal::from(20),
            brokerage_delivery_pct: Decimal::ZERO,
            stt_intraday_sell_pct: pct(25, 3),
            stt_delivery_pct: pct(1, 1),
            exchange_nse_pct: pct(297, 5),
            exchange_bse_pct: pct(375, 5),
            sebi_pct: pct(1, 4),
            gst_pct: Decimal::from(18),
            gst_on_sebi_fee: true,
            stamp_intraday_buy_pct: pct(3, 3),
            stamp_delivery_buy_pct: pct(15, 3),
        }
    }
}

/// The charges on one executed order, rupees.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Charges {
    /// Broker's fee.
    pub brokerage: Decimal,
    /// Securities transaction tax.
    pub stt: Decimal,
    /// Exchange transaction charge.
    pub exchange: Decimal,
    /// SEBI turnover fee.
    pub sebi: Decimal,
    /// Goods and services tax.
    pub gst: Decimal,
    /// Stamp duty.
    pub stamp: Decimal,
    /// Sum of the above, rounded to the paisa.
    pub total: Decimal,
}

/// How fills are charged.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "lowercase")]
pub enum Commission {
    /// No charges.
    #[default]
    None,
    /// Zerodha's equity charges with these rates.
    Zerodha(ZerodhaRates),
}

impl Commission {
    /// Charges on an order of `qty` at `price`.
    pub fn charges(
        &self,
        side: Side,
        product: Product,
        exchange: Exchange,
        price: Price,
        qty: Qty,
    ) -> Charges {
        match self {
            Commission::None => Charges::default(),
            Commission::Zerodha(rates) => {
                rates.charges(side, product, exchange, price.notional(qty.abs()))
            }
        }
    }
}

impl ZerodhaRates {
    /// Charges on one order with `turnover` rupees.
    pub fn charges(
        &self,
        side: Side,
        product: Product,
        exchange: Exchange,
        turnover: Decimal,
    ) -> Charges {
        let of = |pct: Decimal| turnover * pct / Decimal::ONE_HUNDRED;
        let intraday = product == Product::Mis;
        let buy = side == Side::Buy;
        let brokerage = if intraday {
            of(self.brokerage_intraday_pct).min(self.brokerage_intraday_max)
        } else {
            of(self.brokerage_delivery_pct)
        };
        let stt = match (intraday, buy) {
            (true, true) => Decimal::ZERO,
            (true, false) => of(self.stt_intraday_sell_pct),
            (false, _) => of(self.stt_delivery_pct),
        };
        let exchange = of(match exchange {
            Exchange::Nse => self.exchange_nse_pct,
            Exchange::Bse => self.exchange_bse_pct,
        });
        let sebi = of(self.sebi_pct);
        let gst_base = brokerage
            + exchange
            + if self.gst_on_sebi_fee {
                sebi
            } else {
                Decimal::ZERO
            };
        let gst = gst_base * self.gst_pct / Decimal::ONE_HUNDRED;
        let stamp = match (buy, intraday) {
            (false, _) => Decimal::ZERO,
            (true, true) => of(self.stamp_intraday_buy_pct),
            (true, false) => of(self.stamp_delivery_buy_pct),
        };
        let total = (brokerage + stt + exchange + sebi + gst + stamp)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        Charges {
            brokerage,
            stt,
            exchange,
            sebi,
            gst,
            stamp,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Kite's virtual contract note (`shared/fixtures/kite/virtual_contract_note.json`): SBIN, CNC,
    /// BUY 1 @ 560 under that note's rates (NSE 0.00335 %, GST not on the SEBI fee, no stamp).
    #[test]
    fn matches_kite_contract_note_for_a_delivery_buy() {
        let rates = ZerodhaRates {
            exchange_nse_pct: d("0.00335"),
            gst_on_sebi_fee: false,
            stamp_delivery_buy_pct: Decimal::ZERO,
            ..ZerodhaRates::default()
        };
        let c = rates.charges(Side::Buy, Product::Cnc, Exchange::Nse, d("560"));
        assert_eq!(c.stt, d("0.56"));
        assert_eq!(c.exchange, d("0.01876"));
        assert_eq!(c.sebi, d("0.00056"));
        assert_eq!(c.brokerage, Decimal::ZERO);
        assert_eq!(c.gst, d("0.0033768"));
        assert_eq!(c.total, d("0.58")); // the note's 0.5826968, to the paisa
    }

    #[test]
    fn intraday_brokerage_is_capped_at_twenty_rupees_and_stt_is_sell_only() {
        let rates = ZerodhaRates::default();
        // Turnover 1,00,000: 0.03 % = 30 → capped at 20.
        let buy = rates.charges(Side::Buy, Product::Mis, Exchange::Nse, d("100000"));
        assert_eq!(buy.brokerage, d("20"));
        assert_eq!(buy.stt, Decimal::ZERO);
        assert_eq!(buy.stamp, d("3"));
        assert_eq!(buy.exchange, d("2.97"));
        assert_eq!(buy.sebi, d("0.1"));
        assert_eq!(buy.gst, d("4.1526")); // 18 % of 23.07
        assert_eq!(buy.total, d("30.22"));
        let sell = rates.charges(Side::Sell, Product::Mis, Exchange::Nse, d("10000"));
        assert_eq!(sell.brokerage, d("3"));
        assert_eq!(sell.stt, d("2.5"));
        assert_eq!(sell.stamp, Decimal::ZERO);
    }

    #[test]
    fn none_charges_nothing() {
        let c = Commission::None.charges(
            Side::Buy,
            Product::Cnc,
            Exchange::Nse,
            Price::parse("100").unwrap(),
            10,
        );
        assert_eq!(c.total, Decimal::ZERO);
    }
}

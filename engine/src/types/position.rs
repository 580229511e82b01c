//! A position in one instrument with average-cost accounting.
//!
//! Realised P&L is booked when a fill reduces the position, against the average entry price;
//! a fill that flips the position closes the old one and opens the remainder at the fill price.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Fill, InstrumentId, Price, Qty};

/// Net holding of one instrument.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Instrument held.
    pub instrument: InstrumentId,
    /// Signed shares: positive long, negative short.
    pub qty: Qty,
    /// Average entry price of the open quantity, rupees (zero when flat).
    pub avg_price: Decimal,
    /// P&L realised by closing fills, before fees, rupees.
    pub realized_pnl: Decimal,
}

impl Position {
    /// A flat position.
    pub fn flat(instrument: InstrumentId) -> Position {
        Position {
            instrument,
            ..Position::default()
        }
    }

    /// Applies a fill and returns the P&L it realised (before fees).
    pub fn apply(&mut self, fill: &Fill) -> Decimal {
        let signed = fill.side.sign() * fill.qty;
        let price = fill.price.to_decimal();
        let mut realized = Decimal::ZERO;
        if self.qty == 0 {
            self.qty = signed;
            self.avg_price = price;
        } else if self.qty.signum() == signed.signum() {
            // Opening or adding: new weighted average.
            let new_qty = self.qty + signed;
            self.avg_price = (self.avg_price * Decimal::from(self.qty.abs())
                + price * Decimal::from(signed.abs()))
                / Decimal::from(new_qty.abs());
            self.qty = new_qty;
        } else {
            let closing = signed.abs().min(self.qty.abs());
            realized = (price - self.avg_price) * Decimal::from(closing * self.qty.signum());
            let new_qty = self.qty + signed;
            if new_qty == 0 {
                self.avg_price = Decimal::ZERO;
            } else if new_qty.signum() != self.qty.signum() {
                self.avg_price = price; // flipped: remainder opened at the fill price
            }
            self.qty = new_qty;
        }
        self.realized_pnl += realized;
        realized
    }

    /// Unrealised P&L of the open quantity marked at `mark`, rupees, clamped to
    /// ±[`Price::MAX_VALUE`] (an absurd mark on a large position reports the bound, never panics).
    pub fn unrealized(&self, mark: Price) -> Decimal {
        let per_share = mark.to_decimal() - self.avg_price;
        let bound = Price::MAX_VALUE;
        match per_share.checked_mul(Decimal::from(self.qty)) {
            Some(pnl) => pnl.clamp(-bound, bound),
            None if per_share.is_sign_negative() == (self.qty < 0) => bound,
            None => -bound,
        }
    }

    /// Market value of the open quantity at `mark` (negative when short), rupees, clamped like
    /// [`Price::notional`].
    pub fn market_value(&self, mark: Price) -> Decimal {
        mark.notional(self.qty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ClientOrderId, Side};

    fn fill(side: Side, qty: i64, price: &str) -> Fill {
        Fill {
            client_id: ClientOrderId(1),
            instrument: InstrumentId(0),
            side,
            qty,
            price: Price::parse(price).unwrap(),
            ts: 0,
            fees: Decimal::ZERO,
        }
    }

    #[test]
    fn average_cost_then_partial_close_realises_against_average() {
        let mut p = Position::flat(InstrumentId(0));
        p.apply(&fill(Side::Buy, 10, "100.00"));
        p.apply(&fill(Side::Buy, 10, "110.00"));
        assert_eq!(p.avg_price, Decimal::from(105));
        let r = p.apply(&fill(Side::Sell, 5, "120.00"));
        assert_eq!(r, Decimal::from(75));
        assert_eq!(p.qty, 15);
        assert_eq!(
            p.unrealized(Price::parse("100").unwrap()),
            Decimal::from(-75)
        );
    }

    #[test]
    fn an_absurd_mark_is_clamped_not_a_panic() {
        let mut p = Position::flat(InstrumentId(0));
        p.apply(&fill(Side::Buy, 1_000_000_000_000_000, "0.0001"));
        assert_eq!(p.unrealized(Price(i64::MAX)), Price::MAX_VALUE);
        assert_eq!(p.market_value(Price(i64::MAX)), Price::MAX_VALUE);
        p.apply(&fill(Side::Sell, 2_000_000_000_000_000, "0.0001"));
        assert_eq!(p.unrealized(Price(i64::MAX)), -Price::MAX_VALUE);
    }

    #[test]
    fn flip_closes_then_opens_at_fill_price() {
        let mut p = Position::flat(InstrumentId(0));
        p.apply(&fill(Side::Buy, 10, "100.00"));
        let r = p.apply(&fill(Side::Sell, 15, "90.00"));
        assert_eq!(r, Decimal::from(-100));
        assert_eq!(p.qty, -5);
        assert_eq!(p.avg_price, Decimal::from(90));
        let r = p.apply(&fill(Side::Buy, 5, "80.00"));
        assert_eq!(r, Decimal::from(50));
        assert_eq!(
            (p.qty, p.avg_price, p.realized_pnl),
            (0, Decimal::ZERO, Decimal::from(-50))
        );
    }
}

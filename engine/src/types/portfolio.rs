//! Cash plus positions: the account as the engine sees it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Fill, InstrumentId, Position, Price};

/// Cash and one [`Position`] per instrument slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    /// Free cash, rupees (after fees).
    pub cash: Decimal,
    /// Fees paid so far, rupees.
    pub fees_paid: Decimal,
    /// Positions indexed by [`InstrumentId`].
    pub positions: Vec<Position>,
}

impl Portfolio {
    /// A portfolio with `cash` and room for `instruments` flat positions.
    pub fn new(cash: Decimal, instruments: usize) -> Portfolio {
        Portfolio {
            cash,
            fees_paid: Decimal::ZERO,
            positions: (0..instruments as u32)
                .map(|i| Position::flat(InstrumentId(i)))
                .collect(),
        }
    }

    /// The position in `instrument` (flat if never traded).
    pub fn position(&self, instrument: InstrumentId) -> &Position {
        &self.positions[instrument.0 as usize]
    }

    /// Books a fill: moves cash by the notional and fees, updates the position; returns the
    /// P&L it realised before fees.
    pub fn apply(&mut self, fill: &Fill) -> Decimal {
        let idx = fill.instrument.0 as usize;
        if idx >= self.positions.len() {
            let from = self.positions.len() as u32;
            self.positions
                .extend((from..=fill.instrument.0).map(|i| Position::flat(InstrumentId(i))));
        }
        self.cash -= fill.price.notional(fill.side.sign() * fill.qty) + fill.fees;
        self.fees_paid += fill.fees;
        self.positions[idx].apply(fill)
    }

    /// Cash plus every position marked at `marks[instrument]`, rupees.
    pub fn equity(&self, marks: &[Price]) -> Decimal {
        self.positions
            .iter()
            .filter(|p| p.qty != 0)
            .fold(self.cash, |acc, p| {
                acc + p.market_value(marks[p.instrument.0 as usize])
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ClientOrderId, Side};

    #[test]
    fn equity_is_cash_plus_marked_positions_less_fees() {
        let mut pf = Portfolio::new(Decimal::from(1_000_000), 1);
        pf.apply(&Fill {
            client_id: ClientOrderId(1),
            instrument: InstrumentId(0),
            side: Side::Buy,
            qty: 10,
            price: Price::parse("1573.15").unwrap(),
            ts: 0,
            fees: Decimal::new(2_36, 2),
        });
        assert_eq!(pf.cash, Decimal::new(98426614, 2));
        let eq = pf.equity(&[Price::parse("1580").unwrap()]);
        assert_eq!(eq, Decimal::new(100006614, 2));
    }
}

//! Brokers report a position per product (an intraday leg and a delivery leg of one share); the
//! engine keeps one per instrument. [`net_legs`] nets them, the same for every broker.

use rust_decimal::Decimal;
use sharewise_engine::types::{InstrumentId, Position};

/// One product leg of a broker's position, read from its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Net quantity of the leg (negative: short).
    pub qty: i64,
    /// Average price of the leg's net quantity.
    pub avg_price: Decimal,
    /// Realised P&L of the leg.
    pub realised: Decimal,
}

/// The legs netted into one position per instrument, in first-seen order. The average is over
/// the legs on the net position's side (a long intraday leg and a short delivery leg do not
/// average into a price either was traded at).
pub fn net_legs(legs: &[Leg]) -> Vec<Position> {
    let mut out: Vec<Position> = Vec::new();
    for leg in legs {
        let k = match out.iter().position(|p| p.instrument == leg.instrument) {
            Some(k) => k,
            None => {
                out.push(Position::flat(leg.instrument));
                out.len() - 1
            }
        };
        out[k].qty += leg.qty;
        out[k].realized_pnl += leg.realised;
    }
    for p in &mut out {
        let (mut shares, mut value) = (Decimal::ZERO, Decimal::ZERO);
        for leg in legs {
            let same_side = leg.qty.signum() == p.qty.signum() && leg.qty != 0;
            if leg.instrument == p.instrument && same_side {
                shares += Decimal::from(leg.qty.abs());
                value += leg.avg_price * Decimal::from(leg.qty.abs());
            }
        }
        p.avg_price = if shares.is_zero() {
            Decimal::ZERO
        } else {
            value / shares
        };
    }
    out
}

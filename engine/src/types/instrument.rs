//! Instruments: what is traded, where, and on which price and quantity grid.

use serde::{Deserialize, Serialize};

use super::Price;

/// Dense index of an instrument inside one engine (also its slot in per-instrument tables).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct InstrumentId(pub u32);

/// An Indian stock exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Exchange {
    /// National Stock Exchange of India.
    Nse,
    /// BSE (Bombay Stock Exchange).
    Bse,
}

impl std::fmt::Display for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Exchange::Nse => "NSE",
            Exchange::Bse => "BSE",
        })
    }
}

/// A tradable instrument with its exchange grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// Engine-local id.
    pub id: InstrumentId,
    /// Trading symbol, e.g. `RELIANCE`.
    pub symbol: String,
    /// Listing exchange.
    pub exchange: Exchange,
    /// Minimum price increment (NSE equities: 0.05).
    pub tick_size: Price,
    /// Minimum quantity increment (cash equities: 1).
    pub lot_size: i64,
}

impl Instrument {
    /// An NSE cash-equity instrument: 5-paise tick, lot size 1.
    pub fn nse_equity(id: u32, symbol: &str) -> Instrument {
        Instrument {
            id: InstrumentId(id),
            symbol: symbol.to_string(),
            exchange: Exchange::Nse,
            tick_size: Price::from_rupees_paise(0, 5),
            lot_size: 1,
        }
    }

    /// Rounds `qty` down to a whole number of lots (never up: sizing must not exceed its budget).
    #[inline]
    pub fn round_down_to_lot(&self, qty: i64) -> i64 {
        let lot = self.lot_size.max(1);
        qty.div_euclid(lot) * lot
    }
}

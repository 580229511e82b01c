//! The master table: every listing once, found by symbol or by a broker's token.
//!
//! Listings are keyed by market and symbol. Loading a second broker's dump *merges* into the
//! listings already there (the broker's ids are added; the grid is checked: two brokers that
//! disagree on an instrument's tick or lot size is a conflict worth an operator's look, reported,
//! and the first broker's values stay).

use std::collections::HashMap;

use sharewise_engine::types::Price;

use crate::listing::{Listing, Market};

/// Why an order does not fit an instrument's grid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// The price is not a multiple of the tick size.
    #[error("{symbol}: price {price} is off the {tick} tick grid")]
    OffTick {
        /// The instrument.
        symbol: String,
        /// The price asked.
        price: Price,
        /// Its tick size.
        tick: Price,
    },
    /// The quantity is not a whole number of lots.
    #[error("{symbol}: quantity {qty} is not a multiple of the lot size {lot}")]
    NotWholeLots {
        /// The instrument.
        symbol: String,
        /// The quantity asked.
        qty: i64,
        /// Its lot size.
        lot: u32,
    },
}

/// Every listing, with indexes by symbol and by Kite token.
#[derive(Clone, Debug, Default)]
pub struct InstrumentMaster {
    listings: Vec<Listing>,
    by_symbol: HashMap<(Market, String), usize>,
    by_kite: HashMap<u32, usize>,
    conflicts: Vec<String>,
}

impl InstrumentMaster {
    /// An empty master.
    pub fn new() -> InstrumentMaster {
        InstrumentMaster::default()
    }

    /// Adds `listings`, merging broker ids into listings already known by market and symbol.
    pub fn merge(&mut self, listings: impl IntoIterator<Item = Listing>) {
        for listing in listings {
            let key = (listing.market, listing.symbol.clone());
            let index = match self.by_symbol.get(&key) {
                Some(&i) => {
                    self.merge_into(i, listing);
                    i
                }
                None => {
                    self.listings.push(listing);
                    self.by_symbol.insert(key, self.listings.len() - 1);
                    self.listings.len() - 1
                }
            };
            if let Some(token) = self.listings[index].ids.kite_token {
                self.by_kite.insert(token, index);
            }
        }
    }

    fn merge_into(&mut self, i: usize, new: Listing) {
        let old = &mut self.listings[i];
        if (old.tick_size, old.lot_size) != (new.tick_size, new.lot_size) {
            self.conflicts.push(format!(
                "{}:{}: tick {} lot {} here, tick {} lot {} in the newer dump; keeping the first",
                old.market, old.symbol, old.tick_size, old.lot_size, new.tick_size, new.lot_size
            ));
        }
        let ids = new.ids;
        old.ids.kite_token = old.ids.kite_token.or(ids.kite_token);
        old.ids.upstox_key = old.ids.upstox_key.take().or(ids.upstox_key);
        old.ids.aliceblue_token = old.ids.aliceblue_token.or(ids.aliceblue_token);
        old.freeze_qty = old.freeze_qty.or(new.freeze_qty);
    }

    /// The listing of `symbol` on `market`.
    pub fn get(&self, market: Market, symbol: &str) -> Option<&Listing> {
        self.by_symbol
            .get(&(market, symbol.to_string()))
            .map(|&i| &self.listings[i])
    }

    /// The listing Kite calls `token`.
    pub fn by_kite_token(&self, token: u32) -> Option<&Listing> {
        self.by_kite.get(&token).map(|&i| &self.listings[i])
    }

    /// Every listing, in the order they were first added.
    pub fn listings(&self) -> &[Listing] {
        &self.listings
    }

    /// How many listings.
    pub fn len(&self) -> usize {
        self.listings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.listings.is_empty()
    }

    /// Disagreements between dumps found while merging.
    pub fn conflicts(&self) -> &[String] {
        &self.conflicts
    }

    /// Checks an order's price (if any) and quantity against `listing`'s grid.
    pub fn check_grid(listing: &Listing, price: Option<Price>, qty: i64) -> Result<(), GridError> {
        if let Some(price) = price.filter(|p| !listing.on_tick(*p)) {
            return Err(GridError::OffTick {
                symbol: listing.symbol.clone(),
                price,
                tick: listing.tick_size,
            });
        }
        if !listing.whole_lots(qty) {
            return Err(GridError::NotWholeLots {
                symbol: listing.symbol.clone(),
                qty,
                lot: listing.lot_size,
            });
        }
        Ok(())
    }
}

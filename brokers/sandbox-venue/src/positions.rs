//! The day's trades netted per instrument and product, valued at the last price: the arithmetic
//! behind every broker's positions report.
//!
//! `value = sell_value − buy_value`; `pnl = value + quantity × last_price` (multiplier 1 for
//! shares); the average price is the buy side's for a long position and the sell side's for a
//! short one; `unrealised = quantity × (last_price − average_price)` and `realised = pnl −
//! unrealised`. The sandboxes have no overnight positions.

use std::collections::BTreeMap;

use sharewise_brokers::{BrokerOrder, BrokerTrade};
use sharewise_engine::types::Side;

/// One instrument's trades of one product.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Leg {
    /// Shares bought.
    pub buy_qty: i64,
    /// Rupees paid.
    pub buy_value: f64,
    /// Shares sold.
    pub sell_qty: i64,
    /// Rupees received.
    pub sell_value: f64,
}

/// A leg valued at a last price.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Net {
    /// Shares held: bought less sold.
    pub quantity: i64,
    /// Average buy price.
    pub buy_price: f64,
    /// Average sell price.
    pub sell_price: f64,
    /// The position's average price (buy side long, sell side short, 0 flat).
    pub average: f64,
    /// `sell_value − buy_value`.
    pub value: f64,
    /// Profit and loss at the last price.
    pub pnl: f64,
    /// Of it, on the shares still held.
    pub unrealised: f64,
    /// Of it, on the shares closed.
    pub realised: f64,
}

impl Leg {
    /// The leg valued at `last` rupees.
    pub fn net(&self, last: f64) -> Net {
        let avg = |value: f64, qty: i64| if qty > 0 { value / qty as f64 } else { 0.0 };
        let (buy_price, sell_price) = (
            avg(self.buy_value, self.buy_qty),
            avg(self.sell_value, self.sell_qty),
        );
        let quantity = self.buy_qty - self.sell_qty;
        let value = self.sell_value - self.buy_value;
        let pnl = value + quantity as f64 * last;
        let average = match quantity {
            q if q > 0 => buy_price,
            q if q < 0 => sell_price,
            _ => 0.0,
        };
        let unrealised = quantity as f64 * (last - average);
        Net {
            quantity,
            buy_price,
            sell_price,
            average,
            value,
            pnl,
            unrealised,
            realised: pnl - unrealised,
        }
    }
}

/// `trades` (with the `orders` they filled) summed by instrument index and the product
/// `product_of` names each order by.
pub fn legs<P: Ord>(
    trades: &[BrokerTrade],
    orders: &[BrokerOrder],
    product_of: impl Fn(&BrokerOrder) -> P,
) -> BTreeMap<(usize, P), Leg> {
    let mut legs = BTreeMap::new();
    for t in trades {
        let Some(order) = orders.iter().find(|o| o.tag() == t.fill.client_id) else {
            continue;
        };
        let leg: &mut Leg = legs
            .entry((t.fill.instrument.0 as usize, product_of(order)))
            .or_default();
        let value = t.fill.price.to_f64() * t.fill.qty as f64;
        match t.fill.side {
            Side::Buy => {
                leg.buy_qty += t.fill.qty;
                leg.buy_value += value;
            }
            Side::Sell => {
                leg.sell_qty += t.fill.qty;
                leg.sell_value += value;
            }
        }
    }
    legs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partly_closed_long_splits_its_pnl_into_realised_and_unrealised() {
        let leg = Leg {
            buy_qty: 10,
            buy_value: 1000.0,
            sell_qty: 4,
            sell_value: 440.0,
        };
        let net = leg.net(105.0);
        assert_eq!((net.quantity, net.average, net.value), (6, 100.0, -560.0));
        assert_eq!((net.pnl, net.unrealised, net.realised), (70.0, 30.0, 40.0));
    }
}

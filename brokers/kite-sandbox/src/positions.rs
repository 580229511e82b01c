//! `GET /portfolio/positions` in Kite's shape (`positions.json`): the day's trades of each
//! instrument and product, netted, valued at the last price.
//!
//! Kite's arithmetic: `value = sell_value − buy_value`; `pnl = value + quantity × last_price`
//! (multiplier 1 for shares); the average price is the buy side's for a long position and the sell
//! side's for a short one; `unrealised = quantity × (last_price − average_price)` and `realised =
//! pnl − unrealised`. The sandbox has no overnight positions, so `m2m = pnl` and `day` = `net`.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sharewise_brokers::{BrokerOrder, BrokerTrade};
use sharewise_engine::types::Side;

use crate::market::Listed;
use crate::orders::product_name;

#[derive(Default)]
struct Legs {
    buy_qty: i64,
    buy_value: f64,
    sell_qty: i64,
    sell_value: f64,
}

/// The positions built from `trades` (with the `orders` they filled), valued at `last_price(k)`
/// of instrument `k` (rupees).
pub(crate) fn positions_json(
    trades: &[BrokerTrade],
    orders: &[BrokerOrder],
    listing: &[Listed],
    last_price: impl Fn(usize) -> f64,
    close_price: impl Fn(usize) -> f64,
) -> Value {
    let mut legs: BTreeMap<(usize, &'static str), Legs> = BTreeMap::new();
    for t in trades {
        let Some(order) = orders.iter().find(|o| o.tag() == t.fill.client_id) else {
            continue;
        };
        let k = t.fill.instrument.0 as usize;
        let leg = legs
            .entry((k, product_name(order.request.product)))
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
    let rows: Vec<Value> = legs
        .iter()
        .filter_map(|(&(k, product), leg)| {
            let listed = listing.get(k)?;
            let avg = |value: f64, qty: i64| if qty > 0 { value / qty as f64 } else { 0.0 };
            let (buy_price, sell_price) = (
                avg(leg.buy_value, leg.buy_qty),
                avg(leg.sell_value, leg.sell_qty),
            );
            let quantity = leg.buy_qty - leg.sell_qty;
            let last = last_price(k);
            let value = leg.sell_value - leg.buy_value;
            let pnl = value + quantity as f64 * last;
            let average = match quantity {
                q if q > 0 => buy_price,
                q if q < 0 => sell_price,
                _ => 0.0,
            };
            let unrealised = quantity as f64 * (last - average);
            Some(json!({
                "tradingsymbol": listed.symbol,
                "exchange": "NSE",
                "instrument_token": listed.token,
                "product": product,
                "quantity": quantity,
                "overnight_quantity": 0,
                "multiplier": 1,
                "average_price": average,
                "close_price": close_price(k),
                "last_price": last,
                "value": value,
                "pnl": pnl,
                "m2m": pnl,
                "unrealised": unrealised,
                "realised": pnl - unrealised,
                "buy_quantity": leg.buy_qty,
                "buy_price": buy_price,
                "buy_value": leg.buy_value,
                "buy_m2m": leg.buy_value,
                "sell_quantity": leg.sell_qty,
                "sell_price": sell_price,
                "sell_value": leg.sell_value,
                "sell_m2m": leg.sell_value,
                "day_buy_quantity": leg.buy_qty,
                "day_buy_price": buy_price,
                "day_buy_value": leg.buy_value,
                "day_sell_quantity": leg.sell_qty,
                "day_sell_price": sell_price,
                "day_sell_value": leg.sell_value,
            }))
        })
        .collect();
    json!({"net": rows, "day": rows})
}

//! `GET /portfolio/positions` in Kite's shape (`positions.json`): the day's trades of each
//! instrument and product, netted, valued at the last price.
//!
//! The venue nets them ([`legs`]); Kite's arithmetic: `value = sell_value − buy_value`; `pnl = value + quantity × last_price`
//! (multiplier 1 for shares); the average price is the buy side's for a long position and the sell
//! side's for a short one; `unrealised = quantity × (last_price − average_price)` and `realised =
//! pnl − unrealised`. The sandbox has no overnight positions, so `m2m = pnl` and `day` = `net`.

use serde_json::{json, Value};
use sharewise_brokers::{BrokerOrder, BrokerTrade};
use sharewise_sandbox_venue::positions::legs;

use crate::market::Listed;
use crate::orders::product_name;

/// The positions built from `trades` (with the `orders` they filled), valued at `last_price(k)`
/// of instrument `k` (rupees).
pub(crate) fn positions_json(
    trades: &[BrokerTrade],
    orders: &[BrokerOrder],
    listing: &[Listed],
    last_price: impl Fn(usize) -> f64,
    close_price: impl Fn(usize) -> f64,
) -> Value {
    let legs = legs(trades, orders, |o| product_name(o.request.product));
    let rows: Vec<Value> = legs
        .iter()
        .filter_map(|(&(k, product), leg)| {
            let listed = listing.get(k)?;
            let last = last_price(k);
            let n = leg.net(last);
            Some(json!({
                "tradingsymbol": listed.symbol,
                "exchange": "NSE",
                "instrument_token": listed.token,
                "product": product,
                "quantity": n.quantity,
                "overnight_quantity": 0,
                "multiplier": 1,
                "average_price": n.average,
                "close_price": close_price(k),
                "last_price": last,
                "value": n.value,
                "pnl": n.pnl,
                "m2m": n.pnl,
                "unrealised": n.unrealised,
                "realised": n.realised,
                "buy_quantity": leg.buy_qty,
                "buy_price": n.buy_price,
                "buy_value": leg.buy_value,
                "buy_m2m": leg.buy_value,
                "sell_quantity": leg.sell_qty,
                "sell_price": n.sell_price,
                "sell_value": leg.sell_value,
                "sell_m2m": leg.sell_value,
                "day_buy_quantity": leg.buy_qty,
                "day_buy_price": n.buy_price,
                "day_buy_value": leg.buy_value,
                "day_sell_quantity": leg.sell_qty,
                "day_sell_price": n.sell_price,
                "day_sell_value": leg.sell_value,
            }))
        })
        .collect();
    json!({"net": rows, "day": rows})
}

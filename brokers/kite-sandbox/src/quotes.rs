//! Each instrument's day so far ([`DayQuote`], kept by the venue from the price path's trades)
//! as the ticker sends it: Kite's full packet.
//!
//! Prices are Kite's integers (paise for NSE shares), exact on the 5-paise grid; the depth is the
//! venue's made-up book, five levels a tick apart on each side of the last price.

use sharewise_engine::time::NANOS_PER_SEC;
use sharewise_kite::ticker::{Depth, KiteTick, Layout, Level, Ohlc};
use sharewise_sandbox_venue::quote::DayQuote;

use crate::market::Listed;

/// The full-mode packet of `listed` from its day `quote`; `None` before its first trade.
pub fn packet(quote: &DayQuote, listed: &Listed) -> Option<KiteTick> {
    let last = quote.last_paise();
    if last == 0 {
        return None;
    }
    let mut depth = Depth::default();
    for (k, level) in quote.depth().iter().enumerate() {
        depth.buy[k] = Level {
            qty: level.bid_qty,
            price: level.bid,
            orders: level.orders,
        };
        depth.sell[k] = Level {
            qty: level.ask_qty,
            price: level.ask,
            orders: level.orders,
        };
    }
    let resting = |side: &[Level; 5]| side.iter().map(|l| l.qty).sum::<u32>();
    let today = quote.today();
    let time = u32::try_from(quote.last_trade_ts() / NANOS_PER_SEC).unwrap_or(0);
    Some(KiteTick {
        token: listed.token,
        layout: Layout::Full,
        last_price: last,
        last_traded_qty: quote.last_qty(),
        average_price: quote.average_paise(),
        volume: u32::try_from(quote.volume()).unwrap_or(u32::MAX),
        total_buy_qty: resting(&depth.buy),
        total_sell_qty: resting(&depth.sell),
        ohlc: Ohlc {
            open: today.open,
            high: today.high,
            low: today.low,
            close: quote.close_paise(),
        },
        index_change: 0,
        last_trade_time: time,
        oi: 0,
        oi_day_high: 0,
        oi_day_low: 0,
        exchange_time: time,
        depth,
    })
}

/// `full` cut down to what a subscription in `mode` gets (`ltp`, `quote` or `full`).
pub fn in_mode(full: &KiteTick, mode: &str) -> KiteTick {
    match mode {
        "ltp" => KiteTick {
            layout: Layout::Ltp,
            ..*full
        },
        "quote" => KiteTick {
            layout: Layout::Quote,
            ..*full
        },
        _ => *full,
    }
}

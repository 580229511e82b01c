//! Each instrument's day so far, kept from the price path's trades: what the ticker sends.
//!
//! Prices are Kite's integers (paise for NSE shares): the engine's four-decimal prices divided by
//! 100, exact on the 5-paise grid. A new IST day moves the last price into the previous close and
//! starts the day's open, high, low and volume afresh. The depth is made up (the price path has
//! trades, not a book): five levels a tick apart on each side of the last price.

use sharewise_engine::time::{ist_day, NANOS_PER_SEC};
use sharewise_engine::types::Tick;
use sharewise_kite::ticker::{Depth, KiteTick, Layout, Level, Ohlc};

use crate::market::Listed;

/// Kite's NSE tick size in paise.
const TICK_PAISE: u32 = 5;

/// One instrument's day.
#[derive(Clone, Debug, Default)]
pub struct DayQuote {
    day: i64,
    last: u32,
    last_qty: u32,
    volume: u64,
    /// Σ price × qty, for the average price.
    turnover: u128,
    ohlc: Ohlc,
    last_trade_time: u32,
}

impl DayQuote {
    /// Books one trade.
    pub fn on_trade(&mut self, tick: &Tick) {
        let price = u32::try_from(tick.price.0 / 100).unwrap_or(u32::MAX);
        let qty = u32::try_from(tick.qty.max(0)).unwrap_or(u32::MAX);
        let day = ist_day(tick.ts);
        if day != self.day || self.ohlc.open == 0 {
            let close = if self.last > 0 { self.last } else { price };
            *self = DayQuote {
                day,
                ohlc: Ohlc {
                    open: price,
                    high: price,
                    low: price,
                    close,
                },
                ..DayQuote::default()
            };
        }
        self.last = price;
        self.last_qty = qty;
        self.volume += u64::from(qty);
        self.turnover += u128::from(price) * u128::from(qty);
        self.ohlc.high = self.ohlc.high.max(price);
        self.ohlc.low = self.ohlc.low.min(price);
        self.last_trade_time = u32::try_from(tick.ts / NANOS_PER_SEC).unwrap_or(0);
    }

    /// The last trade's price, paise (0 before the first).
    pub fn last_paise(&self) -> u32 {
        self.last
    }

    /// The previous session's close, paise (the first trade's price on the first day).
    pub fn close_paise(&self) -> u32 {
        self.ohlc.close
    }

    /// The full-mode packet of `listed` as of now; `None` before its first trade.
    pub fn packet(&self, listed: &Listed) -> Option<KiteTick> {
        if self.last == 0 {
            return None;
        }
        let average = self
            .turnover
            .checked_div(u128::from(self.volume))
            .map_or(self.last, |a| u32::try_from(a).unwrap_or(u32::MAX));
        let mut depth = Depth::default();
        for k in 0..5u32 {
            let qty = 100 * (k + 1);
            depth.buy[k as usize] = Level {
                qty,
                price: self.last.saturating_sub(TICK_PAISE * k),
                orders: (k + 1) as u16,
            };
            depth.sell[k as usize] = Level {
                qty,
                price: self.last + TICK_PAISE * (k + 1),
                orders: (k + 1) as u16,
            };
        }
        let resting = |side: &[Level; 5]| side.iter().map(|l| l.qty).sum::<u32>();
        Some(KiteTick {
            token: listed.token,
            layout: Layout::Full,
            last_price: self.last,
            last_traded_qty: self.last_qty,
            average_price: average,
            volume: u32::try_from(self.volume).unwrap_or(u32::MAX),
            total_buy_qty: resting(&depth.buy),
            total_sell_qty: resting(&depth.sell),
            ohlc: self.ohlc,
            index_change: 0,
            last_trade_time: self.last_trade_time,
            oi: 0,
            oi_day_high: 0,
            oi_day_low: 0,
            exchange_time: self.last_trade_time,
            depth,
        })
    }
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

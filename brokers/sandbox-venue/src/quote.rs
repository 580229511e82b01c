//! One instrument's day so far, kept from the price path's trades: what the brokers' market feeds
//! send.
//!
//! Prices are paise (the engine's four-decimal prices divided by 100, exact on the 5-paise grid).
//! A new IST day moves the last price into the previous close and starts the day's open, high,
//! low and volume afresh. The depth is made up (the price path has trades, not a book): five
//! levels a tick apart on each side of the last price.

use sharewise_engine::time::{ist_day, TimestampNs, NANOS_PER_MINUTE};
use sharewise_engine::types::Tick;

/// NSE's tick size for shares, paise.
pub const TICK_PAISE: u32 = 5;

/// A candle in paise: open time (UTC ns), open, high, low, close, volume.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Candle {
    /// Open time, UTC ns.
    pub ts: TimestampNs,
    /// Open, paise.
    pub open: u32,
    /// High, paise.
    pub high: u32,
    /// Low, paise.
    pub low: u32,
    /// Close (or last), paise.
    pub close: u32,
    /// Shares traded.
    pub volume: u64,
}

impl Candle {
    fn start(ts: TimestampNs, price: u32) -> Candle {
        Candle {
            ts,
            open: price,
            high: price,
            low: price,
            close: price,
            volume: 0,
        }
    }

    fn trade(&mut self, price: u32, qty: u64) {
        self.high = self.high.max(price);
        self.low = self.low.min(price);
        self.close = price;
        self.volume += qty;
    }
}

/// One depth level of the made-up book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DepthLevel {
    /// Bid quantity.
    pub bid_qty: u32,
    /// Bid price, paise.
    pub bid: u32,
    /// Ask quantity.
    pub ask_qty: u32,
    /// Ask price, paise.
    pub ask: u32,
    /// Orders at each side of the level.
    pub orders: u16,
}

/// One instrument's day.
#[derive(Clone, Debug, Default)]
pub struct DayQuote {
    day: i64,
    last: u32,
    last_qty: u32,
    /// Σ price × qty, for the average price.
    turnover: u128,
    /// The day so far (`ts` = the day's first trade).
    today: Candle,
    /// The previous session's close.
    prev_close: u32,
    /// The current minute.
    minute: Candle,
    last_trade_ts: TimestampNs,
}

impl DayQuote {
    /// Books one trade.
    pub fn on_trade(&mut self, tick: &Tick) {
        let price = u32::try_from(tick.price.0 / 100).unwrap_or(u32::MAX);
        let qty = u32::try_from(tick.qty.max(0)).unwrap_or(u32::MAX);
        let day = ist_day(tick.ts);
        if day != self.day || self.today.open == 0 {
            let prev_close = if self.last > 0 { self.last } else { price };
            *self = DayQuote {
                day,
                today: Candle::start(tick.ts, price),
                prev_close,
                ..DayQuote::default()
            };
        }
        let minute = tick.ts - tick.ts.rem_euclid(NANOS_PER_MINUTE);
        if self.minute.ts != minute || self.minute.open == 0 {
            self.minute = Candle::start(minute, price);
        }
        self.last = price;
        self.last_qty = qty;
        self.turnover += u128::from(price) * u128::from(qty);
        self.today.trade(price, u64::from(qty));
        self.minute.trade(price, u64::from(qty));
        self.last_trade_ts = tick.ts;
    }

    /// The last trade's price, paise (0 before the first).
    pub fn last_paise(&self) -> u32 {
        self.last
    }

    /// The last trade's quantity.
    pub fn last_qty(&self) -> u32 {
        self.last_qty
    }

    /// The last trade's time, UTC ns.
    pub fn last_trade_ts(&self) -> TimestampNs {
        self.last_trade_ts
    }

    /// The previous session's close, paise (the first trade's price on the first day).
    pub fn close_paise(&self) -> u32 {
        self.prev_close
    }

    /// The day so far: open, high, low, last and volume.
    pub fn today(&self) -> Candle {
        self.today
    }

    /// The current minute's candle.
    pub fn minute(&self) -> Candle {
        self.minute
    }

    /// Shares traded today.
    pub fn volume(&self) -> u64 {
        self.today.volume
    }

    /// The day's volume-weighted average price, paise (the last price before any volume).
    pub fn average_paise(&self) -> u32 {
        self.turnover
            .checked_div(u128::from(self.today.volume))
            .map_or(self.last, |a| u32::try_from(a).unwrap_or(u32::MAX))
    }

    /// The made-up book: five levels, best first, a tick apart around the last price.
    pub fn depth(&self) -> [DepthLevel; 5] {
        let mut levels = [DepthLevel::default(); 5];
        for (k, level) in levels.iter_mut().enumerate() {
            let k32 = k as u32;
            *level = DepthLevel {
                bid_qty: 100 * (k32 + 1),
                bid: self.last.saturating_sub(TICK_PAISE * k32),
                ask_qty: 100 * (k32 + 1),
                ask: self.last + TICK_PAISE * (k32 + 1),
                orders: (k + 1) as u16,
            };
        }
        levels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::{InstrumentId, Price};

    fn trade(ts: TimestampNs, rupees: i64, qty: i64) -> Tick {
        Tick {
            ts,
            instrument: InstrumentId(0),
            price: Price(rupees * 10_000),
            qty,
        }
    }

    #[test]
    fn a_new_day_keeps_the_last_price_as_the_previous_close() {
        let day = 86_400 * 1_000_000_000;
        let mut q = DayQuote::default();
        q.on_trade(&trade(day + 1, 100, 5));
        q.on_trade(&trade(day + 2, 102, 5));
        assert_eq!(
            (q.close_paise(), q.volume(), q.average_paise()),
            (10_000, 10, 10_100)
        );
        q.on_trade(&trade(2 * day + 1, 101, 1));
        assert_eq!(
            (q.close_paise(), q.volume(), q.today().high),
            (10_200, 1, 10_100)
        );
        assert_eq!(q.depth()[0].ask, 10_105);
    }
}

//! Market data: ticks, bars and indicator candles.

use sharewise_engine::indicators::Candle;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{Bar, InstrumentId, Price, Tick};

use crate::money::p;
use crate::time::bar_ts;

/// A trade of `qty` shares of `instrument` at `price` rupees, at `ts`.
#[track_caller]
pub fn tick(instrument: InstrumentId, ts: TimestampNs, price: &str, qty: i64) -> Tick {
    Tick {
        ts,
        instrument,
        price: p(price),
        qty,
    }
}

/// The `n`-th tick of a numbered stream on instrument `instrument`: stamped `n`, priced `n`
/// price units, one share. For tests of delivery and ordering, where only the numbers matter.
pub fn seq_tick(instrument: u32, n: i64) -> Tick {
    Tick {
        ts: n,
        instrument: InstrumentId(instrument),
        price: Price(n),
        qty: 1,
    }
}

/// A bar opening at `ts` with prices `[open, high, low, close]` in rupees and `volume` shares.
#[track_caller]
pub fn bar(ts: TimestampNs, [open, high, low, close]: [&str; 4], volume: i64) -> Bar {
    Bar {
        ts,
        open: p(open),
        high: p(high),
        low: p(low),
        close: p(close),
        volume,
    }
}

/// A bar opening at `ts` with prices `[open, high, low, close]` and a volume of 1 000 shares
/// (for tests where the volume does not matter).
#[track_caller]
pub fn bar_at(ts: TimestampNs, ohlc: [&str; 4]) -> Bar {
    bar(ts, ohlc, 1_000)
}

/// One-minute bars from 09:15 IST on the test Monday, one per `[open, high, low, close]` row,
/// each of 1 000 shares.
#[track_caller]
pub fn bars(rows: &[[&str; 4]]) -> Vec<Bar> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| bar_at(bar_ts(i), *row))
        .collect()
}

/// An indicator candle (`f64` prices) stamped 0.
pub fn candle(open: f64, high: f64, low: f64, close: f64, volume: f64) -> Candle {
    Candle {
        ts: 0,
        open,
        high,
        low,
        close,
        volume,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::NANOS_PER_MINUTE;

    #[test]
    fn bars_are_one_minute_apart_from_the_open() {
        let b = bars(&[
            ["100", "101", "99", "100.5"],
            ["100.5", "102", "100", "101"],
        ]);
        assert_eq!(b[1].ts - b[0].ts, NANOS_PER_MINUTE);
        assert_eq!(
            b[0],
            bar(crate::session_open(), ["100", "101", "99", "100.5"], 1_000)
        );
        assert_eq!(b[1].close, Price::from_rupees_paise(101, 0));
    }
}

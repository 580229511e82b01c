//! From KiteTicker snapshots to trades: Kite sends an instrument's state (last price, last
//! traded quantity, the day's volume, ...) whenever something about it changes, depth included,
//! so the same trade can arrive in several packets and several trades in one. The day's volume
//! settles it: a packet whose volume rose is a trade of the rise at the last price; one whose
//! volume did not is not a trade.
//!
//! The first packet of an instrument says how much traded before we listened: it sets the
//! baseline and is not a trade. After a reconnection the first packet's rise beyond its own last
//! traded quantity is what traded while the socket was down: it goes into that one trade and is
//! counted as a gap, so bars keep the day's volume but not the gap's highs and lows.

use sharewise_engine::time::{TimestampNs, NANOS_PER_SEC};
use sharewise_engine::types::{InstrumentId, Tick};

use crate::ticker::KiteTick;

/// What a packet became.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A trade for the engine.
    Trade(Tick),
    /// Nothing traded (a depth or quote change, the baseline).
    Nothing,
    /// The first trade after a reconnection with more volume than its own: `missed` shares
    /// traded while the socket was down, merged into it.
    Gap {
        /// The trade (its quantity includes the missed volume).
        tick: Tick,
        /// Shares that traded unseen.
        missed: u32,
    },
    /// The packet's price does not convert (a corrupt packet): dropped, counted.
    Bad,
}

/// Per instrument: the day's volume and time seen last.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    volume: u32,
    ts: TimestampNs,
    /// The baseline was set on the current connection.
    this_connection: bool,
    ever: bool,
}

/// Turns one connection's packets into trades, across reconnections.
#[derive(Debug)]
pub struct TradeTracker {
    seen: Vec<Seen>,
}

impl TradeTracker {
    /// A tracker for instruments `0..instruments`.
    pub fn new(instruments: usize) -> TradeTracker {
        TradeTracker {
            seen: vec![Seen::default(); instruments],
        }
    }

    /// A new connection: the next packet of each instrument may carry a gap.
    pub fn reconnected(&mut self) {
        for s in &mut self.seen {
            s.this_connection = false;
        }
    }

    /// Reads `packet` of `instrument`; `now` stamps packets without a trade time (quote mode).
    pub fn read(
        &mut self,
        instrument: InstrumentId,
        packet: &KiteTick,
        now: TimestampNs,
    ) -> Reading {
        let Some(seen) = self.seen.get_mut(instrument.0 as usize) else {
            return Reading::Nothing;
        };
        let stamped = match packet.last_trade_time {
            0 => now,
            secs => i64::from(secs) * NANOS_PER_SEC,
        };
        // Never backwards: the engine's bars need time order per instrument.
        let ts = stamped.max(seen.ts);
        let first_ever = !seen.ever;
        let first_here = !seen.this_connection;
        let before = seen.volume;
        seen.ever = true;
        seen.this_connection = true;
        // A new day (volume restarts) or the first sight: a baseline, not a trade.
        if first_ever || packet.volume < before {
            seen.volume = packet.volume;
            seen.ts = ts;
            return Reading::Nothing;
        }
        if packet.volume == before {
            return Reading::Nothing;
        }
        let Some(price) = packet.engine_price(packet.last_price) else {
            return Reading::Bad;
        };
        seen.volume = packet.volume;
        seen.ts = ts;
        let tick = Tick {
            ts,
            instrument,
            price,
            qty: i64::from(packet.volume - before),
        };
        let rise = packet.volume - before;
        let own = packet.last_traded_qty.min(rise);
        if first_here && rise > own {
            Reading::Gap {
                tick,
                missed: rise - own,
            }
        } else {
            Reading::Trade(tick)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticker::Layout;

    fn packet(volume: u32, price: u32, secs: u32) -> KiteTick {
        KiteTick {
            token: 408_065,
            layout: Layout::Full,
            last_price: price,
            last_traded_qty: 1,
            average_price: price,
            volume,
            total_buy_qty: 0,
            total_sell_qty: 0,
            ohlc: Default::default(),
            index_change: 0,
            last_trade_time: secs,
            oi: 0,
            oi_day_high: 0,
            oi_day_low: 0,
            exchange_time: secs,
            depth: Default::default(),
        }
    }

    #[test]
    fn volume_rises_are_trades_and_repeats_are_not() {
        let mut t = TradeTracker::new(1);
        let i = InstrumentId(0);
        assert_eq!(
            t.read(i, &packet(1_000, 157_315, 100), 0),
            Reading::Nothing,
            "baseline"
        );
        assert_eq!(
            t.read(i, &packet(1_000, 157_320, 100), 0),
            Reading::Nothing,
            "depth change"
        );
        let Reading::Trade(tick) = t.read(i, &packet(1_025, 157_320, 101), 0) else {
            panic!("a volume rise is a trade")
        };
        assert_eq!(
            (tick.qty, tick.price.to_string(), tick.ts),
            (25, "1573.20".to_string(), 101 * NANOS_PER_SEC)
        );
        // A later packet stamped earlier does not go back in time.
        let Reading::Trade(late) = t.read(i, &packet(1_030, 157_320, 99), 0) else {
            panic!()
        };
        assert_eq!(late.ts, 101 * NANOS_PER_SEC);
    }

    #[test]
    fn what_traded_while_disconnected_is_one_gap_trade() {
        let mut t = TradeTracker::new(1);
        let i = InstrumentId(0);
        t.read(i, &packet(1_000, 10_000, 100), 0);
        t.reconnected();
        let Reading::Gap { tick, missed } = t.read(i, &packet(1_400, 10_100, 160), 0) else {
            panic!("volume missed while down is a gap")
        };
        assert_eq!((tick.qty, missed), (400, 399));
        // A reconnection that missed nothing is no gap.
        t.reconnected();
        assert!(matches!(
            t.read(i, &packet(1_401, 10_100, 161), 0),
            Reading::Trade(_)
        ));
        assert!(matches!(
            t.read(i, &packet(1_410, 10_100, 162), 0),
            Reading::Trade(_)
        ));
        // The next day's volume starts again: a baseline.
        assert_eq!(t.read(i, &packet(10, 10_200, 90_000), 0), Reading::Nothing);
    }
}

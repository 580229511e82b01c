//! From quote snapshots to trades. Brokers' feeds (KiteTicker, Upstox's market feed v3) send an
//! instrument's state — last price, last traded quantity, the day's volume — whenever something
//! about it changes, depth included, so the same trade can arrive in several snapshots and
//! several trades in one. The day's volume settles it: a snapshot whose volume rose is a trade
//! of the rise at the last price; one whose volume did not is not a trade.
//!
//! The first snapshot of an instrument says how much traded before we listened: it sets the
//! baseline and is not a trade. After a reconnection the first snapshot's rise beyond its own
//! last traded quantity is what traded while the socket was down: it goes into that one trade
//! and is counted as a gap, so bars keep the day's volume but not the gap's highs and lows.

use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{InstrumentId, Price, Tick};

/// What a snapshot became.
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
        missed: u64,
    },
    /// The snapshot's price does not convert (a corrupt packet): dropped, counted.
    Bad,
}

/// One instrument's state as a feed reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The day's traded volume so far.
    pub volume: u64,
    /// The last traded price; `None` when the feed's value does not convert.
    pub price: Option<Price>,
    /// The last trade's quantity.
    pub last_qty: u64,
    /// The last trade's exchange time, if the feed gives one.
    pub trade_ts: Option<TimestampNs>,
}

/// Per instrument: the day's volume and time seen last.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    volume: u64,
    ts: TimestampNs,
    /// The baseline was set on the current connection.
    this_connection: bool,
    ever: bool,
}

/// Turns one connection's snapshots into trades, across reconnections.
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

    /// A new connection: the next snapshot of each instrument may carry a gap.
    pub fn reconnected(&mut self) {
        for s in &mut self.seen {
            s.this_connection = false;
        }
    }

    /// Reads `snapshot` of `instrument`; `now` stamps snapshots without a trade time.
    pub fn read(
        &mut self,
        instrument: InstrumentId,
        snapshot: &Snapshot,
        now: TimestampNs,
    ) -> Reading {
        let Some(seen) = self.seen.get_mut(instrument.0 as usize) else {
            return Reading::Nothing;
        };
        // Never backwards: the engine's bars need time order per instrument.
        let ts = snapshot.trade_ts.unwrap_or(now).max(seen.ts);
        let first_ever = !seen.ever;
        let first_here = !seen.this_connection;
        let before = seen.volume;
        seen.ever = true;
        seen.this_connection = true;
        // A new day (volume restarts) or the first sight: a baseline, not a trade.
        if first_ever || snapshot.volume < before {
            seen.volume = snapshot.volume;
            seen.ts = ts;
            return Reading::Nothing;
        }
        if snapshot.volume == before {
            return Reading::Nothing;
        }
        let Some(price) = snapshot.price else {
            return Reading::Bad;
        };
        let rise = snapshot.volume - before;
        let Ok(qty) = i64::try_from(rise) else {
            return Reading::Bad;
        };
        seen.volume = snapshot.volume;
        seen.ts = ts;
        let tick = Tick {
            ts,
            instrument,
            price,
            qty,
        };
        let own = snapshot.last_qty.min(rise);
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
    use sharewise_engine::time::NANOS_PER_SEC;

    fn snap(volume: u64, paise: i64, secs: i64) -> Snapshot {
        Snapshot {
            volume,
            price: Some(Price::from_rupees_paise(0, paise)),
            last_qty: 1,
            trade_ts: Some(secs * NANOS_PER_SEC),
        }
    }

    #[test]
    fn volume_rises_are_trades_and_repeats_are_not() {
        let mut t = TradeTracker::new(1);
        let i = InstrumentId(0);
        assert_eq!(
            t.read(i, &snap(1_000, 157_315, 100), 0),
            Reading::Nothing,
            "baseline"
        );
        assert_eq!(
            t.read(i, &snap(1_000, 157_320, 100), 0),
            Reading::Nothing,
            "depth change"
        );
        let Reading::Trade(tick) = t.read(i, &snap(1_025, 157_320, 101), 0) else {
            panic!("a volume rise is a trade")
        };
        assert_eq!(
            (tick.qty, tick.price.to_string(), tick.ts),
            (25, "1573.20".to_string(), 101 * NANOS_PER_SEC)
        );
        // A later snapshot stamped earlier does not go back in time.
        let Reading::Trade(late) = t.read(i, &snap(1_030, 157_320, 99), 0) else {
            panic!()
        };
        assert_eq!(late.ts, 101 * NANOS_PER_SEC);
    }

    #[test]
    fn what_traded_while_disconnected_is_one_gap_trade() {
        let mut t = TradeTracker::new(1);
        let i = InstrumentId(0);
        t.read(i, &snap(1_000, 10_000, 100), 0);
        t.reconnected();
        let Reading::Gap { tick, missed } = t.read(i, &snap(1_400, 10_100, 160), 0) else {
            panic!("volume missed while down is a gap")
        };
        assert_eq!((tick.qty, missed), (400, 399));
        // A reconnection that missed nothing is no gap.
        t.reconnected();
        assert!(matches!(
            t.read(i, &snap(1_401, 10_100, 161), 0),
            Reading::Trade(_)
        ));
        assert!(matches!(
            t.read(i, &snap(1_410, 10_100, 162), 0),
            Reading::Trade(_)
        ));
        // The next day's volume starts again: a baseline.
        assert_eq!(t.read(i, &snap(10, 10_200, 90_000), 0), Reading::Nothing);
    }

    #[test]
    fn a_rise_without_a_readable_price_is_bad_and_no_snapshot_time_takes_now() {
        let mut t = TradeTracker::new(1);
        let i = InstrumentId(0);
        t.read(i, &snap(5, 100, 1), 0);
        let broken = Snapshot {
            price: None,
            ..snap(9, 100, 2)
        };
        assert_eq!(t.read(i, &broken, 0), Reading::Bad);
        let untimed = Snapshot {
            trade_ts: None,
            ..snap(12, 100, 0)
        };
        let Reading::Trade(tick) = t.read(i, &untimed, 7 * NANOS_PER_SEC) else {
            panic!()
        };
        assert_eq!((tick.qty, tick.ts), (7, 7 * NANOS_PER_SEC));
    }
}

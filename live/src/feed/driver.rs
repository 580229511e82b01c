//! The feed thread's loop.
//!
//! For every tick: wait for its time (see [`Pace`]), send it to the engine, then show it to
//! every account's paper venue (which pushes the fills it makes to that account's order actor,
//! as a real broker's order-update stream does; no fill passes through here). Ticks stamped at or before
//! `warm_until` (history replayed after a restart) only warm the strategies up: the broker never
//! sees them and the account does not trade on them. In lockstep each tick goes round the whole
//! loop before the next (see [`crate::progress`]). At the end of a finite feed, each
//! instrument's last bar is closed with a [`BAR_CLOSE_QTY`] tick at its last price, stamped at
//! the next session's open, sent to the engine only (it is not a trade), so a signal on the last
//! bar is decided as in a backtest.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sharewise_actors::FeedPort;
use sharewise_brokers::SharedPaper;
use sharewise_engine::time::{
    ist_day, ist_midnight, TimestampNs, NANOS_PER_MINUTE, NSE_OPEN_IST_NS,
};
use sharewise_engine::types::Tick;

use super::{Pace, TickStream};
use crate::error::LiveError;
use crate::progress::Progress;
use crate::strategy_stage::BAR_CLOSE_QTY;

/// What the feed thread needs besides its ticks.
pub struct FeedDriver {
    /// Every account's paper venue (the simulated exchange that sees the market), by account
    /// index; each pushes its fills to its account's order actor.
    pub venues: Vec<Option<SharedPaper>>,
    /// Venues of accounts added or removed while the daemon runs (looked at once per tick: an
    /// empty channel costs one atomic load).
    pub changes: crossbeam_channel::Receiver<VenueChange>,
    /// Lockstep counters.
    pub progress: Arc<Progress>,
    /// Wait for each tick to go round the loop (deterministic replays).
    pub lockstep: bool,
    /// How fast to play.
    pub pace: Pace,
    /// Ticks at or before this time only warm the strategies up.
    pub warm_until: TimestampNs,
    /// History ticks that may be on their way to the engine at once (below the ring's capacity).
    pub warm_window: u64,
    /// Close the last bars at the end of the feed (finite feeds).
    pub close_last_bars: bool,
    /// Instruments in the feed (for closing the last bars).
    pub instruments: usize,
    /// Where a feed failure is left for the daemon to report.
    pub failure: Arc<Mutex<Option<String>>>,
}

/// An account's venue joining or leaving the feed.
#[derive(Debug)]
pub enum VenueChange {
    /// Account `index` trades from the next tick on.
    Add {
        /// The account's index.
        index: usize,
        /// Its venue.
        venue: SharedPaper,
    },
    /// Account `index` has left.
    Remove {
        /// The account's index.
        index: usize,
    },
}

/// What the feed thread did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeedSummary {
    /// Ticks sent to the engine (warm-up included).
    pub ticks: u64,
    /// Warm-up ticks among them.
    pub warm_up: u64,
}

impl FeedDriver {
    fn fail(&self, message: String) {
        if let Ok(mut slot) = self.failure.lock() {
            slot.get_or_insert(message);
        }
    }

    /// Takes in the venues added or removed since the last tick.
    fn apply_changes(&mut self) {
        while let Ok(change) = self.changes.try_recv() {
            match change {
                VenueChange::Add { index, venue } => {
                    if self.venues.len() <= index {
                        self.venues.resize(index + 1, None);
                    }
                    self.venues[index] = Some(venue);
                }
                VenueChange::Remove { index } => {
                    if let Some(slot) = self.venues.get_mut(index) {
                        *slot = None;
                    }
                }
            }
        }
    }

    /// Plays `ticks` into `port` until they end or shutdown.
    pub fn run(mut self, port: &mut FeedPort, ticks: TickStream) -> FeedSummary {
        let mut summary = FeedSummary::default();
        let mut clock = PaceClock::new(self.pace);
        let mut last: Vec<Option<Tick>> = vec![None; self.instruments];
        for tick in ticks {
            if port.is_stopping() || self.progress.abandoned.load(Ordering::Acquire) {
                return summary;
            }
            let tick = match tick {
                Ok(t) => t,
                Err(e) => {
                    // The daemon reports it as a feed error: without the variant's own prefix.
                    self.fail(match e {
                        LiveError::Feed(why) => why,
                        other => other.to_string(),
                    });
                    return summary;
                }
            };
            let warming = tick.ts <= self.warm_until;
            if !warming && !clock.wait_for(tick.ts, || port.is_stopping()) {
                return summary;
            }
            if let Some(slot) = last.get_mut(tick.instrument.0 as usize) {
                *slot = Some(tick);
            }
            if warming {
                port.send_untimed(tick);
            } else {
                port.send(tick);
            }
            summary.ticks += 1;
            if warming {
                summary.warm_up += 1;
                // Up to `warm_window` history ticks in flight: fast, yet never enough to fill
                // the ring (a full ring conflates, and history must reach the strategies whole).
                if !self
                    .progress
                    .wait_engine(summary.ticks.saturating_sub(self.warm_window))
                {
                    return summary;
                }
                continue;
            }
            if self.lockstep && !self.progress.wait_engine(summary.ticks) {
                return summary;
            }
            self.apply_changes();
            if !self
                .venues
                .iter()
                .flatten()
                .all(|venue| self.match_tick(venue, &tick))
            {
                return summary;
            }
        }
        if self.close_last_bars && !port.is_stopping() {
            for t in last.into_iter().flatten() {
                let next_open = ist_midnight(ist_day(t.ts) + 1) + NSE_OPEN_IST_NS;
                port.send(Tick {
                    ts: next_open,
                    qty: BAR_CLOSE_QTY,
                    ..t
                });
                summary.ticks += 1;
                if self.lockstep && !self.progress.wait_engine(summary.ticks) {
                    return summary;
                }
            }
        }
        summary
    }

    /// Shows `tick` to one account's paper venue, which pushes the fills it makes to the
    /// account's order actor; `false` on a fatal failure. In lockstep, waits until the engine
    /// has booked them.
    fn match_tick(&self, venue: &SharedPaper, tick: &Tick) -> bool {
        match venue.on_tick(tick) {
            Ok(0) => true,
            Ok(pushed) => {
                self.progress
                    .fills_sent
                    .fetch_add(pushed as u64, Ordering::Release);
                !self.lockstep || self.progress.wait_fills()
            }
            Err(e) => {
                self.fail(format!("paper broker: {e}"));
                false
            }
        }
    }
}

/// Maps tick time to wall time at a speed, skipping gaps longer than a minute.
struct PaceClock {
    pace: Pace,
    start: Option<Instant>,
    prev_ts: TimestampNs,
    /// Tick time played so far, ns (gaps capped).
    played_ns: f64,
}

impl PaceClock {
    fn new(pace: Pace) -> PaceClock {
        PaceClock {
            pace,
            start: None,
            prev_ts: 0,
            played_ns: 0.0,
        }
    }

    /// Waits until `ts` is due; `false` if `stopping` said so first (checked every 50 ms, so a
    /// slow replay still stops promptly).
    fn wait_for(&mut self, ts: TimestampNs, stopping: impl Fn() -> bool) -> bool {
        let Pace::Speed(speed) = self.pace else {
            return true;
        };
        let Some(start) = self.start else {
            self.start = Some(Instant::now());
            self.prev_ts = ts;
            return true;
        };
        let step = (ts - self.prev_ts).clamp(0, NANOS_PER_MINUTE);
        self.prev_ts = ts;
        self.played_ns += step as f64;
        let due = start + Duration::from_nanos((self.played_ns / speed) as u64);
        loop {
            let now = Instant::now();
            if now >= due {
                return true;
            }
            if stopping() {
                return false;
            }
            std::thread::sleep((due - now).min(Duration::from_millis(50)));
        }
    }
}

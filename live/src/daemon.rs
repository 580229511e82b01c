//! `sharewise run`: what a daemon is asked to do ([`DaemonOptions`]), what a run did
//! ([`DaemonSummary`]), and the pieces [`crate::handle::Daemon::start`] wires together (the feed,
//! the strategy plan, the resume point). [`run`] is start then join.
//!
//! Start ([`crate::startup`]): open the journal (`DATA/journal.redb`) and the paper broker's
//! book (`DATA/paper.json`) as a pair, reconcile and compare them, rebuild cash and positions,
//! build the strategies of `[[run.strategies]]`, then spawn the feed and engine threads
//! (strategy stage + account actor, placed by `[runtime]`), the order actor (tokio, its own
//! thread), the event writer and the status line. Stop (SIGINT/SIGTERM, the end of a replay, or
//! a fatal error): the feed stops, the engine drains what was queued, the order actor drops the
//! orders still queued after a stop request (counted; never journalled, never sent), finishes
//! the placement under way, cancels open orders if configured and compares the books a last
//! time; the journal is left complete (every event is committed as it happens). A second Ctrl-C
//! ends the order actor between two commits and exits at once.

use std::path::PathBuf;
use std::sync::Arc;

use crate::broker::AccountBroker;
use sharewise_actors::{Shutdown, Supervisor};
use sharewise_config::{Settings, StrategyMode};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::InstrumentId;
use sharewise_feeds::History as _;
use sharewise_store::{Journal, PositionRecord};

use crate::account::StrategyInfo;
use crate::books::BookDifference;
use crate::error::LiveError;
use crate::feed::driver::FeedSummary;
use crate::feed::{demo, replay, warm, Pace, TickStream};
use crate::layout::AccountDir;
use crate::order_actor::OrderActorReport;
use crate::reconcile::Reconciled;
use crate::stats::LiveStats;

pub use crate::handle::{Daemon, DaemonHandle};

/// Where the ticks come from.
#[derive(Clone, Debug, PartialEq)]
pub enum FeedChoice {
    /// The synthetic demo session over `[run].symbols`.
    Synthetic,
    /// A recorded CSV of one instrument's ticks or bars.
    Replay {
        /// The file.
        path: PathBuf,
        /// Its symbol (default: from the file name).
        symbol: Option<String>,
        /// Skip bad rows (counted by kind) instead of stopping at the first.
        skip_bad: bool,
    },
    /// Kite's live market data through the session of the Kite account named.
    Kite {
        /// The `[[accounts]]` name.
        account: String,
    },
    /// Upstox's live market data through the session of the Upstox account named.
    Upstox {
        /// The `[[accounts]]` name.
        account: String,
    },
}

/// How to run the daemon.
pub struct DaemonOptions {
    /// Validated settings.
    pub settings: Settings,
    /// Journal, paper book and other state live here.
    pub data_dir: PathBuf,
    /// The feed.
    pub feed: FeedChoice,
    /// Pace; `None` = the feed's default (the demo at `demo_speed`, replays flat out).
    pub pace: Option<Pace>,
    /// Write every event here as JSON lines.
    pub events: Option<PathBuf>,
    /// Stops the daemon (wire it to SIGINT/SIGTERM).
    pub shutdown: Shutdown,
    /// Prints status and notices for people.
    pub say: fn(&str),
    /// Called once a forced stop (a second Ctrl-C) has left the journal quiet (or after a
    /// second): the binary exits there.
    pub on_forced: fn(),
}

/// What a finished run did.
#[derive(Debug)]
pub struct DaemonSummary {
    /// Each account's part, in the daemon's order.
    pub accounts: Vec<AccountSummary>,
    /// Ticks the feed sent (warm-up included) and how many were warm-up.
    pub feed: FeedSummary,
    /// Status counters at the end.
    pub stats: Arc<LiveStats>,
    /// Events dropped because the writer fell behind.
    pub events_dropped: u64,
    /// The feed → engine link at the end: ticks delivered, conflated under overload, dropped.
    pub link: sharewise_actors::LinkSnapshot,
}

/// What a finished run did in one account.
#[derive(Debug)]
pub struct AccountSummary {
    /// The account's name and files.
    pub dir: AccountDir,
    /// What reconciliation changed at start.
    pub reconciled: Reconciled,
    /// Where the books disagreed at start (after reconciliation).
    pub start_differences: Vec<BookDifference>,
    /// What its order actor did.
    pub orders: OrderActorReport,
    /// Positions in its journal at the end.
    pub positions: Vec<PositionRecord>,
    /// Placements its paper broker saw twice (must be 0).
    pub duplicate_placements: u64,
    /// What its books were held to (quantities only at a real broker).
    pub compare: crate::books::Compare,
}

impl DaemonSummary {
    /// The account named `name`.
    pub fn account(&self, name: &str) -> Option<&AccountSummary> {
        self.accounts.iter().find(|a| a.dir.name == name)
    }
}

/// The feed's identity for [`state_dir::claim`]: `synthetic`, or `replay:` and the file's
/// absolute path.
pub(crate) fn feed_label(feed: &FeedChoice) -> String {
    match feed {
        FeedChoice::Synthetic => "synthetic".into(),
        // The market's own prices: any Kite account's feed carries the same instruments.
        FeedChoice::Kite { .. } => "kite".into(),
        FeedChoice::Upstox { .. } => "upstox".into(),
        FeedChoice::Replay { path, .. } => format!(
            "replay:{}",
            std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.clone())
                .display()
        ),
    }
}

/// The symbols the feed carries.
pub(crate) fn feed_symbols(settings: &Settings, feed: &FeedChoice) -> Vec<String> {
    match feed {
        FeedChoice::Synthetic | FeedChoice::Kite { .. } | FeedChoice::Upstox { .. } => {
            settings.run.symbols.clone()
        }
        FeedChoice::Replay { path, symbol, .. } => {
            vec![symbol.clone().unwrap_or_else(|| replay::symbol_of(path))]
        }
    }
}

/// Runs the daemon until the feed ends or `opts.shutdown` is triggered: [`Daemon::start`], then
/// [`DaemonHandle::join`].
pub fn run(opts: DaemonOptions) -> Result<DaemonSummary, LiveError> {
    Daemon::start(opts)?.join()
}

/// Whether the feed runs in lockstep with the engine, and at what pace.
pub(crate) fn pace_of(opts: &DaemonOptions) -> (bool, Pace) {
    match (opts.pace, &opts.feed) {
        (Some(Pace::Max), _) | (None, FeedChoice::Replay { .. }) => (true, Pace::Max),
        (Some(pace), _) => (false, pace),
        (None, FeedChoice::Synthetic) => {
            (false, Pace::Speed(f64::from(opts.settings.run.demo_speed)))
        }
        // The market's own clock: ticks go on as they arrive.
        (None, FeedChoice::Kite { .. } | FeedChoice::Upstox { .. }) => (false, Pace::Max),
    }
}

/// Opens the feed's ticks for `symbols` (ids = indices) and the bar interval the strategies see
/// (a replay of daily bars plays as daily).
pub(crate) fn open_feed(
    opts: &DaemonOptions,
    symbols: &[String],
    fed: &[String],
    stats: &Arc<LiveStats>,
    demo_days: Option<demo::DemoDays>,
    feed_account: Option<&crate::broker::AccountBroker>,
) -> Result<(TickStream, BarInterval), LiveError> {
    let settings = &opts.settings;
    let id_of = |symbol: &str| {
        symbols
            .iter()
            .position(|s| s == symbol)
            .map_or(InstrumentId(0), |i| InstrumentId(i as u32))
    };
    let mut interval = settings.run.bar_interval();
    let ticks: TickStream = match &opts.feed {
        FeedChoice::Synthetic => {
            let days =
                demo_days.unwrap_or_else(|| demo::DemoDays::from_today(demo::default_start_day()));
            let day = |d: i64| {
                sharewise_engine::time::format_ist(sharewise_engine::time::ist_midnight(d))
                    .get(..10)
                    .unwrap_or("today")
                    .to_string()
            };
            (opts.say)(&format!(
                "demo session: synthetic NSE ticks for {} symbols on a simulated clock at {}x from {} 09:15 IST (history for the warm start from {}) — not market data",
                settings.run.symbols.len(),
                settings.run.demo_speed,
                day(days.live),
                day(days.history),
            ));
            let ids: Vec<(InstrumentId, String)> = settings
                .run
                .symbols
                .iter()
                .map(|s| (id_of(s), s.clone()))
                .collect();
            let seed = settings.run.demo_seed;
            let live_open = days.live_open();
            let mut history = demo::DemoHistory::new(&ids, seed, days);
            let warm_bars = warmup_bars(settings)?;
            let warm = warm::history_ticks(&mut history, &ids, interval, live_open, warm_bars)?;
            (opts.say)(&format!(
                "warm start: {} {interval} bars from {} ({} per symbol at most)",
                warm.bars,
                history.describe(),
                warm_bars
            ));
            // The generator's sessions before the live open are the history just played.
            let live = demo::demo_ticks(&ids, seed, days.history)?
                .filter(move |t| t.as_ref().map_or(true, |t| t.ts >= live_open));
            Box::new(warm.ticks.into_iter().map(Ok).chain(live))
        }
        FeedChoice::Kite { account } => match feed_account {
            Some(crate::broker::AccountBroker::Kite(kite)) => {
                crate::kite::feed(opts, kite, symbols, interval, warmup_bars(settings)?, stats)?
            }
            _ => {
                return Err(LiveError::Settings(format!(
                    "[run] feed = \"kite:{account}\": no Kite account is named `{account}`"
                )))
            }
        },
        FeedChoice::Upstox { account } => match feed_account {
            Some(crate::broker::AccountBroker::Upstox(upstox)) => crate::upstox::feed(
                opts,
                upstox,
                symbols,
                interval,
                warmup_bars(settings)?,
                stats,
            )?,
            _ => {
                return Err(LiveError::Settings(format!(
                    "[run] feed = \"upstox:{account}\": no Upstox account is named `{account}`"
                )))
            }
        },
        FeedChoice::Replay { path, skip_bad, .. } => {
            let options = replay::ReplayOptions {
                instrument: id_of(&fed[0]),
                skip_bad: *skip_bad,
                configured: interval,
            };
            let replay = replay::open(path, &options, Arc::clone(stats))?;
            if replay.daily {
                interval = BarInterval::D1;
                (opts.say)(&format!("replay: {} holds daily bars: each plays as its IST day's session (open 09:15, close 15:29 IST) and the strategies see 1d bars", path.display()));
            }
            stats.drops.watch();
            replay.ticks
        }
    };
    Ok((ticks, interval))
}

/// Bars the slowest strategy of `settings` needs before it can signal, plus two: a crossing
/// needs the bar before it too.
pub(crate) fn warmup_bars(settings: &Settings) -> Result<usize, LiveError> {
    let mut most = 0;
    for (k, s) in settings.run.strategies.iter().enumerate() {
        let params = s
            .params()
            .map_err(|m| LiveError::Settings(format!("run.strategies[{k}].params: {m}")))?;
        let strategy = sharewise_engine::strategy::build(&s.name, &params)
            .map_err(|e| LiveError::Settings(e.to_string()))?;
        most = most.max(strategy.warmup_bars());
    }
    Ok(most + 2)
}

/// Weekday sessions of history that hold `bars` bars of `interval` (at least one, at most 60).
pub(crate) fn sessions_for(bars: usize, interval: BarInterval) -> u32 {
    let per_session = (BarInterval::D1.len_ns() / interval.len_ns()).max(1) as usize;
    bars.div_ceil(per_session).clamp(1, 60) as u32
}

/// The latest time already traded: the paper broker's clock or the journal's last event. Ticks up
/// to it are replayed only to warm the strategies up.
pub(crate) fn resume_point(
    journal: &Journal,
    broker: &AccountBroker,
) -> Result<TimestampNs, LiveError> {
    // An order's creation counts too: the end-of-replay bar close decides at the next session's
    // open, later than any broker clock. A real broker's clock is the wall's: nothing of the
    // live feed has been traded before it arrives.
    let journal_last = journal.state().last_activity();
    let broker_now = match broker.paper() {
        Some(paper) => paper.lock()?.now(),
        None => 0,
    };
    Ok(match journal_last {
        None if broker_now == 0 => TimestampNs::MIN,
        last => last.unwrap_or(0).max(broker_now),
    })
}

/// The strategy instances to run: one per (strategy, instrument) pair, with names.
pub(crate) struct StrategyPlan {
    /// (strategy config index, instrument) per supervisor index.
    entries: Vec<(usize, InstrumentId)>,
    /// Instance names per supervisor index, e.g. `sma_cross(10,30)@INFY`.
    names: Vec<String>,
    settings: Settings,
    /// Instrument ids `0..instruments`.
    instruments: usize,
}

impl StrategyPlan {
    /// Pairs every `[[run.strategies]]` entry with the instruments of the feed (`fed`) it names
    /// (all when it names none); instrument ids are indices into `symbols`.
    pub(crate) fn build(
        settings: &Settings,
        symbols: &[String],
        fed: &[String],
    ) -> Result<StrategyPlan, LiveError> {
        let mut entries = Vec::new();
        let mut names = Vec::new();
        for (k, s) in settings.run.strategies.iter().enumerate() {
            let params = s
                .params()
                .map_err(|m| LiveError::Settings(format!("run.strategies[{k}].params: {m}")))?;
            let name = sharewise_engine::strategy::build(&s.name, &params)
                .map_err(|e| LiveError::Settings(e.to_string()))?
                .name();
            for (i, symbol) in symbols.iter().enumerate().filter(|(_, s)| fed.contains(s)) {
                if s.symbols.is_empty() || s.symbols.contains(symbol) {
                    entries.push((k, InstrumentId(i as u32)));
                    names.push(format!("{name}@{symbol}"));
                }
            }
        }
        Ok(StrategyPlan {
            entries,
            names,
            settings: settings.clone(),
            instruments: symbols.len(),
        })
    }

    /// What an account following `[[run.strategies]]` entry `k` in mode `follows[k]` knows of
    /// each instance.
    pub(crate) fn infos_for(&self, follows: &[Option<StrategyMode>]) -> Vec<StrategyInfo> {
        self.entries
            .iter()
            .zip(&self.names)
            .map(|(&(k, _), name)| StrategyInfo {
                name: name.clone(),
                id: self.settings.run.strategies[k].id().to_string(),
                mode: follows.get(k).copied().flatten(),
            })
            .collect()
    }

    /// The supervisor of `shard`: every entry keeps its index; entries of other shards are added
    /// without instruments, so they never run there.
    pub(crate) fn supervisor(
        &self,
        placement: &sharewise_actors::Placement,
        shard: usize,
    ) -> Supervisor {
        let mut supervisor = Supervisor::new(self.instruments);
        for &(k, instrument) in &self.entries {
            let s = &self.settings.run.strategies[k];
            // Validated when the plan was built.
            let Ok(params) = s.params() else { continue };
            let Ok(strategy) = sharewise_engine::strategy::build(&s.name, &params) else {
                continue;
            };
            let mine = placement.shard_of(instrument).unwrap_or(0) == shard;
            let subscribed: &[InstrumentId] = if mine { &[instrument] } else { &[] };
            supervisor.add(Box::new(strategy), subscribed, s.on_failure);
        }
        supervisor
    }
}

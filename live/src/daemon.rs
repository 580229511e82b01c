//! `sharewise run`: the daemon's wiring, start to graceful stop.
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

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sharewise_actors::{EventBus, EventKind, EventStream, RuntimeBuilder, Shutdown, Supervisor};
use sharewise_brokers::SharedPaper;
use sharewise_config::{Settings, StrategyMode};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::InstrumentId;
use sharewise_risk::PreTradeRisk;
use sharewise_store::{Journal, PositionRecord};
use tokio::sync::mpsc::channel;

use crate::account::{AccountActor, AccountSetup, StrategyInfo};
use crate::books::{self, BookDifference};
use crate::error::LiveError;
use crate::feed::driver::{FeedDriver, FeedSummary};
use crate::feed::{demo, replay, Pace, TickStream};
use crate::messages::OrderMsg;
use crate::order_actor::{BookWatch, OrderActor, OrderActorReport};
use crate::progress::{AbandonOnPanic, Progress};
use crate::reconcile::Reconciled;
use crate::restore::restore;
use crate::startup::{open_account, Opened};
use crate::stats::LiveStats;
use crate::status::{MarksFile, StatusLine, MARKS_FILE};
use crate::strategy_stage::StrategyStage;

/// Events the bus holds before the writer catches up (then the newest are dropped and counted).
const EVENT_CAPACITY: usize = 1 << 16;

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
    /// What reconciliation changed at start.
    pub reconciled: Reconciled,
    /// Where the books disagreed at start (after reconciliation).
    pub start_differences: Vec<BookDifference>,
    /// Ticks the feed sent (warm-up included) and how many were warm-up.
    pub feed: FeedSummary,
    /// What the order actor did.
    pub orders: OrderActorReport,
    /// Status counters at the end.
    pub stats: Arc<LiveStats>,
    /// Positions in the journal at the end.
    pub positions: Vec<PositionRecord>,
    /// Placements the paper broker saw twice (must be 0).
    pub duplicate_placements: u64,
    /// Events dropped because the writer fell behind.
    pub events_dropped: u64,
    /// The feed → engine link at the end: ticks delivered, conflated under overload, dropped.
    pub link: sharewise_actors::LinkSnapshot,
}

/// The feed's identity for [`state_dir::claim`]: `synthetic`, or `replay:` and the file's
/// absolute path.
fn feed_label(feed: &FeedChoice) -> String {
    match feed {
        FeedChoice::Synthetic => "synthetic".into(),
        FeedChoice::Replay { path, .. } => format!(
            "replay:{}",
            std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.clone())
                .display()
        ),
    }
}

/// The symbols the feed carries.
fn feed_symbols(settings: &Settings, feed: &FeedChoice) -> Vec<String> {
    match feed {
        FeedChoice::Synthetic => settings.run.symbols.clone(),
        FeedChoice::Replay { path, symbol, .. } => {
            vec![symbol.clone().unwrap_or_else(|| replay::symbol_of(path))]
        }
    }
}

/// Runs the daemon until the feed ends or `opts.shutdown` is triggered.
pub fn run(opts: DaemonOptions) -> Result<DaemonSummary, LiveError> {
    let settings = &opts.settings;
    let risk = PreTradeRisk::with_config(
        settings.sizing().map_err(LiveError::Settings)?,
        settings.risk_config(),
        settings.backtest.product,
    );
    // The subscription tier bounds how many strategies run (checked as each one starts).
    for open in 0..settings.run.strategies.len() {
        risk.check_strategy_start(settings.run.tier, open)
            .map_err(|r| {
                LiveError::Settings(format!(
                    "run.strategies: {r}; raise run.tier or run fewer strategies"
                ))
            })?;
    }
    std::fs::create_dir_all(&opts.data_dir).map_err(|e| {
        LiveError::io(
            format!("cannot create data dir {}", opts.data_dir.display()),
            e,
        )
    })?;
    let fed = feed_symbols(settings, &opts.feed);
    let io_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| LiveError::io("cannot start the order actor's runtime", e))?;
    let opened = open_account(
        &opts.data_dir,
        settings,
        &feed_label(&opts.feed),
        &fed,
        &io_runtime,
        opts.say,
    )?;
    let disputed = opened.disputed();
    let Opened {
        journal,
        broker,
        symbols,
        instruments,
        reconciled,
        differences,
        next_client_id,
        trading_state,
    } = opened;
    let id_of = |symbol: &str| {
        symbols
            .iter()
            .position(|s| s == symbol)
            .map_or(InstrumentId(0), |i| InstrumentId(i as u32))
    };
    let warm_until = resume_point(&journal, &broker)?;

    let restored = restore(&journal, &symbols, settings.backtest.cash, warm_until)?;
    let (lockstep, pace) = match (opts.pace, &opts.feed) {
        (Some(Pace::Max), _) | (None, FeedChoice::Replay { .. }) => (true, Pace::Max),
        (Some(pace), _) => (false, pace),
        (None, FeedChoice::Synthetic) => (false, Pace::Speed(f64::from(settings.run.demo_speed))),
    };
    let plan = StrategyPlan::build(settings, &symbols, &fed)?;
    let stats = Arc::new(LiveStats::new(instruments.len()));
    let mut interval = settings.run.bar_interval();
    let ticks: TickStream = match &opts.feed {
        FeedChoice::Synthetic => {
            let start = demo::default_start_day();
            (opts.say)(&format!(
                "demo session: synthetic NSE ticks for {} symbols on a simulated clock at {}x from {} 09:15 IST — not market data",
                settings.run.symbols.len(),
                settings.run.demo_speed,
                sharewise_engine::time::format_ist(sharewise_engine::time::ist_midnight(start)).get(..10).unwrap_or("today"),
            ));
            let ids: Vec<(InstrumentId, String)> = settings
                .run
                .symbols
                .iter()
                .map(|s| (id_of(s), s.clone()))
                .collect();
            demo::demo_ticks(&ids, settings.run.demo_seed, start)?
        }
        FeedChoice::Replay { path, skip_bad, .. } => {
            let options = replay::ReplayOptions {
                instrument: id_of(&fed[0]),
                skip_bad: *skip_bad,
                configured: interval,
            };
            let replay = replay::open(path, &options, Arc::clone(&stats))?;
            if replay.daily {
                interval = BarInterval::D1;
                (opts.say)(&format!("replay: {} holds daily bars: each plays as its IST day's session (open 09:15, close 15:29 IST) and the strategies see 1d bars", path.display()));
            }
            stats.drops.watch();
            replay.ticks
        }
    };

    let progress = Arc::new(Progress::default());
    let (bus, stream) = EventBus::bounded(EVENT_CAPACITY);
    let (orders_tx, orders_rx) = channel::<OrderMsg>(settings.run.order_queue);
    stats.set_book_mismatch((!differences.is_empty()).then(|| books::describe(&differences)));
    let account = AccountActor::new(AccountSetup {
        instruments: instruments.clone(),
        strategies: plan.infos.clone(),
        risk,
        product: settings.backtest.product,
        allow_short: settings.backtest.allow_short,
        restored,
        working: reconciled.working.clone(),
        next_client_id,
        trailing_stop_bps: settings.run.trailing_stop_bps(),
        stopping: opts.shutdown.clone(),
        orders: orders_tx.clone(),
        trading_state,
        disputed,
        progress: Arc::clone(&progress),
        stats: Arc::clone(&stats),
        warm_until,
    });
    let failure = Arc::new(Mutex::new(None));
    let feed_summary = Arc::new(Mutex::new(FeedSummary::default()));
    let driver = FeedDriver {
        broker: broker.clone(),
        orders: orders_tx.clone(),
        progress: Arc::clone(&progress),
        lockstep,
        pace,
        warm_until,
        close_last_bars: matches!(opts.feed, FeedChoice::Replay { .. }),
        instruments: instruments.len(),
        failure: Arc::clone(&failure),
    };
    let summary_slot = Arc::clone(&feed_summary);
    let placement = settings.runtime.clone();
    let n = instruments.len();
    let stage_stats = Arc::clone(&stats);
    let (runtime, engine_tx) = RuntimeBuilder::new(placement.clone(), n, bus.clone())
        .shutdown(opts.shutdown.clone())
        .spawn_staged(
            move |port| {
                let _guard = AbandonOnPanic(Arc::clone(&driver.progress));
                let done = driver.run(port, ticks);
                if let Ok(mut slot) = summary_slot.lock() {
                    *slot = done;
                }
            },
            |shard| {
                StrategyStage::new(
                    n,
                    interval,
                    plan.supervisor(&placement, shard),
                    lockstep,
                    warm_until,
                    Arc::clone(&stage_stats),
                )
            },
            account,
        )
        .map_err(|e| LiveError::io("cannot start the runtime threads", e))?;

    let every = (settings.run.compare_every_s > 0)
        .then(|| Duration::from_secs(settings.run.compare_every_s));
    let watch = BookWatch {
        symbols: symbols.clone(),
        every,
        on_mismatch: settings.run.on_book_mismatch,
        stats: Arc::clone(&stats),
    };
    let actor = OrderActor::new(
        journal,
        broker.clone(),
        engine_tx,
        bus.clone(),
        Arc::clone(&progress),
    )
    .with_shutdown(opts.shutdown.clone())
    .with_watch(watch);
    let order_guard = AbandonOnPanic(Arc::clone(&progress));
    let order_thread = std::thread::Builder::new()
        .name("sw-orders".into())
        .spawn(move || {
            let _guard = order_guard;
            io_runtime.block_on(actor.run(orders_rx))
        })
        .map_err(|e| LiveError::io("cannot start the order actor", e))?;
    let writer = EventWriter::spawn(stream, opts.events.as_deref(), Arc::clone(&stats))?;
    let marks = MarksFile {
        path: opts.data_dir.join(MARKS_FILE),
        symbols: symbols.clone(),
    };
    let status = StatusLine::spawn(
        Arc::clone(&stats),
        runtime.link_stats_handle(),
        Arc::clone(&progress),
        opts.shutdown.clone(),
        settings.run.status_every_s,
        opts.say,
        marks,
        opts.on_forced,
    );

    let engine = runtime.join().map_err(|e| LiveError::Thread(e.to_string()));
    // Everything the engine and the feed sent is queued ahead of this.
    let _ = orders_tx.blocking_send(OrderMsg::Stop {
        cancel_open: settings.run.cancel_open_orders_on_shutdown,
    });
    drop(orders_tx);
    let orders = order_thread
        .join()
        .map_err(|_| LiveError::Thread("the order actor panicked".into()))?;
    status.stop();
    let events_dropped = bus.dropped();
    drop(bus);
    let write_result = writer.finish();
    let (journal, orders) = orders?;
    let link = engine?.link;
    if let Some(why) = failure.lock().ok().and_then(|mut f| f.take()) {
        return Err(LiveError::Feed(why));
    }
    write_result?;
    let duplicate_placements = broker.lock()?.duplicate_placements();
    let feed = feed_summary.lock().map(|s| *s).unwrap_or_default();
    Ok(DaemonSummary {
        reconciled,
        start_differences: differences,
        feed,
        orders,
        stats,
        positions: journal.positions(),
        duplicate_placements,
        events_dropped,
        link,
    })
}

/// The latest time already traded: the paper broker's clock or the journal's last event. Ticks up
/// to it are replayed only to warm the strategies up.
fn resume_point(journal: &Journal, broker: &SharedPaper) -> Result<TimestampNs, LiveError> {
    // An order's creation counts too: the end-of-replay bar close decides at the next session's
    // open, later than any broker clock.
    let journal_last = journal.state().last_activity();
    let broker_now = broker.lock()?.now();
    Ok(match journal_last {
        None if broker_now == 0 => TimestampNs::MIN,
        last => last.unwrap_or(0).max(broker_now),
    })
}

/// The strategy instances to run: one per (strategy, instrument) pair, with names and modes.
struct StrategyPlan {
    /// (strategy config index, instrument) per supervisor index.
    entries: Vec<(usize, InstrumentId)>,
    infos: Vec<StrategyInfo>,
    settings: Settings,
    /// Instrument ids `0..instruments`.
    instruments: usize,
}

impl StrategyPlan {
    /// Pairs every `[[run.strategies]]` entry with the instruments of the feed (`fed`) it names
    /// (all when it names none); instrument ids are indices into `symbols`.
    fn build(
        settings: &Settings,
        symbols: &[String],
        fed: &[String],
    ) -> Result<StrategyPlan, LiveError> {
        let mut entries = Vec::new();
        let mut infos = Vec::new();
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
                    infos.push(StrategyInfo {
                        name: format!("{name}@{symbol}"),
                        auto: s.mode == StrategyMode::Auto,
                    });
                }
            }
        }
        Ok(StrategyPlan {
            entries,
            infos,
            settings: settings.clone(),
            instruments: symbols.len(),
        })
    }

    /// The supervisor of `shard`: every entry keeps its index; entries of other shards are added
    /// without instruments, so they never run there.
    fn supervisor(&self, placement: &sharewise_actors::Placement, shard: usize) -> Supervisor {
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

/// The event consumer: writes JSON lines (when asked) and keeps the latest engine p99.
struct EventWriter {
    handle: JoinHandle<Result<(), LiveError>>,
    stop: Arc<AtomicBool>,
}

impl EventWriter {
    fn spawn(
        stream: EventStream,
        path: Option<&Path>,
        stats: Arc<LiveStats>,
    ) -> Result<EventWriter, LiveError> {
        let mut out: Option<BufWriter<File>> = match path {
            // Appended to: a restart adds to the record instead of erasing it.
            Some(p) => Some(BufWriter::new(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| {
                        LiveError::io(format!("cannot open events file {}", p.display()), e)
                    })?,
            )),
            None => None,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("sw-events".into())
            .spawn(move || -> Result<(), LiveError> {
                let write_err = |e| LiveError::io("cannot write events", e);
                let mut last_flush = Instant::now();
                loop {
                    let event = stream.next_timeout(Duration::from_millis(100));
                    if let Some(event) = &event {
                        if let EventKind::Latency { stage, p99_ns, .. } = &event.kind {
                            match stage.as_str() {
                                "feed_to_engine" => {
                                    stats.hop_p99_ns.store(*p99_ns, Ordering::Relaxed)
                                }
                                "engine_chain" => {
                                    stats.chain_p99_ns.store(*p99_ns, Ordering::Relaxed)
                                }
                                _ => {}
                            }
                        }
                        if let Some(out) = out.as_mut() {
                            serde_json::to_writer(&mut *out, event)
                                .map_err(|e| LiveError::io("cannot write events", e.into()))?;
                            out.write_all(b"\n").map_err(write_err)?;
                        }
                    } else if stop_flag.load(Ordering::Acquire) {
                        break;
                    }
                    if last_flush.elapsed() > Duration::from_secs(1) {
                        if let Some(out) = out.as_mut() {
                            out.flush().map_err(write_err)?;
                        }
                        last_flush = Instant::now();
                    }
                }
                if let Some(out) = out.as_mut() {
                    out.flush().map_err(write_err)?;
                }
                Ok(())
            })
            .map_err(|e| LiveError::io("cannot start the event writer", e))?;
        Ok(EventWriter { handle, stop })
    }

    /// Writes what is left and ends the thread.
    fn finish(self) -> Result<(), LiveError> {
        self.stop.store(true, Ordering::Release);
        self.handle
            .join()
            .map_err(|_| LiveError::Thread("the event writer panicked".into()))?
    }
}

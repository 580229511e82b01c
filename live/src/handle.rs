//! The daemon as a library: [`Daemon::start`] opens the account and spawns the threads, and
//! returns at once with a [`DaemonHandle`] — the one way in for the CLI, tests and the gateway.
//!
//! - [`DaemonHandle::subscribe`] / [`subscribe_after`](DaemonHandle::subscribe_after): every
//!   event, numbered by `seq`, to any number of subscribers ([`sharewise_actors::fanout`]); a
//!   slow one loses its oldest events and is told how many, never slowing the engine.
//! - [`DaemonHandle::command`]: the kill switch and other commands ([`crate::control`]), carried
//!   out by the account's owning actor between two ticks; each is a `command` event too.
//! - [`DaemonHandle::snapshot`]: the account as its actor holds it, consistent.
//! - [`DaemonHandle::shutdown`] asks for a graceful stop; [`DaemonHandle::join`] waits for it and
//!   returns the run's summary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sharewise_actors::{
    Event, EventBus, EventFilter, EventHub, EventKind, EventReceiver, MpscSender, RuntimeBuilder,
    Shutdown,
};
use sharewise_brokers::SharedPaper;
use sharewise_risk::PreTradeRisk;
use sharewise_store::Journal;
use tokio::sync::mpsc::{channel, Sender};

use crate::account::{AccountActor, AccountSetup};
use crate::books::{self, BookDifference};
use crate::control::{Ack, CommandRequest, Refusal, Snapshot};
use crate::daemon::{
    feed_label, feed_symbols, open_feed, pace_of, resume_point, DaemonOptions, DaemonSummary,
    FeedChoice, StrategyPlan,
};
use crate::error::LiveError;
use crate::event_writer::EventWriter;
use crate::feed::demo::{self, DemoDays};
use crate::feed::driver::{FeedDriver, FeedSummary};
use crate::messages::{EngineMsg, OrderMsg, ReplyTo};
use crate::order_actor::{BookWatch, OrderActor, OrderActorReport};
use crate::progress::{AbandonOnPanic, Progress};
use crate::reconcile::Reconciled;
use crate::restore::restore;
use crate::startup::{open_account, Opened};
use crate::stats::LiveStats;
use crate::status::{MarksFile, StatusLine, MARKS_FILE};
use crate::strategy_stage::StrategyStage;

/// Events the bus holds before the fan-out catches up (then the newest are dropped and counted).
const EVENT_CAPACITY: usize = 1 << 16;
/// Events the fan-out keeps for subscribers that resume.
const EVENT_HISTORY: usize = 10_000;
/// The name of the one account a daemon trades today (`[[accounts]]` will name more).
pub const DEFAULT_ACCOUNT: &str = "main";
/// How long a command or snapshot waits for the engine thread.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// Starts daemons.
pub struct Daemon;

/// A running daemon (see the module docs). Dropping it without [`join`](Self::join) leaves the
/// threads running until the feed ends.
pub struct DaemonHandle {
    hub: EventHub,
    engine: MpscSender<EngineMsg>,
    shutdown: Shutdown,
    account: String,
    running: Running,
}

/// What [`DaemonHandle::join`] waits for and tears down.
struct Running {
    /// Joins the engine and feed threads; the link's final counters.
    engine_join: Box<dyn FnOnce() -> Result<sharewise_actors::LinkSnapshot, LiveError> + Send>,
    orders_tx: Sender<OrderMsg>,
    cancel_open: bool,
    order_thread: JoinHandle<Result<(Journal, OrderActorReport), LiveError>>,
    status: StatusLine,
    bus: EventBus,
    pump: JoinHandle<()>,
    pump_stop: Arc<AtomicBool>,
    writer: EventWriter,
    failure: Arc<Mutex<Option<String>>>,
    feed_summary: Arc<Mutex<FeedSummary>>,
    broker: SharedPaper,
    reconciled: Reconciled,
    differences: Vec<BookDifference>,
    stats: Arc<LiveStats>,
}

/// The account opened and everything the threads start from.
struct Prepared {
    opened: Opened,
    risk: PreTradeRisk,
    warm_until: sharewise_engine::time::TimestampNs,
    restored: crate::restore::Restored,
    plan: StrategyPlan,
    stats: Arc<LiveStats>,
    io_runtime: tokio::runtime::Runtime,
    fed: Vec<String>,
    /// The demo's history and live days (`None`: a replay).
    demo_days: Option<DemoDays>,
}

impl Daemon {
    /// Opens the account in `opts.data_dir` (pairing, reconciliation, comparison), spawns the
    /// feed, engine, order, event and status threads, and returns while they run.
    pub fn start(opts: DaemonOptions) -> Result<DaemonHandle, LiveError> {
        let prepared = prepare(&opts)?;
        spawn(opts, prepared)
    }
}

/// Everything before a thread starts: settings checked, the account opened and reconciled.
fn prepare(opts: &DaemonOptions) -> Result<Prepared, LiveError> {
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
    let mut warm_until = resume_point(&opened.journal, &opened.broker)?;
    let demo_days = (opts.feed == FeedChoice::Synthetic)
        .then(|| DemoDays::from_today(demo::default_start_day()));
    if let Some(days) = demo_days {
        // The demo's session of history before the live open only warms up (see feed::demo).
        warm_until = warm_until.max(days.live_open() - 1);
    }
    let restored = restore(
        &opened.journal,
        &opened.symbols,
        settings.backtest.cash,
        warm_until,
    )?;
    let plan = StrategyPlan::build(settings, &opened.symbols, &fed)?;
    let stats = Arc::new(LiveStats::new(opened.instruments.len()));
    Ok(Prepared {
        opened,
        risk,
        warm_until,
        restored,
        plan,
        stats,
        io_runtime,
        fed,
        demo_days,
    })
}

/// Spawns the threads over a prepared account.
fn spawn(opts: DaemonOptions, prepared: Prepared) -> Result<DaemonHandle, LiveError> {
    let Prepared {
        opened,
        risk,
        warm_until,
        restored,
        plan,
        stats,
        io_runtime,
        fed,
        demo_days,
    } = prepared;
    let settings = &opts.settings;
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
    let (lockstep, pace) = pace_of(&opts);
    let (ticks, interval) = open_feed(&opts, &symbols, &fed, &stats, demo_days)?;

    let progress = Arc::new(Progress::default());
    let (bus, stream) = EventBus::bounded(EVENT_CAPACITY);
    let hub = EventHub::new(EVENT_HISTORY);
    // The writer subscribes before anything is published, so `--events` misses nothing.
    let writer = EventWriter::spawn(&hub, opts.events.as_deref(), Arc::clone(&stats))?;
    let pump_stop = Arc::new(AtomicBool::new(false));
    let pump = {
        let (hub, stop) = (hub.clone(), Arc::clone(&pump_stop));
        std::thread::Builder::new()
            .name("sw-fanout".into())
            .spawn(move || hub.pump(&stream, &stop))
            .map_err(|e| LiveError::io("cannot start the event fan-out", e))?
    };
    let account_bus = bus.for_account(DEFAULT_ACCOUNT);
    let (orders_tx, orders_rx) = channel::<OrderMsg>(settings.run.order_queue);
    stats.set_book_mismatch((!differences.is_empty()).then(|| books::describe(&differences)));
    let account = AccountActor::new(AccountSetup {
        name: DEFAULT_ACCOUNT.to_string(),
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
        warm_window: (settings.runtime.ring_capacity / 2) as u64,
        close_last_bars: matches!(opts.feed, FeedChoice::Replay { .. }),
        instruments: instruments.len(),
        failure: Arc::clone(&failure),
    };
    let summary_slot = Arc::clone(&feed_summary);
    let placement = settings.runtime.clone();
    let n = instruments.len();
    let stage_stats = Arc::clone(&stats);
    let (runtime, engine_tx) = RuntimeBuilder::new(placement.clone(), n, account_bus.clone())
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
        engine_tx.clone(),
        account_bus,
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
    let marks = MarksFile {
        path: opts.data_dir.join(MARKS_FILE),
        symbols,
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
    let running = Running {
        engine_join: Box::new(move || {
            runtime
                .join()
                .map(|report| report.link)
                .map_err(|e| LiveError::Thread(e.to_string()))
        }),
        orders_tx,
        cancel_open: settings.run.cancel_open_orders_on_shutdown,
        order_thread,
        status,
        bus,
        pump,
        pump_stop,
        writer,
        failure,
        feed_summary,
        broker,
        reconciled,
        differences,
        stats,
    };
    Ok(DaemonHandle {
        hub,
        engine: engine_tx,
        shutdown: opts.shutdown,
        account: DEFAULT_ACCOUNT.to_string(),
        running,
    })
}

impl DaemonHandle {
    /// Every event from now on that `filter` takes, queueing at most `queue` for this subscriber
    /// (a slower one loses the oldest and gets `Lagged`).
    pub fn subscribe(&self, filter: EventFilter, queue: usize) -> EventReceiver {
        self.hub.subscribe(filter, queue)
    }

    /// Resumes a subscriber after the last `seq` it saw: the kept events after it, then the
    /// live ones.
    pub fn subscribe_after(&self, seq: u64, filter: EventFilter, queue: usize) -> EventReceiver {
        self.hub.subscribe_after(seq, filter, queue)
    }

    /// The accounts this daemon trades.
    pub fn accounts(&self) -> Vec<String> {
        vec![self.account.clone()]
    }

    /// Carries out `request` on its account's actor and returns the outcome (also published as
    /// a `command` event).
    pub fn command(&self, request: CommandRequest) -> Result<Ack, Refusal> {
        if request.account != self.account {
            let refusal = Refusal::new(
                "UNKNOWN_ACCOUNT",
                format!(
                    "no account `{}` in this daemon (it trades `{}`)",
                    request.account, self.account
                ),
            );
            return Err(self.refused(&request, refusal));
        }
        let (reply, answer) = ReplyTo::pair();
        match self.ask(
            EngineMsg::Control {
                request: request.clone(),
                reply,
            },
            &answer,
        ) {
            Ok(outcome) => outcome,
            Err(refusal) => Err(self.refused(&request, refusal)),
        }
    }

    /// Publishes a command the account's actor never saw, refused here (the audit log has every
    /// command), and returns the refusal.
    fn refused(&self, request: &CommandRequest, refusal: Refusal) -> Refusal {
        let ts = self.running.stats.last_tick_ts.load(Ordering::Relaxed);
        let kind = EventKind::Command {
            by: request.by.clone(),
            command: request.command.describe(),
            ok: false,
            outcome: refusal.to_string(),
        };
        self.hub.publish(Event::new(ts, kind));
        refusal
    }

    /// The account `account` as its actor holds it now.
    pub fn snapshot(&self, account: &str) -> Result<Snapshot, Refusal> {
        if account != self.account {
            return Err(Refusal::new(
                "UNKNOWN_ACCOUNT",
                format!(
                    "no account `{account}` in this daemon (it trades `{}`)",
                    self.account
                ),
            ));
        }
        let (reply, answer) = ReplyTo::pair();
        self.ask(EngineMsg::Snapshot { reply }, &answer)
    }

    /// Sends `msg` to the engine thread and waits for its answer.
    fn ask<T>(
        &self,
        msg: EngineMsg,
        answer: &crossbeam_channel::Receiver<T>,
    ) -> Result<T, Refusal> {
        if self.engine.send_waiting(msg).is_err() {
            return Err(Refusal::new(
                "DAEMON_STOPPED",
                "the daemon has stopped; start it again to steer it",
            ));
        }
        answer.recv_timeout(ANSWER_WITHIN).map_err(|_| {
            Refusal::new(
                "NO_ANSWER",
                format!(
                    "the engine did not answer within {} s (stopping, or overloaded)",
                    ANSWER_WITHIN.as_secs()
                ),
            )
        })
    }

    /// The last event's `seq` (0: none yet).
    pub fn last_seq(&self) -> u64 {
        self.hub.last_seq()
    }

    /// Asks for a graceful stop (as Ctrl-C does); [`join`](Self::join) waits for it.
    pub fn shutdown(&self) {
        self.shutdown.trigger();
    }

    /// Waits until the daemon has stopped (the feed ended, or a stop was asked for) and returns
    /// what the run did.
    pub fn join(self) -> Result<DaemonSummary, LiveError> {
        let DaemonHandle {
            hub,
            engine,
            running,
            ..
        } = self;
        drop(engine);
        let r = running;
        let engine = (r.engine_join)();
        // Everything the engine and the feed sent is queued ahead of this.
        let _ = r.orders_tx.blocking_send(OrderMsg::Stop {
            cancel_open: r.cancel_open,
        });
        drop(r.orders_tx);
        let orders = r
            .order_thread
            .join()
            .map_err(|_| LiveError::Thread("the order actor panicked".into()))?;
        r.status.stop();
        let bus_dropped = r.bus.dropped();
        drop(r.bus);
        r.pump_stop.store(true, Ordering::Release);
        let _ = r.pump.join();
        drop(hub);
        let write_result = r.writer.finish();
        let (journal, orders) = orders?;
        let link = engine?;
        if let Some(why) = r.failure.lock().ok().and_then(|mut f| f.take()) {
            return Err(LiveError::Feed(why));
        }
        let writer_missed = write_result?;
        let duplicate_placements = r.broker.lock()?.duplicate_placements();
        let feed = r.feed_summary.lock().map(|s| *s).unwrap_or_default();
        Ok(DaemonSummary {
            reconciled: r.reconciled,
            start_differences: r.differences,
            feed,
            orders,
            stats: r.stats,
            positions: journal.positions(),
            duplicate_placements,
            events_dropped: bus_dropped + writer_missed,
            link,
        })
    }
}

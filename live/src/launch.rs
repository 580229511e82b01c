//! What [`crate::handle::Daemon::start`] does before it returns: check the settings, open every
//! account (pairing, reconciliation, comparison), then spawn the threads.
//!
//! Threads: the feed (shows each tick to the engine, then to every account's paper venue, which
//! pushes its fills to the account's order actor as a real broker would), the
//! engine (strategy stage + [`Accounts`], placed by `[runtime]`), one order actor per account
//! (its own thread and current-thread tokio runtime, so one account's slow journal or broker
//! never holds up another's), the event fan-out and writer, and the status line.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sharewise_actors::{EventBus, EventHub, MpscSender, RuntimeBuilder, Shutdown};
use sharewise_brokers::{Broker, SharedPaper, UpdateReceiver};

use crate::broker::AccountBroker;
use sharewise_config::{AccountPlan, Settings};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::Instrument;
use sharewise_risk::PreTradeRisk;
use tokio::sync::mpsc::{channel, Receiver, Sender};

use crate::account::{AccountActor, AccountSetup, Accounts};
use crate::books;
use crate::daemon::{feed_label, feed_symbols, open_feed, pace_of, resume_point, DaemonOptions};
use crate::daemon::{sessions_for, warmup_bars, FeedChoice, StrategyPlan};
use crate::error::LiveError;
use crate::event_writer::EventWriter;
use crate::feed::demo::{self, DemoDays};
use crate::feed::driver::{FeedDriver, FeedSummary, VenueChange};
use crate::handle::{AccountBooks, AccountRunning, DaemonHandle, Running};
use crate::messages::{EngineMsg, OrderMsg};
use crate::order_actor::{BookWatch, OrderActor};
use crate::progress::{AbandonOnPanic, Progress};
use crate::restore::{restore, Restored};
use crate::roster::Roster;
use crate::startup::{open_accounts, Opened, OpenedAccounts};
use crate::stats::{AccountStats, LiveStats};
use crate::status::{MarksFile, StatusLine, MARKS_FILE};
use crate::strategy_stage::StrategyStage;

/// Events the bus holds before the fan-out catches up (then the newest are dropped and counted).
const EVENT_CAPACITY: usize = 1 << 16;
/// Events the fan-out keeps for subscribers that resume.
const EVENT_HISTORY: usize = 10_000;

/// Every account opened and everything the threads start from.
pub(crate) struct Prepared {
    opened: OpenedAccounts,
    plans: Vec<AccountPlan>,
    /// Each account's cash, positions and exits, in plan order.
    restored: Vec<Restored>,
    warm_until: TimestampNs,
    strategies: StrategyPlan,
    stats: Arc<LiveStats>,
    fed: Vec<String>,
    /// The demo's history and live days (`None`: a replay).
    demo_days: Option<DemoDays>,
}

/// Everything before a thread starts: settings checked, every account opened and reconciled.
pub(crate) fn prepare(opts: &DaemonOptions) -> Result<Prepared, LiveError> {
    let settings = &opts.settings;
    let plans = settings.account_plans();
    // Each account's rules are checked before any file is touched.
    let risks = plans
        .iter()
        .map(|plan| risk_of(&plan.settings))
        .collect::<Result<Vec<_>, _>>()?;
    check_tier(settings, &risks)?;
    std::fs::create_dir_all(&opts.data_dir).map_err(|e| {
        LiveError::io(
            format!("cannot create data dir {}", opts.data_dir.display()),
            e,
        )
    })?;
    let fed = feed_symbols(settings, &opts.feed);
    let startup = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| LiveError::io("cannot start the reconciliation runtime", e))?;
    let opened = open_accounts(
        &opts.data_dir,
        &plans,
        &feed_label(&opts.feed),
        &fed,
        &startup,
        opts.say,
    )?;
    // Every account resumes where the daemon left off: the latest time any of them traded.
    let mut warm_until = TimestampNs::MIN;
    for account in &opened.accounts {
        warm_until = warm_until.max(resume_point(&account.journal, &account.broker)?);
    }
    let sessions = sessions_for(warmup_bars(settings)?, settings.run.bar_interval());
    let demo_days = (opts.feed == FeedChoice::Synthetic)
        .then(|| DemoDays::with_history(demo::default_start_day(), sessions));
    if let Some(days) = demo_days {
        // The demo's session of history before the live open only warms up (see feed::demo).
        warm_until = warm_until.max(days.live_open() - 1);
    }
    let restored = opened
        .accounts
        .iter()
        .zip(&plans)
        .map(|(account, plan)| {
            restore(
                &account.journal,
                &opened.symbols,
                plan.settings.backtest.cash,
                warm_until,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let strategies = StrategyPlan::build(settings, &opened.symbols, &fed)?;
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    let stats = Arc::new(LiveStats::new(opened.instruments.len(), &names));
    Ok(Prepared {
        opened,
        plans,
        restored,
        warm_until,
        strategies,
        stats,
        fed,
        demo_days,
    })
}

/// An account's pre-trade gate from the settings it trades with.
pub(crate) fn risk_of(settings: &Settings) -> Result<PreTradeRisk, LiveError> {
    Ok(PreTradeRisk::with_config(
        settings.sizing().map_err(LiveError::Settings)?,
        settings.risk_config(),
        settings.backtest.product,
    ))
}

/// The subscription tier bounds how many strategies run (checked as each one starts).
fn check_tier(settings: &Settings, risks: &[PreTradeRisk]) -> Result<(), LiveError> {
    let Some(risk) = risks.first() else {
        return Ok(());
    };
    for open in 0..settings.run.strategies.len() {
        risk.check_strategy_start(settings.run.tier, open)
            .map_err(|r| {
                LiveError::Settings(format!(
                    "run.strategies: {r}; raise run.tier or run fewer strategies"
                ))
            })?;
    }
    Ok(())
}

/// The event plumbing: the bus actors publish on, the fan-out hub, its pump thread and the
/// `--events` writer.
struct Events {
    bus: EventBus,
    hub: EventHub,
    pump: std::thread::JoinHandle<()>,
    pump_stop: Arc<AtomicBool>,
    writer: EventWriter,
}

fn start_events(opts: &DaemonOptions, stats: &Arc<LiveStats>) -> Result<Events, LiveError> {
    let (bus, stream) = EventBus::bounded(EVENT_CAPACITY);
    let hub = EventHub::new(EVENT_HISTORY);
    // The writer subscribes before anything is published, so `--events` misses nothing.
    let writer = EventWriter::spawn(&hub, opts.events.as_deref(), Arc::clone(stats))?;
    let pump_stop = Arc::new(AtomicBool::new(false));
    let pump = {
        let (hub, stop) = (hub.clone(), Arc::clone(&pump_stop));
        std::thread::Builder::new()
            .name("sw-fanout".into())
            .spawn(move || hub.pump(&stream, &stop))
            .map_err(|e| LiveError::io("cannot start the event fan-out", e))?
    };
    Ok(Events {
        bus,
        hub,
        pump,
        pump_stop,
        writer,
    })
}

/// What every account actor of the daemon shares (at start, and for accounts added later).
pub(crate) struct Shared<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) instruments: &'a [Instrument],
    pub(crate) strategies: &'a StrategyPlan,
    pub(crate) shutdown: &'a Shutdown,
    pub(crate) progress: &'a Arc<Progress>,
    pub(crate) live: &'a Arc<LiveStats>,
}

/// The account actor of an opened account, and the receiving end of its order queue.
pub(crate) fn account_actor(
    shared: &Shared<'_>,
    plan: &AccountPlan,
    account: &Opened,
    (restored, warm_until): (Restored, TimestampNs),
    stats: Arc<AccountStats>,
) -> Result<(AccountActor, Receiver<OrderMsg>), LiveError> {
    let (orders_tx, orders_rx) = channel::<OrderMsg>(shared.settings.run.order_queue);
    stats.set_book_mismatch(
        (!account.differences.is_empty()).then(|| books::describe(&account.differences)),
    );
    let actor = AccountActor::new(AccountSetup {
        name: plan.name.clone(),
        instruments: shared.instruments.to_vec(),
        strategies: shared.strategies.infos_for(&plan.follows),
        risk: risk_of(&plan.settings)?,
        product: plan.settings.backtest.product,
        allow_short: plan.settings.backtest.allow_short,
        restored,
        working: account.reconciled.working.clone(),
        next_client_id: account.next_client_id,
        trailing_stop_bps: shared.settings.run.trailing_stop_bps(),
        stopping: shared.shutdown.clone(),
        orders: orders_tx,
        trading_state: account.trading_state.clone(),
        disputed: account.disputed(),
        progress: Arc::clone(shared.progress),
        stats,
        live: Arc::clone(shared.live),
        warm_until,
    });
    Ok((actor, orders_rx))
}

/// Spawns the threads over the prepared accounts.
pub(crate) fn spawn(opts: DaemonOptions, prepared: Prepared) -> Result<DaemonHandle, LiveError> {
    let Prepared {
        opened,
        plans,
        restored,
        warm_until,
        strategies,
        stats,
        fed,
        demo_days,
    } = prepared;
    let settings = &opts.settings;
    let OpenedAccounts {
        symbols,
        instruments,
        accounts: opened,
    } = opened;
    let progress = Arc::new(Progress::default());
    let events = start_events(&opts, &stats)?;
    // Every order actor hears its broker's pushes from before the first tick.
    let pushes: Vec<UpdateReceiver> = opened.iter().map(|a| a.broker.subscribe()).collect();
    let real_accounts = crate::real::start_accounts(&opened, &opts.shutdown)?;
    let shared = Shared {
        settings,
        instruments: &instruments,
        strategies: &strategies,
        shutdown: &opts.shutdown,
        progress: &progress,
        live: &stats,
    };
    let (actors, inboxes) = account_actors(&shared, &plans, &opened, restored, warm_until)?;
    let accounts = Accounts::new(
        actors,
        &events.bus,
        Arc::clone(&stats),
        Arc::clone(&progress),
    );
    let (venue_tx, venue_rx) = crossbeam_channel::unbounded();
    let engine = Engine {
        opts: &opts,
        symbols: &symbols,
        fed: &fed,
        demo_days,
        strategies: &strategies,
        stats: &stats,
        events: &events,
        warm_until,
        feed_account: match &opts.feed {
            FeedChoice::Kite { account } | FeedChoice::Upstox { account } => real_accounts
                .iter()
                .find(|(dir, _)| &dir.name == account)
                .map(|(_, broker)| broker.clone()),
            _ => None,
        },
    };
    let venues = opened.iter().map(|a| a.broker.paper().cloned()).collect();
    let started = engine.spawn(venues, venue_rx, &progress, accounts)?;
    let links = |k: usize, account: &Opened| OrderLinks {
        engine: started.engine_tx.clone(),
        bus: events.bus.for_account(&account.dir.name),
        progress: Arc::clone(&progress),
        watch: book_watch(
            settings,
            &symbols,
            Arc::clone(&stats.accounts()[k]),
            &account.broker,
        ),
    };
    let inputs = inboxes.into_iter().zip(pushes).collect();
    let running = start_order_actors(&opts.shutdown, opened, inputs, links)?;
    let status = status_line(&opts, &stats, started.link_stats, &progress, &symbols);
    let roster = Arc::new(Roster {
        root: opts.data_dir.clone(),
        settings: settings.clone(),
        symbols,
        instruments,
        strategies,
        engine: started.engine_tx.clone(),
        bus: events.bus.clone(),
        progress,
        stats: Arc::clone(&stats),
        shutdown: opts.shutdown.clone(),
        venues: venue_tx,
        say: opts.say,
        running: Mutex::new(running),
        removed: Mutex::new(Vec::new()),
    });
    let running = Running {
        engine_join: started.join,
        roster,
        cancel_open: settings.run.cancel_open_orders_on_shutdown,
        status,
        bus: events.bus,
        pump: events.pump,
        pump_stop: events.pump_stop,
        writer: events.writer,
        failure: started.failure,
        feed_summary: started.feed_summary,
        stats,
    };
    Ok(DaemonHandle::new(
        events.hub,
        started.engine_tx,
        opts.shutdown,
        running,
    ))
}

/// The status line's thread, which also writes `marks.json` and watches for a stopped participant.
fn status_line(
    opts: &DaemonOptions,
    stats: &Arc<LiveStats>,
    link: Arc<sharewise_actors::LinkStats>,
    progress: &Arc<Progress>,
    symbols: &[String],
) -> StatusLine {
    StatusLine::spawn(
        Arc::clone(stats),
        link,
        Arc::clone(progress),
        opts.shutdown.clone(),
        opts.settings.run.status_every_s,
        opts.say,
        MarksFile {
            path: opts.data_dir.join(MARKS_FILE),
            symbols: symbols.to_vec(),
        },
        opts.on_forced,
    )
}

/// Each account's actor (for the engine thread's router) and its order queue's two ends.
type Inbox = (Sender<OrderMsg>, Receiver<OrderMsg>);

/// One account actor per opened account, restored from its journal up to `warm_until`.
fn account_actors(
    shared: &Shared<'_>,
    plans: &[AccountPlan],
    opened: &[Opened],
    restored: Vec<Restored>,
    warm_until: TimestampNs,
) -> Result<(Vec<AccountActor>, Vec<Inbox>), LiveError> {
    let mut actors = Vec::with_capacity(opened.len());
    let mut inboxes = Vec::with_capacity(opened.len());
    for (k, ((account, plan), restored)) in opened.iter().zip(plans).zip(restored).enumerate() {
        let account_stats = Arc::clone(&shared.live.accounts()[k]);
        let restored = (restored, warm_until);
        let (actor, inbox) = account_actor(shared, plan, account, restored, account_stats)?;
        inboxes.push((actor.order_sender(), inbox));
        actors.push(actor);
    }
    Ok((actors, inboxes))
}

/// Starts each opened account's order actor on its own thread, fed by its queue and its
/// broker's pushes and linked by `links(k, account)`.
fn start_order_actors(
    shutdown: &Shutdown,
    opened: Vec<Opened>,
    inputs: Vec<(Inbox, UpdateReceiver)>,
    links: impl Fn(usize, &Opened) -> OrderLinks,
) -> Result<Vec<AccountRunning>, LiveError> {
    let mut running = Vec::with_capacity(opened.len());
    for (k, (account, ((orders_tx, inbox), pushed))) in opened.into_iter().zip(inputs).enumerate() {
        let linked = links(k, &account);
        let order_thread = spawn_order_actor(
            shutdown,
            k,
            account.journal,
            &account.broker,
            linked,
            (inbox, pushed),
        )?;
        running.push(AccountRunning {
            books: AccountBooks {
                dir: account.dir,
                broker: account.broker,
                reconciled: account.reconciled,
                differences: account.differences,
            },
            orders_tx,
            order_thread,
        });
    }
    Ok(running)
}

/// What the feed and engine threads are started with.
struct Engine<'a> {
    opts: &'a DaemonOptions,
    symbols: &'a [String],
    fed: &'a [String],
    demo_days: Option<DemoDays>,
    strategies: &'a StrategyPlan,
    stats: &'a Arc<LiveStats>,
    events: &'a Events,
    warm_until: TimestampNs,
    /// The account a broker feed (`kite:ACCOUNT`, `upstox:ACCOUNT`) runs through.
    feed_account: Option<AccountBroker>,
}

/// The feed and engine threads, started.
struct Started {
    engine_tx: MpscSender<EngineMsg>,
    link_stats: Arc<sharewise_actors::LinkStats>,
    join: crate::handle::EngineJoin,
    failure: Arc<Mutex<Option<String>>>,
    feed_summary: Arc<Mutex<FeedSummary>>,
}

impl Engine<'_> {
    /// Opens the feed and starts the feed thread (ticks to the engine, then to `venues`) and
    /// the engine thread (strategy stage, then `accounts`), placed by `[runtime]`.
    fn spawn(
        self,
        venues: Vec<Option<SharedPaper>>,
        changes: crossbeam_channel::Receiver<VenueChange>,
        progress: &Arc<Progress>,
        accounts: Accounts,
    ) -> Result<Started, LiveError> {
        let opts = self.opts;
        let settings = &opts.settings;
        let (lockstep, pace) = pace_of(opts);
        let (ticks, interval) = open_feed(
            opts,
            self.symbols,
            self.fed,
            self.stats,
            self.demo_days,
            self.feed_account.as_ref(),
        )?;
        let failure = Arc::new(Mutex::new(None));
        let feed_summary = Arc::new(Mutex::new(FeedSummary::default()));
        let driver = FeedDriver {
            venues,
            changes,
            progress: Arc::clone(progress),
            lockstep,
            pace,
            warm_until: self.warm_until,
            warm_window: (settings.runtime.ring_capacity / 2) as u64,
            close_last_bars: matches!(opts.feed, FeedChoice::Replay { .. }),
            instruments: self.symbols.len(),
            failure: Arc::clone(&failure),
        };
        let summary_slot = Arc::clone(&feed_summary);
        let placement = settings.runtime.clone();
        let n = self.symbols.len();
        let (strategies, warm_until) = (self.strategies, self.warm_until);
        let (runtime, engine_tx) =
            RuntimeBuilder::new(placement.clone(), n, self.events.bus.clone())
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
                            strategies.supervisor(&placement, shard),
                            lockstep,
                            warm_until,
                            Arc::clone(self.stats),
                        )
                    },
                    accounts,
                )
                .map_err(|e| LiveError::io("cannot start the runtime threads", e))?;
        Ok(Started {
            engine_tx,
            link_stats: runtime.link_stats_handle(),
            join: Box::new(move || {
                runtime
                    .join()
                    .map(|report| report.link)
                    .map_err(|e| LiveError::Thread(e.to_string()))
            }),
            failure,
            feed_summary,
        })
    }
}

/// What an order actor talks to besides its journal and broker.
pub(crate) struct OrderLinks {
    pub(crate) engine: MpscSender<EngineMsg>,
    pub(crate) bus: EventBus,
    pub(crate) progress: Arc<Progress>,
    pub(crate) watch: BookWatch,
}

/// What an account's books are held to: everything on paper, quantities at a real broker.
pub(crate) fn compare_of(broker: &AccountBroker) -> books::Compare {
    match broker {
        AccountBroker::Paper(_) => books::Compare::Full,
        AccountBroker::Kite(_) | AccountBroker::Upstox(_) => books::Compare::Quantities,
    }
}

/// How an account's order actor watches its books (`[run] compare_every_s`, `on_book_mismatch`).
pub(crate) fn book_watch(
    settings: &Settings,
    symbols: &[String],
    stats: Arc<crate::stats::AccountStats>,
    broker: &AccountBroker,
) -> BookWatch {
    BookWatch {
        symbols: symbols.to_vec(),
        every: (settings.run.compare_every_s > 0)
            .then(|| Duration::from_secs(settings.run.compare_every_s)),
        on_mismatch: settings.run.on_book_mismatch,
        stats,
        compare: compare_of(broker),
    }
}

/// Starts account `k`'s order actor on its own thread and tokio runtime.
pub(crate) fn spawn_order_actor(
    shutdown: &sharewise_actors::Shutdown,
    k: usize,
    journal: sharewise_store::Journal,
    broker: &AccountBroker,
    links: OrderLinks,
    (inbox, pushed): (tokio::sync::mpsc::Receiver<OrderMsg>, UpdateReceiver),
) -> Result<crate::handle::OrderThread, LiveError> {
    let io_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| LiveError::io("cannot start the order actor's runtime", e))?;
    let guard = AbandonOnPanic(Arc::clone(&links.progress));
    let actor = OrderActor::new(
        journal,
        broker.clone(),
        links.engine,
        links.bus,
        links.progress,
    )
    .for_account(k)
    .with_shutdown(shutdown.clone())
    .with_watch(links.watch);
    std::thread::Builder::new()
        .name(format!("sw-orders-{k}"))
        .spawn(move || {
            let _guard = guard;
            io_runtime.block_on(actor.run(inbox, pushed))
        })
        .map_err(|e| LiveError::io("cannot start the order actor", e))
}

//! The daemon as a library: [`Daemon::start`] opens every account and spawns the threads, and
//! returns at once with a [`DaemonHandle`] — the one way in for the CLI, tests and the gateway.
//!
//! - [`DaemonHandle::subscribe`] / [`subscribe_after`](DaemonHandle::subscribe_after): every
//!   event, numbered by `seq`, to any number of subscribers ([`sharewise_actors::fanout`]); a
//!   slow one loses its oldest events and is told how many, never slowing the engine.
//! - [`DaemonHandle::command`]: the kill switch and other commands ([`crate::control`]), carried
//!   out by the account's owning actor between two ticks; each is a `command` event too.
//! - [`DaemonHandle::snapshot`]: an account as its actor holds it, consistent.
//! - [`DaemonHandle::shutdown`] asks for a graceful stop; [`DaemonHandle::join`] waits for it and
//!   returns the run's summary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::broker::AccountBroker;
use sharewise_actors::{
    Event, EventBus, EventFilter, EventHub, EventKind, EventReceiver, MpscSender, Shutdown,
};
use sharewise_config::AccountSection;
use sharewise_store::Journal;
use tokio::sync::mpsc::Sender;

use crate::books::BookDifference;
use crate::control::{Ack, CommandRequest, Refusal, Snapshot};
use crate::daemon::{AccountSummary, DaemonOptions, DaemonSummary};
use crate::error::LiveError;
use crate::event_writer::EventWriter;
use crate::feed::driver::FeedSummary;
use crate::layout::AccountDir;
use crate::messages::{EngineMsg, OrderMsg, ReplyTo};
use crate::off_async::off_async;
use crate::order_actor::OrderActorReport;
use crate::reconcile::Reconciled;
use crate::roster::Roster;
use crate::stats::LiveStats;
use crate::status::StatusLine;

/// The name of the account a daemon trades when the settings name none.
pub const DEFAULT_ACCOUNT: &str = sharewise_config::DEFAULT_ACCOUNT;
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
    running: Running,
}

/// An order actor's thread: the journal and what it did, when it ends.
pub(crate) type OrderThread = JoinHandle<Result<(Journal, OrderActorReport), LiveError>>;

/// Joins the engine and feed threads; the link's final counters.
pub(crate) type EngineJoin =
    Box<dyn FnOnce() -> Result<sharewise_actors::LinkSnapshot, LiveError> + Send>;

/// What [`DaemonHandle::join`] waits for and tears down.
pub(crate) struct Running {
    /// Joins the engine and feed threads; the link's final counters.
    pub(crate) engine_join: EngineJoin,
    pub(crate) roster: Arc<Roster>,
    pub(crate) cancel_open: bool,
    pub(crate) status: StatusLine,
    pub(crate) bus: EventBus,
    pub(crate) pump: JoinHandle<()>,
    pub(crate) pump_stop: Arc<AtomicBool>,
    pub(crate) writer: EventWriter,
    pub(crate) failure: Arc<Mutex<Option<String>>>,
    pub(crate) feed_summary: Arc<Mutex<FeedSummary>>,
    pub(crate) stats: Arc<LiveStats>,
}

/// One account's running parts.
pub(crate) struct AccountRunning {
    pub(crate) books: AccountBooks,
    pub(crate) orders_tx: Sender<OrderMsg>,
    pub(crate) order_thread: OrderThread,
}

/// One account's books and what its start found, for the summary.
pub(crate) struct AccountBooks {
    pub(crate) dir: AccountDir,
    pub(crate) broker: AccountBroker,
    pub(crate) reconciled: Reconciled,
    pub(crate) differences: Vec<BookDifference>,
}

/// Sends `msg` to the engine thread and waits (at most [`ANSWER_WITHIN`]) for its answer.
pub(crate) fn ask_engine<T>(
    engine: &MpscSender<EngineMsg>,
    msg: EngineMsg,
    answer: &crossbeam_channel::Receiver<T>,
) -> Result<T, Refusal> {
    if engine.send_waiting(msg).is_err() {
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

impl AccountRunning {
    /// Asks the account's order actor to stop once it has handled what is queued.
    pub(crate) fn ask_stop(&self, cancel_open: bool) {
        off_async(|| {
            let _ = self.orders_tx.blocking_send(OrderMsg::Stop { cancel_open });
        });
    }

    /// Waits for the order actor to end (after [`ask_stop`](Self::ask_stop)); what the account
    /// did.
    pub(crate) fn finish(self) -> Result<AccountSummary, LiveError> {
        let AccountRunning {
            books,
            orders_tx,
            order_thread,
        } = self;
        drop(orders_tx);
        let (journal, orders) = order_thread.join().map_err(|_| {
            LiveError::Thread(format!(
                "account {}: the order actor panicked",
                books.dir.name
            ))
        })??;
        // A real broker keeps no such count; the order actor never sends a tag twice.
        let duplicate_placements = match books.broker.paper() {
            Some(paper) => paper.lock()?.duplicate_placements(),
            None => 0,
        };
        Ok(AccountSummary {
            compare: crate::launch::compare_of(&books.broker),
            duplicate_placements,
            positions: journal.positions(),
            dir: books.dir,
            reconciled: books.reconciled,
            start_differences: books.differences,
            orders,
        })
    }
}

impl Daemon {
    /// Opens every account in `opts.data_dir` (pairing, reconciliation, comparison), spawns the
    /// feed, engine, order, event and status threads, and returns while they run.
    /// Blocking; callable from an async runtime's thread too (the work then runs on a plain one).
    pub fn start(opts: DaemonOptions) -> Result<DaemonHandle, LiveError> {
        off_async(|| {
            let prepared = crate::launch::prepare(&opts)?;
            crate::launch::spawn(opts, prepared)
        })
    }
}

impl DaemonHandle {
    /// A handle over running threads.
    pub(crate) fn new(
        hub: EventHub,
        engine: MpscSender<EngineMsg>,
        shutdown: Shutdown,
        running: Running,
    ) -> DaemonHandle {
        DaemonHandle {
            hub,
            engine,
            shutdown,
            running,
        }
    }
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

    /// The accounts this daemon trades, in its order.
    pub fn accounts(&self) -> Vec<String> {
        self.running.roster.names()
    }

    /// The refusal for a name that is not one of this daemon's accounts.
    fn unknown_account(&self, name: &str) -> Option<Refusal> {
        let names = self.accounts();
        (!names.iter().any(|a| a == name)).then(|| {
            Refusal::new(
                "UNKNOWN_ACCOUNT",
                format!(
                    "no account `{name}` in this daemon (it trades {})",
                    names.join(", ")
                ),
            )
        })
    }

    /// Adds an account while the daemon runs (an `[[accounts]]` entry, checked as the settings
    /// would check it): its books are opened, reconciled and compared as at a start, and it
    /// trades from the next tick. Published as a `command` event.
    pub fn add_account(&self, by: &str, account: AccountSection) -> Result<Ack, Refusal> {
        let name = account.name.clone();
        let roster = &self.running.roster;
        let outcome = off_async(|| roster.add(account)).map(|message| Ack { message });
        self.audit(by, &name, format!("add account {name}"), outcome.as_ref());
        outcome
    }

    /// Removes a flat account with no working orders from the running daemon (flatten it
    /// first); its order actor stops and its files stay. Published as a `command` event.
    pub fn remove_account(&self, by: &str, name: &str) -> Result<Ack, Refusal> {
        let outcome = match self.unknown_account(name) {
            Some(refusal) => Err(refusal),
            None => self
                .running
                .roster
                .remove(name)
                .map(|message| Ack { message }),
        };
        self.audit(by, name, format!("remove account {name}"), outcome.as_ref());
        outcome
    }

    /// Publishes a command carried out (or refused) here, for the audit log.
    fn audit(&self, by: &str, account: &str, command: String, outcome: Result<&Ack, &Refusal>) {
        let ts = self.running.stats.last_tick_ts.load(Ordering::Relaxed);
        let kind = EventKind::Command {
            by: by.to_string(),
            command,
            ok: outcome.is_ok(),
            outcome: match outcome {
                Ok(ack) => ack.message.clone(),
                Err(refusal) => refusal.to_string(),
            },
        };
        let mut event = Event::new(ts, kind);
        event.account = Some(Arc::from(account));
        self.hub.publish(event);
    }

    /// Carries out `request` on its account's actor and returns the outcome (also published as
    /// a `command` event).
    pub fn command(&self, request: CommandRequest) -> Result<Ack, Refusal> {
        if let Some(refusal) = self.unknown_account(&request.account) {
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
        let (by, account) = (&request.by, &request.account);
        self.audit(by, account, request.command.describe(), Err(&refusal));
        refusal
    }

    /// The account `account` as its actor holds it now.
    pub fn snapshot(&self, account: &str) -> Result<Snapshot, Refusal> {
        if let Some(refusal) = self.unknown_account(account) {
            return Err(refusal);
        }
        let (reply, answer) = ReplyTo::pair();
        let msg = EngineMsg::Snapshot {
            account: account.to_string(),
            reply,
        };
        self.ask(msg, &answer)?
    }

    /// Sends `msg` to the engine thread and waits for its answer.
    fn ask<T>(
        &self,
        msg: EngineMsg,
        answer: &crossbeam_channel::Receiver<T>,
    ) -> Result<T, Refusal> {
        ask_engine(&self.engine, msg, answer)
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
            running: r,
            ..
        } = self;
        drop(engine);
        let engine = (r.engine_join)();
        // Everything the engine and the feed sent is queued ahead of this.
        let running = r
            .roster
            .running
            .lock()
            .map(|mut running| std::mem::take(&mut *running))
            .unwrap_or_default();
        for account in &running {
            account.ask_stop(r.cancel_open);
        }
        let ended: Vec<_> = running.into_iter().map(AccountRunning::finish).collect();
        r.status.stop();
        let bus_dropped = r.bus.dropped();
        drop(r.bus);
        r.pump_stop.store(true, Ordering::Release);
        let _ = r.pump.join();
        drop(hub);
        let write_result = r.writer.finish();
        let mut accounts = r
            .roster
            .removed
            .lock()
            .map(|mut removed| std::mem::take(&mut *removed))
            .unwrap_or_default();
        for summary in ended {
            accounts.push(summary?);
        }
        let link = engine?;
        if let Some(why) = r.failure.lock().ok().and_then(|mut f| f.take()) {
            return Err(LiveError::Feed(why));
        }
        let writer_missed = write_result?;
        let feed = r.feed_summary.lock().map(|s| *s).unwrap_or_default();
        Ok(DaemonSummary {
            accounts,
            feed,
            stats: r.stats,
            events_dropped: bus_dropped + writer_missed,
            link,
        })
    }
}

//! The accounts of a running daemon, and accounts added or removed while it runs
//! ([`crate::handle::DaemonHandle::add_account`], [`remove_account`](crate::handle::DaemonHandle::remove_account)).
//!
//! An account joins the way a start opens one: its journal and book are checked as a pair,
//! opened (created for a new account), reconciled and compared; it trades from the next tick
//! on (what it did before is history, as after a restart), with its own order actor, and its
//! venue starts seeing the feed. An account leaves only when it is flat with no working order:
//! its order actor stops (its books compared a last time) and its files stay where they are,
//! so adding it again later picks them up.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sharewise_actors::{EventBus, MpscSender, Shutdown};
use sharewise_brokers::Broker;
use sharewise_config::{AccountSection, Settings};
use sharewise_engine::types::Instrument;

use crate::account::AccountActor;
use crate::control::Refusal;
use crate::daemon::{resume_point, AccountSummary, StrategyPlan};
use crate::error::LiveError;
use crate::feed::driver::VenueChange;
use crate::handle::{AccountBooks, AccountRunning};
use crate::launch::{account_actor, book_watch, spawn_order_actor, OrderLinks, Shared};
use crate::layout::AccountDir;
use crate::messages::{EngineMsg, Handover, OrderMsg, ReplyTo};
use crate::progress::Progress;
use crate::restore::restore;
use crate::startup::{check_pair, open_one, Account, Opened};
use crate::stats::LiveStats;

/// The running daemon's accounts and what it needs to add one.
pub(crate) struct Roster {
    pub(crate) root: PathBuf,
    pub(crate) settings: Settings,
    pub(crate) symbols: Vec<String>,
    pub(crate) instruments: Vec<Instrument>,
    pub(crate) strategies: StrategyPlan,
    pub(crate) engine: MpscSender<EngineMsg>,
    pub(crate) bus: EventBus,
    pub(crate) progress: Arc<Progress>,
    pub(crate) stats: Arc<LiveStats>,
    pub(crate) shutdown: Shutdown,
    pub(crate) venues: crossbeam_channel::Sender<VenueChange>,
    pub(crate) say: fn(&str),
    /// The accounts trading now, in the daemon's order.
    pub(crate) running: Mutex<Vec<AccountRunning>>,
    /// Accounts removed while the daemon ran: what they did.
    pub(crate) removed: Mutex<Vec<AccountSummary>>,
}

/// A refusal carrying a start's error text (the same words a start would print).
fn refused(code: &'static str, e: LiveError) -> Refusal {
    Refusal::new(code, e.to_string())
}

impl Roster {
    /// The names of the accounts trading now.
    pub(crate) fn names(&self) -> Vec<String> {
        self.running
            .lock()
            .map(|r| r.iter().map(|a| a.books.dir.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Opens `section`'s account and starts it trading (see the module docs); says what it did.
    pub(crate) fn add(&self, section: AccountSection) -> Result<String, Refusal> {
        let plan = self
            .settings
            .plan_for(section, &self.names(), "the new account")
            .map_err(|e| Refusal::new("BAD_ACCOUNT", e.to_string()))?;
        let dir = AccountDir::new(&self.root, &plan.name);
        let journal = match plan.broker {
            sharewise_config::BrokerKind::Paper => check_pair(&dir, &plan.settings),
            _ => crate::startup::check_real(&dir),
        }
        .map_err(|e| refused("ACCOUNT_FILES", e))?;
        let held = journal.iter().flat_map(|j| j.positions());
        if let Some(p) = held
            .filter(|p| p.qty != 0)
            .find(|p| !self.symbols.contains(&p.symbol))
        {
            return Err(Refusal::new("ACCOUNT_FILES", format!("{} holds a position in {}, which this daemon's feed does not carry; start a daemon whose feed carries it", dir.journal().display(), p.symbol)));
        }
        let startup = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| refused("ACCOUNT_FILES", LiveError::io("cannot start a runtime", e)))?;
        let account = Account {
            dir,
            settings: &plan.settings,
            real: crate::startup::real_of(&plan),
            instruments: &self.instruments,
            symbols: &self.symbols,
            named: true,
        };
        let opened = open_one(account, journal, &startup, self.say)
            .map_err(|e| refused("ACCOUNT_FILES", e))?;
        let actor = self
            .actor(&plan, &opened)
            .map_err(|e| refused("ACCOUNT_FILES", e))?;
        self.start(opened, actor)
    }

    /// The account actor of a newly opened account, trading from the engine's clock on.
    fn actor(
        &self,
        plan: &sharewise_config::AccountPlan,
        opened: &Opened,
    ) -> Result<(AccountActor, tokio::sync::mpsc::Receiver<OrderMsg>), LiveError> {
        let clock = self
            .stats
            .last_tick_ts
            .load(std::sync::atomic::Ordering::Relaxed);
        let warm_until = resume_point(&opened.journal, &opened.broker)?.max(clock);
        let cash = plan.settings.backtest.cash;
        let restored = restore(&opened.journal, &self.symbols, cash, warm_until)?;
        let shared = Shared {
            settings: &self.settings,
            instruments: &self.instruments,
            strategies: &self.strategies,
            shutdown: &self.shutdown,
            progress: &self.progress,
            live: &self.stats,
        };
        let stats = self.stats.add_account(&plan.name);
        account_actor(&shared, plan, opened, (restored, warm_until), stats)
            .inspect_err(|_| self.stats.remove_account(&plan.name))
    }

    /// Hands the actor to the engine thread, then starts the account's order actor and shows
    /// its venue the feed.
    fn start(
        &self,
        opened: Opened,
        (actor, orders_rx): (AccountActor, tokio::sync::mpsc::Receiver<OrderMsg>),
    ) -> Result<String, Refusal> {
        let name = opened.dir.name.clone();
        let orders_tx = actor.order_sender();
        // Subscribed before the venue sees a tick: no fill goes unheard.
        let pushed = opened.broker.subscribe();
        let (reply, answer) = ReplyTo::pair();
        let index = self
            .ask(
                EngineMsg::AddAccount {
                    actor: Handover::new(actor),
                    reply,
                },
                &answer,
            )
            .inspect_err(|_| self.stats.remove_account(&name))?;
        let links = OrderLinks {
            engine: self.engine.clone(),
            bus: self.bus.for_account(&name),
            progress: Arc::clone(&self.progress),
            watch: book_watch(
                &self.settings,
                &self.symbols,
                self.stats
                    .account(&name)
                    .unwrap_or_else(|| self.stats.add_account(&name)),
                &opened.broker,
            ),
        };
        let order_thread = spawn_order_actor(
            &self.shutdown,
            index,
            opened.journal,
            &opened.broker,
            links,
            (orders_rx, pushed),
        )
        .map_err(|e| {
            // No order actor, no account: take it back out of the engine before it trades.
            let (reply, answer) = ReplyTo::pair();
            let msg = EngineMsg::RemoveAccount {
                account: name.clone(),
                reply,
            };
            let _ = self.ask(msg, &answer);
            self.stats.remove_account(&name);
            refused("ACCOUNT_FILES", e)
        })?;
        if let Some(venue) = opened.broker.paper() {
            let _ = self.venues.send(VenueChange::Add {
                index,
                venue: venue.clone(),
            });
        }
        let place = opened.dir.dir.display().to_string();
        if let Ok(mut running) = self.running.lock() {
            running.push(AccountRunning {
                books: AccountBooks {
                    dir: opened.dir,
                    broker: opened.broker,
                    reconciled: opened.reconciled,
                    differences: opened.differences,
                },
                orders_tx,
                order_thread,
            });
        }
        Ok(format!(
            "account {name} added (its books in {place}); it trades from the next tick"
        ))
    }

    /// Lets account `name` go once it is flat with nothing working (see the module docs).
    pub(crate) fn remove(&self, name: &str) -> Result<String, Refusal> {
        let (reply, answer) = ReplyTo::pair();
        let index = self.ask(
            EngineMsg::RemoveAccount {
                account: name.to_string(),
                reply,
            },
            &answer,
        )?;
        let _ = self.venues.send(VenueChange::Remove { index });
        let leaving = self.running.lock().ok().and_then(|mut running| {
            let k = running.iter().position(|a| a.books.dir.name == name)?;
            Some(running.remove(k))
        });
        let Some(leaving) = leaving else {
            return Err(Refusal::new(
                "UNKNOWN_ACCOUNT",
                format!("no account `{name}` in this daemon"),
            ));
        };
        let place = leaving.books.dir.dir.display().to_string();
        leaving.ask_stop(true);
        let summary = leaving.finish().map_err(|e| refused("ACCOUNT_FILES", e))?;
        let differ = !summary.orders.differences.is_empty();
        if let Ok(mut removed) = self.removed.lock() {
            removed.push(summary);
        }
        self.stats.remove_account(name);
        Ok(match differ {
            false => format!("account {name} removed; its books agree and stay in {place}"),
            true => format!("account {name} removed; its journal and broker book DISAGREE (see `sharewise reconcile`); they stay in {place}"),
        })
    }

    /// Sends `msg` to the engine thread and waits for its answer.
    fn ask(
        &self,
        msg: EngineMsg,
        answer: &crossbeam_channel::Receiver<Result<usize, Refusal>>,
    ) -> Result<usize, Refusal> {
        crate::handle::ask_engine(&self.engine, msg, answer)?
    }
}

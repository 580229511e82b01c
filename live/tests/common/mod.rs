//! Shared rigs for the live crate's integration tests: an account actor driven by hand, and an
//! order actor over a real journal and a paper broker. Prices, times, signals, orders, fills and
//! temporary directories come from `sharewise-testkit` (re-exported here, so `use common::*`
//! brings them in).
//!
//! Everything is single-threaded and deterministic: the account actor is called directly, the
//! order actor runs to completion on a current-thread tokio runtime for each batch of messages
//! (ending with `Stop`), and ticks reach the paper broker only when a test feeds them.

#![allow(dead_code, unused_imports)]

use std::sync::atomic::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;
use sharewise_actors::{
    mpsc_link, Actor, Ctx, Decision, Doorbell, Event, EventBus, EventKind, EventStream, Input,
    MpscReceiver, MpscSender,
};
use sharewise_brokers::{Broker, BrokerTrade, PaperBroker, PaperConfig, SharedPaper};
use sharewise_config::StrategyMode;
use sharewise_engine::strategy::Signal;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{
    ClientOrderId, Instrument, InstrumentId, Order, Portfolio, Product, Qty, Side,
};
use sharewise_live::account::{AccountActor, AccountSetup, Accounts, StrategyInfo, WorkingOrder};
use sharewise_live::error::LiveError;
use sharewise_live::messages::{EngineMsg, OrderCommand, OrderMsg, OrderReport};
use sharewise_live::order_actor::{OrderActor, OrderActorReport};
use sharewise_live::progress::Progress;
use sharewise_live::stats::{AccountStats, LiveStats};
use sharewise_risk::{PreTradeRisk, RiskConfig, Sizing};
use sharewise_store::{Journal, OrderEvent, OrderStatus};
use tokio::sync::mpsc::{channel, Receiver};

pub use sharewise_testkit::{at, d, fill, limit, market, p, signal, tick, tmp};

pub const INFY: InstrumentId = InstrumentId(0);
pub const TCS: InstrumentId = InstrumentId(1);

/// Supervisor index of the auto strategy.
pub const AUTO: usize = 0;
/// Supervisor index of the manual strategy.
pub const MANUAL: usize = 1;
pub const AUTO_NAME: &str = "sma_cross(10,30)@INFY";
pub const MANUAL_NAME: &str = "rsi_reversion(14)@INFY";

pub fn instruments() -> Vec<Instrument> {
    vec![
        Instrument::nse_equity(0, "INFY"),
        Instrument::nse_equity(1, "TCS"),
    ]
}

/// What an account rig starts from (defaults: ₹10 00 000, FixedQty(10), CNC, no shorts).
pub struct AccountOpts {
    pub sizing: Sizing,
    pub risk: RiskConfig,
    pub product: Product,
    pub allow_short: bool,
    pub portfolio: Portfolio,
    pub working: Vec<WorkingOrder>,
    pub next_client_id: u64,
    pub trailing_stop_bps: Option<i64>,
    pub warm_until: TimestampNs,
    pub stopping: sharewise_actors::Shutdown,
    pub brackets: Vec<(usize, sharewise_engine::account::Bracket)>,
    pub realized_today: Decimal,
    pub realized_day: i64,
    pub order_queue: usize,
    pub trading_state: Option<(sharewise_risk::TradingState, String)>,
}

impl Default for AccountOpts {
    fn default() -> AccountOpts {
        AccountOpts {
            sizing: Sizing::FixedQty(10),
            risk: RiskConfig::default(),
            product: Product::Cnc,
            allow_short: false,
            portfolio: Portfolio::new(Decimal::from(1_000_000), 2),
            working: Vec::new(),
            next_client_id: 1,
            trailing_stop_bps: None,
            warm_until: TimestampNs::MIN,
            stopping: sharewise_actors::Shutdown::new(),
            brackets: Vec::new(),
            realized_today: Decimal::ZERO,
            realized_day: i64::MIN,
            order_queue: 1024,
            trading_state: None,
        }
    }
}

/// What the order actor of account 0 tells the engine about `report`.
pub fn reported(report: OrderReport) -> EngineMsg {
    EngineMsg::Report { account: 0, report }
}

/// One account behind the engine's account router, driven by hand.
pub struct AccountRig {
    pub accounts: Accounts,
    pub orders: Receiver<OrderMsg>,
    pub bus: EventBus,
    pub stream: EventStream,
    /// The daemon's counters (clock, marks, ticks).
    pub stats: Arc<LiveStats>,
    /// The account's counters.
    pub account: Arc<AccountStats>,
    pub progress: Arc<Progress>,
}

impl AccountRig {
    pub fn new(opts: AccountOpts) -> AccountRig {
        let (tx, orders) = channel(opts.order_queue);
        let (bus, stream) = EventBus::bounded(1024);
        let stats = Arc::new(LiveStats::new(2, &["main"]));
        let account = Arc::clone(&stats.accounts()[0]);
        let progress = Arc::new(Progress::default());
        let actor = AccountActor::new(AccountSetup {
            name: "main".into(),
            instruments: instruments(),
            strategies: vec![
                StrategyInfo {
                    name: AUTO_NAME.into(),
                    id: "sma_cross".into(),
                    mode: Some(StrategyMode::Auto),
                },
                StrategyInfo {
                    name: MANUAL_NAME.into(),
                    id: "rsi_reversion".into(),
                    mode: Some(StrategyMode::Manual),
                },
            ],
            risk: PreTradeRisk::with_config(opts.sizing, opts.risk, opts.product),
            product: opts.product,
            allow_short: opts.allow_short,
            restored: sharewise_live::restore::Restored {
                portfolio: opts.portfolio,
                brackets: opts.brackets,
                realized_today: opts.realized_today,
                realized_day: opts.realized_day,
            },
            working: opts.working,
            next_client_id: opts.next_client_id,
            trailing_stop_bps: opts.trailing_stop_bps,
            orders: tx,
            trading_state: opts.trading_state,
            disputed: Vec::new(),
            progress: Arc::clone(&progress),
            stats: Arc::clone(&account),
            live: Arc::clone(&stats),
            warm_until: opts.warm_until,
            stopping: opts.stopping,
        });
        let accounts = Accounts::new(vec![actor], &bus, Arc::clone(&stats), Arc::clone(&progress));
        AccountRig {
            accounts,
            orders,
            bus,
            stream,
            stats,
            account,
            progress,
        }
    }

    /// The account actor.
    pub fn actor(&self) -> &AccountActor {
        self.accounts.account(0).expect("one account")
    }

    pub fn handle(&mut self, msg: Input<EngineMsg>, ts: TimestampNs) {
        let bus = self.bus.clone();
        self.accounts
            .handle(msg, &mut Ctx::new(0, ts, &bus, &mut |_| {}));
    }

    /// A trade of 100 shares of `instrument` at `price`, at `ts`.
    pub fn tick(&mut self, instrument: InstrumentId, price: &str, ts: TimestampNs) {
        self.handle(Input::Tick(tick(instrument, ts, price, 100)), ts);
    }

    /// A decision handled at `ts`.
    pub fn decide(&mut self, decision: Decision, ts: TimestampNs) {
        self.handle(Input::Message(EngineMsg::Decision(decision)), ts);
    }

    /// Strategy `strategy` signals `side` on `instrument` at `price`, decided at `ts`.
    pub fn signal(
        &mut self,
        strategy: usize,
        instrument: InstrumentId,
        side: Side,
        price: &str,
        ts: TimestampNs,
    ) {
        self.signal_with(strategy, signal(instrument, side, ts), price, ts);
    }

    pub fn signal_with(&mut self, strategy: usize, signal: Signal, price: &str, ts: TimestampNs) {
        self.decide(
            Decision::Signal {
                strategy,
                signal,
                price: p(price),
            },
            ts,
        );
    }

    pub fn report(&mut self, report: OrderReport, ts: TimestampNs) {
        self.handle(Input::Message(EngineMsg::Report { account: 0, report }), ts);
    }

    pub fn fill(
        &mut self,
        id: u64,
        instrument: InstrumentId,
        side: Side,
        qty: Qty,
        price: &str,
        ts: TimestampNs,
    ) {
        self.report(
            OrderReport::Fill(fill(id, instrument, side, qty, price, ts)),
            ts,
        );
    }

    /// Carries out `command` for account `main` at `ts`, as the daemon handle would.
    pub fn command(
        &mut self,
        command: sharewise_live::control::Command,
        ts: TimestampNs,
    ) -> Result<sharewise_live::control::Ack, sharewise_live::control::Refusal> {
        let (reply, answer) = sharewise_live::messages::ReplyTo::pair();
        let request = sharewise_live::control::CommandRequest {
            account: "main".into(),
            by: "test".into(),
            command,
        };
        self.handle(Input::Message(EngineMsg::Control { request, reply }), ts);
        answer.try_recv().expect("an answer at once")
    }

    /// Every order command sent since the last call.
    pub fn commands(&mut self) -> Vec<OrderCommand> {
        let mut out = Vec::new();
        while let Ok(msg) = self.orders.try_recv() {
            match msg {
                OrderMsg::Command(c) => out.push(c),
                other => panic!("the account actor sent {other:?}"),
            }
        }
        out
    }

    /// Every placement since the last call, as (order, symbol, strategy).
    pub fn placed(&mut self) -> Vec<(Order, String, String)> {
        self.commands()
            .into_iter()
            .map(|c| match c {
                OrderCommand::Place {
                    order,
                    symbol,
                    strategy,
                    ..
                } => (order, symbol, strategy),
                other => panic!("expected a placement, got {other:?}"),
            })
            .collect()
    }

    /// Every event published since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.stream.try_next()).collect()
    }

    pub fn kinds(&mut self) -> Vec<EventKind> {
        self.events().into_iter().map(|e| e.kind).collect()
    }

    /// Drops whatever was sent or published so far.
    pub fn clear(&mut self) {
        self.commands();
        self.events();
    }

    /// Buys 10 INFY through the auto strategy and fills them at `price` (client id returned).
    pub fn go_long(&mut self, price: &str, ts: TimestampNs) -> u64 {
        self.signal(AUTO, INFY, Side::Buy, price, ts);
        let placed = self.placed();
        assert_eq!(placed.len(), 1, "the entry order");
        let id = placed[0].0.client_id.0;
        self.fill(id, INFY, Side::Buy, placed[0].0.qty, price, ts);
        self.clear();
        id
    }

    pub fn stat(&self, f: impl Fn(&AccountStats) -> &std::sync::atomic::AtomicU64) -> u64 {
        f(&self.account).load(Ordering::Relaxed)
    }
}

/// The JSON `type` names of `kinds`, in order.
pub fn types(kinds: &[EventKind]) -> Vec<&'static str> {
    kinds.iter().map(EventKind::type_name).collect()
}

/// The journal's `Created` event for `order`: INFY, by the auto strategy, no exits.
pub fn created(order: Order) -> OrderEvent {
    OrderEvent::Created {
        order,
        symbol: "INFY".into(),
        strategy: AUTO_NAME.into(),
        stop_loss: None,
        take_profit: None,
    }
}

/// Journals `order` as [`created`] and then sent (as the order actor does before calling the
/// broker).
pub fn journal_sent(journal: &mut Journal, order: Order) {
    journal.record(&created(order)).unwrap();
    journal
        .record(&OrderEvent::Sent {
            client_id: order.client_id,
            ts: order.created_ts,
        })
        .unwrap();
}

pub fn place(order: Order) -> OrderMsg {
    OrderMsg::Command(OrderCommand::Place {
        order,
        symbol: "INFY".into(),
        strategy: AUTO_NAME.into(),
        stop_loss: None,
        take_profit: None,
    })
}

/// The paper broker the brief asks for: default config, INFY only (id 0).
pub fn paper(cfg: PaperConfig) -> SharedPaper {
    SharedPaper::new(PaperBroker::new(cfg, [Instrument::nse_equity(0, "INFY")]))
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

/// An order actor over a real journal in a temp dir and a paper broker, run batch by batch.
pub struct OrderRig {
    pub rt: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
    journal: Option<Journal>,
    pub broker: SharedPaper,
    pub engine_tx: MpscSender<EngineMsg>,
    pub engine_rx: MpscReceiver<EngineMsg>,
    pub bus: EventBus,
    pub stream: EventStream,
    pub progress: Arc<Progress>,
    /// The stop switch the next run watches.
    pub shutdown: sharewise_actors::Shutdown,
    /// How the next run watches the books (`None`: it does not).
    pub watch: Option<sharewise_live::order_actor::BookWatch>,
    /// What the broker pushes before the next run reads its inbox.
    pushed: Vec<sharewise_brokers::BrokerUpdate>,
}

impl OrderRig {
    pub fn new(cfg: PaperConfig) -> OrderRig {
        let dir = tmp();
        let journal = Journal::open(dir.path().join("journal.redb")).unwrap();
        let (engine_tx, engine_rx) = mpsc_link(1024, Doorbell::new());
        let (bus, stream) = EventBus::bounded(1024);
        OrderRig {
            rt: runtime(),
            dir,
            journal: Some(journal),
            broker: paper(cfg),
            engine_tx,
            engine_rx,
            bus,
            stream,
            progress: Arc::new(Progress::default()),
            shutdown: sharewise_actors::Shutdown::new(),
            watch: None,
            pushed: Vec::new(),
        }
    }

    /// The broker pushes `trades` (the next run hears them on its push stream).
    pub fn push_trades(&mut self, trades: Vec<BrokerTrade>) {
        self.pushed
            .push(sharewise_brokers::BrokerUpdate::Trades(trades));
    }

    /// The broker pushes `update`.
    pub fn push(&mut self, update: sharewise_brokers::BrokerUpdate) {
        self.pushed.push(update);
    }

    pub fn journal(&self) -> &Journal {
        self.journal.as_ref().expect("journal")
    }

    /// Takes the journal handle away (to close it, as a stopped process would).
    pub fn take_journal(&mut self) -> Journal {
        self.journal.take().expect("journal")
    }

    pub fn journal_mut(&mut self) -> &mut Journal {
        self.journal.as_mut().expect("journal")
    }

    /// Runs an order actor over `broker` on `msgs` followed by `Stop { cancel_open: false }`
    /// (unless `msgs` ends with a `Stop`), to completion.
    pub fn try_run_with<B: Broker>(
        &mut self,
        broker: B,
        mut msgs: Vec<OrderMsg>,
    ) -> Result<OrderActorReport, LiveError> {
        if !matches!(msgs.last(), Some(OrderMsg::Stop { .. })) {
            msgs.push(OrderMsg::Stop { cancel_open: false });
        }
        let (tx, rx) = channel(msgs.len());
        for m in msgs {
            tx.try_send(m).unwrap();
        }
        let (push_tx, push_rx) = channel(self.pushed.len().max(1));
        for update in self.pushed.drain(..) {
            push_tx.try_send(update).unwrap();
        }
        let journal = self.journal.take().expect("journal");
        let mut actor = OrderActor::new(
            journal,
            broker,
            self.engine_tx.clone(),
            self.bus.clone(),
            Arc::clone(&self.progress),
        )
        .with_shutdown(self.shutdown.clone());
        if let Some(watch) = self.watch.clone() {
            actor = actor.with_watch(watch);
        }
        match self.rt.block_on(actor.run(rx, push_rx)) {
            Ok((journal, report)) => {
                self.journal = Some(journal);
                Ok(report)
            }
            Err(e) => {
                // The actor (and its journal handle) is gone: reopen the file to look at it.
                self.journal = Some(Journal::open(self.dir.path().join("journal.redb")).unwrap());
                Err(e)
            }
        }
    }

    pub fn run(&mut self, msgs: Vec<OrderMsg>) -> OrderActorReport {
        let broker = self.broker.clone();
        self.try_run_with(broker, msgs).expect("order actor")
    }

    /// Feeds one tick to the paper broker; returns the trades it produced, with ids.
    pub fn tick(&self, price: &str, qty: i64, ts: TimestampNs) -> Vec<BrokerTrade> {
        let mut book = self.broker.lock().unwrap();
        let before = book.trade_count();
        book.on_tick(&tick(INFY, ts, price, qty)).unwrap();
        book.trades_from_seq(before)
    }

    /// Every message the engine inbox got since the last call.
    pub fn engine(&self) -> Vec<EngineMsg> {
        std::iter::from_fn(|| self.engine_rx.try_recv()).collect()
    }

    pub fn kinds(&self) -> Vec<EventKind> {
        std::iter::from_fn(|| self.stream.try_next())
            .map(|e| e.kind)
            .collect()
    }

    /// The journalled events, without sequence numbers.
    pub fn entries(&self) -> Vec<OrderEvent> {
        self.journal()
            .entries()
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect()
    }

    pub fn status(&self, id: u64) -> Option<OrderStatus> {
        self.journal()
            .state()
            .order(ClientOrderId(id))
            .map(|o| o.status)
    }
}

/// `(from, to)` of every `order` event.
pub fn transitions(kinds: &[EventKind]) -> Vec<(Option<String>, String)> {
    kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::Order { from, to, .. } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect()
}

pub fn tr(from: Option<&str>, to: &str) -> (Option<String>, String) {
    (from.map(str::to_string), to.to_string())
}

/// 10:00 IST on the test day.
pub fn ts0() -> TimestampNs {
    at(10, 0, 0)
}

/// An order rig whose paper clock stands at 10:00 IST.
pub fn rig(cfg: PaperConfig) -> OrderRig {
    let rig = OrderRig::new(cfg);
    rig.broker.lock().unwrap().set_clock(ts0()).unwrap();
    rig
}

/// Reads `rx` until `want` matches an event (at most `within`, else a panic naming the last
/// events); every event read, in order.
pub fn until(
    rx: &mut sharewise_actors::EventReceiver,
    within: std::time::Duration,
    want: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let deadline = std::time::Instant::now() + within;
    let mut seen = Vec::new();
    while std::time::Instant::now() < deadline {
        if let Some(sharewise_actors::Delivery::Event(e)) =
            rx.next_timeout(std::time::Duration::from_millis(50))
        {
            let hit = want(&e);
            seen.push((*e).clone());
            if hit {
                return seen;
            }
        }
    }
    panic!(
        "not seen within {within:?}; last events: {:?}",
        seen.iter().rev().take(5).collect::<Vec<_>>()
    );
}

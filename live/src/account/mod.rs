//! The account actor: the engine thread's single owner of positions, cash and risk.
//!
//! It sees every tick first (marks, engine-managed stops and targets, the MIS square-off), then
//! the strategy stage's decisions. A signal from an `auto` strategy becomes an order request
//! through [`sharewise_engine::intent`] — the code the backtester uses — and the
//! [`PreTradeRisk`] gate; an approved one gets the next client order id and goes to the order
//! actor. Fills and final states come back from the order actor and update the book.
//!
//! Position for decisions: the filled position plus the unfilled rest of orders still working,
//! so a signal that arrives while an order is in flight does not send a second one.
//!
//! Engine-managed exits (stop-loss, take-profit, trailing stop, MIS square-off, supervision's
//! flatten) are market orders that skip the risk gate: a reducing order must never be blocked —
//! except by the kill switch at `halted`, which stops every order.
//!
//! Orders go to the order actor over a bounded queue: when it is full, the signal is refused
//! with `ORDER_QUEUE_FULL` (an exit is tried again on the next tick), never queued without bound.
//! The order actor can put the account into `reducing` or `halted`
//! ([`EngineMsg::TradingState`]) when the journal and the broker disagree; so can the start,
//! when reconciliation left an order unresolved.
//!
//! Per tick: a few array reads and writes, no allocation; every 256 ticks the P&L counters for
//! the status line are refreshed (a pass over the instruments).

mod control;
mod router;

pub use router::Accounts;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;
use sharewise_actors::{Ctx, Decision, EventKind, Input, Severity};
use sharewise_config::StrategyMode;
use sharewise_engine::intent;
use sharewise_engine::risk::{AccountView, OrderRequest, Purpose, Rejection};
use sharewise_engine::strategy::Signal;
use sharewise_engine::time::{ist_day, TimestampNs};
use sharewise_engine::types::{
    ClientOrderId, Fill, Instrument, Order, Portfolio, Price, Product, Qty, Side, Tick,
};
use sharewise_risk::{codes, PreTradeRisk, TradingState};
use sharewise_store::OrderStatus;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::Sender;

use crate::messages::{EngineMsg, OrderCommand, OrderMsg, OrderReport};
use crate::progress::Progress;
use crate::restore::Restored;
use crate::stats::{AccountStats, LiveStats};
use sharewise_engine::account::{intraday, Bracket, ExitReason};

/// Ticks between refreshes of the status line's P&L counters.
const STATS_EVERY: u64 = 256;

/// What the account knows about each strategy (by supervisor index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyInfo {
    /// Name for events and the journal, e.g. `sma_cross(10,30)@INFY`.
    pub name: String,
    /// The `[[run.strategies]]` id it is an instance of, e.g. `sma_cross`.
    pub id: String,
    /// How the account follows it: `Auto` (orders go out), `Manual` (signals are only
    /// published), `None` (its signals are not this account's business).
    pub mode: Option<StrategyMode>,
}

/// An order of ours that may still fill (rebuilt from the journal on restart).
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingOrder {
    /// The order.
    pub order: Order,
    /// Shares still to fill.
    pub remaining: Qty,
    /// Stop and target to arm when an entry fills.
    pub bracket: Bracket,
}

/// Everything the account actor starts from.
pub struct AccountSetup {
    /// The account's name (commands and events name it).
    pub name: String,
    /// Instruments by id (index = id).
    pub instruments: Vec<Instrument>,
    /// Strategies by supervisor index.
    pub strategies: Vec<StrategyInfo>,
    /// The pre-trade gate (the same one the backtester uses).
    pub risk: PreTradeRisk,
    /// Product of new orders (CNC or MIS).
    pub product: Product,
    /// Whether SELL signals open shorts.
    pub allow_short: bool,
    /// Cash, positions, their exits and today's realised P&L, rebuilt from the journal.
    pub restored: Restored,
    /// Orders still working after reconciliation.
    pub working: Vec<WorkingOrder>,
    /// The next client order id (from the journal).
    pub next_client_id: u64,
    /// Trailing stop distance in basis points of the best price since entry; `None` = off.
    pub trailing_stop_bps: Option<i64>,
    /// Where order commands go (bounded: `[run] order_queue`).
    pub orders: Sender<OrderMsg>,
    /// The trading state to start in and why (`None`: active), e.g. `reducing` after an
    /// unresolved reconciliation.
    pub trading_state: Option<(TradingState, String)>,
    /// Symbols whose journal and broker books disagree at start: no orders in them at all.
    pub disputed: Vec<String>,
    /// Lockstep counters.
    pub progress: Arc<Progress>,
    /// The account's status counters.
    pub stats: Arc<AccountStats>,
    /// The daemon's counters (the engine's clock and latency, for snapshots).
    pub live: Arc<LiveStats>,
    /// Once triggered (graceful shutdown), signals no longer become orders.
    pub stopping: sharewise_actors::Shutdown,
    /// Ticks and signals at or before this time are history replayed after a restart: they warm
    /// the strategies up and are not traded.
    pub warm_until: TimestampNs,
}

/// Per-instrument trading state set by supervision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stopped {
    No,
    /// Flatten requested: close, then no new entries.
    Flatten,
    /// Hold the position; no new orders.
    Freeze,
}

/// The engine thread's account and risk actor (see the module docs).
pub struct AccountActor {
    name: String,
    instruments: Vec<Instrument>,
    strategies: Vec<StrategyInfo>,
    risk: PreTradeRisk,
    product: Product,
    allow_short: bool,
    portfolio: Portfolio,
    marks: Vec<Price>,
    /// Signed unfilled shares of working orders, per instrument.
    working_qty: Vec<Qty>,
    working: HashMap<ClientOrderId, WorkingOrder>,
    brackets: Vec<Bracket>,
    /// IST day each position was last traded on (MIS positions must not outlive it).
    position_day: Vec<i64>,
    stopped: Vec<Stopped>,
    /// The journal and the broker disagree on this instrument: no orders in it, exits included
    /// (an exit sized from the journal's position could open one at the broker).
    disputed: Vec<bool>,
    next_client_id: u64,
    trailing_stop_bps: Option<i64>,
    realized_today: Decimal,
    realized_day: i64,
    ticks: u64,
    orders: Sender<OrderMsg>,
    progress: Arc<Progress>,
    stats: Arc<AccountStats>,
    live: Arc<LiveStats>,
    warm_until: TimestampNs,
    stopping: sharewise_actors::Shutdown,
}

impl AccountActor {
    /// An account actor starting from `setup`.
    pub fn new(setup: AccountSetup) -> AccountActor {
        let n = setup.instruments.len();
        let mut actor = AccountActor {
            marks: vec![Price::ZERO; n],
            working_qty: vec![0; n],
            working: HashMap::new(),
            brackets: vec![Bracket::default(); n],
            // Restored positions date from the last activity before the restart.
            position_day: vec![
                if setup.warm_until == TimestampNs::MIN {
                    i64::MIN
                } else {
                    ist_day(setup.warm_until)
                };
                n
            ],
            stopped: vec![Stopped::No; n],
            disputed: vec![false; n],
            name: setup.name,
            instruments: setup.instruments,
            strategies: setup.strategies,
            risk: setup.risk,
            product: setup.product,
            allow_short: setup.allow_short,
            portfolio: setup.restored.portfolio,
            next_client_id: setup.next_client_id,
            trailing_stop_bps: setup.trailing_stop_bps,
            realized_today: setup.restored.realized_today,
            realized_day: setup.restored.realized_day,
            ticks: 0,
            orders: setup.orders,
            progress: setup.progress,
            stats: setup.stats,
            live: setup.live,
            warm_until: setup.warm_until,
            stopping: setup.stopping,
        };
        if let Some((state, reason)) = setup.trading_state {
            actor.risk.set_trading_state(state, reason);
        }
        actor
            .stats
            .set_trading_state(actor.risk.kill_switch().state());
        actor.dispute(&setup.disputed);
        for (i, bracket) in setup.restored.brackets {
            if let Some(slot) = actor.brackets.get_mut(i) {
                *slot = bracket;
            }
        }
        for w in setup.working {
            if let Some(slot) = actor.working_qty.get_mut(w.order.instrument.0 as usize) {
                *slot += w.order.side.sign() * w.remaining;
                actor.working.insert(w.order.client_id, w);
            }
        }
        actor
    }

    /// The portfolio as booked from fills.
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    /// The next client order id this actor would use.
    pub fn next_client_id(&self) -> u64 {
        self.next_client_id
    }

    /// Orders still working.
    pub fn working(&self) -> impl Iterator<Item = &WorkingOrder> {
        self.working.values()
    }

    /// What keeps the account from leaving the daemon: its open positions and working orders
    /// (`None`: flat, nothing working).
    pub fn holdings(&self) -> Option<String> {
        let held: Vec<String> = self
            .portfolio
            .positions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.qty != 0)
            .map(|(i, p)| format!("{} {:+}", self.symbol(i), p.qty))
            .collect();
        if held.is_empty() && self.working.is_empty() {
            return None;
        }
        Some(format!(
            "it holds {} and has {} working order(s)",
            if held.is_empty() {
                "no position".to_string()
            } else {
                held.join(", ")
            },
            self.working.len()
        ))
    }

    /// The account's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Another sender to the account's order actor (the daemon's, to stop it).
    pub fn order_sender(&self) -> Sender<OrderMsg> {
        self.orders.clone()
    }

    fn symbol(&self, i: usize) -> &str {
        &self.instruments[i].symbol
    }

    /// A trade tick (the router has checked the instrument and left out bar closes): marks,
    /// engine-managed exits, the MIS square-off.
    fn on_tick(&mut self, tick: &Tick, ctx: &mut Ctx<'_, ()>) {
        let i = tick.instrument.0 as usize;
        if i >= self.marks.len() {
            return;
        }
        self.marks[i] = tick.price;
        self.ticks += 1;
        // The position once working orders complete: an exit already on its way makes it flat,
        // so no second exit goes out; an entry still filling is closed along with what filled.
        let expected = self.portfolio.positions[i].qty + self.working_qty[i];
        if expected != 0 && tick.ts > self.warm_until {
            if self.product == Product::Mis
                && intraday::square_off_due(tick.ts, self.position_day[i])
            {
                self.exit(i, expected, tick.ts, "square_off", ctx);
            } else if let Some(reason) =
                self.brackets[i].on_price(expected, tick.price, self.trailing_stop_bps)
            {
                let source = match reason {
                    ExitReason::StopLoss => "bracket:stop_loss",
                    ExitReason::TakeProfit => "bracket:take_profit",
                    ExitReason::TrailingStop => "bracket:trailing_stop",
                };
                self.exit(i, expected, tick.ts, source, ctx);
            }
        }
        if self.ticks.is_multiple_of(STATS_EVERY) {
            self.refresh_stats();
        }
    }

    /// Sends a market order closing `held` shares of instrument `i`, outside the risk gate
    /// (but not past a halt).
    fn exit(&mut self, i: usize, held: Qty, ts: TimestampNs, source: &str, ctx: &mut Ctx<'_, ()>) {
        if self.risk.kill_switch().state() == TradingState::Halted || self.disputed[i] {
            return; // no orders at all: halted, or the broker contradicts the position to exit
        }
        let side = if held > 0 { Side::Sell } else { Side::Buy };
        // The bracket stays until the position is flat: if this exit is rejected (or the queue
        // is full), the next tick through the stop tries again.
        let order = self.new_order(i, side, held.abs(), ts);
        if let Err(why) = self.send(order, Bracket::default(), source.to_string()) {
            return self.reject(i, side, why, ctx);
        }
        ctx.publish(EventKind::RiskAccept {
            symbol: self.symbol(i).to_string(),
            side,
            qty: held.abs(),
            client_order_id: order.client_id.0,
        });
    }

    fn new_order(&mut self, i: usize, side: Side, qty: Qty, ts: TimestampNs) -> Order {
        let id = ClientOrderId(self.next_client_id);
        self.next_client_id += 1;
        Order::market(id, self.instruments[i].id, side, qty, self.product, ts)
    }

    /// Queues `order` for the order actor; a full queue refuses it with `ORDER_QUEUE_FULL`.
    fn send(&mut self, order: Order, bracket: Bracket, strategy: String) -> Result<(), Rejection> {
        let i = order.instrument.0 as usize;
        let symbol = self.instruments[i].symbol.clone();
        let (stop_loss, take_profit) = bracket.levels();
        match self.orders.try_send(OrderMsg::Command(OrderCommand::Place {
            order,
            symbol,
            strategy,
            stop_loss,
            take_profit,
        })) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(Rejection {
                    code: codes::ORDER_QUEUE_FULL,
                    detail: format!(
                        "{} orders are already waiting for the broker",
                        self.orders.max_capacity()
                    ),
                });
            }
            Err(TrySendError::Closed(_)) => {
                // The order actor is gone (shutting down or failed): nothing will place this order.
                self.progress.abandoned.store(true, Ordering::Release);
                return Err(Rejection {
                    code: codes::SHUTTING_DOWN,
                    detail: "the order actor has stopped".into(),
                });
            }
        }
        self.working_qty[i] += order.side.sign() * order.qty;
        self.working.insert(
            order.client_id,
            WorkingOrder {
                order,
                remaining: order.qty,
                bracket,
            },
        );
        LiveStats::bump(&self.stats.orders);
        Progress::bump(&self.progress.commands_sent);
        Ok(())
    }

    fn on_decision(&mut self, decision: Decision, ctx: &mut Ctx<'_, ()>) {
        match decision {
            Decision::Signal {
                strategy,
                signal,
                price,
            } => self.on_signal(strategy, signal, price, ctx),
            Decision::Flatten(id) => {
                let i = id.0 as usize;
                if i < self.stopped.len() {
                    self.stopped[i] = Stopped::Flatten;
                    let position = self.portfolio.positions[i].qty + self.working_qty[i];
                    if position != 0 {
                        self.exit(i, position, ctx.ts, "supervisor:flatten", ctx);
                    }
                }
            }
            Decision::Freeze(id) => {
                if let Some(s) = self.stopped.get_mut(id.0 as usize) {
                    *s = Stopped::Freeze;
                }
            }
        }
    }

    fn on_signal(&mut self, strategy: usize, signal: Signal, price: Price, ctx: &mut Ctx<'_, ()>) {
        if ctx.ts <= self.warm_until {
            return; // history replayed after a restart: decided and traded before
        }
        let i = signal.instrument.0 as usize;
        let Some(info) = self.strategies.get(strategy) else {
            return;
        };
        let Some(mode) = info.mode else {
            return; // a strategy this account does not follow
        };
        if i >= self.instruments.len() {
            return;
        }
        let (name, auto) = (info.name.clone(), mode == StrategyMode::Auto);
        LiveStats::bump(&self.stats.signals);
        let side = signal.side;
        ctx.publish(EventKind::Signal {
            strategy: name.clone(),
            symbol: self.symbol(i).to_string(),
            mode: if auto { "auto" } else { "manual" },
            signal: signal.clone(),
        });
        if !auto {
            return;
        }
        if let Err(why) = self.trade(i, name, &signal, price, ctx) {
            self.reject(i, side, why, ctx);
        }
    }

    /// Turns `signal` on instrument `i` (decided at `price`) into an order for `strategy`:
    /// sized and checked exactly as the backtester does, then queued for the order actor.
    /// `Ok(Some(order))`: sent; `Ok(None)`: nothing to send (or only a part was refused, which is
    /// published); `Err`: refused, for the caller to publish.
    fn trade(
        &mut self,
        i: usize,
        strategy: String,
        signal: &Signal,
        price: Price,
        ctx: &mut Ctx<'_, ()>,
    ) -> Result<Option<Order>, Rejection> {
        let side = signal.side;
        if self.stopping.is_triggered() {
            return Err(Rejection {
                code: codes::SHUTTING_DOWN,
                detail: "the daemon is stopping: no new orders".into(),
            });
        }
        if self.disputed[i] {
            return Err(Rejection { code: codes::BOOKS_DIFFER, detail: format!("the journal and the broker disagree on {}: no orders in it until they agree (see `sharewise reconcile`)", self.symbol(i)) });
        }
        if self.stopped[i] != Stopped::No {
            return Err(Rejection {
                code: codes::INSTRUMENT_STOPPED,
                detail: format!(
                    "{} was stopped by supervision after a strategy failure",
                    self.symbol(i)
                ),
            });
        }
        let position = self.portfolio.positions[i].qty + self.working_qty[i];
        let Some(purpose) = intent::purpose(side, position, self.allow_short) else {
            return Ok(None);
        };
        let request = OrderRequest {
            side,
            purpose,
            reference_price: signal.entry.unwrap_or(price),
            stop_loss: signal.stop_loss,
            ts: signal.ts,
        };
        if self.product == Product::Mis
            && intraday::entries_closed(ctx.ts)
            && matches!(purpose, Purpose::Enter { .. })
        {
            let why = intraday::cutoff();
            if let Purpose::Enter { closing } = purpose {
                if closing > 0 {
                    // A flip still closes the position it was reversing.
                    self.reject(i, side, why, ctx);
                    self.exit(i, position, ctx.ts, "square_off", ctx);
                    return Ok(None);
                }
            }
            return Err(why);
        }
        let approved = self.review(i, &request, price, position)?;
        if let Some(rejection) = &approved.entry_rejected {
            self.reject(i, side, rejection.clone(), ctx);
        }
        let tick = self.instruments[i].tick_size;
        let bracket = if approved.enters(&request) {
            Bracket::armed(
                signal.stop_loss.map(|p| p.round_to_tick(tick)),
                signal.take_profit.map(|p| p.round_to_tick(tick)),
            )
        } else {
            Bracket::default()
        };
        let order = self.new_order(i, side, approved.qty, ctx.ts);
        self.send(order, bracket, strategy)?;
        ctx.publish(EventKind::RiskAccept {
            symbol: self.symbol(i).to_string(),
            side,
            qty: approved.qty,
            client_order_id: order.client_id.0,
        });
        Ok(Some(order))
    }

    /// The risk gate's verdict on `request` for instrument `i` (decided at `price`, with the
    /// position counting working orders), seen from this account's book.
    fn review(
        &mut self,
        i: usize,
        request: &OrderRequest,
        price: Price,
        position: Qty,
    ) -> Result<intent::Approved, Rejection> {
        let (equity, unrealized, gross) = self.marked(i, price);
        let realized_pnl_today = if ist_day(request.ts) == self.realized_day {
            self.realized_today
        } else {
            Decimal::ZERO
        };
        let account = AccountView {
            instrument: &self.instruments[i],
            position_qty: position,
            cash: self.portfolio.cash,
            equity,
            last_trade_price: Some(price),
            realized_pnl_today,
            unrealized_pnl: unrealized,
            gross_exposure: gross,
        };
        intent::review(&mut self.risk, request, &account)
    }

    /// Equity, unrealised P&L and gross exposure at the current marks (instrument `i` marked at
    /// `price`, the price its strategy decided on).
    fn marked(&self, i: usize, price: Price) -> (Decimal, Decimal, Decimal) {
        let mut value = Decimal::ZERO;
        let mut unrealized = Decimal::ZERO;
        let mut gross = Decimal::ZERO;
        for (k, p) in self
            .portfolio
            .positions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.qty != 0)
        {
            let mark = if k == i { price } else { self.marks[k] };
            // No trade seen yet (a position restored for a symbol not yet ticking): at cost.
            let (mv, open) = if mark == Price::ZERO {
                (p.avg_price * Decimal::from(p.qty), Decimal::ZERO)
            } else {
                (p.market_value(mark), p.unrealized(mark))
            };
            value += mv;
            gross += mv.abs();
            unrealized += open;
        }
        (self.portfolio.cash + value, unrealized, gross)
    }

    fn reject(&mut self, i: usize, side: Side, rejection: Rejection, ctx: &mut Ctx<'_, ()>) {
        LiveStats::bump(&self.stats.rejections);
        ctx.publish(EventKind::RiskReject {
            symbol: self.symbol(i).to_string(),
            side,
            code: rejection.code.to_string(),
            detail: rejection.detail,
        });
    }

    fn on_report(&mut self, report: OrderReport, ctx: &mut Ctx<'_, ()>) {
        match report {
            OrderReport::Fill(fill) => {
                self.on_fill(&fill, ctx);
                Progress::bump(&self.progress.fills_applied);
            }
            OrderReport::Closed {
                client_id,
                status,
                unfilled,
            } => {
                if let Some(w) = self.working.remove(&client_id) {
                    let i = w.order.instrument.0 as usize;
                    self.working_qty[i] -= w.order.side.sign() * unfilled.min(w.remaining);
                    if status == OrderStatus::Rejected {
                        ctx.publish(EventKind::Alert {
                            severity: Severity::Warning,
                            source: format!("order:{client_id}"),
                            message: format!(
                                "{} {} {} rejected by the broker",
                                w.order.side,
                                w.order.qty,
                                self.symbol(i)
                            ),
                        });
                    }
                }
            }
            OrderReport::Unresolved { client_id } => {
                ctx.publish(EventKind::Alert { severity: Severity::Critical, source: format!("order:{client_id}"), message: "placement unresolved: the broker may or may not have it; reconcile before trading this instrument".into() });
            }
        }
    }

    fn on_fill(&mut self, fill: &Fill, ctx: &mut Ctx<'_, ()>) {
        let i = fill.instrument.0 as usize;
        if i >= self.instruments.len() {
            return;
        }
        LiveStats::bump(&self.stats.fills);
        let realized = self.portfolio.apply(fill) - fill.fees;
        let day = ist_day(fill.ts);
        self.position_day[i] = day;
        self.realized_today = if day == self.realized_day {
            self.realized_today + realized
        } else {
            realized
        };
        self.realized_day = day;
        if let Some(w) = self.working.get_mut(&fill.client_id) {
            let qty = fill.qty.min(w.remaining);
            w.remaining -= qty;
            self.working_qty[i] -= fill.side.sign() * qty;
            if w.bracket.is_armed() {
                self.brackets[i] = w.bracket;
                self.brackets[i].start(fill.price);
            }
            if w.remaining == 0 {
                self.working.remove(&fill.client_id);
            }
        }
        if self.portfolio.positions[i].qty == 0 {
            self.brackets[i] = Bracket::default();
        }
        let position = &self.portfolio.positions[i];
        let mark = if self.marks[i] == Price::ZERO {
            fill.price
        } else {
            self.marks[i]
        };
        ctx.publish(EventKind::Pnl {
            instrument: Some(fill.instrument),
            realized: position.realized_pnl.normalize(),
            unrealized: position.unrealized(mark).normalize(),
            mark: Some(mark),
        });
        self.refresh_stats();
        let realized: Decimal = self
            .portfolio
            .positions
            .iter()
            .map(|p| p.realized_pnl)
            .sum();
        let unrealized = Decimal::from(self.stats.unrealized_paise.load(Ordering::Relaxed))
            / Decimal::ONE_HUNDRED;
        ctx.publish(EventKind::Pnl {
            instrument: None,
            realized: realized.normalize(),
            unrealized: unrealized.normalize(),
            mark: None,
        });
    }

    /// Marks `symbols` disputed: no orders in them until a restart finds the books agreeing.
    fn dispute(&mut self, symbols: &[String]) {
        for symbol in symbols {
            if let Some(i) = self
                .instruments
                .iter()
                .position(|inst| &inst.symbol == symbol)
            {
                self.disputed[i] = true;
            }
        }
    }

    /// Puts the account into `state` for `reason` (the stricter of this and any automatic trip
    /// is in force) and says so.
    fn set_trading_state(&mut self, state: TradingState, reason: String, ctx: &mut Ctx<'_, ()>) {
        self.risk.set_trading_state(state, reason.clone());
        self.stats
            .set_trading_state(self.risk.kill_switch().state());
        ctx.publish(EventKind::Alert {
            severity: Severity::Critical,
            source: "account".into(),
            message: format!("trading {}: {reason}", state.describe()),
        });
    }

    fn refresh_stats(&self) {
        let mut open = 0u64;
        let mut realized = Decimal::ZERO;
        let mut unrealized = Decimal::ZERO;
        for p in &self.portfolio.positions {
            realized += p.realized_pnl;
            if p.qty != 0 {
                open += 1;
                let mark = self.marks[p.instrument.0 as usize];
                if mark != Price::ZERO {
                    unrealized += p.unrealized(mark);
                }
            }
        }
        let paise =
            |d: Decimal| i64::try_from((d * Decimal::ONE_HUNDRED).round()).unwrap_or(i64::MAX);
        self.stats.open_positions.store(open, Ordering::Relaxed);
        self.stats
            .realized_paise
            .store(paise(realized), Ordering::Relaxed);
        self.stats
            .unrealized_paise
            .store(paise(unrealized), Ordering::Relaxed);
        // A daily-loss trip (or its expiry) changes the state inside the risk check.
        self.stats
            .set_trading_state(self.risk.kill_switch().state());
    }
}

impl AccountActor {
    /// Handles one message addressed to this account (the router, [`Accounts`], has done the
    /// addressing and the per-tick bookkeeping shared by all accounts).
    fn handle_msg(&mut self, msg: Input<EngineMsg>, ctx: &mut Ctx<'_, ()>) {
        match msg {
            Input::Tick(tick) => self.on_tick(&tick, ctx),
            Input::Message(EngineMsg::Decision(decision)) => self.on_decision(decision, ctx),
            Input::Message(EngineMsg::Report { report, .. }) => self.on_report(report, ctx),
            Input::Message(EngineMsg::TradingState {
                state,
                reason,
                symbols,
                ..
            }) => {
                self.dispute(&symbols);
                self.set_trading_state(state, reason, ctx);
            }
            Input::Message(EngineMsg::Control { request, reply }) => {
                let outcome = self.on_control(request, ctx);
                reply.send(outcome);
            }
            Input::Message(EngineMsg::Snapshot { reply, .. }) => reply.send(Ok(self.snapshot())),
            // Counted, or carried out, by the router.
            Input::Message(
                EngineMsg::TickDone
                | EngineMsg::AddAccount { .. }
                | EngineMsg::RemoveAccount { .. },
            ) => {}
        }
    }
}

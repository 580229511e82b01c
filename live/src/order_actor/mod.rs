//! The order actor: one per broker account, on a tokio runtime off the tick path.
//!
//! Every transition is journalled **before** it is acted on: `Created` and `Sent` are committed
//! before the placement leaves, `Acknowledged`/`Rejected`/`Unresolved` as the broker answers,
//! fills (with the broker's trade id, so a repeated fill is ignored) before the engine books
//! them. The client order id is the broker's tag, so a placement is never duplicated: an
//! ambiguous reply is looked up by tag, never re-sent blindly, and retries of a failed request
//! carry the same tag.
//!
//! A journal failure stops the actor (and with it the daemon): without the journal nothing may
//! be sent.
//!
//! **Two inputs**: a bounded queue (`[run] order_queue`) carries the account's commands and the
//! daemon's stop, in the order they were sent (the account refuses signals with
//! `ORDER_QUEUE_FULL` when it is full); the broker's push stream ([`Broker::subscribe`],
//! [`updates`]) carries its executions, order changes and session changes, as a real broker's
//! order-update WebSocket does — no fill comes through the feed. Once a stop is requested,
//! commands still queued are **dropped and counted** — they were never journalled, so nothing
//! was sent — while a placement already under way is finished and journalled, and fills are
//! still booked (everything pushed before the stop). Fills pushed one behind another are
//! journalled in **one** commit ([`Journal::record_batch`]), so a backlog on a slow disk costs
//! one fsync, not one per fill, and a stop under load is quick. A forced stop (a second Ctrl-C)
//! ends the actor between two journal commits.
//!
//! **Watching the books** ([`watch`]): every `[run] compare_every_s` and at stop the actor books
//! any broker trade the journal lacks, then compares positions and realised P&L with the
//! broker's; a difference is a critical alert and puts the account into `[run]
//! on_book_mismatch`.

mod updates;
mod watch;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sharewise_actors::{Event, EventBus, EventKind, MpscSender, Shutdown};
use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, PlaceOutcome, UpdateReceiver, VenueStatus,
};
use sharewise_engine::types::{ClientOrderId, Order};
use sharewise_store::{Applied, Journal, OrderEvent, OrderStatus, Recorded};
use tokio::sync::mpsc::Receiver;

use crate::books::BookDifference;
use crate::error::LiveError;
use crate::messages::{EngineMsg, OrderCommand, OrderMsg, OrderReport};
use crate::progress::Progress;

pub use watch::BookWatch;

/// How often the actor looks at the stop switch while it waits for messages.
const STOP_POLL: Duration = Duration::from_millis(25);

/// Attempts for a placement whose error says a retry is safe.
const PLACE_ATTEMPTS: u32 = 3;

/// Most fills journalled in one commit (a burst behind a slow disk).
const FILL_BATCH: usize = 4096;

/// What the order actor did, for the daemon's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderActorReport {
    /// Orders placed with the broker.
    pub placed: u64,
    /// Orders the broker rejected.
    pub rejected: u64,
    /// Fills journalled.
    pub fills: u64,
    /// Orders cancelled at shutdown.
    pub cancelled_at_stop: u64,
    /// Orders still queued when the stop was requested: dropped before being journalled, so
    /// never sent.
    pub dropped_at_stop: u64,
    /// Broker fills the journal lacked, booked by a comparison sweep (not by the feed).
    pub swept_fills: u64,
    /// Where the journal and the broker disagreed at the last comparison (at stop: the final
    /// word; empty when they agree).
    pub differences: Vec<BookDifference>,
    /// Whether the books were compared at stop.
    pub compared_at_stop: bool,
}

/// The order actor (see the module docs).
pub struct OrderActor<B: Broker> {
    journal: Journal,
    broker: B,
    engine: MpscSender<EngineMsg>,
    events: EventBus,
    progress: Arc<Progress>,
    report: OrderActorReport,
    shutdown: Shutdown,
    watch: Option<BookWatch>,
    /// The account's index in the daemon (reports are addressed with it).
    account: usize,
    /// Whether the broker session holds the account back.
    session: SessionHold,
}

/// The account held back by its broker session (needs a login, broker down), and whether the
/// session has come back since.
#[derive(Clone, Copy, Debug, Default)]
struct SessionHold {
    held: bool,
    resume_due: bool,
}

impl<B: Broker> OrderActor<B> {
    /// An actor journalling into `journal`, trading through `broker`, reporting to `engine`.
    pub fn new(
        journal: Journal,
        broker: B,
        engine: MpscSender<EngineMsg>,
        events: EventBus,
        progress: Arc<Progress>,
    ) -> OrderActor<B> {
        let session = SessionHold {
            held: !broker.session().is_connected(),
            resume_due: false,
        };
        OrderActor {
            session,
            journal,
            broker,
            engine,
            events,
            progress,
            report: OrderActorReport::default(),
            shutdown: Shutdown::new(),
            watch: None,
            account: 0,
        }
    }

    /// Reports as account `index` of the daemon (default 0, the first).
    pub fn for_account(mut self, index: usize) -> OrderActor<B> {
        self.account = index;
        self
    }

    /// Watches `shutdown`: once triggered, queued commands are dropped; once forced, the actor
    /// ends between two journal commits.
    pub fn with_shutdown(mut self, shutdown: Shutdown) -> OrderActor<B> {
        self.shutdown = shutdown;
        self
    }

    /// Compares the journal's book with the broker's as `watch` says (see [`watch`]).
    pub fn with_watch(mut self, watch: BookWatch) -> OrderActor<B> {
        self.watch = Some(watch);
        self
    }

    /// Handles messages until [`OrderMsg::Stop`] (or every sender is gone); returns the journal
    /// (for a final look) and what was done.
    pub async fn run(
        mut self,
        mut inbox: Receiver<OrderMsg>,
        mut updates: UpdateReceiver,
    ) -> Result<(Journal, OrderActorReport), LiveError> {
        let outcome = self.serve(&mut inbox, &mut updates).await;
        if outcome.is_err() {
            self.progress.abandoned.store(true, Ordering::Release);
        }
        self.progress.orders_done.store(true, Ordering::Release);
        outcome.map(|()| (self.journal, self.report))
    }

    async fn serve(
        &mut self,
        inbox: &mut Receiver<OrderMsg>,
        updates: &mut UpdateReceiver,
    ) -> Result<(), LiveError> {
        let mut sweep = self
            .watch
            .as_ref()
            .and_then(|w| w.every)
            .map(|every| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
        let mut poll = tokio::time::interval(STOP_POLL);
        let mut listening = true;
        loop {
            if self.shutdown.is_forced() {
                return Ok(());
            }
            tokio::select! {
                // A due comparison first: a busy inbox must not starve it. Then what the broker
                // pushed: a fill is news about an order already placed, and booking it first
                // lets a backlog go to the journal in one commit.
                biased;
                () = watch::tick(&mut sweep) => self.compare().await?,
                update = updates.recv(), if listening => match update {
                    Some(update) => {
                        self.on_update(update, updates)?;
                        self.resume_if_due().await?;
                    }
                    // The broker side is gone; its books still hold everything (sweeps and the
                    // next start's reconciliation read them).
                    None => listening = false,
                },
                msg = inbox.recv() => match msg {
                    Some(OrderMsg::Command(cmd)) => self.command(cmd).await?,
                    Some(OrderMsg::Stop { cancel_open }) => {
                        // Everything pushed before the stop is booked first.
                        self.drain(updates)?;
                        return self.stop(cancel_open).await;
                    }
                    None => return Ok(()),
                },
                _ = poll.tick() => {}
            }
        }
    }

    /// Places or cancels as asked; after a stop request, drops the command (never journalled,
    /// never sent) and counts it.
    async fn command(&mut self, cmd: OrderCommand) -> Result<(), LiveError> {
        if self.shutdown.is_triggered() {
            self.drop_command();
            return Ok(());
        }
        let outcome = match cmd {
            OrderCommand::Place {
                order,
                symbol,
                strategy,
                stop_loss,
                take_profit,
            } => {
                self.place(OrderEvent::Created {
                    order,
                    symbol,
                    strategy,
                    stop_loss,
                    take_profit,
                })
                .await
            }
            OrderCommand::Cancel { client_id } => self.cancel(client_id).await,
        };
        Progress::bump(&self.progress.commands_done);
        outcome
    }

    /// Counts a command dropped after the stop request (it was never journalled or sent).
    fn drop_command(&mut self) {
        self.report.dropped_at_stop += 1;
        Progress::bump(&self.progress.commands_done);
    }

    /// Journals broker executions reported by the feed, in one commit (one by one if the
    /// batch is refused, so every good fill before a bad one is kept).
    fn book_fills(&mut self, trades: Vec<BrokerTrade>) -> Result<(), LiveError> {
        let ours: Vec<&BrokerTrade> = trades.iter().filter(|t| self.is_ours(t)).collect();
        let events: Vec<OrderEvent> = ours
            .iter()
            .map(|t| OrderEvent::Filled {
                fill: t.fill,
                trade_id: t.trade_id.clone(),
            })
            .collect();
        let not_booked = trades.len() - ours.len();
        match self.journal.record_batch(&events) {
            Ok(applied) => {
                for (trade, applied) in ours.into_iter().zip(applied) {
                    self.booked(trade, &applied);
                }
            }
            Err(_) if events.len() > 1 => {
                for trade in ours {
                    self.fill(trade)?;
                }
            }
            Err(e) => {
                Progress::bump(&self.progress.fills_applied);
                return Err(e.into());
            }
        }
        for _ in 0..not_booked {
            // The engine will not see these: count them so a lockstep feed goes on.
            Progress::bump(&self.progress.fills_applied);
        }
        Ok(())
    }

    /// The end (everything sent before it is handled): open orders cancelled if asked, the books
    /// compared a last time.
    async fn stop(&mut self, cancel_open: bool) -> Result<(), LiveError> {
        // Without a session nothing can be cancelled or read: the next start reconciles.
        let reachable = self.broker.session().is_connected();
        if cancel_open && !self.shutdown.is_forced() && reachable {
            self.cancel_open().await?;
        }
        if self.watch.is_some() && !self.shutdown.is_forced() && reachable {
            self.compare().await?;
            self.report.compared_at_stop = self.broker.session().is_connected();
        }
        Ok(())
    }

    fn publish(&self, ts: i64, kind: EventKind) {
        self.events.publish(Event::new(ts, kind));
    }

    /// Journals `event`, then publishes the order's transition.
    fn record(&mut self, event: OrderEvent) -> Result<Recorded, LiveError> {
        let applied = self.journal.record_batch(std::slice::from_ref(&event))?;
        let Some(applied) = applied.into_iter().next() else {
            return Ok(Recorded::DuplicateFill);
        };
        self.publish_transition(&event, &applied);
        Ok(applied.recorded)
    }

    /// Publishes the order transition a journalled event made.
    fn publish_transition(&self, event: &OrderEvent, applied: &Applied) {
        let (Recorded::Appended(_), Some(o)) = (applied.recorded, &applied.order) else {
            return;
        };
        let reason = match event {
            OrderEvent::Rejected { reason, .. } | OrderEvent::Unresolved { reason, .. } => {
                Some(reason.clone())
            }
            _ => None,
        };
        let kind = EventKind::Order {
            client_order_id: o.client_id.0,
            symbol: o.symbol.clone(),
            side: o.side,
            qty: o.qty,
            filled_qty: o.filled_qty,
            from: applied.from.map(|s| s.as_str().to_string()),
            to: o.status.as_str().to_string(),
            reason,
        };
        self.publish(event.ts(), kind);
    }

    fn status(&self, id: ClientOrderId) -> Option<OrderStatus> {
        self.journal.state().order(id).map(|o| o.status)
    }

    /// Reports to the engine, waiting out a full inbox: a dropped report would let the engine's
    /// book drift from the journal.
    fn tell_engine(&self, report: OrderReport) {
        let msg = EngineMsg::Report {
            account: self.account,
            report,
        };
        if let Err(EngineMsg::Report {
            report: OrderReport::Fill(_),
            ..
        }) = self.engine.send_waiting(msg)
        {
            // The engine is done (the journal has the fill): count it as booked, so a lockstep
            // feed does not wait for it.
            Progress::bump(&self.progress.fills_applied);
        }
    }

    /// Journals `created` (an [`OrderEvent::Created`]) and `Sent`, then places the order.
    async fn place(&mut self, created: OrderEvent) -> Result<(), LiveError> {
        let OrderEvent::Created { order, .. } = &created else {
            return Ok(());
        };
        let order = *order;
        let id = order.client_id;
        self.record(created)?;
        self.record(OrderEvent::Sent {
            client_id: id,
            ts: order.created_ts,
        })?;
        let mut attempt = 1;
        let outcome = loop {
            match self.broker.place(&order).await {
                Err(e) if e.retry_safe() && attempt < PLACE_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                }
                other => break other,
            }
        };
        match outcome {
            Ok(PlaceOutcome::Placed(placed)) => self.acknowledge(&order, placed),
            Ok(PlaceOutcome::Unresolved { reason, .. }) => {
                self.record(OrderEvent::Unresolved {
                    client_id: id,
                    reason,
                    ts: order.created_ts,
                })?;
                match self.broker.order_by_tag(id).await {
                    Ok(Some(found)) => self.acknowledge(&order, found),
                    Ok(None) => {
                        // The tag is unknown to the broker: the placement never arrived.
                        self.record(OrderEvent::Cancelled {
                            client_id: id,
                            ts: order.created_ts,
                        })?;
                        self.tell_engine(OrderReport::Closed {
                            client_id: id,
                            status: OrderStatus::Cancelled,
                            unfilled: order.qty,
                        });
                        Ok(())
                    }
                    Err(_) => {
                        // Still ambiguous: reconciliation on the next start settles it.
                        self.tell_engine(OrderReport::Unresolved { client_id: id });
                        Ok(())
                    }
                }
            }
            Err(e) => self.rejected(&order, e),
        }
    }

    fn acknowledge(&mut self, order: &Order, placed: BrokerOrder) -> Result<(), LiveError> {
        let id = order.client_id;
        if placed.status == VenueStatus::Rejected {
            let reason = placed
                .status_message
                .unwrap_or_else(|| "rejected by the broker".into());
            return self.rejected(order, BrokerError::invalid(reason));
        }
        self.report.placed += 1;
        self.record(OrderEvent::Acknowledged {
            client_id: id,
            broker_order_id: placed.order_id,
            ts: placed.updated_ts.max(order.created_ts),
        })?;
        Ok(())
    }

    fn rejected(&mut self, order: &Order, error: BrokerError) -> Result<(), LiveError> {
        let id = order.client_id;
        self.report.rejected += 1;
        self.record(OrderEvent::Rejected {
            client_id: id,
            reason: error.to_string(),
            ts: order.created_ts,
        })?;
        self.tell_engine(OrderReport::Closed {
            client_id: id,
            status: OrderStatus::Rejected,
            unfilled: order.qty,
        });
        Ok(())
    }

    /// Whether `trade` is for an order we journalled; a stranger is a critical alert, not booked.
    fn is_ours(&self, trade: &BrokerTrade) -> bool {
        if self.status(trade.fill.client_id).is_some() {
            return true;
        }
        self.publish(
            trade.fill.ts,
            EventKind::Alert {
                severity: sharewise_actors::Severity::Critical,
                source: "order_actor".into(),
                message: format!(
                    "broker fill {} for unknown order {}; not booked",
                    trade.trade_id, trade.fill.client_id
                ),
            },
        );
        false
    }

    /// Journals one broker execution (a sweep, or a batch taken apart); `Ok(true)` when it was
    /// new and went to the engine.
    fn fill(&mut self, trade: &BrokerTrade) -> Result<bool, LiveError> {
        if !self.is_ours(trade) {
            Progress::bump(&self.progress.fills_applied);
            return Ok(false);
        }
        let event = OrderEvent::Filled {
            fill: trade.fill,
            trade_id: trade.trade_id.clone(),
        };
        match self.journal.record_batch(std::slice::from_ref(&event)) {
            Ok(applied) => Ok(applied.first().is_some_and(|a| self.booked(trade, a))),
            Err(e) => {
                Progress::bump(&self.progress.fills_applied);
                Err(e.into())
            }
        }
    }

    /// After a fill was journalled: publishes it and tells the engine; `true` when it was new.
    fn booked(&mut self, trade: &BrokerTrade, applied: &Applied) -> bool {
        if applied.recorded == Recorded::DuplicateFill {
            // The engine will not see this one: count it so a lockstep feed goes on.
            Progress::bump(&self.progress.fills_applied);
            return false;
        }
        let event = OrderEvent::Filled {
            fill: trade.fill,
            trade_id: trade.trade_id.clone(),
        };
        self.publish_transition(&event, applied);
        self.report.fills += 1;
        let symbol = applied
            .order
            .as_ref()
            .map(|o| o.symbol.clone())
            .unwrap_or_default();
        self.publish(
            trade.fill.ts,
            EventKind::Fill {
                symbol,
                trade_id: trade.trade_id.clone(),
                fill: trade.fill,
            },
        );
        self.tell_engine(OrderReport::Fill(trade.fill));
        true
    }

    async fn cancel(&mut self, id: ClientOrderId) -> Result<(), LiveError> {
        let Some(from) = self.status(id) else {
            return Ok(());
        };
        if from.is_terminal() {
            return Ok(());
        }
        match self.broker.cancel(id).await {
            Ok(cancelled) => {
                let unfilled = cancelled.request.qty - cancelled.filled_qty;
                self.record(OrderEvent::Cancelled {
                    client_id: id,
                    ts: cancelled.updated_ts,
                })?;
                self.tell_engine(OrderReport::Closed {
                    client_id: id,
                    status: OrderStatus::Cancelled,
                    unfilled,
                });
                Ok(())
            }
            // Already complete or gone at the broker: reconciliation brings the truth in.
            Err(e) => {
                self.publish(
                    0,
                    EventKind::Alert {
                        severity: sharewise_actors::Severity::Warning,
                        source: format!("order:{id}"),
                        message: format!("cancel refused: {e}"),
                    },
                );
                Ok(())
            }
        }
    }

    /// Cancels every order the journal still has working.
    async fn cancel_open(&mut self) -> Result<(), LiveError> {
        let open: Vec<ClientOrderId> = self
            .journal
            .orders()
            .into_iter()
            .filter(|o| matches!(o.status, OrderStatus::Open | OrderStatus::PartiallyFilled))
            .map(|o| o.client_id)
            .collect();
        for id in open {
            if self.shutdown.is_forced() {
                break;
            }
            let before = self.status(id);
            self.cancel(id).await?;
            if self.status(id) != before {
                self.report.cancelled_at_stop += 1;
            }
        }
        Ok(())
    }
}

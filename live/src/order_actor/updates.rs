//! The order actor's side of the broker's push stream ([`sharewise_brokers::update`]):
//! executions journalled in batches, order changes the broker made on its own (a cancellation
//! by the exchange, a rejection, the day's end), and session changes said aloud.

use sharewise_actors::{EventKind, Severity};
use sharewise_brokers::{
    Broker, BrokerOrder, BrokerTrade, BrokerUpdate, SessionState, UpdateReceiver, VenueStatus,
};
use sharewise_store::{OrderEvent, OrderStatus};

use super::{OrderActor, FILL_BATCH};
use crate::error::LiveError;
use crate::messages::OrderReport;

impl<B: Broker> OrderActor<B> {
    /// Handles one pushed update (and, for executions, the ones pushed right behind it).
    pub(super) fn on_update(
        &mut self,
        update: BrokerUpdate,
        updates: &mut UpdateReceiver,
    ) -> Result<(), LiveError> {
        let mut next = Some(update);
        while let Some(update) = next.take() {
            match update {
                BrokerUpdate::Trades(trades) => {
                    let (trades, after) = gather(trades, updates);
                    self.book_fills(trades)?;
                    next = after;
                }
                BrokerUpdate::Order(order) => self.on_order_changed(&order)?,
                BrokerUpdate::Session(state) => self.on_session(&state),
            }
        }
        Ok(())
    }

    /// Handles every update already pushed (at stop: nothing the broker said is left unheard).
    pub(super) fn drain(&mut self, updates: &mut UpdateReceiver) -> Result<(), LiveError> {
        while let Ok(update) = updates.try_recv() {
            self.on_update(update, updates)?;
        }
        Ok(())
    }

    /// An order the broker finished without us asking (cancelled by the exchange, rejected,
    /// expired): journalled, and the engine told the unfilled rest will never fill. Fills come
    /// as trades (before the change that completes the order); a change we already know of
    /// changes nothing.
    fn on_order_changed(&mut self, order: &BrokerOrder) -> Result<(), LiveError> {
        let id = order.tag();
        let Some(ours) = self.status(id) else {
            return Ok(());
        };
        if ours.is_terminal() {
            return Ok(());
        }
        let (event, status) = match order.status {
            VenueStatus::Cancelled => (
                OrderEvent::Cancelled {
                    client_id: id,
                    ts: order.updated_ts,
                },
                OrderStatus::Cancelled,
            ),
            VenueStatus::Rejected => (
                OrderEvent::Rejected {
                    client_id: id,
                    reason: order
                        .status_message
                        .clone()
                        .unwrap_or_else(|| "rejected by the exchange".into()),
                    ts: order.updated_ts,
                },
                OrderStatus::Rejected,
            ),
            _ => return Ok(()),
        };
        self.record(event)?;
        self.tell_engine(OrderReport::Closed {
            client_id: id,
            status,
            unfilled: order.request.qty - order.filled_qty,
        });
        Ok(())
    }

    /// A session change, said as an alert (critical when orders can no longer go out; a
    /// reconnection is worth a look). While the session is lost the broker sends nothing (each
    /// order is refused before it leaves, named as such); the account's trading state is left
    /// alone, so a kill switch or an operator's halt is never lifted by a session coming back.
    /// The session back (a new login, a good probe) sweeps the broker's books for what was
    /// missed and compares them ([`OrderActor::resume_if_due`]).
    fn on_session(&mut self, state: &SessionState) {
        let severity = if state.is_connected() {
            Severity::Warning
        } else {
            Severity::Critical
        };
        self.publish(
            0,
            EventKind::Alert {
                severity,
                source: "broker".into(),
                message: format!("broker session {}", state.describe()),
            },
        );
        if state.is_connected() {
            self.session.resume_due = self.session.held;
        } else {
            self.session.held = true;
            self.session.resume_due = false;
        }
    }

    /// After the session came back: the broker's books are swept for what was missed while it
    /// was lost, and compared (a difference puts the account into `[run] on_book_mismatch`).
    pub(super) async fn resume_if_due(&mut self) -> Result<(), LiveError> {
        if !std::mem::take(&mut self.session.resume_due) {
            return Ok(());
        }
        self.session.held = false;
        self.check_account().await;
        self.compare().await
    }

    /// The session's account must be the journal's (a login as another user would trade this
    /// journal against someone else's book): stamped if the journal has none yet, and a foreign
    /// one halts the account, loudly.
    async fn check_account(&mut self) {
        let Ok(user) = self.broker.account_id().await else {
            return; // the comparison that follows says what the broker answered
        };
        if let Err(e) = self.journal.stamp_account(&user) {
            self.publish(
                0,
                EventKind::Alert {
                    severity: Severity::Critical,
                    source: "broker".into(),
                    message: format!("the new session is not this account's: {e}"),
                },
            );
            let _ = self
                .engine
                .send_waiting(crate::messages::EngineMsg::TradingState {
                    account: self.account,
                    state: sharewise_risk::TradingState::Halted,
                    reason: format!("logged in as {user}, but this account's journal is another's"),
                    symbols: Vec::new(),
                });
        }
    }
}

/// Adds the executions pushed right behind `trades` (up to [`FILL_BATCH`]), so a burst is
/// journalled in one commit; returns them and the first update that is not one.
fn gather(
    mut trades: Vec<BrokerTrade>,
    updates: &mut UpdateReceiver,
) -> (Vec<BrokerTrade>, Option<BrokerUpdate>) {
    while trades.len() < FILL_BATCH {
        match updates.try_recv() {
            Ok(BrokerUpdate::Trades(more)) => trades.extend(more),
            Ok(other) => return (trades, Some(other)),
            Err(_) => break,
        }
    }
    (trades, None)
}

//! The order actor's watch over the two books: sweep the broker's trades into the journal, then
//! compare positions and realised P&L (see [`crate::books`]).
//!
//! A sweep reads the broker's trades since [`reconcile::window_start`] and journals the ones the
//! journal lacks — fills still on their way from the feed are booked now, and their later
//! delivery is recognised by its trade id — so a comparison never reports a fill that is merely
//! in flight. The broker's positions are read after the sweep, and a fill made in between can
//! still show as a difference; a difference therefore counts only if it is still there on a
//! second and third look, a moment apart.

use std::time::Duration;

use sharewise_actors::{EventKind, Severity};
use sharewise_brokers::Broker;
use sharewise_risk::TradingState;
use sharewise_store::{OrderEvent, Recorded, StoreError};
use tokio::time::Interval;

use super::OrderActor;
use crate::books::{self, BookDifference};
use crate::error::LiveError;
use crate::messages::{EngineMsg, OrderReport};
use crate::progress::Progress;
use crate::reconcile;
use crate::stats::AccountStats;

/// Looks before a difference counts.
const LOOKS: u32 = 3;
/// Pause between looks.
const LOOK_GAP: Duration = Duration::from_millis(200);

/// What the order actor needs to compare the books.
#[derive(Clone, Debug)]
pub struct BookWatch {
    /// Symbols by instrument id (the broker's positions are keyed by id).
    pub symbols: Vec<String>,
    /// Time between comparisons while running; `None` = only at stop.
    pub every: Option<Duration>,
    /// The state a difference puts the account into.
    pub on_mismatch: TradingState,
    /// Where the status line reads the current difference.
    pub stats: std::sync::Arc<AccountStats>,
    /// What the books are held to (quantities only for a real broker).
    pub compare: crate::books::Compare,
}

/// Waits for the next comparison; never, without an interval.
pub(super) async fn tick(interval: &mut Option<Interval>) {
    match interval {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

impl<B: Broker> OrderActor<B> {
    /// Sweeps, compares, and acts on a difference (alert, account state, status line). Not
    /// while the broker session is lost (the session's return sweeps and compares); a broker
    /// that fails mid-comparison is said aloud and tried again at the next one.
    pub(super) async fn compare(&mut self) -> Result<(), LiveError> {
        if !self.broker.session().is_connected() {
            return Ok(());
        }
        match self.compare_books().await {
            Err(LiveError::Broker(e)) => {
                let ts = self.journal.state().last_update().unwrap_or(0);
                self.publish(
                    ts,
                    EventKind::Alert {
                        severity: Severity::Warning,
                        source: "books".into(),
                        message: format!("the books could not be compared: the broker said {e}"),
                    },
                );
                Ok(())
            }
            other => other,
        }
    }

    async fn compare_books(&mut self) -> Result<(), LiveError> {
        let Some(watch) = self.watch.clone() else {
            return Ok(());
        };
        let mut differences = Vec::new();
        for look in 1..=LOOKS {
            self.sweep().await?;
            let broker = self.broker.positions().await?;
            differences = books::differences(
                &self.journal.positions(),
                &broker,
                &watch.symbols,
                watch.compare,
            );
            if differences.is_empty() || look == LOOKS || self.shutdown.is_forced() {
                break;
            }
            tokio::time::sleep(LOOK_GAP).await;
        }
        if differences != self.report.differences {
            self.announce(&watch, &differences);
        }
        self.report.differences = differences;
        Ok(())
    }

    fn announce(&self, watch: &BookWatch, differences: &[BookDifference]) {
        let ts = self.journal.state().last_update().unwrap_or(0);
        if differences.is_empty() {
            watch.stats.set_book_mismatch(None);
            let message = format!(
                "journal and broker agree again; the account stays {} until an operator resumes it",
                watch.on_mismatch.describe()
            );
            self.publish(
                ts,
                EventKind::Alert {
                    severity: Severity::Warning,
                    source: "books".into(),
                    message,
                },
            );
            return;
        }
        let what = books::describe(differences);
        watch.stats.set_book_mismatch(Some(what.clone()));
        let reason = format!("journal and broker disagree: {what}");
        self.publish(
            ts,
            EventKind::Alert {
                severity: Severity::Critical,
                source: "books".into(),
                message: format!("{reason}; account now {}", watch.on_mismatch.describe()),
            },
        );
        let symbols = differences.iter().map(|d| d.symbol.clone()).collect();
        let _ = self.engine.send_waiting(EngineMsg::TradingState {
            account: self.account,
            state: watch.on_mismatch,
            reason,
            symbols,
        });
    }

    /// Journals every broker trade of the reconciliation window the journal lacks, and tells
    /// the engine about each.
    async fn sweep(&mut self) -> Result<(), LiveError> {
        let since = reconcile::window_start(&self.journal);
        for trade in self.broker.trades_since(since).await? {
            if self.status(trade.fill.client_id).is_none() {
                continue;
            }
            let recorded = match self.record(OrderEvent::Filled {
                fill: trade.fill,
                trade_id: trade.trade_id.clone(),
            }) {
                // A fill that does not fit its order is not booked; the comparison shows it.
                Err(LiveError::Journal(
                    StoreError::BadFill { .. } | StoreError::IllegalTransition { .. },
                )) => continue,
                other => other?,
            };
            if let Recorded::Appended(_) = recorded {
                self.report.fills += 1;
                self.report.swept_fills += 1;
                let symbol = self
                    .journal
                    .state()
                    .order(trade.fill.client_id)
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
                // The feed's own delivery of this fill will be a duplicate that counts as
                // applied: count it as sent too, so lockstep waits stay balanced.
                Progress::bump(&self.progress.fills_sent);
                self.tell_engine(OrderReport::Fill(trade.fill));
            }
        }
        Ok(())
    }
}

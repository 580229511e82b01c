//! `sharewise recover`: a journal rebuilt from the broker's order and trade history.
//!
//! When the journal is lost (deleted, emptied, damaged beyond reading) but the broker's book is
//! not, the operator can rebuild it instead of starting a new account: every order the broker
//! has under one of our tags becomes `created → sent → acknowledged` (or `rejected`), every
//! execution is booked with its trade id, and cancelled orders are closed. The new journal is
//! stamped with the broker's account id, so the daemon accepts the pair, and its next client id
//! is above every tag the broker has seen.
//!
//! What the broker never knew cannot come back: the strategy that asked for an order (recorded
//! as `recovered`) and the engine-managed stop-loss and take-profit of open positions.

use sharewise_brokers::{Broker, VenueStatus};
use sharewise_engine::time::TimestampNs;
use sharewise_store::{Journal, OrderEvent, Recorded};

use crate::error::LiveError;

/// The strategy name recovered orders carry.
pub const RECOVERED: &str = "recovered";

/// What [`recover`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Orders journalled.
    pub orders: u64,
    /// Fills journalled.
    pub fills: u64,
    /// The account the journal is now stamped with.
    pub account_id: String,
}

/// Rebuilds the empty `journal` from `broker`'s whole history; `symbols[id]` names instrument
/// `id`. Refuses a journal that already holds events.
pub async fn recover<B: Broker>(
    journal: &mut Journal,
    broker: &B,
    symbols: &[String],
) -> Result<Recovered, LiveError> {
    if !journal.is_empty() {
        return Err(LiveError::Pairing(format!("{} already holds events: recover only fills a missing, empty or damaged journal; move it away first", journal.path().display())));
    }
    let account_id = broker.account_id().await?;
    let mut out = Recovered {
        account_id: account_id.clone(),
        ..Recovered::default()
    };
    let orders = broker.orders_since(TimestampNs::MIN).await?;
    for o in &orders {
        let id = o.tag();
        let symbol = symbols
            .get(o.request.instrument.0 as usize)
            .cloned()
            .ok_or_else(|| {
                LiveError::Pairing(format!(
                    "broker order {id} trades instrument #{} that feed.json does not name",
                    o.request.instrument.0
                ))
            })?;
        let ts = o.request.created_ts;
        journal.record(&OrderEvent::Created {
            order: o.request,
            symbol,
            strategy: RECOVERED.into(),
            stop_loss: None,
            take_profit: None,
        })?;
        journal.record(&OrderEvent::Sent { client_id: id, ts })?;
        if o.status == VenueStatus::Rejected {
            let reason = o
                .status_message
                .clone()
                .unwrap_or_else(|| "rejected by the broker".into());
            journal.record(&OrderEvent::Rejected {
                client_id: id,
                reason,
                ts: o.updated_ts.max(ts),
            })?;
        } else {
            journal.record(&OrderEvent::Acknowledged {
                client_id: id,
                broker_order_id: o.order_id.clone(),
                ts,
            })?;
        }
        out.orders += 1;
    }
    for trade in broker.trades_since(TimestampNs::MIN).await? {
        if let Recorded::Appended(_) = journal.record(&OrderEvent::Filled {
            fill: trade.fill,
            trade_id: trade.trade_id.clone(),
        })? {
            out.fills += 1;
        }
    }
    for o in orders.iter().filter(|o| o.status == VenueStatus::Cancelled) {
        journal.record(&OrderEvent::Cancelled {
            client_id: o.tag(),
            ts: o.updated_ts.max(o.request.created_ts),
        })?;
    }
    journal.stamp_account(&account_id)?;
    Ok(out)
}

/// What [`recover_dir`] did, for the operator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveredDir {
    /// What was journalled.
    pub recovered: Recovered,
    /// Where a damaged journal was moved aside, if there was one.
    pub damaged_kept_at: Option<std::path::PathBuf>,
}

/// Rebuilds the account's `journal.redb` from the paper broker's book and history beside it. A damaged
/// journal is kept beside it (`journal.redb.damaged-<unix seconds>`); a readable journal with
/// events is refused. The new journal is written under another name and renamed into place
/// only when complete, so an interrupted recovery leaves no half journal behind.
pub fn recover_dir(
    account: &crate::layout::AccountDir,
    settings: &sharewise_config::Settings,
) -> Result<RecoveredDir, LiveError> {
    use crate::startup::{instruments_of, paper_config, JOURNAL_FILE};
    let (journal_path, book_path) = (account.journal(), account.book());
    let dir = account.dir.as_path();
    let mut out = RecoveredDir::default();
    if journal_path.exists() {
        match Journal::open(&journal_path) {
            Ok(j) if !j.is_empty() => {
                return Err(LiveError::Pairing(format!("{} holds {} events: recover only rebuilds a missing, empty or damaged journal. Compare it with the broker's book with `sharewise reconcile {}`", journal_path.display(), j.state().last_seq(), account.flags())));
            }
            Ok(_) => {}
            Err(sharewise_store::StoreError::Locked { path }) => {
                return Err(LiveError::Pairing(format!(
                    "{} is open in a running daemon; stop it first",
                    path.display()
                )))
            }
            Err(_) => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let kept = dir.join(format!("{JOURNAL_FILE}.damaged-{secs}"));
                std::fs::rename(&journal_path, &kept).map_err(|e| {
                    LiveError::io(
                        format!("cannot move the damaged {} aside", journal_path.display()),
                        e,
                    )
                })?;
                out.damaged_kept_at = Some(kept);
            }
        }
    }
    let symbols = crate::state_dir::read(&account.root)?.map(|r| r.symbols).ok_or_else(|| LiveError::Pairing(format!("{} is missing: without it the broker's instrument ids have no symbols; restore it from a backup (it lists the symbols in instrument-id order)", account.feed_file().display())))?;
    let book = sharewise_brokers::PaperBroker::open_read_only(
        &book_path,
        paper_config(settings)?,
        instruments_of(&symbols),
    )?;
    let (counted, kept) = (
        book.trade_count(),
        book.trades_after(sharewise_engine::time::TimestampNs::MIN)
            .len() as u64,
    );
    if kept < counted {
        return Err(LiveError::Pairing(format!(
            "{} has booked {counted} fills but its day book and {} hold only {kept}: a journal rebuilt from them would miss fills. Restore the missing day files of {} from a backup first",
            book_path.display(),
            dir.join("paper-history").display(),
            dir.join("paper-history").display()
        )));
    }
    let broker = sharewise_brokers::SharedPaper::new(book);
    let building = dir.join(format!("{JOURNAL_FILE}.recovering"));
    if building.exists() {
        std::fs::remove_file(&building).map_err(|e| {
            LiveError::io(
                format!("cannot remove the leftover {}", building.display()),
                e,
            )
        })?;
    }
    let mut journal = Journal::open(&building)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| LiveError::io("cannot start a runtime", e))?;
    out.recovered = rt.block_on(recover(&mut journal, &broker, &symbols))?;
    drop(journal);
    std::fs::rename(&building, &journal_path)
        .map_err(|e| LiveError::io(format!("cannot move {} into place", building.display()), e))?;
    sharewise_store::files::sync_dir(dir)
        .map_err(|e| LiveError::io(format!("cannot sync {}", dir.display()), e))?;
    Ok(out)
}

//! The redb order journal: the order actor's write-ahead log of order transitions.
//!
//! # The contract
//!
//! [`Journal::record`] validates the event against the lifecycle, then commits it in **its own
//! write transaction with [`redb::Durability::Immediate`]** (fsync before `commit` returns), and
//! only then returns [`Recorded::Appended`]. The caller acts on an event (sends the order, books
//! the fill, tells the strategy) **only after** `record` returned `Appended`: a crash at any
//! point therefore leaves a journal that says at least as much as the outside world saw, and a
//! restarted daemon reconciles anything `sent` or `unresolved` with the broker by tag.
//!
//! Events are append-only under a sequence number that increases by one per committed event
//! (1, 2, 3, ...); nothing is ever updated or deleted. Fills are idempotent: a fill whose
//! `<client id>/<trade id>` key is already journalled returns [`Recorded::DuplicateFill`] and
//! writes nothing.
//!
//! # Readers while the daemon runs
//!
//! The file is opened in redb's [`ConcurrencyMode::SingleWriter`] (redb ≥ 4.5): one process
//! writes, and any number of other processes may open it with [`crate::JournalReader::open`] at the same
//! time and see every committed event. See [`crate::reader`].

use std::path::{Path, PathBuf};

use redb::{
    Builder, ConcurrencyMode, Database, Durability, ReadTransaction, ReadableTable, TableDefinition,
};
use rust_decimal::Decimal;
use sharewise_engine::types::ClientOrderId;

use crate::error::StoreError;
use crate::event::{Applied, JournalEntry, OrderEvent, Recorded};
use crate::guard::guarded;
use crate::state::{JournalState, OrderRecord, PositionRecord};

/// `seq → JSON of OrderEvent`: the append-only log.
pub(crate) const EVENTS: TableDefinition<u64, &str> = TableDefinition::new("order_events");
/// `<client id>/<trade id> → seq`: the fills already journalled.
pub(crate) const FILL_KEYS: TableDefinition<&str, u64> = TableDefinition::new("fill_keys");
/// `key → value`: what the file belongs to (`account_id`: the broker account it journals).
pub(crate) const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// The [`META`] key of the account id.
const ACCOUNT_ID: &str = "account_id";

/// The writer's handle on the journal file (one per process; the daemon's order actor holds it).
pub struct Journal {
    db: Database,
    path: PathBuf,
    state: JournalState,
    account_id: Option<String>,
    commit_delay: Option<std::time::Duration>,
    commits: u64,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("last_seq", &self.state.last_seq())
            .finish()
    }
}

/// The builder every handle uses, so writer and readers agree on the locking protocol.
pub(crate) fn builder() -> Builder {
    let mut b = Builder::new();
    b.set_concurrency_mode(ConcurrencyMode::SingleWriter);
    b
}

impl Journal {
    /// Opens the journal at `path`, creating the file and its tables if needed, repairing it if
    /// the last writer crashed, and replaying every event to rebuild the current state.
    ///
    /// A damaged file (redb reports corruption, panics on a bad page, or an event does not
    /// decode) fails with [`StoreError::Damaged`], never a panic.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal, StoreError> {
        let path = path.as_ref();
        guarded(path, || Journal::open_unguarded(path.to_path_buf()))
    }

    /// [`Journal::open`] without the guard that turns redb's panics into errors.
    fn open_unguarded(path: PathBuf) -> Result<Journal, StoreError> {
        let err = |e: redb::Error| StoreError::db(&path, e);
        let db = builder().create(&path).map_err(|e| err(e.into()))?;
        let txn = db.begin_write().map_err(|e| err(e.into()))?;
        txn.open_table(EVENTS).map_err(|e| err(e.into()))?;
        txn.open_table(FILL_KEYS).map_err(|e| err(e.into()))?;
        txn.open_table(META).map_err(|e| err(e.into()))?;
        txn.commit().map_err(|e| err(e.into()))?;
        let read = redb::ReadableDatabase::begin_read(&db).map_err(|e| err(e.into()))?;
        let state = replay(&read, &path)?;
        let account_id = read_account_id(&read, &path)?;
        Ok(Journal {
            db,
            path,
            state,
            account_id,
            commit_delay: None,
            commits: 0,
        })
    }

    /// Test hook: every commit of [`record`](Self::record) first waits `delay`, as on a slow
    /// disk (the daemon sets it from `SW_TEST_JOURNAL_DELAY_MS` for fault drills).
    pub fn set_commit_delay(&mut self, delay: Option<std::time::Duration>) {
        self.commit_delay = delay;
    }

    /// The broker account this journal belongs to, once stamped.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// Stamps the journal with the broker account it journals (durably). Stamping the same id
    /// again does nothing; another id is refused with [`StoreError::ForeignAccount`] unless the
    /// journal never recorded an event (nothing in it belongs to the old account).
    pub fn stamp_account(&mut self, account_id: &str) -> Result<(), StoreError> {
        match self.account_id.as_deref() {
            Some(id) if id == account_id => return Ok(()),
            Some(id) if !self.is_empty() => {
                return Err(StoreError::ForeignAccount {
                    path: self.path.clone(),
                    journal: id.to_string(),
                    wanted: account_id.to_string(),
                })
            }
            _ => {}
        }
        let path = &self.path;
        let err = |e: redb::Error| StoreError::db(path, e);
        let mut txn = self.db.begin_write().map_err(|e| err(e.into()))?;
        txn.set_durability(Durability::Immediate)
            .map_err(|e| err(e.into()))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| err(e.into()))?;
            meta.insert(ACCOUNT_ID, account_id)
                .map_err(|e| err(e.into()))?;
        }
        txn.commit().map_err(|e| err(e.into()))?;
        self.account_id = Some(account_id.to_string());
        Ok(())
    }

    /// Whether no event was ever journalled.
    pub fn is_empty(&self) -> bool {
        self.state.last_seq() == 0
    }

    /// Validates `event`, commits it durably, then applies it to the in-memory state.
    ///
    /// Act on the event only after this returns [`Recorded::Appended`] (see the module docs).
    /// An event the lifecycle forbids is refused with an error naming both states and the
    /// client id, and nothing is written.
    pub fn record(&mut self, event: &OrderEvent) -> Result<Recorded, StoreError> {
        let applied = self.record_batch(std::slice::from_ref(event))?;
        Ok(applied
            .first()
            .map_or(Recorded::DuplicateFill, |a| a.recorded))
    }

    /// Commits `events` in **one** durable transaction (one fsync for all of them: a burst of
    /// fills on a slow disk costs one commit, not one per fill), each validated against the
    /// state the ones before it leave.
    ///
    /// All or nothing: if any event is refused, or the commit fails, nothing is written and the
    /// in-memory state is what the file holds. Act on the events only after this returns.
    pub fn record_batch(&mut self, events: &[OrderEvent]) -> Result<Vec<Applied>, StoreError> {
        if events
            .iter()
            .all(|e| e.fill_key().is_some_and(|k| self.state.has_fill(&k)))
        {
            // Nothing new: no transaction, no fsync.
            return Ok(events
                .iter()
                .map(|_| Applied {
                    recorded: Recorded::DuplicateFill,
                    from: None,
                    order: None,
                })
                .collect());
        }
        let mut applied = Vec::with_capacity(events.len());
        let outcome = self.write_batch(events, &mut applied);
        if outcome.is_err()
            && applied
                .iter()
                .any(|a| matches!(a.recorded, Recorded::Appended(_)))
        {
            // Some events reached the in-memory state but not the file: read the file again.
            self.reload()?;
        }
        outcome.map(|()| applied)
    }

    /// Applies `events` to the state while writing them into one transaction, then commits.
    fn write_batch(
        &mut self,
        events: &[OrderEvent],
        applied: &mut Vec<Applied>,
    ) -> Result<(), StoreError> {
        let path = &self.path;
        let err = |e: redb::Error| StoreError::db(path, e);
        let mut txn = self.db.begin_write().map_err(|e| err(e.into()))?;
        txn.set_durability(Durability::Immediate)
            .map_err(|e| err(e.into()))?;
        {
            let mut table = txn.open_table(EVENTS).map_err(|e| err(e.into()))?;
            let mut keys = txn.open_table(FILL_KEYS).map_err(|e| err(e.into()))?;
            for event in events {
                let key = event.fill_key();
                if key.as_deref().is_some_and(|k| self.state.has_fill(k)) {
                    applied.push(Applied {
                        recorded: Recorded::DuplicateFill,
                        from: None,
                        order: None,
                    });
                    continue;
                }
                self.state.check(event)?;
                let seq = self.state.last_seq() + 1;
                let json = serde_json::to_string(event).map_err(StoreError::Encode)?;
                // Append-only: never overwrite (the transaction is dropped uncommitted).
                if table
                    .insert(seq, json.as_str())
                    .map_err(|e| err(e.into()))?
                    .is_some()
                {
                    return Err(StoreError::SeqTaken { seq });
                }
                if let Some(key) = key.as_deref() {
                    keys.insert(key, seq).map_err(|e| err(e.into()))?;
                }
                let from = self.state.order(event.client_id()).map(|o| o.status);
                self.state.apply(seq, event)?;
                let order = self.state.order(event.client_id()).cloned();
                applied.push(Applied {
                    recorded: Recorded::Appended(seq),
                    from,
                    order,
                });
            }
        }
        if let Some(delay) = self.commit_delay {
            std::thread::sleep(delay);
        }
        txn.commit().map_err(|e| err(e.into()))?;
        self.commits += 1;
        Ok(())
    }

    /// Durable commits of events through this handle (each one an fsync): how well bursts are
    /// batched.
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// Rebuilds the in-memory state from the file.
    fn reload(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.state = guarded(&path, || {
            let read = redb::ReadableDatabase::begin_read(&self.db)
                .map_err(|e| StoreError::db(&path, e))?;
            replay(&read, &path)
        })?;
        Ok(())
    }

    /// Every stored event in sequence order (for audit and tests).
    pub fn entries(&self) -> Result<Vec<JournalEntry>, StoreError> {
        guarded(&self.path, || {
            let read = redb::ReadableDatabase::begin_read(&self.db)
                .map_err(|e| StoreError::db(&self.path, e))?;
            read_entries(&read, &self.path)
        })
    }

    /// The state rebuilt from every committed event.
    pub fn state(&self) -> &JournalState {
        &self.state
    }

    /// Current record of every order, by client id.
    pub fn orders(&self) -> Vec<OrderRecord> {
        self.state.orders()
    }

    /// Net position per symbol from the journalled fills.
    pub fn positions(&self) -> Vec<PositionRecord> {
        self.state.positions()
    }

    /// `initial` cash plus what every journalled fill moved (fees included).
    pub fn cash(&self, initial: Decimal) -> Decimal {
        self.state.cash(initial)
    }

    /// The next unused client id (highest ever journalled + 1), so a restart never reuses one.
    pub fn next_client_id(&self) -> ClientOrderId {
        self.state.next_client_id()
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Every event in `txn`, in sequence order.
pub(crate) fn read_entries(
    txn: &ReadTransaction,
    path: &Path,
) -> Result<Vec<JournalEntry>, StoreError> {
    let err = |e: redb::Error| StoreError::db(path, e);
    let table = match txn.open_table(EVENTS) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(err(e.into())),
    };
    let mut out = Vec::new();
    for row in table.iter().map_err(|e| err(e.into()))? {
        let (seq, json) = row.map_err(|e| err(e.into()))?;
        let seq = seq.value();
        let event = serde_json::from_str(json.value()).map_err(|e| {
            StoreError::damaged(path, format!("event #{seq} cannot be decoded: {e}"))
        })?;
        out.push(JournalEntry { seq, event });
    }
    Ok(out)
}

/// The account id stamped in `txn`'s meta table, if any.
pub(crate) fn read_account_id(
    txn: &ReadTransaction,
    path: &Path,
) -> Result<Option<String>, StoreError> {
    let err = |e: redb::Error| StoreError::db(path, e);
    let table = match txn.open_table(META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(err(e.into())),
    };
    Ok(table
        .get(ACCOUNT_ID)
        .map_err(|e| err(e.into()))?
        .map(|v| v.value().to_string()))
}

/// Folds every event in `txn` into a fresh state.
pub(crate) fn replay(txn: &ReadTransaction, path: &Path) -> Result<JournalState, StoreError> {
    let mut state = JournalState::default();
    for entry in read_entries(txn, path)? {
        state.apply(entry.seq, &entry.event)?;
    }
    Ok(state)
}

//! Reading the journal from another process while the daemon writes it (`sharewise orders`).
//!
//! redb's default mode locks the whole file for the writer, so a second process could not even
//! open it read-only. Since 4.5 redb offers [`redb::ConcurrencyMode::SingleWriter`]: the writer
//! takes byte-range (OFD) locks and any number of [`redb::ReadOnlyDatabase`] handles opened in the
//! same mode share the file and see each commit. [`crate::Journal`] opens in that mode, and
//! [`JournalReader`] is the read-only side.
//!
//! A file left by a crashed writer needs a repair that a read-only handle may not do; then
//! [`JournalReader::open`] fails with [`StoreError::NeedsRecovery`], and [`read_state`] repairs
//! it by opening it for writing once (safe: if a daemon were running, it would have repaired it).

use std::path::{Path, PathBuf};

use redb::{ReadOnlyDatabase, ReadableDatabase};

use crate::error::StoreError;
use crate::event::JournalEntry;
use crate::guard::guarded;
use crate::journal::{builder, read_entries, replay, Journal};
use crate::state::JournalState;

/// A read-only handle on a journal that another process may be writing.
pub struct JournalReader {
    db: ReadOnlyDatabase,
    path: PathBuf,
}

impl std::fmt::Debug for JournalReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalReader")
            .field("path", &self.path)
            .finish()
    }
}

impl JournalReader {
    /// Opens an existing journal read-only, alongside a running writer if there is one.
    pub fn open(path: impl AsRef<Path>) -> Result<JournalReader, StoreError> {
        let path = path.as_ref().to_path_buf();
        let db = guarded(&path, || {
            builder()
                .open_read_only(&path)
                .map_err(|e| StoreError::db(&path, e))
        })?;
        Ok(JournalReader { db, path })
    }

    /// The state as of the writer's latest commit (each call sees newer commits).
    pub fn state(&self) -> Result<JournalState, StoreError> {
        guarded(&self.path, || {
            let txn = self
                .db
                .begin_read()
                .map_err(|e| StoreError::db(&self.path, e))?;
            replay(&txn, &self.path)
        })
    }

    /// The broker account the journal belongs to, once stamped.
    pub fn account_id(&self) -> Result<Option<String>, StoreError> {
        let txn = self
            .db
            .begin_read()
            .map_err(|e| StoreError::db(&self.path, e))?;
        crate::journal::read_account_id(&txn, &self.path)
    }

    /// Every committed event in sequence order.
    pub fn entries(&self) -> Result<Vec<JournalEntry>, StoreError> {
        guarded(&self.path, || {
            let txn = self
                .db
                .begin_read()
                .map_err(|e| StoreError::db(&self.path, e))?;
            read_entries(&txn, &self.path)
        })
    }
}

/// The current state of the journal at `path`, whether or not a daemon holds it: read-only
/// when possible, otherwise (file left by a crash, no writer) by opening it for writing once.
/// A damaged file fails with [`StoreError::Damaged`], never a panic.
pub fn read_state(path: impl AsRef<Path>) -> Result<JournalState, StoreError> {
    let path = path.as_ref();
    match JournalReader::open(path) {
        Ok(reader) => reader.state(),
        Err(StoreError::NeedsRecovery { .. }) => match Journal::open(path) {
            Ok(journal) => Ok(journal.state().clone()),
            // A daemon started in between and repaired it: read alongside it.
            Err(StoreError::Locked { .. }) => JournalReader::open(path)?.state(),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    }
}

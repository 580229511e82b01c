//! Errors of the order journal: each names what went wrong and with which order or file.

use std::path::PathBuf;

use sharewise_engine::types::ClientOrderId;

use crate::status::OrderStatus;

/// Why a journal operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The event would move an order between two states that the lifecycle forbids.
    #[error("order {client_id}: illegal transition {from} -> {to}")]
    IllegalTransition {
        /// The order.
        client_id: ClientOrderId,
        /// Its current state.
        from: OrderStatus,
        /// The state the event asked for.
        to: OrderStatus,
    },
    /// An event names an order that was never created in this journal.
    #[error("order {0}: unknown client id (no Created event)")]
    UnknownOrder(ClientOrderId),
    /// A `Created` event reuses a client id that is already journalled.
    #[error("order {0}: client id already used")]
    DuplicateOrder(ClientOrderId),
    /// A fill does not fit its order (side, instrument or quantity).
    #[error("order {client_id}: bad fill: {what}")]
    BadFill {
        /// The order.
        client_id: ClientOrderId,
        /// What does not match, e.g. `qty 5 exceeds remaining 3`.
        what: String,
    },
    /// A `Created` event carries an order the journal cannot track (e.g. a non-positive qty).
    #[error("order {client_id}: bad order: {what}")]
    BadOrder {
        /// The order.
        client_id: ClientOrderId,
        /// What is wrong, e.g. `qty 0 must be > 0`.
        what: String,
    },
    /// The journal file is held by a writer that does not share it (another daemon).
    #[error("journal {path} is in use by another process (a `sharewise run` on this data directory?): stop that daemon first; `sharewise orders`, `positions` and `reconcile` read the journal while it runs")]
    Locked {
        /// The journal file.
        path: PathBuf,
    },
    /// The journal was left by a crash and must be opened for writing once (the daemon does this
    /// on start) before read-only access works again.
    #[error("journal {path} was left open by a process that crashed: the next `sharewise run` on its data directory repairs it (so does `sharewise orders` while no daemon runs)")]
    NeedsRecovery {
        /// The journal file.
        path: PathBuf,
    },
    /// The next sequence number is already in the file: this handle's state is behind it (an
    /// earlier commit reported failure but landed). Nothing was written; reopen the journal.
    #[error(
        "journal event #{seq} already exists: this handle is behind the file, reopen the journal"
    )]
    SeqTaken {
        /// The sequence number that was taken.
        seq: u64,
    },
    /// A stored event could not be decoded (corrupted or written by an incompatible version).
    #[error("journal event #{seq} cannot be decoded: {source}")]
    Decode {
        /// Sequence number of the event.
        seq: u64,
        /// The decoder's complaint.
        source: serde_json::Error,
    },
    /// The journal belongs to another broker account than the one it is used with.
    #[error("journal {path} belongs to account {journal}, not {wanted}: it journals another broker book; use the data directory of that account, or `sharewise recover` into an empty one")]
    ForeignAccount {
        /// The journal file.
        path: PathBuf,
        /// The account stamped in the journal.
        journal: String,
        /// The account it was used with.
        wanted: String,
    },
    /// An event could not be encoded.
    #[error("cannot encode journal event: {0}")]
    Encode(serde_json::Error),
    /// The journal file is damaged (bytes corrupted on disk): redb found a bad page, panicked
    /// reading it, or a stored event does not decode or does not follow the lifecycle.
    #[error(
        "journal {} is damaged ({what}); keep a copy of the damaged file (`cp {} {}.damaged`), then rebuild the journal from the broker's history with `sharewise recover --data-dir {}`",
        path.display(), path.display(), path.display(), data_dir.display()
    )]
    Damaged {
        /// The journal file.
        path: PathBuf,
        /// The directory holding it (what `sharewise recover --data-dir` takes).
        data_dir: PathBuf,
        /// What was found wrong, e.g. `event #37 cannot be decoded: ...` or redb's complaint.
        what: String,
    },
    /// redb failed (I/O, corruption, lock protocol...).
    #[error("journal {path}: {source}")]
    Db {
        /// The journal file.
        path: PathBuf,
        /// redb's error.
        source: redb::Error,
    },
}

impl StoreError {
    /// [`StoreError::Damaged`] for the journal at `path`, with what was found wrong.
    pub(crate) fn damaged(path: &std::path::Path, what: impl Into<String>) -> StoreError {
        let data_dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        StoreError::Damaged {
            path: path.to_path_buf(),
            data_dir,
            what: what.into(),
        }
    }

    /// Wraps any redb error with the journal path; corruption becomes [`StoreError::Damaged`].
    pub(crate) fn db(path: &std::path::Path, source: impl Into<redb::Error>) -> StoreError {
        let source = source.into();
        match source {
            redb::Error::DatabaseAlreadyOpen => StoreError::Locked {
                path: path.to_path_buf(),
            },
            redb::Error::RepairAborted => StoreError::NeedsRecovery {
                path: path.to_path_buf(),
            },
            // A foreign or overwritten header is reported by redb as invalid data.
            redb::Error::Corrupted(what) => StoreError::damaged(path, what),
            // A file cut short (a truncated copy, a full disk) reads past its end.
            redb::Error::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                ) =>
            {
                StoreError::damaged(path, e.to_string())
            }
            source => StoreError::Db {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

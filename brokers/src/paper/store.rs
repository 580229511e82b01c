//! The paper book's snapshot file: JSON, written to a temporary file, synced, renamed over the
//! old one, and the directory synced, so a crash leaves either the old or the new book, never
//! half of one (see [`sharewise_store::files`]).

use std::fs;
use std::path::Path;

use super::PaperState;
use crate::{BrokerError, ErrorKind};

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> BrokerError {
    let message = match what {
        "parse" => format!(
            "the paper broker's book {} is damaged ({e}). It is the paper account's only record of its orders, fills and cash: restore it from a backup, or move this data directory aside and start a new paper account in an empty one",
            path.display()
        ),
        "read" => format!("cannot read the paper broker's book {}: {e}", path.display()),
        "encode" => format!("cannot encode the paper broker's book {}: {e}", path.display()),
        _ => format!("cannot {what} the paper broker's book {}: {e} (is the disk full or read-only?)", path.display()),
    };
    BrokerError::new(ErrorKind::Storage, message)
}

/// Reads the snapshot at `path`; `None` if there is no file yet.
pub(crate) fn load(path: &Path) -> Result<Option<PaperState>, BrokerError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| io_error("parse", path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// Writes `state` to `path` atomically and durably (temporary file, fsync, rename, directory
/// fsync).
pub(crate) fn save(path: &Path, state: &PaperState) -> Result<(), BrokerError> {
    let bytes = serde_json::to_vec(state).map_err(|e| io_error("encode", path, e))?;
    sharewise_store::files::write_atomic(path, &bytes).map_err(|e| io_error("write", path, e))
}

//! The paper book's snapshot file: JSON, written to a temporary file, synced, then renamed over
//! the old one, so a crash leaves either the old or the new book, never half of one.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::PaperState;
use crate::{BrokerError, ErrorKind};

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> BrokerError {
    BrokerError::new(
        ErrorKind::Unknown,
        format!("paper book: cannot {what} {}: {e}", path.display()),
    )
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

/// Writes `state` to `path` atomically (temporary file, fsync, rename).
pub(crate) fn save(path: &Path, state: &PaperState) -> Result<(), BrokerError> {
    let bytes = serde_json::to_vec(state).map_err(|e| io_error("encode", path, e))?;
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = Path::new(&tmp_name);
    let mut file = fs::File::create(tmp).map_err(|e| io_error("create", tmp, e))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("write", tmp, e))?;
    fs::rename(tmp, path).map_err(|e| io_error("rename onto", path, e))?;
    Ok(())
}

//! What the data directory remembers about the feed it trades: `DATA/feed.json`.
//!
//! The journal and the paper broker's book follow one timeline: the broker's clock only moves
//! forward, and after a restart the feed's history up to the last activity only warms the
//! strategies up. A data directory that traded the demo session (stamped today) would therefore
//! silently turn a replay of last year's file into warm-up only — so a directory is tied to its
//! feed, and another feed is refused with the fix. It also keeps the symbol → instrument id
//! order, since the paper broker's book is keyed by instrument id: a symbol keeps its id across
//! runs, new symbols get the next ones.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::LiveError;

/// File name inside the data directory.
pub const FEED_FILE: &str = "feed.json";

/// The recorded feed and the symbols by instrument id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedRecord {
    /// `synthetic` or `replay:<absolute path>`.
    pub feed: String,
    /// Symbols in instrument-id order.
    pub symbols: Vec<String>,
}

/// Checks that `dir` belongs to `feed` (or is new), extends its symbol list with `wanted`, saves
/// it, and returns the symbols in instrument-id order.
pub fn claim(
    dir: &Path,
    feed: &str,
    wanted: impl IntoIterator<Item = String>,
) -> Result<Vec<String>, LiveError> {
    let path = dir.join(FEED_FILE);
    let mut record = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<FeedRecord>(&text).map_err(|e| LiveError::Settings(format!("{} is damaged ({e}); remove it only if this directory's journal and paper book are to be discarded", path.display())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => FeedRecord { feed: feed.to_string(), symbols: Vec::new() },
        Err(e) => return Err(LiveError::io(format!("cannot read {}", path.display()), e)),
    };
    if record.feed != feed {
        return Err(LiveError::Settings(format!(
            "{} holds the journal and paper book of feed `{}`; feed `{feed}` runs on another timeline and would only warm up. Use a fresh directory, e.g. --data-dir {}",
            dir.display(),
            record.feed,
            dir.join("..").join(suggested_dir(feed)).display(),
        )));
    }
    for symbol in wanted {
        if !record.symbols.contains(&symbol) {
            record.symbols.push(symbol);
        }
    }
    let text =
        serde_json::to_string_pretty(&record).map_err(|e| LiveError::Settings(e.to_string()))?;
    sharewise_store::files::write_atomic(&path, text.as_bytes())
        .map_err(|e| LiveError::io(format!("cannot write {}", path.display()), e))?;
    Ok(record.symbols)
}

/// The feed record of `dir`, if it has one (for tools that read a data directory without
/// trading in it).
pub fn read(dir: &Path) -> Result<Option<FeedRecord>, LiveError> {
    let path = dir.join(FEED_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| LiveError::Settings(format!("{} is damaged ({e})", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LiveError::io(format!("cannot read {}", path.display()), e)),
    }
}

/// A directory name for `feed`: `data-<file stem>` for a replay, `data-demo` for the demo.
fn suggested_dir(feed: &str) -> String {
    match feed.strip_prefix("replay:") {
        Some(path) => format!(
            "data-{}",
            Path::new(path)
                .file_stem()
                .map_or("replay".into(), |s| s.to_string_lossy().to_lowercase())
        ),
        None => "data-demo".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_keeps_its_feed_and_its_symbol_ids() {
        let dir = sharewise_testkit::tmp();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            claim(dir.path(), "synthetic", s(&["TCS", "INFY"])).unwrap(),
            s(&["TCS", "INFY"])
        );
        assert_eq!(
            claim(dir.path(), "synthetic", s(&["SBIN", "INFY"])).unwrap(),
            s(&["TCS", "INFY", "SBIN"]),
            "ids never move"
        );
        let err = claim(dir.path(), "replay:/data/INFY_1m.csv", s(&["INFY"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("holds the journal and paper book of feed `synthetic`")
                && err.contains("data-infy_1m"),
            "{err}"
        );
    }
}

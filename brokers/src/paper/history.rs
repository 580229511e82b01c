//! The paper broker's history: finished orders and fills of earlier IST days, kept queryable the
//! way a real broker keeps its order history and trade book beyond the current day (Kite's
//! order history and console trade book, Upstox's historical trades).
//!
//! At each new IST day the day book hands its finished orders and the day's fills to
//! [`History::archive`]. With a book file, each day is one JSON file in `paper-history/` beside
//! it (`paper-history/2026-01-05.json`), written atomically *before* the book that no longer
//! holds them. A crash between the two leaves the orders in both places; [`History::load`] then
//! keeps the book's copy (the archive was not committed) and the next day's start writes the
//! day file again, merged.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sharewise_engine::time::{civil_from_days, TimestampNs};
use sharewise_engine::types::ClientOrderId;

use crate::{BrokerError, BrokerOrder, BrokerTrade, ErrorKind};

/// One archived IST day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DayFile {
    /// The IST day (days since 1970-01-01).
    day: i64,
    /// Orders that finished by the day's end, in placement order.
    orders: Vec<BrokerOrder>,
    /// The day's fills with their trade ids.
    trades: Vec<BrokerTrade>,
}

/// Archived days, in memory and (with a directory) on disk.
#[derive(Debug, Default)]
pub(crate) struct History {
    dir: Option<PathBuf>,
    days: BTreeMap<i64, DayFile>,
    unsaved: BTreeSet<i64>,
}

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> BrokerError {
    let message = match what {
        "parse" => format!(
            "the paper broker's history file {} is damaged ({e}): it is that day's only record of finished orders and fills; restore it from a backup",
            path.display()
        ),
        "read" => format!("cannot read the paper broker's history {}: {e}", path.display()),
        "encode" => format!("cannot encode the paper broker's history {}: {e}", path.display()),
        _ => format!("cannot {what} the paper broker's history {}: {e} (is the disk full or read-only?)", path.display()),
    };
    BrokerError::new(ErrorKind::Storage, message)
}

/// The history directory of the book at `book`: `paper-history/` beside `paper.json`.
pub(crate) fn dir_of(book: &Path) -> PathBuf {
    let stem = book
        .file_stem()
        .map_or_else(|| "paper".into(), |s| s.to_string_lossy().into_owned());
    book.with_file_name(format!("{stem}-history"))
}

/// `2026-01-05.json` for IST day `day`.
fn file_name(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}.json")
}

/// The sequence number in a paper trade id (`P00000042` → 42).
pub(crate) fn trade_seq(trade_id: &str) -> u64 {
    trade_id
        .strip_prefix('P')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl History {
    /// Reads every day file in `dir` (none yet is fine). Orders still in the day book
    /// (`in_book`) and fills past `committed_trades` belong to an archive that was not committed
    /// and are left out.
    pub(crate) fn load(
        dir: PathBuf,
        in_book: &BTreeSet<ClientOrderId>,
        committed_trades: u64,
    ) -> Result<History, BrokerError> {
        let mut days = BTreeMap::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => Some(entries),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error("read", &dir, e)),
        };
        for entry in entries.into_iter().flatten() {
            let path = entry.map_err(|e| io_error("read", &dir, e))?.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| io_error("read", &path, e))?;
            let mut day: DayFile =
                serde_json::from_slice(&bytes).map_err(|e| io_error("parse", &path, e))?;
            day.orders.retain(|o| !in_book.contains(&o.tag()));
            day.trades
                .retain(|t| trade_seq(&t.trade_id) <= committed_trades);
            days.insert(day.day, day);
        }
        Ok(History {
            dir: Some(dir),
            days,
            unsaved: BTreeSet::new(),
        })
    }

    /// Adds `orders` and `trades` to IST day `day` (merged with what the day already holds).
    pub(crate) fn archive(&mut self, day: i64, orders: Vec<BrokerOrder>, trades: Vec<BrokerTrade>) {
        if orders.is_empty() && trades.is_empty() {
            return;
        }
        let file = self.days.entry(day).or_insert_with(|| DayFile {
            day,
            ..DayFile::default()
        });
        for order in orders {
            file.orders.retain(|o| o.tag() != order.tag());
            file.orders.push(order);
        }
        for trade in trades {
            if !file.trades.iter().any(|t| t.trade_id == trade.trade_id) {
                file.trades.push(trade);
            }
        }
        self.unsaved.insert(day);
    }

    /// Writes the days archived since the last save (before the day book is written).
    pub(crate) fn save(&mut self) -> Result<(), BrokerError> {
        let Some(dir) = &self.dir else {
            self.unsaved.clear();
            return Ok(());
        };
        if self.unsaved.is_empty() {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        for day in std::mem::take(&mut self.unsaved) {
            let Some(file) = self.days.get(&day) else {
                continue;
            };
            let path = dir.join(file_name(day));
            let bytes = serde_json::to_vec(file).map_err(|e| io_error("encode", &path, e))?;
            sharewise_store::files::write_atomic(&path, &bytes)
                .map_err(|e| io_error("write", &path, e))?;
        }
        if let Some(parent) = dir.parent() {
            sharewise_store::files::sync_dir(parent).map_err(|e| io_error("sync", parent, e))?;
        }
        Ok(())
    }

    /// The archived order tagged `tag`.
    pub(crate) fn order(&self, tag: ClientOrderId) -> Option<&BrokerOrder> {
        self.days
            .values()
            .rev()
            .flat_map(|d| d.orders.iter())
            .find(|o| o.tag() == tag)
    }

    /// Archived orders changed at or after `since`.
    pub(crate) fn orders_since(&self, since: TimestampNs) -> impl Iterator<Item = &BrokerOrder> {
        self.days
            .values()
            .flat_map(|d| d.orders.iter())
            .filter(move |o| o.updated_ts >= since)
    }

    /// Archived fills at or after `since`.
    pub(crate) fn trades_since(&self, since: TimestampNs) -> impl Iterator<Item = &BrokerTrade> {
        self.days
            .values()
            .flat_map(|d| d.trades.iter())
            .filter(move |t| t.fill.ts >= since)
    }

    /// Whether nothing was ever archived.
    pub(crate) fn is_empty(&self) -> bool {
        self.days.is_empty()
    }
}

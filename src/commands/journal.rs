//! `sharewise orders` and `sharewise positions`: read the order journal in `--data-dir`, also
//! while the daemon is writing it (the journal allows one writer and any number of readers).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use sharewise_engine::types::Price;
use sharewise_store::{orders_view, positions_view, read_state, JournalState};

/// The journal's file name inside the data directory.
pub const JOURNAL_FILE: &str = "journal.redb";

/// Options shared by `orders` and `positions`.
#[derive(Args, Debug)]
pub struct JournalArgs {
    /// The daemon's data directory.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// The journal's state, with a hint on stderr when it is empty beside a broker book that
/// traded (it was replaced: `sharewise recover` rebuilds it).
fn load(dir: &Path) -> Result<JournalState> {
    let path = dir.join(JOURNAL_FILE);
    if !path.exists() {
        if let Some(orders @ 1..) = book_orders(dir) {
            anyhow::bail!(
                "no order journal at {}, but the broker book {} holds {orders} orders: the journal was deleted or moved. Restore it from a backup, or rebuild it from the broker's history with `sharewise recover --data-dir {}`",
                path.display(),
                dir.join("paper.json").display(),
                dir.display()
            );
        }
        anyhow::bail!(
            "no order journal at {}: start the daemon with `sharewise run --data-dir {}` first",
            path.display(),
            dir.display()
        );
    }
    let state = read_state(&path)?;
    if state.last_seq() == 0 {
        if let Some(orders @ 1..) = book_orders(dir) {
            note!(
                "the journal {} is empty, but the broker book {} holds {orders} orders: the journal was replaced. Rebuild it from the broker's history with `sharewise recover --data-dir {}`",
                path.display(),
                dir.join("paper.json").display(),
                dir.display()
            );
        }
    }
    Ok(state)
}

/// Orders in the paper broker's book beside the journal (`None`: no book, or it cannot be read;
/// the hint it feeds is not worth failing over).
fn book_orders(dir: &Path) -> Option<usize> {
    sharewise_live::inspect::broker_book_orders(dir)
        .ok()
        .flatten()
}

/// Runs `sharewise orders`.
pub fn orders(args: JournalArgs) -> Result<()> {
    let view = orders_view(&load(&args.data_dir)?);
    if args.json {
        say!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    say!(
        "{:<13} {:<12} {:<4} {:>8} {:>8} {:>12} {:<17} strategy",
        "client_id",
        "symbol",
        "side",
        "qty",
        "filled",
        "avg price",
        "status"
    );
    for row in &view {
        let o = &row.order;
        let status = serde_json::to_value(o.status)?
            .as_str()
            .unwrap_or_default()
            .to_string();
        say!(
            "{:<13} {:<12} {:<4} {:>8} {:>8} {:>12} {:<17} {}",
            row.tag,
            o.symbol,
            o.side,
            o.qty,
            o.filled_qty,
            o.avg_fill_price,
            status,
            o.strategy
        );
    }
    say!("{} orders", view.len());
    Ok(())
}

/// The daemon's last trade prices (`DATA/marks.json`, written every few seconds while it runs);
/// empty when there is none. An unreadable file costs only the unrealised column (with a note on
/// stderr), never the positions.
fn marks(dir: &Path) -> HashMap<String, Price> {
    let path = dir.join("marks.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return HashMap::new();
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(e) => {
            note!("{} cannot be read ({e}); unrealised P&L shows n/a. The running daemon rewrites it every few seconds", path.display());
            return HashMap::new();
        }
    };
    let mut out = HashMap::new();
    if let Some(marks) = doc["marks"].as_object() {
        for (symbol, price) in marks {
            if let Some(price) = price.as_str().and_then(|p| Price::parse(p).ok()) {
                out.insert(symbol.clone(), price);
            }
        }
    }
    out
}

/// Runs `sharewise positions`: unrealised P&L at the daemon's last marks (`null` for an open
/// position whose symbol has no mark yet).
pub fn positions(args: JournalArgs) -> Result<()> {
    let view = positions_view(&load(&args.data_dir)?, &marks(&args.data_dir));
    if args.json {
        say!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    say!(
        "{:<12} {:>8} {:>12} {:>14} {:>14}",
        "symbol",
        "qty",
        "avg price",
        "realized",
        "unrealized"
    );
    for p in &view {
        let unrealized = p
            .unrealized_pnl
            .map_or_else(|| "n/a".to_string(), |u| u.to_string());
        say!(
            "{:<12} {:>8} {:>12} {:>14} {:>14}",
            p.symbol,
            p.qty,
            p.avg_price,
            p.realized_pnl,
            unrealized
        );
    }
    Ok(())
}

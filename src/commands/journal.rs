//! `sharewise orders` and `sharewise positions`: read the order journal in `--data-dir`, also
//! while the daemon is writing it (the journal allows one writer and any number of readers).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
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

fn load(dir: &Path) -> Result<JournalState> {
    let path = dir.join(JOURNAL_FILE);
    if !path.exists() {
        anyhow::bail!("no order journal at {}: start the daemon with `sharewise run --data-dir {}` first", path.display(), dir.display());
    }
    read_state(&path).with_context(|| format!("reading {}", path.display()))
}

/// Runs `sharewise orders`.
pub fn orders(args: JournalArgs) -> Result<()> {
    let view = orders_view(&load(&args.data_dir)?);
    if args.json {
        say!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    say!("{:<13} {:<12} {:<4} {:>8} {:>8} {:>12} {:<17} strategy", "client_id", "symbol", "side", "qty", "filled", "avg price", "status");
    for row in &view {
        let o = &row.order;
        let status = serde_json::to_value(o.status)?.as_str().unwrap_or_default().to_string();
        say!("{:<13} {:<12} {:<4} {:>8} {:>8} {:>12} {:<17} {}", row.tag, o.symbol, o.side, o.qty, o.filled_qty, o.avg_fill_price, status, o.strategy);
    }
    say!("{} orders", view.len());
    Ok(())
}

/// Runs `sharewise positions` (unrealised P&L needs live marks, which the journal does not hold:
/// it is `null` for open positions here).
pub fn positions(args: JournalArgs) -> Result<()> {
    let view = positions_view(&load(&args.data_dir)?, &HashMap::new());
    if args.json {
        say!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    say!("{:<12} {:>8} {:>12} {:>14} {:>14}", "symbol", "qty", "avg price", "realized", "unrealized");
    for p in &view {
        let unrealized = p.unrealized_pnl.map_or_else(|| "n/a".to_string(), |u| u.to_string());
        say!("{:<12} {:>8} {:>12} {:>14} {:>14}", p.symbol, p.qty, p.avg_price, p.realized_pnl, unrealized);
    }
    Ok(())
}

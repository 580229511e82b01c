//! `sharewise orders` and `sharewise positions`: read the order journals in `--data-dir` (every
//! account's, or the one `--account` names), also while the daemon is writing them (a journal
//! allows one writer and any number of readers). JSON rows carry their `account`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use sharewise_engine::types::Price;
use sharewise_live::layout::AccountDir;
use sharewise_store::{orders_view, positions_view, read_state, JournalState};

use super::accounts::chosen;

/// Options shared by `orders` and `positions`.
#[derive(Args, Debug)]
pub struct JournalArgs {
    /// The daemon's data directory.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// One account (`[[accounts]] name`); default: every account in the data directory.
    #[arg(long)]
    account: Option<String>,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// The journal's state, with a hint on stderr when it is empty beside a broker book that
/// traded (it was replaced: `sharewise recover` rebuilds it).
fn load(account: &AccountDir) -> Result<JournalState> {
    let path = account.journal();
    if !path.exists() {
        if let Some(orders @ 1..) = book_orders(account) {
            anyhow::bail!(
                "no order journal at {}, but the broker book {} holds {orders} orders: the journal was deleted or moved. Restore it from a backup, or rebuild it from the broker's history with `sharewise recover {}`",
                path.display(),
                account.book().display(),
                account.flags()
            );
        }
        anyhow::bail!(
            "no order journal at {}: start the daemon with `sharewise run --data-dir {}` first",
            path.display(),
            account.root.display()
        );
    }
    let state = read_state(&path)?;
    if state.last_seq() == 0 {
        if let Some(orders @ 1..) = book_orders(account) {
            note!(
                "the journal {} is empty, but the broker book {} holds {orders} orders: the journal was replaced. Rebuild it from the broker's history with `sharewise recover {}`",
                path.display(),
                account.book().display(),
                account.flags()
            );
        }
    }
    Ok(state)
}

/// Each chosen account with its journal's state.
fn load_all(args: &JournalArgs) -> Result<Vec<(AccountDir, JournalState)>> {
    chosen(&args.data_dir, args.account.as_deref())?
        .into_iter()
        .map(|account| {
            let state = load(&account)?;
            Ok((account, state))
        })
        .collect()
}

/// `rows` as JSON objects, each with its `account`.
fn with_account<T: serde::Serialize>(account: &str, rows: &[T]) -> Result<Vec<serde_json::Value>> {
    rows.iter()
        .map(|row| {
            let mut value = serde_json::to_value(row)?;
            if let Some(object) = value.as_object_mut() {
                object.insert("account".into(), account.into());
            }
            Ok(value)
        })
        .collect()
}

/// A heading before each account's table when there are several.
fn heading(accounts: usize, k: usize, name: &str) {
    if accounts > 1 {
        say!("{}account {name}", if k > 0 { "\n" } else { "" });
    }
}

/// Orders in the paper broker's book beside the journal (`None`: no book, or it cannot be read;
/// the hint it feeds is not worth failing over).
fn book_orders(account: &AccountDir) -> Option<usize> {
    sharewise_live::inspect::broker_book_orders(&account.dir)
        .ok()
        .flatten()
}

/// Runs `sharewise orders`.
pub fn orders(args: JournalArgs) -> Result<()> {
    let accounts = load_all(&args)?;
    if args.json {
        let mut rows = Vec::new();
        for (account, state) in &accounts {
            rows.extend(with_account(&account.name, &orders_view(state))?);
        }
        say!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for (k, (account, state)) in accounts.iter().enumerate() {
        heading(accounts.len(), k, &account.name);
        print_orders(&orders_view(state))?;
    }
    Ok(())
}

/// One account's orders as a table.
fn print_orders(view: &[sharewise_store::OrderView]) -> Result<()> {
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
    for row in view {
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
    let accounts = load_all(&args)?;
    let marks = marks(&args.data_dir);
    if args.json {
        let mut rows = Vec::new();
        for (account, state) in &accounts {
            rows.extend(with_account(&account.name, &positions_view(state, &marks))?);
        }
        say!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for (k, (account, state)) in accounts.iter().enumerate() {
        heading(accounts.len(), k, &account.name);
        print_positions(&positions_view(state, &marks));
    }
    Ok(())
}

/// One account's positions as a table.
fn print_positions(view: &[sharewise_store::PositionView]) {
    say!(
        "{:<12} {:>8} {:>12} {:>14} {:>14}",
        "symbol",
        "qty",
        "avg price",
        "realized",
        "unrealized"
    );
    for p in view {
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
}

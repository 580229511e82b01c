//! `sharewise reconcile` and `sharewise recover`: the journal and the broker's book, compared
//! on demand or the journal rebuilt from the broker's history.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use sharewise_config::Settings;

/// Options of `reconcile` and `recover`.
#[derive(Args, Debug)]
pub struct BooksArgs {
    /// The daemon's data directory.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// TOML settings merged over the defaults (the paper broker's section).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print JSON instead of a table (`reconcile` only).
    #[arg(long)]
    json: bool,
}

fn settings(args: &BooksArgs) -> Result<Settings> {
    Ok(Settings::load_layers(
        args.config.as_deref(),
        sharewise_config::env_vars(),
    )?)
}

/// `sharewise reconcile`: prints both books side by side; fails (exit 1) when they differ.
pub fn reconcile(args: BooksArgs) -> Result<()> {
    let seen = sharewise_live::inspect::inspect(&args.data_dir, &settings(&args)?)?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&seen)?);
    } else {
        let account = match &seen.journal_account {
            Some(a) if *a == seen.book_account => {
                format!("account {a} (journal and broker book agree on it)")
            }
            Some(a) => format!(
                "ACCOUNTS DIFFER: journal {a}, broker book {}",
                seen.book_account
            ),
            None => format!(
                "broker book account {}, journal not stamped",
                seen.book_account
            ),
        };
        say!(
            "{account}; {} orders in the journal, {} at the broker",
            seen.journal_orders,
            seen.broker_orders
        );
        say!(
            "{:<12} {:>10} {:>10} {:>16} {:>16}",
            "symbol",
            "journal",
            "broker",
            "journal P&L",
            "broker P&L"
        );
        for row in &seen.books {
            let mark = if row.agrees() { "" } else { "  <-- differs" };
            say!(
                "{:<12} {:>10} {:>10} {:>16} {:>16}{mark}",
                row.symbol,
                row.journal_qty,
                row.broker_qty,
                row.journal_realized.normalize(),
                row.broker_realized.normalize()
            );
        }
        for t in &seen.unbooked_trades {
            say!(
                "not in the journal: broker fill {} of {} {} @ {} for {}",
                t.trade_id,
                t.fill.side,
                t.fill.qty,
                t.fill.price,
                t.fill.client_id
            );
        }
        for line in &seen.orders {
            say!("order {line}");
        }
    }
    if !seen.agrees() {
        for line in seen.advice(&args.data_dir) {
            say!("what now: {line}");
        }
        bail!(
            "the journal and the broker's book in {} disagree (above)",
            args.data_dir.display()
        );
    }
    if !args.json {
        say!("journal and broker agree");
    }
    Ok(())
}

/// `sharewise recover`: rebuilds a missing, empty or damaged journal from the broker's history.
pub fn recover(args: BooksArgs) -> Result<()> {
    let done = sharewise_live::recover::recover_dir(&args.data_dir, &settings(&args)?)?;
    if let Some(kept) = &done.damaged_kept_at {
        say!("the damaged journal was kept as {}", kept.display());
    }
    let r = &done.recovered;
    say!("recovered {} orders and {} fills from the broker's order and trade history into {} (account {})", r.orders, r.fills, args.data_dir.join("journal.redb").display(), r.account_id);
    say!("not in the broker's books, so not recovered: which strategy placed each order (shown as `recovered`) and the stop-loss/take-profit of open positions");
    say!(
        "check: sharewise reconcile --data-dir {}",
        args.data_dir.display()
    );
    Ok(())
}

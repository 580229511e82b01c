//! `sharewise reconcile` and `sharewise recover`: the journal and the broker's book, compared
//! on demand or the journal rebuilt from the broker's history.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use sharewise_config::Settings;
use sharewise_live::inspect::{inspect, Inspection};

use super::accounts::{chosen, one, settings_for};

/// Options of `reconcile` and `recover`.
#[derive(Args, Debug)]
pub struct BooksArgs {
    /// The daemon's data directory.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// One account (`[[accounts]] name`); default: every account in the data directory
    /// (`recover`: the only one).
    #[arg(long)]
    account: Option<String>,
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

/// `sharewise reconcile`: prints both books of each account side by side; fails (exit 1) when
/// they differ.
pub fn reconcile(args: BooksArgs) -> Result<()> {
    let settings = settings(&args)?;
    let accounts = chosen(&args.data_dir, args.account.as_deref())?;
    let named = accounts.len() > 1;
    let mut differ = Vec::new();
    let mut json = Vec::new();
    for (k, account) in accounts.iter().enumerate() {
        let seen = inspect(account, &settings_for(&settings, &account.name))?;
        if args.json {
            let mut value = serde_json::to_value(&seen)?;
            value["account"] = account.name.clone().into();
            json.push(value);
        } else {
            if named {
                say!("{}account {}", if k > 0 { "\n" } else { "" }, account.name);
            }
            print_inspection(&seen);
        }
        if !seen.agrees() {
            for line in seen.advice(account) {
                say!("what now: {line}");
            }
            differ.push(account.name.clone());
        }
    }
    if args.json {
        let out = match (named, json.len()) {
            (false, 1) => json.remove(0),
            _ => serde_json::Value::Array(json),
        };
        say!("{}", serde_json::to_string_pretty(&out)?);
    }
    if !differ.is_empty() {
        let whose = if named {
            format!(" of {}", differ.join(", "))
        } else {
            String::new()
        };
        bail!(
            "the journal and the broker's book{whose} in {} disagree (above)",
            args.data_dir.display()
        );
    }
    if !args.json {
        say!("journal and broker agree");
    }
    Ok(())
}

/// One account's comparison as a table.
fn print_inspection(seen: &Inspection) {
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

/// `sharewise recover`: rebuilds a missing, empty or damaged journal from the broker's history.
pub fn recover(args: BooksArgs) -> Result<()> {
    let account = one(&args.data_dir, args.account.as_deref())?;
    let settings = settings_for(&settings(&args)?, &account.name);
    let done = sharewise_live::recover::recover_dir(&account, &settings)?;
    if let Some(kept) = &done.damaged_kept_at {
        say!("the damaged journal was kept as {}", kept.display());
    }
    let r = &done.recovered;
    say!("recovered {} orders and {} fills from the broker's order and trade history into {} (account {})", r.orders, r.fills, account.journal().display(), r.account_id);
    say!("not in the broker's books, so not recovered: which strategy placed each order (shown as `recovered`) and the stop-loss/take-profit of open positions");
    say!("check: sharewise reconcile {}", account.flags());
    Ok(())
}

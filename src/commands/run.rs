//! `sharewise run`: the live trading daemon.
//!
//! With no arguments: the synthetic demo session over the symbols and strategies of
//! `config/default.toml`, the paper broker, state under `./data/`. It runs until Ctrl-C (or
//! SIGTERM), then stops gracefully; a replay (`--feed replay:FILE.csv`) stops at the end of the
//! file. Settings: defaults, then `--config FILE`, then `SHAREWISE_*` variables, then the flags.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use sharewise_actors::Shutdown;
use sharewise_config::{BrokerKind, Settings};
use sharewise_live::{DaemonOptions, FeedChoice, Pace};

/// `sharewise run` arguments.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Where the journal (journal.redb) and the paper broker's book (paper.json) live.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// TOML settings merged over the defaults (then SHAREWISE_* variables over both).
    #[arg(long)]
    config: Option<PathBuf>,
    /// `synthetic` (the demo session), `replay:FILE.csv` (recorded ticks or bars of one
    /// symbol) or `kite:ACCOUNT` (Kite's live prices through that account); overrides
    /// `[run].feed`.
    #[arg(long)]
    feed: Option<String>,
    /// Symbol of a replayed file (default: its name up to the first `_` or `.`).
    #[arg(long)]
    symbol: Option<String>,
    /// `max` (as fast as possible, deterministic) or a speed factor over the ticks' own clock
    /// (default: `[run].demo_speed` for the demo, `max` for replays).
    #[arg(long)]
    speed: Option<String>,
    /// Write every event (signals, risk decisions, orders, fills, P&L, alerts) as JSON lines.
    #[arg(long)]
    events: Option<PathBuf>,
    /// Replays: skip bad rows of the file (each is counted by kind and reported) instead of
    /// stopping at the first.
    #[arg(long)]
    skip_bad: bool,
    /// Stop gracefully after this many seconds (default: run until Ctrl-C or the end of a replay).
    #[arg(long)]
    stop_after: Option<u64>,
}

fn print_line(line: &str) {
    say!("{line}");
}

/// A second Ctrl-C: the journal is quiet, exit at once (130 = killed by SIGINT, by convention).
fn exit_forced() {
    std::process::exit(130);
}

fn parse_speed(text: &str) -> Result<Pace> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pace::Max);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(Pace::Speed(x)),
        _ => bail!("--speed {text}: expected `max` or a positive factor such as 60"),
    }
}

/// Runs the daemon.
pub fn run(args: RunArgs) -> Result<()> {
    let mut settings = Settings::load_layers(args.config.as_deref(), sharewise_config::env_vars())?;
    if let Some(feed) = &args.feed {
        settings.run.feed = feed.clone();
    }
    let feed = match settings.run.replay_path() {
        Some(path) => FeedChoice::Replay { path: path.to_path_buf(), symbol: args.symbol.clone(), skip_bad: args.skip_bad },
        None if args.skip_bad => bail!("--skip-bad applies to replays (--feed replay:FILE.csv); the demo feed has no rows to skip"),
        None if settings.run.feed == "synthetic" => FeedChoice::Synthetic,
        None => match settings.run.broker_feed() {
            Some((BrokerKind::Kite, account)) => FeedChoice::Kite { account: account.to_string() },
            Some((BrokerKind::Upstox, account)) => FeedChoice::Upstox { account: account.to_string() },
            _ => bail!("--feed {}: use `synthetic`, `replay:FILE.csv`, `kite:ACCOUNT` or `upstox:ACCOUNT`", settings.run.feed),
        },
    };
    if let FeedChoice::Replay { path, .. } = &feed {
        if !path.is_file() {
            bail!("replay file {} does not exist", path.display());
        }
    }
    let pace = args.speed.as_deref().map(parse_speed).transpose()?;
    let shutdown = Shutdown::new();
    shutdown
        .install_signal_handler()
        .context("cannot install the SIGINT/SIGTERM handler")?;
    if let Some(secs) = args.stop_after {
        let stop = shutdown.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(secs));
            stop.trigger();
        });
    }
    let books: Vec<String> = settings
        .account_plans()
        .iter()
        .map(|plan| {
            let dir = sharewise_live::layout::AccountDir::new(&args.data_dir, &plan.name);
            let broker = match (plan.broker, &plan.connection) {
                (BrokerKind::Kite, Some(kite)) => {
                    format!("Kite at {}", sharewise_live::kite::endpoint(kite).base_url)
                }
                (BrokerKind::Upstox, Some(upstox)) => {
                    format!(
                        "Upstox at {}",
                        sharewise_live::upstox::endpoint(upstox).base_url
                    )
                }
                _ => format!("paper broker {}", dir.book().display()),
            };
            format!(
                "account {}: journal {}, {broker}",
                plan.name,
                dir.journal().display()
            )
        })
        .collect();
    say!(
        "sharewise run: {}; Ctrl-C stops gracefully",
        books.join("; ")
    );
    let summary = sharewise_live::run(DaemonOptions {
        settings,
        data_dir: args.data_dir.clone(),
        feed,
        pace,
        events: args.events.clone(),
        shutdown,
        say: print_line,
        on_forced: exit_forced,
    })?;
    report(&summary, &args.data_dir)
}

/// Prints what the run did: totals, then each account's positions and books (named when there
/// are several); a disagreement or a duplicate placement is an error.
fn report(summary: &sharewise_live::DaemonSummary, data_dir: &std::path::Path) -> Result<()> {
    let s = &summary.stats;
    let total = |f: fn(&sharewise_live::AccountSummary) -> u64| -> u64 {
        summary.accounts.iter().map(f).sum()
    };
    say!(
        "stopped: {} ticks ({} warm-up, {} conflated under overload), {} signals, {} orders ({} rejected by risk), {} fills, {} cancelled at stop, {} discarded at stop (queued, never sent)",
        summary.feed.ticks,
        summary.feed.warm_up,
        summary.link.conflated,
        s.sum(|a| &a.signals),
        s.sum(|a| &a.orders),
        s.sum(|a| &a.rejections),
        total(|a| a.orders.fills),
        total(|a| a.orders.cancelled_at_stop),
        total(|a| a.orders.dropped_at_stop),
    );
    for line in s.drops.snapshot().summary_lines() {
        say!("{line}");
    }
    let named = summary.accounts.len() > 1;
    let mut problems = Vec::new();
    for a in &summary.accounts {
        let whose = if named {
            format!(" ({})", a.dir.name)
        } else {
            String::new()
        };
        let open: Vec<String> = a
            .positions
            .iter()
            .filter(|p| p.qty != 0)
            .map(|p| format!("{} {:+} @ {}", p.symbol, p.qty, p.avg_price.round_dp(2)))
            .collect();
        say!(
            "positions{whose}: {}",
            if open.is_empty() {
                "flat".to_string()
            } else {
                open.join(", ")
            }
        );
        if !a.orders.differences.is_empty() {
            problems.push(format!("the journal and the broker's book{whose} disagree at stop: {}; inspect with `sharewise reconcile {}`", sharewise_live::books::describe(&a.orders.differences), a.dir.flags()));
        } else if a.orders.compared_at_stop {
            let what = match a.compare {
                sharewise_live::books::Compare::Full => "every position and realised P&L",
                sharewise_live::books::Compare::Quantities => "every position",
            };
            say!("books{whose}: the journal and the broker agree on {what}");
        }
        if a.duplicate_placements > 0 {
            problems.push(format!(
                "the paper broker{whose} saw {} duplicate placements: an order id was sent twice",
                a.duplicate_placements
            ));
        }
    }
    if summary.events_dropped > 0 {
        say!(
            "warning: {} events were dropped because the event writer fell behind",
            summary.events_dropped
        );
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("; "));
    }
    let account = if named { " [--account NAME]" } else { "" };
    say!(
        "inspect: sharewise orders --data-dir {0}{account} | sharewise positions --data-dir {0}{account}",
        data_dir.display()
    );
    Ok(())
}

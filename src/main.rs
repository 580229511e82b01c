//! `sharewise`: the command-line entry point. Each subcommand lives in `commands/`; the logic it
//! wires together lives in the workspace crates.

/// `println!` that ignores a closed stdout (`sharewise ... | head`): output is for people, and a
/// reader that went away must not turn a finished run into a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// A `note: ...` line on stderr (ignoring a closed stderr): something the user should know that
/// does not stop the command.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "note: {}", format_args!($($arg)*));
    }};
}

mod commands;
mod data;
mod report;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// ShareWise: backtester, indicators and (soon) live trading for Indian equities.
#[derive(Parser)]
#[command(name = "sharewise", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the live trading daemon (demo feed, paper broker, journal under ./data by default).
    Run(commands::run::RunArgs),
    /// Backtest a strategy on a bar file; sweeps and walk-forward too.
    Backtest(Box<commands::backtest::BacktestArgs>),
    /// Compute indicators and candlestick patterns over a bar file into a CSV.
    Indicators(commands::indicators::IndicatorsArgs),
    /// Generate deterministic synthetic bars or ticks.
    Generate(commands::generate::GenerateArgs),
    /// Benchmarks (`sharewise bench backtest`).
    Bench(commands::bench::BenchArgs),
    /// List the orders in the daemon's journal (`--json` for machines).
    Orders(commands::journal::JournalArgs),
    /// List the positions rebuilt from the daemon's journal (`--json` for machines).
    Positions(commands::journal::JournalArgs),
    /// Check a settings file (`sharewise config check FILE`) or print the defaults.
    Config(commands::config::ConfigArgs),
    /// Compare the journal with the broker's book (positions, P&L, orders, fills); exit 1 if they differ.
    Reconcile(commands::books::BooksArgs),
    /// Rebuild a missing, empty or damaged journal from the broker's order and trade history.
    Recover(commands::books::BooksArgs),
    /// Market-data feed tools (`sharewise feeds decode kite FILE`).
    Feeds(commands::feeds::FeedsArgs),
    /// A local imitation of a broker's API (`sharewise sandbox kite --listen 127.0.0.1:8091`).
    Sandbox(commands::sandbox::SandboxArgs),
    /// A real broker account's day session (`sharewise broker login ACCOUNT`, `status`, `logout`).
    Broker(commands::broker::BrokerArgs),
}

fn main() {
    let cli = Cli::parse();
    let outcome: Result<()> = match cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::Backtest(args) => commands::backtest::run(*args),
        Command::Indicators(args) => commands::indicators::run(args),
        Command::Generate(args) => commands::generate::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Config(args) => commands::config::run(args),
        Command::Orders(args) => commands::journal::orders(args),
        Command::Positions(args) => commands::journal::positions(args),
        Command::Reconcile(args) => commands::books::reconcile(args),
        Command::Recover(args) => commands::books::recover(args),
        Command::Feeds(args) => commands::feeds::run(args),
        Command::Sandbox(args) => commands::sandbox::run(args),
        Command::Broker(args) => commands::broker::run(args),
    };
    if let Err(err) = outcome {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

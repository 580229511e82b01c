//! One module per subcommand.

mod accounts;
pub mod backtest;
pub mod bench;
mod bench_orders;
pub mod books;
pub mod broker;
pub mod config;
pub mod feeds;
pub mod generate;
pub mod indicators;
pub mod journal;
pub mod run;
pub mod sandbox;
mod sweep;
mod walk_forward;

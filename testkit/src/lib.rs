//! Test helpers shared by the ShareWise test suites, so that every crate's tests build prices,
//! times, ticks, bars, orders and temporary files the same way instead of each keeping its own
//! copy.
//!
//! This crate is a dev-dependency only (`publish = false`): nothing in a shipped build uses it.
//! Its helpers take the short, readable forms tests are written in (`p("100.05")`,
//! `at(9, 15, 0)`, `bars(&[["100", "101", "99", "100.5"]])`) and panic with the offending input
//! on anything malformed, because in a test a malformed literal is a bug in the test.
//!
//! Everything is re-exported at the top level, so `use sharewise_testkit::*;` brings it all in:
//!
//! - [`money`]: [`p`] (a [`Price`](sharewise_engine::types::Price)), [`d`] (a `Decimal`),
//!   [`rupees_to_paise`];
//! - [`time`]: the test day ([`TEST_DAY`], Monday 2026-01-05) and IST wall-clock times on it
//!   ([`at`], [`day_at`], [`ist`], [`session_open`], [`bar_ts`]);
//! - [`market_data`]: [`tick`], [`seq_tick`], [`bar`], [`bar_at`], [`bars`], [`candle`];
//! - [`orders`]: [`market()`], [`limit`], [`fill`], [`signal`];
//! - [`files`]: [`tmp`] (a [`TempDir`]), [`write_lines`], [`lines`];
//! - [`relay`]: [`Relay`], a TCP relay a drill cuts and restores (a broker or feed going down).
//!
//! Crate-specific rigs (the live crate's account and order rigs, the CLI runner of the root
//! package, the backtester's scripted strategy) stay beside the tests that need them and are
//! built from these helpers.

pub mod files;
pub mod market_data;
pub mod money;
pub mod orders;
pub mod relay;
pub mod time;

pub use files::{lines, tmp, write_lines, TempDir};
pub use market_data::{bar, bar_at, bars, candle, seq_tick, tick};
pub use money::{d, p, rupees_to_paise};
pub use orders::{fill, limit, market, signal};
pub use relay::Relay;
pub use time::{at, bar_ts, day_at, ist, session_open, TEST_DAY};

//! The crash drill through the Upstox adapter: `sharewise run` trading an Upstox account
//! against `sharewise sandbox upstox` is killed with SIGKILL a random moment after each warm
//! start, four times, and restarted each time; a last run stops gracefully. Afterwards every
//! order the journal has is at Upstox exactly once, every order at Upstox is in the journal, with
//! the same fills and final states: none lost, none placed twice, though orders were in flight
//! (and fills on the portfolio stream) when the daemon died.

mod cli_support;
mod crash_support;
mod kite_support;
mod upstox_support;

use cli_support::*;
use crash_support::kill_rounds;
use kite_support::{args, free_port};
use upstox_support::*;

#[test]
fn kill_9_while_trading_through_upstox_loses_and_duplicates_nothing() {
    let dir = tmp();
    let redirect_port = free_port();
    // At 300× the whole drill stays within one simulated session (the day's books).
    let (mut sandbox, addr) = sandbox_at(redirect_port, 300);
    let fast = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n";
    let config = settings(dir.path(), &addr, redirect_port, fast);
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];
    broker_login(&common);

    let seed = 0x0075_9a71_u64;
    kill_rounds(&common, seed, 4);
    let before = sw_env(
        None,
        &[],
        &["orders", "--data-dir", data.as_str(), "--json"],
    )
    .ok();
    let killed_with: Vec<serde_json::Value> = serde_json::from_str(&before.stdout).unwrap();
    assert!(
        killed_with.len() >= 4,
        "the drill must kill the daemon mid-trading (seed {seed:#x}): {} orders",
        killed_with.len()
    );

    // The last run reconciles what the kills left in flight and stops gracefully.
    sw_env(None, &[], &args(&["run", "--stop-after", "8"], &common))
        .ok()
        .stdout_has(&["books: the journal and the broker agree on every position"]);
    let after = sw_env(
        None,
        &[],
        &["orders", "--data-dir", data.as_str(), "--json"],
    )
    .ok();
    let orders: Vec<serde_json::Value> = serde_json::from_str(&after.stdout).unwrap();
    assert_journal_matches_book(&orders, &sandbox_book(&addr, redirect_port));
    sandbox.kill().unwrap();
}

//! `sharewise run` trading an Upstox account against `sharewise sandbox upstox`, as an operator
//! would set it up: `[run] feed = "upstox:bob"`, `sharewise broker login bob` (OAuth: the printed
//! page, the redirect caught with its state checked), `broker status`, then the daemon warms up
//! from the sandbox's candles, streams its protobuf feed, trades through the Upstox adapter, and
//! at stop its journal (`sharewise orders`) and the sandbox's own order book agree order by
//! order: none lost, none placed twice, the same fills and final states.

mod cli_support;
mod kite_support;
mod upstox_support;

use cli_support::*;
use kite_support::{args, free_port};
use upstox_support::*;

#[test]
fn the_daemon_trades_an_upstox_account_and_its_journal_matches_the_brokers_book() {
    let dir = tmp();
    let redirect_port = free_port();
    let (mut sandbox, addr) = sandbox(redirect_port);
    let config = settings(dir.path(), &addr, redirect_port, "");
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];
    let login = broker_login(&common);
    assert!(
        login.contains("Logged in to Upstox as SW0001 for account `bob`"),
        "{login}"
    );
    sw_env(None, &[], &args(&["broker", "status"], &common))
        .ok()
        .stdout_has(&["bob", "upstox", "logged in as SW0001 (checked with Upstox)"]);

    let run = sw_env(None, &[], &args(&["run", "--stop-after", "20"], &common))
        .ok()
        .stdout_has(&[
            "Upstox at http://",
            "warm start: ",
            "from Upstox's historical candles",
            "upstox feed up",
            "books: the journal and the broker agree on every position",
        ]);
    assert!(
        !run.stdout.contains("warm start: 0 "),
        "the warm start found candles:\n{run}"
    );

    let journal = sw_env(
        None,
        &[],
        &["orders", "--data-dir", data.as_str(), "--json"],
    )
    .ok();
    let orders: Vec<serde_json::Value> = serde_json::from_str(&journal.stdout).unwrap();
    assert!(
        !orders.is_empty(),
        "the daemon traded nothing in 20 s:\n{run}"
    );
    // A graceful stop leaves nothing working; each order matches Upstox's.
    assert_eq!(
        assert_journal_matches_book(&orders, &sandbox_book(&addr, redirect_port)),
        0
    );
    sw_env(None, &[], &args(&["broker", "logout", "bob"], &common))
        .ok()
        .stdout_has(&["Logged out of Upstox for account `bob`"]);
    sandbox.kill().unwrap();
}

//! `sharewise run` trading a Kite account against `sharewise sandbox kite`, as an operator would
//! set it up: `[run] feed = "kite:alice"`, `sharewise broker login alice`, then the daemon warms
//! up from the sandbox's candles, streams its ticks, trades through the Kite adapter, and at stop
//! its journal (`sharewise orders`) and the sandbox's own order book agree order by order.

mod cli_support;
mod kite_support;

use cli_support::*;
use kite_support::*;

#[test]
fn the_daemon_trades_a_kite_account_and_its_journal_matches_the_brokers_book() {
    let dir = tmp();
    let redirect_port = free_port();
    let (mut sandbox, addr) = sandbox(redirect_port);
    let config = settings(dir.path(), &addr, redirect_port, "");
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];
    broker_login(&common, &addr);

    let run = sw_env(None, &[], &args(&["run", "--stop-after", "20"], &common))
        .ok()
        .stdout_has(&[
            "Kite at http://",
            "warm start: ",
            "from Kite's historical candles",
            "kite feed up",
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
    // A graceful stop leaves nothing working; each order matches Kite's.
    assert_eq!(
        assert_journal_matches_book(&orders, &sandbox_book(&addr)),
        0
    );
    sandbox.kill().unwrap();
}

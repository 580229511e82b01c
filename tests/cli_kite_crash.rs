//! The crash drill through the Kite adapter: `sharewise run` trading a Kite account against
//! `sharewise sandbox kite` is killed with SIGKILL at random moments and restarted each time;
//! a last run stops gracefully. Afterwards every order the journal has is at Kite exactly once,
//! every order at Kite is in the journal, with the same fills and final states: none lost, none
//! placed twice, though orders were in flight when the daemon died.

mod cli_support;
mod kite_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use cli_support::*;
use kite_support::*;

/// A small deterministic generator (the kill times; the seed is printed on failure).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Reads the daemon's output on a thread (so it never blocks on a full pipe); the receiver hears
/// once the warm start is done.
fn warm_start_seen(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<()> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if line.contains("warm start") {
                let _ = tx.send(());
            }
        }
    });
    rx
}

#[test]
fn kill_9_while_trading_through_kite_loses_and_duplicates_nothing() {
    let dir = tmp();
    let redirect_port = free_port();
    // At 300× the whole drill (four warm starts, four kills, a last run) stays within one
    // simulated session; SMA(2)/SMA(5) on minute bars still orders every second or so.
    let (mut sandbox, addr) = sandbox_at(redirect_port, 300);
    let fast = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n";
    let config = settings(dir.path(), &addr, redirect_port, fast);
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];
    broker_login(&common, &addr);

    let seed = 0x006b_17e9_u64;
    let mut rng = Lcg(seed);
    let mut kills = 0;
    for round in 0..4 {
        let mut child = bin_without_settings_env()
            .arg("run")
            .args(common)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the daemon");
        // Killed a random moment after the warm start (its candle reads take a few seconds
        // under Kite's 3/s history limit): while trading, orders in flight.
        let warmed = warm_start_seen(child.stdout.take().expect("stdout"));
        let warm_by = Instant::now() + Duration::from_secs(30);
        while Instant::now() < warm_by && warmed.try_recv().is_err() {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let wait = Duration::from_millis(500 + rng.below(3_000));
        let start = Instant::now();
        while start.elapsed() < wait && child.try_wait().expect("poll").is_none() {
            std::thread::sleep(Duration::from_millis(20));
        }
        let died = child.try_wait().expect("poll").is_some();
        child.kill().ok(); // SIGKILL
        let out = child.wait_with_output().expect("reap");
        assert!(
            !died,
            "round {round} (seed {seed:#x}): the daemon stopped on its own:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        kills += 1;
    }
    assert_eq!(kills, 4);
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
    assert_journal_matches_book(&orders, &sandbox_book(&addr));
    sandbox.kill().unwrap();
}

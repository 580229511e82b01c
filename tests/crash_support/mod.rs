//! Shared by the crash drills through a real broker's adapter: `sharewise run` killed with
//! SIGKILL a random moment after each warm start (orders in flight), several times over.

#![allow(dead_code)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::cli_support::bin_without_settings_env;

/// A small deterministic generator (the kill times; the seed is printed on failure).
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
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

/// Starts `sharewise run` with `common` flags `rounds` times, each killed with SIGKILL between
/// 0.5 and 3.5 s (from `seed`) after its warm start — its candle reads take a few seconds under
/// the brokers' history limits — so it dies while trading, with orders in flight.
pub fn kill_rounds(common: &[&str], seed: u64, rounds: u32) {
    let mut rng = Lcg(seed);
    for round in 0..rounds {
        let mut child = bin_without_settings_env()
            .arg("run")
            .args(common)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the daemon");
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
    }
}

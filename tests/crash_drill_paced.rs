//! The paced crash drill: the demo session at 20 000x (a trading day every second or so, so the
//! kills land across IST day boundaries), every journal commit slowed by 20 ms as on a slow
//! disk, `kill -9` at random moments several times, then a last run that stops gracefully.
//! Afterwards the journal and the broker agree on every symbol's quantity and realised P&L and
//! on every order's fills (`sharewise reconcile` exits 0), no client id reached the broker
//! twice, and no order the broker had acknowledged was ever called "never reached the broker".

mod cli_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::*;
use serde_json::Value;

/// A small deterministic generator (the drill's kill times; the seed is printed on failure).
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

fn daemon(dir: &Path, config: &Path, extra: &[&str]) -> Command {
    let mut cmd = bin_without_settings_env();
    cmd.current_dir(dir)
        .env("SHAREWISE_RUN__DEMO_SPEED", "20000")
        .env("SHAREWISE_RUN__COMPARE_EVERY_S", "1")
        .env("SW_TEST_JOURNAL_DELAY_MS", "20")
        .args(["run", "--data-dir", "data", "--config", s(config)])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Every tag the paper broker has ever accepted: today's book and the history's days.
fn broker_tags(data: &Path) -> BTreeSet<u64> {
    let book: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("paper.json")).unwrap()).unwrap();
    let mut tags: BTreeSet<u64> = book["orders"]
        .as_object()
        .unwrap()
        .values()
        .map(|o| o["book"]["request"]["client_id"].as_u64().unwrap())
        .collect();
    for entry in std::fs::read_dir(data.join("paper-history")).unwrap() {
        let day: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        tags.extend(
            day["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["request"]["client_id"].as_u64().unwrap()),
        );
    }
    tags
}

#[test]
fn kill_9_in_a_paced_demo_with_a_slow_journal_leaves_journal_and_broker_agreeing() {
    let dir = tmp();
    let config = dir.path().join("fast.toml");
    std::fs::write(
        &config,
        "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n",
    )
    .unwrap();
    let seed = 0x9ace_d2026_u64;
    let mut rng = Lcg(seed);
    let mut said_never = Vec::new();
    // At least five kills, and on until the runs have crossed two IST day ends (a loaded
    // machine plays the demo's clock more slowly).
    let history = dir.path().join("data").join("paper-history");
    let archived = || std::fs::read_dir(&history).map_or(0, |d| d.count());
    let mut round = 0;
    while round < 5 || archived() < 2 {
        assert!(
            round < 20,
            "seed {seed:#x}: {round} rounds and only {} archived days",
            archived()
        );
        round += 1;
        let mut child = daemon(dir.path(), &config, &[])
            .spawn()
            .expect("spawn the daemon");
        let wait = Duration::from_millis(1_200 + rng.below(1_800));
        let start = Instant::now();
        while start.elapsed() < wait && child.try_wait().expect("poll").is_none() {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            child.try_wait().expect("poll").is_none(),
            "round {round} (seed {seed:#x}): the daemon stopped on its own"
        );
        child.kill().ok(); // SIGKILL
        let out = child.wait_with_output().expect("reap");
        let stdout = String::from_utf8_lossy(&out.stdout);
        said_never.extend(
            stdout
                .lines()
                .filter(|l| l.contains("never reached the broker"))
                .map(str::to_string),
        );
        assert!(
            !stdout.contains("BOOKS DIFFER"),
            "round {round} (seed {seed:#x}): {stdout}"
        );
    }
    // The last run reconciles what the kills left, trades on, and stops gracefully.
    let out = daemon(dir.path(), &config, &["--stop-after", "2"])
        .output()
        .expect("final run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "final run (seed {seed:#x}):\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("books: the journal and the broker agree"),
        "{stdout}"
    );
    said_never.extend(
        stdout
            .lines()
            .filter(|l| l.contains("never reached the broker"))
            .map(str::to_string),
    );

    let data = dir.path().join("data");
    let days = std::fs::read_dir(data.join("paper-history"))
        .unwrap()
        .count();
    assert!(
        days >= 2,
        "the drill spans IST day boundaries: {days} archived days"
    );
    let book: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("paper.json")).unwrap()).unwrap();
    assert_eq!(
        book["duplicate_placements"], 0,
        "no client id reached the broker twice"
    );
    let tags = broker_tags(&data);
    assert!(tags.len() > 30, "the drill traded: {} orders", tags.len());
    // "Never reached the broker" is only ever said of an order the broker does not have.
    for line in &said_never {
        let tag: u64 = line
            .split(':')
            .next()
            .and_then(|t| {
                t.trim()
                    .trim_start_matches("reconcile")
                    .trim()
                    .strip_prefix("SW")
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            !tags.contains(&tag),
            "the broker has SW{tag:010}, yet it was called never sent: {line}"
        );
    }
    // Positions, realised P&L, every order's fills and every broker trade agree.
    let check = sw_in(dir.path(), &["reconcile", "--data-dir", "data"]);
    assert!(check.status.success(), "seed {seed:#x}:\n{check}");
}

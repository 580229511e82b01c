//! The crash drill: run the daemon on a feed that trades often, `kill -9` it at random moments,
//! restart it each time, and let the last run finish. Afterwards no order is lost, no client
//! order id reached the paper broker twice, every fill is booked once, and the journal's
//! positions equal the paper broker's.

mod cli_support;

use std::collections::BTreeMap;
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

fn daemon(dir: &std::path::Path, bars: &std::path::Path, config: &std::path::Path) -> Command {
    let mut cmd = bin();
    cmd.current_dir(dir)
        .args([
            "run",
            "--data-dir",
            "data",
            "--config",
            s(config),
            "--feed",
            &format!("replay:{}", s(bars)),
            "--speed",
            "max",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn orders(dir: &std::path::Path) -> Vec<Value> {
    let out = sw_in(dir, &["orders", "--data-dir", "data", "--json"]).ok();
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn kill_9_at_random_moments_loses_and_duplicates_nothing() {
    let dir = tmp();
    // 40 sessions: several seconds of trading even on a fast machine, so the kills land mid-run.
    let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 40, 5, &[]);
    let config = dir.path().join("fast.toml");
    // SMA(2)/SMA(5) on minute bars: an order every few minutes of data.
    std::fs::write(
        &config,
        "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n",
    )
    .unwrap();
    let seed = 0x5eed_2026_u64;
    let mut rng = Lcg(seed);
    let mut kills_with_orders = 0;
    for round in 0..8 {
        if kills_with_orders >= 4 {
            break;
        }
        let mut child = daemon(dir.path(), &bars, &config)
            .spawn()
            .expect("spawn the daemon");
        let wait = Duration::from_millis(150 + rng.below(1_000));
        let start = Instant::now();
        while start.elapsed() < wait {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let finished = child.try_wait().expect("poll").is_some();
        child.kill().ok(); // SIGKILL
        let out = child.wait_with_output().expect("reap");
        assert!(
            !finished || out.status.success(),
            "round {round} (seed {seed:#x}): the daemon failed on its own:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The journal is readable after every kill (redb repairs an interrupted commit).
        let seen = orders(dir.path());
        if !seen.is_empty() && !finished {
            kills_with_orders += 1;
        }
    }
    assert!(kills_with_orders >= 4, "the drill must kill the daemon mid-trading (seed {seed:#x}); only {kills_with_orders} kills did");

    // The last run reconciles, warms up on the history and finishes the file.
    let out = daemon(dir.path(), &bars, &config)
        .output()
        .expect("final run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "final run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(warm_up_ticks(&stdout) > 0, "{stdout}");

    let journal = orders(dir.path());
    let paper: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("data/paper.json")).unwrap())
            .unwrap();
    assert_eq!(
        paper["duplicate_placements"], 0,
        "no client order id reached the broker twice"
    );
    assert!(
        journal.len() > 100,
        "the drill traded: {} orders",
        journal.len()
    );

    // Every order the broker has is in the journal with the same fills; every journalled order
    // is settled (a graceful stop leaves nothing new, sent, unresolved or working).
    let by_tag: BTreeMap<String, &Value> = journal
        .iter()
        .map(|o| (o["tag"].as_str().unwrap().to_string(), o))
        .collect();
    let broker_orders = paper["orders"].as_object().unwrap();
    for (_, o) in broker_orders {
        let book = &o["book"];
        let tag = format!("SW{:010}", book["request"]["client_id"].as_u64().unwrap());
        let j = by_tag
            .get(&tag)
            .unwrap_or_else(|| panic!("broker order {tag} is missing from the journal (lost)"));
        assert_eq!(
            j["filled_qty"], book["filled_qty"],
            "{tag}: journal and broker agree on the filled quantity"
        );
    }
    // Earlier days' finished orders leave the paper broker's day book; their tags stay known.
    let archived: Vec<u64> = paper["archived_tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_u64().unwrap())
        .collect();
    assert!(!archived.is_empty(), "the drill spans several IST days");
    for o in &journal {
        let status = o["status"].as_str().unwrap();
        assert!(
            ["filled", "cancelled", "rejected"].contains(&status),
            "settled after a graceful stop: {o}"
        );
        let id = o["client_id"].as_u64().unwrap();
        let at_broker = archived.contains(&id)
            || broker_orders
                .values()
                .any(|b| b["book"]["request"]["client_id"].as_u64() == Some(id));
        if status == "filled" {
            assert!(
                at_broker,
                "a filled journal order exists at the broker: {o}"
            );
        }
    }

    let positions = sw_in(dir.path(), &["positions", "--data-dir", "data", "--json"]).ok();
    let positions: Value = serde_json::from_str(&positions.stdout).unwrap();
    let journal_qty: i64 = positions
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["symbol"] == "RELIANCE")
        .map(|p| p["qty"].as_i64().unwrap())
        .sum();
    let broker_qty = paper["positions"]["0"]["qty"].as_i64().unwrap_or(0);
    assert_eq!(
        journal_qty, broker_qty,
        "journal positions equal the paper broker's"
    );
    let money = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert_eq!(
        money(&positions[0]["avg_price"]),
        money(&paper["positions"]["0"]["avg_price"])
    );
    // Every fill booked exactly once: a fill missing or doubled in the journal would move its
    // realised P&L away from the broker's.
    assert_eq!(
        money(&positions[0]["realized_pnl"]),
        money(&paper["positions"]["0"]["realized_pnl"]),
        "journal and broker realised the same P&L"
    );
}

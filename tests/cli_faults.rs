//! The daemon's files under an operator's mistakes and a hurried stop: a deleted journal, a
//! deleted broker book, a journal from another account, Ctrl-C under load and a second Ctrl-C.
//! Each is refused with a message naming both files and what to do, or stops as promised, and
//! afterwards `sharewise reconcile` finds the journal and the broker agreeing.

mod cli_support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cli_support::*;
use serde_json::Value;

/// SMA(2)/SMA(5) on minute bars: an order every few minutes of data.
const FAST: &str = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n";

fn config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("fast.toml");
    std::fs::write(&path, FAST).unwrap();
    path
}

/// `sharewise run` on a replay of `bars` in `dir/data`, lockstep.
fn replay(dir: &Path, bars: &Path) -> Run {
    let config = config(dir);
    sw_in(
        dir,
        &[
            "run",
            "--data-dir",
            "data",
            "--config",
            s(&config),
            "--feed",
            &format!("replay:{}", s(bars)),
            "--speed",
            "max",
        ],
    )
}

fn paper(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("data/paper.json")).unwrap()).unwrap()
}

#[test]
fn a_deleted_journal_is_refused_and_recover_rebuilds_it_without_reusing_an_id() {
    let dir = tmp();
    let full = gen_bars(dir.path(), "full.csv", 6, 3, &[]);
    // The replay file grows: first three days, later all six (same path, same feed).
    let bars = dir.path().join("RELIANCE_1m.csv");
    let all = lines(&full);
    write_lines(dir.path(), "RELIANCE_1m.csv", &all[..1 + 3 * 375]);
    replay(dir.path(), &bars).ok();
    let orders_before = paper(dir.path())["next_seq"].as_u64().unwrap();
    assert!(orders_before > 10, "the first run traded: {orders_before}");
    // The same file again: all history, nothing traded twice (the last bar's decision included).
    replay(dir.path(), &bars).ok().stdout_has(&[" 0 orders ("]);
    assert_eq!(
        paper(dir.path())["next_seq"].as_u64().unwrap(),
        orders_before
    );

    std::fs::remove_file(dir.path().join("data/journal.redb")).unwrap();
    replay(dir.path(), &bars).fails().stderr_has(&[
        "data/journal.redb is missing",
        "data/paper.json has orders, fills or positions",
        "sharewise recover --data-dir data",
    ]);
    // A history day missing: recover refuses to build a journal that would miss fills.
    let history = dir.path().join("data/paper-history");
    let day = std::fs::read_dir(&history)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::rename(&day, dir.path().join("aside.json")).unwrap();
    sw_in(dir.path(), &["recover", "--data-dir", "data"])
        .fails()
        .stderr_has(&[
            "fills but its day book and data/paper-history hold only",
            "Restore the missing day files",
        ]);
    std::fs::rename(dir.path().join("aside.json"), &day).unwrap();

    let recovered = sw_in(dir.path(), &["recover", "--data-dir", "data"]).ok();
    assert!(
        recovered
            .stdout
            .contains(&format!("recovered {orders_before} orders")),
        "{recovered}"
    );
    sw_in(dir.path(), &["reconcile", "--data-dir", "data"])
        .ok()
        .stdout_has(&["journal and broker agree"]);
    // A second recover refuses to overwrite the journal it made.
    sw_in(dir.path(), &["recover", "--data-dir", "data"])
        .fails()
        .stderr_has(&[
            "holds",
            "events: recover only rebuilds a missing, empty or damaged journal",
        ]);

    write_lines(dir.path(), "RELIANCE_1m.csv", &all);
    replay(dir.path(), &bars).ok();
    let book = paper(dir.path());
    assert_eq!(
        book["duplicate_placements"], 0,
        "no client id reached the broker twice"
    );
    assert!(
        book["next_seq"].as_u64().unwrap() > orders_before,
        "the run after recovery traded on"
    );
    sw_in(dir.path(), &["reconcile", "--data-dir", "data"]).ok();
}

#[test]
fn a_deleted_broker_book_or_a_foreign_journal_is_refused() {
    let (a, b) = (tmp(), tmp());
    for dir in [&a, &b] {
        let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 2, 5, &[]);
        replay(dir.path(), &bars).ok();
    }
    let bars_b = b.path().join("RELIANCE_1m.csv");
    std::fs::copy(
        a.path().join("data/journal.redb"),
        b.path().join("data/journal.redb"),
    )
    .unwrap();
    let refused = replay(b.path(), &bars_b).fails().stderr_has(&[
        "data/journal.redb belongs to account paper-",
        "but the broker book data/paper.json is account paper-",
    ]);
    sw_in(b.path(), &["reconcile", "--data-dir", "data"])
        .fails()
        .stdout_has(&["ACCOUNTS DIFFER"]);
    drop(refused);

    // feed.json maps the book's instrument ids to symbols: without it the start is refused and
    // nothing is rewritten.
    let c = tmp();
    let bars_c = gen_bars(c.path(), "RELIANCE_1m.csv", 2, 5, &[]);
    replay(c.path(), &bars_c).ok();
    let feed = c.path().join("data/feed.json");
    std::fs::remove_file(&feed).unwrap();
    replay(c.path(), &bars_c).fails().stderr_has(&[
        "data/feed.json is missing but",
        "Restore data/feed.json from a backup",
    ]);
    assert!(!feed.exists(), "a refused start writes no feed.json");

    let bars_a = a.path().join("RELIANCE_1m.csv");
    std::fs::remove_file(a.path().join("data/paper.json")).unwrap();
    replay(a.path(), &bars_a).fails().stderr_has(&[
        "events but the broker book data/paper.json is missing",
        "Restore data/paper.json from a backup",
    ]);
    assert!(
        !a.path().join("data/paper.json").exists(),
        "a refused start creates no fresh book"
    );
}

/// The demo daemon at 20 000x with every journal commit slowed to `delay_ms` (a slow disk).
fn loaded_demo(dir: &Path, delay_ms: &str) -> Child {
    let config = config(dir);
    let mut cmd = bin_without_settings_env();
    cmd.current_dir(dir)
        .env("SHAREWISE_RUN__DEMO_SPEED", "20000")
        .env("SW_TEST_JOURNAL_DELAY_MS", delay_ms)
        .args(["run", "--data-dir", "data", "--config", s(&config)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the daemon")
}

fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
}

/// Waits for `child` to exit (at most `limit`); its output and how long the stop took.
fn stopped(mut child: Child, since: Instant, limit: Duration) -> (std::process::Output, Duration) {
    while child.try_wait().expect("poll").is_none() {
        if since.elapsed() > limit {
            child.kill().ok();
            let out = child.wait_with_output().expect("reap");
            panic!(
                "no exit within {limit:?}:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = since.elapsed();
    (child.wait_with_output().expect("reap"), took)
}

#[test]
fn ctrl_c_under_load_drops_the_backlog_and_stops_promptly() {
    let dir = tmp();
    let child = loaded_demo(dir.path(), "20");
    std::thread::sleep(Duration::from_secs(3));
    let asked = Instant::now();
    interrupt(&child);
    // The promise is two seconds; the bound here is loose because CI machines are shared.
    let (out, took) = stopped(child, asked, Duration::from_secs(20));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("stopped {took:?} after Ctrl-C");
    assert!(
        stdout.contains("discarded at stop (queued, never sent)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("books: the journal and the broker agree"),
        "{stdout}"
    );
    sw_in(dir.path(), &["reconcile", "--data-dir", "data"]).ok();
}

#[test]
fn a_second_ctrl_c_exits_at_once_and_the_next_start_settles_everything() {
    let dir = tmp();
    // A very slow disk (half a second per commit): fills keep arriving under the fast demo,
    // so a graceful stop has at least one commit to finish and the second Ctrl-C comes first.
    let child = loaded_demo(dir.path(), "500");
    std::thread::sleep(Duration::from_secs(3));
    let asked = Instant::now();
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(100));
    interrupt(&child);
    let (out, took) = stopped(child, asked, Duration::from_secs(20));
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("exited {took:?} after the first Ctrl-C");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("forced stop:"), "{stdout}");
    // The journal opens, and a restart reconciles whatever was in flight.
    let config = config(dir.path());
    sw_env(
        Some(dir.path()),
        &[("SHAREWISE_RUN__DEMO_SPEED", "20000")],
        &[
            "run",
            "--data-dir",
            "data",
            "--config",
            s(&config),
            "--stop-after",
            "1",
        ],
    )
    .ok();
    sw_in(dir.path(), &["reconcile", "--data-dir", "data"]).ok();
    assert_eq!(paper(dir.path())["duplicate_placements"], 0);
}

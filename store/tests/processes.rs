//! Cross-process behaviour: a reader next to a live writer, and a writer killed mid-stream.
//!
//! Child processes re-run this test binary on one `#[ignore]`d test, with the journal path in
//! `SW_CHILD_JOURNAL`; without that variable the child tests do nothing.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{created, filled, p, place, sent, tmp};
use sharewise_engine::types::Side;
use sharewise_store::{
    orders_view, positions_view, read_state, Journal, JournalReader, OrderStatus, StoreError,
};

const ENV: &str = "SW_CHILD_JOURNAL";

fn child(test: &str, path: &Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(ENV, path);
    cmd
}

/// Child: opens the journal read-only and prints `ORDERS <json>` and `POSITIONS <json>`.
#[test]
#[ignore = "run by reader_in_another_process_sees_the_daemons_commits"]
fn child_reader() {
    let Some(path) = std::env::var_os(ENV) else {
        return;
    };
    let state = JournalReader::open(&path)
        .expect("read-only open next to the writer")
        .state()
        .expect("state");
    let marks = HashMap::from([("INFY".to_string(), p("110"))]);
    println!(
        "ORDERS {}",
        serde_json::to_string(&orders_view(&state)).expect("json")
    );
    println!(
        "POSITIONS {}",
        serde_json::to_string(&positions_view(&state, &marks)).expect("json")
    );
}

/// Child: records orders forever, printing `SEQ <n>` after each commit, until killed.
#[test]
#[ignore = "run by writer_killed_mid_stream_loses_nothing_it_committed"]
fn child_writer() {
    let Some(path) = std::env::var_os(ENV) else {
        return;
    };
    let mut j = Journal::open(&path).expect("open");
    for id in 1.. {
        for e in [created(id, "INFY", Side::Buy, 1), sent(id)] {
            if let sharewise_store::Recorded::Appended(seq) = j.record(&e).expect("record") {
                println!("SEQ {seq}");
            }
        }
    }
}

fn json_line(out: &str, prefix: &str) -> serde_json::Value {
    // libtest may print `test child_reader ... ` on the same line, so look for the prefix anywhere.
    let line = out
        .lines()
        .find_map(|l| l.find(prefix).map(|i| &l[i + prefix.len()..]))
        .unwrap_or_else(|| panic!("no {prefix} in {out}"));
    serde_json::from_str(line).expect("child json")
}

#[test]
fn reader_in_another_process_sees_the_daemons_commits() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    let mut j = Journal::open(&path).unwrap();
    place(&mut j, 1, "INFY", Side::Buy, 10);
    j.record(&filled(1, Side::Buy, 4, "100", "T1")).unwrap();

    let out = child("child_reader", &path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let orders = json_line(&out, "ORDERS ");
    assert_eq!(orders[0]["client_id"], 1);
    assert_eq!(orders[0]["symbol"], "INFY");
    assert_eq!(orders[0]["side"], "BUY");
    assert_eq!(
        (orders[0]["qty"].as_i64(), orders[0]["filled_qty"].as_i64()),
        (Some(10), Some(4))
    );
    assert_eq!(orders[0]["status"], "partially_filled");
    let positions = json_line(&out, "POSITIONS ");
    assert_eq!(positions[0]["qty"], 4);
    assert_eq!(positions[0]["unrealized_pnl"], "40");

    // The writer keeps going; a new reader sees the new commit.
    j.record(&filled(1, Side::Buy, 6, "100", "T2")).unwrap();
    let out = child("child_reader", &path).output().unwrap();
    let orders = json_line(&String::from_utf8_lossy(&out.stdout), "ORDERS ");
    assert_eq!(orders[0]["status"], "filled");
}

#[test]
fn reader_in_the_same_process_follows_new_commits() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    drop(Journal::open(&path).unwrap());
    // A reader opened first does not keep the daemon from starting.
    let reader = JournalReader::open(&path).unwrap();
    let mut j = Journal::open(&path).unwrap();
    j.record(&created(1, "INFY", Side::Sell, 3)).unwrap();
    assert_eq!(reader.state().unwrap().orders()[0].status, OrderStatus::New);
    j.record(&sent(1)).unwrap();
    assert_eq!(
        reader.state().unwrap().orders()[0].status,
        OrderStatus::Sent
    );
    assert_eq!(reader.entries().unwrap(), j.entries().unwrap());
    assert_eq!(read_state(&path).unwrap().last_seq(), 2);
}

#[test]
fn writer_killed_mid_stream_loses_nothing_it_committed() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    let mut proc = child("child_writer", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = proc.stdout.take().unwrap();
    let mut acked = 0;
    for line in BufReader::new(stdout).lines() {
        if let Some(seq) = line.unwrap().strip_prefix("SEQ ") {
            acked = seq.parse().unwrap();
            if acked >= 60 {
                break;
            }
        }
    }
    proc.kill().unwrap(); // SIGKILL: no destructor runs, possibly mid-commit
    proc.wait().unwrap();
    assert!(acked >= 60);

    // Read-only right after the crash: either the file is clean, or the reader says why not...
    match JournalReader::open(&path) {
        Ok(_) => eprintln!("after crash: read-only open ok"),
        Err(StoreError::NeedsRecovery { .. }) => eprintln!("after crash: needs recovery"),
        Err(e) => panic!("unexpected read-only open error after a crash: {e}"),
    }
    // ...and read_state (what `sharewise orders` uses) gets the state either way.
    let seen = read_state(&path).unwrap();
    assert!(
        seen.last_seq() >= acked,
        "reader saw {} of {acked}",
        seen.last_seq()
    );

    let mut j = Journal::open(&path).unwrap();
    let entries = j.entries().unwrap();
    assert!(entries.len() as u64 >= acked, "{} < {acked}", entries.len());
    assert!(entries
        .iter()
        .enumerate()
        .all(|(i, e)| e.seq == i as u64 + 1));
    // The restarted writer carries on without reusing an id or a sequence number.
    let next = j.next_client_id();
    assert!(j.orders().iter().all(|o| o.client_id < next));
    let seq = entries.len() as u64 + 1;
    assert_eq!(
        j.record(&created(next.0, "INFY", Side::Buy, 1)).unwrap(),
        sharewise_store::Recorded::Appended(seq)
    );
}

//! A journal file with corrupted bytes: every open and read fails with `StoreError::Damaged`
//! (naming the file and the recovery command), never with a panic.

mod common;

use std::path::Path;

use common::{filled, place, tmp};
use sharewise_engine::types::Side;
use sharewise_store::{read_state, Journal, JournalReader, StoreError};

/// Writes a journal of 30 filled orders (about 80 KB) at `path`.
fn write_journal(path: &Path) {
    let mut j = Journal::open(path).expect("new journal");
    for id in 1..=30 {
        place(&mut j, id, "INFY", Side::Buy, 10);
        j.record(&filled(id, Side::Buy, 10, "100", &format!("T{id}")))
            .expect("fill");
    }
}

/// What one call did to a damaged file: `None` if it panicked.
type Outcome = Option<Result<(), StoreError>>;

/// One way of opening or reading the journal at a path.
type Call = fn(&Path) -> Outcome;

/// Runs one call on a damaged file, catching a panic.
fn outcome<T>(call: impl FnOnce() -> Result<T, StoreError>) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .ok()
        .map(|r| r.map(|_| ()))
}

fn assert_damaged(err: &StoreError, path: &Path) {
    assert!(
        matches!(err, StoreError::Damaged { .. }),
        "expected Damaged, got {err:?}"
    );
    let msg = err.to_string();
    let dir = path.parent().expect("dir").display().to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("is damaged"), "{msg}");
    assert!(
        msg.contains(&format!("sharewise recover --data-dir {dir}")),
        "{msg}"
    );
    assert!(msg.contains(".damaged"), "suggests keeping a copy: {msg}");
}

#[test]
fn corrupted_bytes_anywhere_give_a_damaged_error_not_a_panic() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    write_journal(&path);
    let clean = std::fs::read(&path).expect("read journal");
    let mut damaged = 0;
    // Flip 64 bytes at a time, every 1/64 of the file: headers, B-tree pages, event values.
    let step = (clean.len() / 64).max(1);
    for offset in (0..clean.len()).step_by(step) {
        let mut bytes = clean.clone();
        bytes[offset..(offset + 64).min(clean.len())]
            .iter_mut()
            .for_each(|b| *b ^= 0x5A);
        let calls: [(&str, Call); 3] = [
            ("Journal::open", |p| outcome(|| Journal::open(p))),
            ("read_state", |p| outcome(|| read_state(p))),
            ("JournalReader", |p| {
                outcome(|| JournalReader::open(p)?.entries())
            }),
        ];
        for (name, call) in calls {
            // Each call gets the damaged bytes afresh (opening for writing may repair the file).
            std::fs::write(&path, &bytes).expect("write damaged journal");
            match call(&path) {
                None => panic!(
                    "{name} panicked on a journal with bytes {offset}..{} corrupted",
                    offset + 64
                ),
                Some(Err(e)) => {
                    assert_damaged(&e, &path);
                    damaged += 1;
                }
                // Damage to free space or to bytes redb does not read is harmless.
                Some(Ok(())) => {}
            }
        }
    }
    assert!(damaged >= 10, "only {damaged} corruptions were noticed");
}

#[test]
fn a_journal_cut_short_is_called_damaged_not_an_io_error() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    write_journal(&path);
    let clean = std::fs::read(&path).expect("read journal");
    // A copy that stopped early, or a disk that filled up: cut at several lengths.
    for keep in [clean.len() / 2, clean.len() / 4, 4096.min(clean.len() - 1)] {
        std::fs::write(&path, &clean[..keep]).expect("write truncated journal");
        let calls: [(&str, Call); 2] = [
            ("read_state", |p| outcome(|| read_state(p))),
            ("Journal::open", |p| outcome(|| Journal::open(p))),
        ];
        for (name, call) in calls {
            std::fs::write(&path, &clean[..keep]).expect("write truncated journal");
            match call(&path) {
                Some(Err(e)) => assert_damaged(&e, &path),
                other => panic!(
                    "{name} on a journal cut to {keep} of {} bytes: {:?}",
                    clean.len(),
                    other.map(|r| r.is_ok())
                ),
            }
        }
    }
}

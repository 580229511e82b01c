//! What `orders`, `positions`, `reconcile` and `run` say about a data directory whose files an
//! operator lost, cut short, mixed up or that a crash garbled: each names the file, says what is
//! wrong in words (never a library's internals) and points at the command that fixes it.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

/// SMA(2)/SMA(5) on minute bars: an order every few minutes of data.
const FAST: &str = "[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 2, slow = 5 }\n";

/// A replay run in `dir/data` of `days` generated days (seeded by `seed`).
fn traded(dir: &Path, name: &str, days: u32, seed: u64) -> PathBuf {
    let config = dir.join("fast.toml");
    std::fs::write(&config, FAST).unwrap();
    let bars = gen_bars(dir, &format!("{name}.csv"), days, seed, &[]);
    let data = dir.join(name);
    sw_in(
        dir,
        &[
            "run",
            "--data-dir",
            s(&data),
            "--config",
            s(&config),
            "--feed",
            &format!("replay:{}", s(&bars)),
            "--speed",
            "max",
        ],
    )
    .ok();
    data
}

/// A copy of the data directory `from` named `name`, beside it.
fn copy_of(from: &Path, name: &str) -> PathBuf {
    let to = from.with_file_name(name);
    std::fs::create_dir_all(to.join("paper-history")).unwrap();
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        std::fs::copy(&entry, to.join(rel)).unwrap();
    }
    to
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn lost_cut_short_or_garbled_files_are_named_with_the_command_that_fixes_them() {
    let dir = tmp();
    let data = traded(dir.path(), "data", 2, 7);
    let journal_len = std::fs::metadata(data.join("journal.redb")).unwrap().len();

    // A journal cut short (a partial copy, a full disk): damaged, not an "I/O error".
    let cut = copy_of(&data, "cut");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(cut.join("journal.redb"))
        .unwrap();
    file.set_len(journal_len / 2).unwrap();
    drop(file);
    for command in ["orders", "positions", "reconcile"] {
        sw_in(dir.path(), &[command, "--data-dir", s(&cut)])
            .fails()
            .stderr_has(&[
                "cut/journal.redb is damaged",
                "sharewise recover --data-dir",
                ".damaged",
            ]);
    }

    // A journal deleted beside a book that traded: restore or recover, not "start the daemon".
    let lost = copy_of(&data, "lost");
    std::fs::remove_file(lost.join("journal.redb")).unwrap();
    let run = sw_in(dir.path(), &["orders", "--data-dir", s(&lost)])
        .fails()
        .stderr_has(&[
            "no order journal at",
            "lost/paper.json holds",
            "deleted or moved",
            "sharewise recover --data-dir",
        ]);
    assert!(!run.stderr.contains("start the daemon"), "{run}");

    // A marks file garbled: positions still show, without unrealised P&L, with a note.
    let marks = copy_of(&data, "marks");
    std::fs::write(marks.join("marks.json"), "{\"marks\": {\"RELI").unwrap();
    let run = sw_in(dir.path(), &["positions", "--data-dir", s(&marks)])
        .ok()
        .stderr_has(&[
            "note: ",
            "marks.json cannot be read",
            "unrealised P&L shows n/a",
        ]);
    assert!(
        run.stdout.contains("DATA ") && run.stdout.contains("n/a"),
        "positions of the symbol traded (named after the bars file): {run}"
    );

    // A broker book garbled: its own words, no error-kind prefix.
    let book = copy_of(&data, "book");
    std::fs::write(book.join("paper.json"), "{\"orders\": [").unwrap();
    let config = dir.path().join("fast.toml");
    let feed = format!("replay:{}", s(&dir.path().join("data.csv")));
    for args in [
        vec!["reconcile", "--data-dir", s(&book)],
        vec![
            "run",
            "--data-dir",
            s(&book),
            "--config",
            s(&config),
            "--feed",
            &feed,
            "--speed",
            "max",
        ],
    ] {
        let run = sw_in(dir.path(), &args).fails().stderr_has(&[
            "the paper broker's book",
            "book/paper.json is damaged",
            "restore it from a backup",
        ]);
        assert!(
            !run.stderr.contains("Unknown:") && !run.stderr.contains("broker: "),
            "{run}"
        );
    }
}

#[test]
fn an_empty_or_foreign_journal_beside_a_traded_book_says_what_it_is() {
    let dir = tmp();
    let data = traded(dir.path(), "data", 2, 11);
    let other = traded(dir.path(), "other", 2, 12);

    // Another account's journal: reconcile says they are not a pair (not "a start books fills").
    let foreign = copy_of(&data, "foreign");
    std::fs::copy(other.join("journal.redb"), foreign.join("journal.redb")).unwrap();
    let run = sw_in(dir.path(), &["reconcile", "--data-dir", s(&foreign)])
        .fails()
        .stdout_has(&[
            "ACCOUNTS DIFFER",
            "what now: the journal belongs to account",
            "not a pair",
            "sharewise recover --data-dir",
        ]);
    assert!(!run.stdout.contains("books the"), "{run}");

    // An empty journal (a new account's) beside the traded book: orders and positions say so.
    let empty_src = dir.path().join("empty");
    std::fs::create_dir_all(&empty_src).unwrap();
    let one_bar = lines(&gen_bars(dir.path(), "one.csv", 1, 3, &[]))[..2].to_vec();
    let bars = write_lines(dir.path(), "one_bar.csv", &one_bar);
    sw_in(
        dir.path(),
        &[
            "run",
            "--data-dir",
            s(&empty_src),
            "--feed",
            &format!("replay:{}", s(&bars)),
            "--speed",
            "max",
        ],
    )
    .ok();
    let empty = copy_of(&data, "replaced");
    std::fs::copy(empty_src.join("journal.redb"), empty.join("journal.redb")).unwrap();
    for command in ["orders", "positions"] {
        sw_in(dir.path(), &[command, "--data-dir", s(&empty)])
            .ok()
            .stderr_has(&[
                "note: the journal",
                "is empty, but the broker book",
                "sharewise recover --data-dir",
            ]);
    }
    // The healthy directory gives no notes.
    let run = sw_in(dir.path(), &["orders", "--data-dir", s(&data)]).ok();
    assert!(!run.stderr.contains("note:"), "{run}");
}

//! The journal and the broker book belong together: one account id stamped in both.
//!
//! A journal describes what one broker account was asked to do; used with another account's book
//! (or a fresh one) it would call the broker's orders foreign, and a fresh journal beside an old
//! book would start client ids again at `SW0000000001` — ids the broker has already seen. So
//! before anything trades, [`check`] looks at both files:
//!
//! | journal | broker book | what happens |
//! | --- | --- | --- |
//! | missing or empty | missing or never traded | a new account: both are stamped with the book's id |
//! | missing or empty | has orders, fills or positions | refused: `sharewise recover` rebuilds the journal from the broker's history |
//! | has events | missing | refused: the broker's book cannot be made up; restore it or use a fresh data directory |
//! | stamped X | stamped Y ≠ X | refused: a foreign journal |
//! | stamped X | stamped X | the same account: go on |
//! | unstamped (older) | any | stamped now with the book's id (books written before stamps existed) |

use std::path::Path;

use crate::error::LiveError;

/// What [`check`] found about the two files before either is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilesPresent {
    /// The journal file exists.
    pub journal: bool,
    /// The broker book file exists.
    pub book: bool,
}

impl FilesPresent {
    /// Looks at `journal` and `book` on disk.
    pub fn look(journal: &Path, book: &Path) -> FilesPresent {
        FilesPresent {
            journal: journal.exists(),
            book: book.exists(),
        }
    }
}

/// What the journal and the book hold, once opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairState<'a> {
    /// Events in the journal.
    pub journal_events: u64,
    /// The account id stamped in the journal.
    pub journal_account: Option<&'a str>,
    /// The account id of the broker book (empty for an older unstamped book).
    pub book_account: &'a str,
    /// The book never traded (no order, fill, position or history).
    pub book_fresh: bool,
}

/// Whether the journal and book at `journal` / `book` may be used together (see the module
/// table); the error names both files and says what to do.
pub fn check(
    journal: &Path,
    book: &Path,
    present: FilesPresent,
    state: &PairState<'_>,
) -> Result<(), LiveError> {
    let dir = journal.parent().unwrap_or(Path::new("."));
    let journal_empty = !present.journal || state.journal_events == 0;
    if journal_empty && present.book && !state.book_fresh {
        let how = if present.journal {
            "is empty"
        } else {
            "is missing"
        };
        return Err(LiveError::Pairing(format!(
            "{} {how} but the broker book {} has orders, fills or positions: a fresh journal would reuse client ids the broker has seen. Rebuild the journal from the broker's history with `sharewise recover --data-dir {}`, or move {} away to start a new paper account",
            journal.display(),
            book.display(),
            dir.display(),
            book.display()
        )));
    }
    if !journal_empty && !present.book {
        return Err(LiveError::Pairing(format!(
            "{} holds {} events but the broker book {} is missing: the broker's side cannot be made up. Restore {} from a backup, or start afresh in an empty --data-dir",
            journal.display(),
            state.journal_events,
            book.display(),
            book.display()
        )));
    }
    if let Some(stamped) = state.journal_account {
        if !journal_empty && !state.book_account.is_empty() && stamped != state.book_account {
            return Err(LiveError::Pairing(format!(
                "{} belongs to account {stamped} but the broker book {} is account {}: they are not one account's files. Put the journal back beside its own book, or rebuild a journal for this book with `sharewise recover` in a data directory without one",
                journal.display(),
                book.display(),
                state.book_account
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(
        journal_events: u64,
        journal_account: Option<&'static str>,
        book_account: &'static str,
        book_fresh: bool,
    ) -> PairState<'static> {
        PairState {
            journal_events,
            journal_account,
            book_account,
            book_fresh,
        }
    }

    #[test]
    fn every_row_of_the_table() {
        let (j, b) = (Path::new("data/journal.redb"), Path::new("data/paper.json"));
        let both = FilesPresent {
            journal: true,
            book: true,
        };
        assert!(check(
            j,
            b,
            FilesPresent {
                journal: false,
                book: false
            },
            &state(0, None, "paper-1", true)
        )
        .is_ok());
        let err = check(
            j,
            b,
            FilesPresent {
                journal: false,
                book: true,
            },
            &state(0, None, "paper-1", false),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("data/journal.redb is missing")
                && err.contains("data/paper.json has orders")
                && err.contains("sharewise recover --data-dir data"),
            "{err}"
        );
        let err = check(j, b, both, &state(0, None, "paper-1", false))
            .unwrap_err()
            .to_string();
        assert!(err.contains("data/journal.redb is empty"), "{err}");
        let err = check(
            j,
            b,
            FilesPresent {
                journal: true,
                book: false,
            },
            &state(7, Some("paper-1"), "paper-2", true),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("holds 7 events but the broker book data/paper.json is missing"),
            "{err}"
        );
        let err = check(j, b, both, &state(7, Some("paper-1"), "paper-2", false))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "belongs to account paper-1 but the broker book data/paper.json is account paper-2"
            ),
            "{err}"
        );
        assert!(check(j, b, both, &state(7, Some("paper-1"), "paper-1", false)).is_ok());
        assert!(
            check(j, b, both, &state(7, None, "", false)).is_ok(),
            "older unstamped files are stamped, not refused"
        );
    }
}

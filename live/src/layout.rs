//! Where each account's files live in a data directory.
//!
//! ```text
//! DATA/feed.json            the feed's symbols in instrument-id order (shared by every account)
//! DATA/marks.json           the last trade price of every symbol (shared)
//! DATA/journal.redb         account `main`: the order journal
//! DATA/paper.json           account `main`: the paper broker's book (and DATA/paper-history/)
//! DATA/accounts/NAME/...    any other account: its own journal.redb, paper.json, paper-history/
//! .../broker-session.json   a real broker account's day session, sealed (`sharewise broker login`)
//! DATA/session.key          the key sessions are sealed with (unless SHAREWISE_SESSION_KEY is set)
//! ```
//!
//! The default account, `main`, keeps the layout a one-account daemon has always used, so a
//! data directory from before `[[accounts]]` goes on working, and accounts added later sit
//! beside it. Each account's journal and book are a pair of their own (stamped with their own
//! account id, with their own client-id sequence).

use std::path::{Path, PathBuf};

use sharewise_config::DEFAULT_ACCOUNT;

use crate::error::LiveError;
use crate::startup::{BOOK_FILE, JOURNAL_FILE};
use crate::state_dir::FEED_FILE;

/// An account's broker session, sealed (`sharewise_brokers::vault`).
pub const BROKER_SESSION_FILE: &str = "broker-session.json";

/// The folder under the data directory that holds accounts other than `main`.
pub const ACCOUNTS_DIR: &str = "accounts";

/// One account's place in a data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDir {
    /// The data directory.
    pub root: PathBuf,
    /// The account's name.
    pub name: String,
    /// Where its journal and book live.
    pub dir: PathBuf,
}

impl AccountDir {
    /// Account `name` under the data directory `root` (`main` is `root` itself).
    pub fn new(root: &Path, name: &str) -> AccountDir {
        let dir = if name == DEFAULT_ACCOUNT {
            root.to_path_buf()
        } else {
            root.join(ACCOUNTS_DIR).join(name)
        };
        AccountDir {
            root: root.to_path_buf(),
            name: name.to_string(),
            dir,
        }
    }

    /// The account's order journal.
    pub fn journal(&self) -> PathBuf {
        self.dir.join(JOURNAL_FILE)
    }

    /// The account's sealed broker session (a real broker's day login).
    pub fn broker_session(&self) -> PathBuf {
        self.dir.join(BROKER_SESSION_FILE)
    }

    /// The account's paper broker book.
    pub fn book(&self) -> PathBuf {
        self.dir.join(BOOK_FILE)
    }

    /// The feed record shared by every account of the data directory.
    pub fn feed_file(&self) -> PathBuf {
        self.root.join(FEED_FILE)
    }

    /// The flags that name this account to the inspection commands: `--data-dir DATA`, plus
    /// `--account NAME` for any account but `main`.
    pub fn flags(&self) -> String {
        match self.name == DEFAULT_ACCOUNT {
            true => format!("--data-dir {}", self.root.display()),
            false => format!("--data-dir {} --account {}", self.root.display(), self.name),
        }
    }

    /// Whether the account has a journal or a broker book here.
    pub fn exists(&self) -> bool {
        self.journal().exists() || self.book().exists()
    }
}

/// The accounts with files in the data directory `root`: `main` first (when it has a journal
/// or a book), then `accounts/*` by name.
pub fn accounts_in(root: &Path) -> Result<Vec<AccountDir>, LiveError> {
    let mut found = Vec::new();
    let main = AccountDir::new(root, DEFAULT_ACCOUNT);
    if main.exists() {
        found.push(main);
    }
    let folder = root.join(ACCOUNTS_DIR);
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => {
            return Err(LiveError::io(
                format!("cannot list {}", folder.display()),
                e,
            ))
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name != DEFAULT_ACCOUNT)
        .collect();
    names.sort();
    found.extend(
        names
            .iter()
            .map(|name| AccountDir::new(root, name))
            .filter(AccountDir::exists),
    );
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_keeps_the_data_directory_and_others_get_a_folder() {
        let main = AccountDir::new(Path::new("data"), "main");
        assert_eq!(main.journal(), Path::new("data/journal.redb"));
        assert_eq!(main.flags(), "--data-dir data");
        let alice = AccountDir::new(Path::new("data"), "alice");
        assert_eq!(alice.book(), Path::new("data/accounts/alice/paper.json"));
        assert_eq!(alice.feed_file(), Path::new("data/feed.json"));
        assert_eq!(alice.flags(), "--data-dir data --account alice");
    }
}

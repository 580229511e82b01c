//! Temporary directories and small text files.

use std::path::{Path, PathBuf};

/// What [`tmp`] returns: the directory, deleted (with its contents) when dropped.
pub use tempfile::TempDir;

/// A fresh temporary directory, removed when the returned guard is dropped.
#[track_caller]
pub fn tmp() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Writes `lines`, each ended by `\n`, to `dir/name`; returns the path.
#[track_caller]
pub fn write_lines<S: AsRef<str>>(dir: &Path, name: &str, lines: &[S]) -> PathBuf {
    let path = dir.join(name);
    let mut text = String::new();
    for line in lines {
        text.push_str(line.as_ref());
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// The lines of a text file.
#[track_caller]
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_lines_read_back() {
        let dir = tmp();
        let path = write_lines(dir.path(), "a.csv", &["ts,price", "1,100"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "ts,price\n1,100\n");
        assert_eq!(lines(&path), ["ts,price", "1,100"]);
    }
}

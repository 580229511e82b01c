//! Small state files written atomically and durably: the paper broker's book, `feed.json`,
//! `marks.json`.
//!
//! [`write_atomic`] writes a temporary file beside the target, syncs it, renames it over the
//! target, then syncs the **directory**: without that last step a power cut after the rename may
//! leave the directory entry pointing at the old file (or at nothing), even though the new bytes
//! were synced. A crash at any moment leaves either the old or the new content, never half.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Replaces the file at `path` with `bytes` atomically and durably (see the module docs).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = Path::new(&tmp_name);
    let mut file = fs::File::create(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes the directory entries of `dir` durable (renames, creations). A no-op where directories
/// cannot be opened for syncing (not Unix).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = sharewise_testkit::tmp();
        let path = dir.path().join("book.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("book.json")]);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let dir = sharewise_testkit::tmp();
        let err = write_atomic(&dir.path().join("gone/book.json"), b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}

//! Turning a damaged journal file into [`StoreError::Damaged`] instead of a panic.
//!
//! redb checks its pages as it reads them and returns `Corrupted` for most damage, but some
//! damaged pages make it panic (an index out of range while decoding a B-tree node). Every open
//! and read of the journal runs inside [`guarded`]: a panic there is caught, its message kept, and
//! the operation fails with [`StoreError::Damaged`] naming the file. While a guarded call runs on
//! a thread, the panic hook stays silent for that thread, so a user sees the store's error and
//! not a panic report; panics on other threads are reported as usual.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::error::StoreError;

thread_local! {
    /// Whether the current thread is inside [`guarded`] (its panics are caught, not reported).
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message and place of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per process, a panic hook that stays silent on guarded threads and otherwise
/// calls the hook that was there before.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                // `.../redb-4.6.0/src/x.rs` → `redb-4.6.0/src/x.rs`: the crate and file, not the cache path.
                let place = info
                    .location()
                    .map(|l| {
                        format!(
                            " ({}:{})",
                            l.file().find("redb-").map_or(l.file(), |i| &l.file()[i..]),
                            l.line()
                        )
                    })
                    .unwrap_or_default();
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                CAUGHT.with(|c| {
                    *c.borrow_mut() = Some(format!("redb stopped on a bad page: {message}{place}"))
                });
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `op` (an open or read of the journal at `path`); a panic inside it becomes
/// [`StoreError::Damaged`] for `path`.
pub(crate) fn guarded<T>(
    path: &Path,
    op: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    install_quiet_hook();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(op));
    GUARDED.with(|g| g.set(outer));
    result.unwrap_or_else(|_| {
        let what = CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "redb stopped on a bad page".to_string());
        Err(StoreError::damaged(path, what))
    })
}

//! Blocking work that must also be callable from an async runtime's thread.
//!
//! The daemon's start, join and account changes block: they open files, run a short-lived
//! current-thread runtime of their own for reconciliation, and wait on channels and threads.
//! tokio refuses (with a panic) to start a runtime or `blocking_send` on a thread that is driving
//! one, and the gateway calls the handle from its async handlers. So such work runs on a plain
//! scoped thread when the caller is inside a runtime, and directly otherwise.

/// Runs `work` on the calling thread, or on a plain thread (waited for) when the caller is inside
/// a tokio runtime. A panic in `work` propagates to the caller either way.
pub(crate) fn off_async<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|s| match s.spawn(work).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

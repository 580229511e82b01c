//! A value alone on its cache lines, so that counters written by one thread do not slow down
//! the thread next door.
//!
//! The feed and the engine each write their own counters (and rtrb's head and tail) on every tick
//! or batch; were two of them on one cache line, every write would pull the line away from the
//! other core ("false sharing"). 128 bytes covers the adjacent-line prefetch of x86 cores, which
//! fetches lines in pairs.

/// `T` aligned (and so padded) to 128 bytes.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

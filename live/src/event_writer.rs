//! The daemon's own subscriber: `--events` as JSON lines (appended, so a restart adds to the
//! record), and the latest latency percentiles for the status line.
//!
//! It reads from the fan-out like any other subscriber, with a deep queue; if it still falls
//! behind, the file gets a `{"type":"lagged","missed":N}` line where events are missing.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sharewise_actors::{Delivery, EventFilter, EventHub, EventKind, EventReceiver};

use crate::error::LiveError;
use crate::stats::LiveStats;

/// Events the writer may fall behind by before it loses the oldest.
const WRITER_QUEUE: usize = 1 << 16;

/// The writer thread (see the module docs).
pub struct EventWriter {
    handle: JoinHandle<Result<u64, LiveError>>,
    stop: Arc<AtomicBool>,
}

impl EventWriter {
    /// Subscribes to `hub` and starts writing to `path` (if any).
    pub fn spawn(
        hub: &EventHub,
        path: Option<&Path>,
        stats: Arc<LiveStats>,
    ) -> Result<EventWriter, LiveError> {
        let out = match path {
            Some(p) => Some(BufWriter::new(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| {
                        LiveError::io(format!("cannot open events file {}", p.display()), e)
                    })?,
            )),
            None => None,
        };
        let receiver = hub.subscribe(EventFilter::all(), WRITER_QUEUE);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("sw-events".into())
            .spawn(move || write_all(receiver, out, &stats, &stop_flag))
            .map_err(|e| LiveError::io("cannot start the event writer", e))?;
        Ok(EventWriter { handle, stop })
    }

    /// Writes what is left (call once nothing publishes any more) and ends the thread; returns
    /// how many events the writer lost by falling behind.
    pub fn finish(self) -> Result<u64, LiveError> {
        self.stop.store(true, Ordering::Release);
        self.handle
            .join()
            .map_err(|_| LiveError::Thread("the event writer panicked".into()))?
    }
}

/// The writer's loop: until stopped and drained.
fn write_all(
    mut receiver: EventReceiver,
    mut out: Option<BufWriter<File>>,
    stats: &LiveStats,
    stop: &AtomicBool,
) -> Result<u64, LiveError> {
    let write_err = |e| LiveError::io("cannot write events", e);
    let mut last_flush = Instant::now();
    loop {
        match receiver.next_timeout(Duration::from_millis(100)) {
            Some(delivery) => {
                if let Delivery::Event(event) = &delivery {
                    note_latency(&event.kind, stats);
                }
                if let Some(out) = out.as_mut() {
                    let line = delivery.to_json().map_err(|e| write_err(e.into()))?;
                    out.write_all(line.as_bytes())
                        .and_then(|()| out.write_all(b"\n"))
                        .map_err(write_err)?;
                }
            }
            None if stop.load(Ordering::Acquire) => break,
            None => {}
        }
        if last_flush.elapsed() > Duration::from_secs(1) {
            if let Some(out) = out.as_mut() {
                out.flush().map_err(write_err)?;
            }
            last_flush = Instant::now();
        }
    }
    if let Some(out) = out.as_mut() {
        out.flush().map_err(write_err)?;
    }
    Ok(receiver.missed_total())
}

/// Keeps the engine's latest p99s for the status line.
fn note_latency(kind: &EventKind, stats: &LiveStats) {
    if let EventKind::Latency { stage, p99_ns, .. } = kind {
        match stage.as_str() {
            "feed_to_engine" => stats.hop_p99_ns.store(*p99_ns, Ordering::Relaxed),
            "engine_chain" => stats.chain_p99_ns.store(*p99_ns, Ordering::Relaxed),
            _ => {}
        }
    }
}

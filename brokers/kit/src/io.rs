//! The runtime every broker connection lives on: one per process, two worker threads, made on
//! first use.
//!
//! An HTTP connection belongs to the runtime it was opened on and dies with it. The daemon calls
//! an account from several runtimes (the start-up reconciliation's, then the order actor's), so
//! a pooled connection opened on one that has since ended would fail the next request after it
//! was written — an order made ambiguous for nothing. So every request, WebSocket and feed task
//! of every broker runs here, whoever awaits it.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The broker I/O runtime's handle.
pub fn handle() -> Handle {
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("sw-broker-io")
                .enable_all()
                .build()
                // Without threads there is no trading; the message says why.
                .unwrap_or_else(|e| panic!("cannot start the broker I/O runtime: {e}"))
        })
        .handle()
        .clone()
}

/// Runs `work` on the broker I/O runtime and waits for it from any runtime; `None` if the task
/// was cancelled (the process is ending).
pub async fn on_io<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> Option<T> {
    handle().spawn(work).await.ok()
}

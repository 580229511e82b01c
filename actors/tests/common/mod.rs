//! Helpers shared by the actor tests: a watchdog that turns a hang into a failure.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A park long enough that only a wake-up can end it within any test run (six hours).
pub const PARK_FOREVER: Duration = Duration::from_secs(6 * 3600);

/// Runs `body` on its own thread and returns its result, failing the test if it has not finished
/// within `limit`. Pair it with [`PARK_FOREVER`]: a lost wake-up then shows as a failure naming
/// `what`, not as a slow pass. `limit` is generous (tens of seconds) so a busy machine never trips it.
pub fn finishes_within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = done.send(body());
    });
    match result.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        // The body panicked: join to re-raise its panic message.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the body ended without sending its result"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: not finished after {limit:?}; a wake-up was lost")
        }
    }
}

//! SIGTERM triggers the shutdown switch (its own test binary: a process has one signal handler).

use std::thread;
use std::time::Duration;

use sharewise_actors::Shutdown;

#[test]
fn sigterm_triggers_shutdown() {
    let shutdown = Shutdown::new();
    shutdown.install_signal_handler().expect("install handler");
    assert!(
        shutdown.install_signal_handler().is_err(),
        "only one handler per process"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    // Bounded wait: the handler runs on ctrlc's own thread.
    for _ in 0..5_000 {
        if shutdown.is_triggered() {
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    assert!(shutdown.is_triggered());
}

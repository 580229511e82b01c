//! CPU time spent by a thread or by the whole process, for "engine CPU %" figures: how much of a
//! core the engine's waiting costs at a given feed rate.
//!
//! Read from the kernel's per-thread and per-process CPU clocks (`CLOCK_THREAD_CPUTIME_ID`,
//! `CLOCK_PROCESS_CPUTIME_ID`): nanosecond totals of user and system time, not sampled at timer
//! ticks, so a thread that wakes briefly hundreds of times a second is counted exactly. Where those
//! clocks do not exist the readings are `None` and the figures stay zero.
//!
//! ```
//! use sharewise_actors::cpu::CpuMeter;
//!
//! let meter = CpuMeter::thread();
//! let mut x = 0u64;
//! for i in 0..1_000_000u64 {
//!     x = x.wrapping_add(i * i);
//! }
//! let used = meter.stop();
//! assert!(used.wall_ns > 0 && used.percent() <= 100.0 + 5.0, "{used:?} {x}");
//! ```

use std::time::Instant;

use serde::Serialize;

/// CPU time of the calling thread so far, nanoseconds.
pub fn thread_cpu_ns() -> Option<u64> {
    read(Clock::Thread)
}

/// CPU time of the whole process so far (every thread, user and system), nanoseconds.
pub fn process_cpu_ns() -> Option<u64> {
    read(Clock::Process)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clock {
    Thread,
    Process,
}

#[cfg(unix)]
fn read(clock: Clock) -> Option<u64> {
    use nix::time::{clock_gettime, ClockId};
    let id = match clock {
        Clock::Thread => ClockId::CLOCK_THREAD_CPUTIME_ID,
        Clock::Process => ClockId::CLOCK_PROCESS_CPUTIME_ID,
    };
    let t = clock_gettime(id).ok()?;
    let secs = u64::try_from(t.tv_sec()).ok()?;
    let nanos = u64::try_from(t.tv_nsec()).ok()?;
    Some(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
}

#[cfg(not(unix))]
fn read(_clock: Clock) -> Option<u64> {
    None
}

/// CPU time used over a stretch of wall time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CpuUse {
    /// CPU time, nanoseconds.
    pub cpu_ns: u64,
    /// Wall time it was measured over, nanoseconds.
    pub wall_ns: u64,
}

impl CpuUse {
    /// CPU time as a percentage of one core over the wall time (100 = a whole core).
    pub fn percent(&self) -> f64 {
        if self.wall_ns == 0 {
            0.0
        } else {
            100.0 * self.cpu_ns as f64 / self.wall_ns as f64
        }
    }

    /// The sum of two measurements (rounds of one benchmark).
    pub fn plus(self, other: CpuUse) -> CpuUse {
        CpuUse {
            cpu_ns: self.cpu_ns + other.cpu_ns,
            wall_ns: self.wall_ns + other.wall_ns,
        }
    }
}

/// Measures the CPU time of the calling thread (or of the process) from its start to
/// [`CpuMeter::stop`].
#[derive(Clone, Copy, Debug)]
pub struct CpuMeter {
    clock: Clock,
    cpu: Option<u64>,
    wall: Instant,
}

impl CpuMeter {
    /// Starts measuring the calling thread; stop it on the same thread.
    pub fn thread() -> CpuMeter {
        CpuMeter::start(Clock::Thread)
    }

    /// Starts measuring the whole process.
    pub fn process() -> CpuMeter {
        CpuMeter::start(Clock::Process)
    }

    fn start(clock: Clock) -> CpuMeter {
        CpuMeter {
            clock,
            cpu: read(clock),
            wall: Instant::now(),
        }
    }

    /// The CPU and wall time since the start (zero CPU where the clocks are missing).
    pub fn stop(&self) -> CpuUse {
        let cpu = match (self.cpu, read(self.clock)) {
            (Some(start), Some(end)) => end.saturating_sub(start),
            _ => 0,
        };
        CpuUse {
            cpu_ns: cpu,
            wall_ns: u64::try_from(self.wall.elapsed().as_nanos()).unwrap_or(u64::MAX),
        }
    }
}

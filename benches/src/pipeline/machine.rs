//! How busy the machine was with *other* work while something was measured: the benchmark runs on
//! shared machines, and a figure means little without knowing that another build took a core.
//!
//! Read from Linux's `/proc/stat` (every CPU's busy time, in clock ticks of 10 ms) and this
//! process's CPU clock: the machine's busy time minus ours, over the wall time, in cores. Where
//! `/proc/stat` is missing the figure is `None`.

use std::time::Instant;

use sharewise_actors::cpu::process_cpu_ns;

/// Clock ticks per second of `/proc/stat` (`USER_HZ`, 100 on every Linux architecture we run).
const USER_HZ: u64 = 100;

/// A reading taken before a measurement.
pub(crate) struct Load {
    busy_ns: Option<u64>,
    ours_ns: Option<u64>,
    wall: Instant,
}

impl Load {
    /// Reads the machine's and this process's CPU time now.
    pub(crate) fn start() -> Load {
        Load {
            busy_ns: machine_busy_ns(),
            ours_ns: process_cpu_ns(),
            wall: Instant::now(),
        }
    }

    /// Cores' worth of CPU other processes used since [`Load::start`] (e.g. 1.5 = one and a half
    /// cores busy with other work on average).
    pub(crate) fn others_cores(&self) -> Option<f64> {
        let busy = machine_busy_ns()?.checked_sub(self.busy_ns?)?;
        let ours = process_cpu_ns()?.checked_sub(self.ours_ns?)?;
        let wall = self.wall.elapsed().as_nanos() as f64;
        (wall > 0.0).then(|| busy.saturating_sub(ours) as f64 / wall)
    }
}

/// Busy time of all CPUs so far (user, nice, system, irq, softirq, steal), nanoseconds.
fn machine_busy_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| fields.get(i))
        .sum();
    Some(busy * (1_000_000_000 / USER_HZ))
}

//! Where actors run: the [`Placement`] configuration and the thread spawner that applies it.
//!
//! The default is the architecture's: **one feed thread + one engine thread** that holds
//! indicators, strategies and risk, talking by direct calls. A big machine may set
//! `strategy_shards > 0` to spread strategy actors over shard threads by instrument
//! (`instrument id % strategy_shards`, see [`Placement::shard_of`] and
//! [`crate::RuntimeBuilder::spawn_staged`]); risk always stays on the single engine thread, its
//! one owner. Threads are named; core pinning (via `core_affinity`) is applied only when
//! `pin_cores` is set and a thread names a core.
//!
//! How the engine and shard threads wait for work is [`Placement::wait`]: `spin_park` (the
//! default; a quiet feed costs next to no CPU, a wake-up costs tens of microseconds) or
//! `busy_poll` (picks a tick up within a cache-line transfer and spends a whole core per thread,
//! for a machine with a core to dedicate; pin it). See [`crate::doorbell`].
//!
//! ```toml
//! ring_capacity = 4096
//! pin_cores = false
//! strategy_shards = 0
//! wait = "spin_park"
//! [feed]
//! name = "sw-feed"
//! [engine]
//! name = "sw-engine"
//! core = 1
//! ```

use std::io;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sharewise_engine::types::InstrumentId;

use crate::doorbell::WaitPolicy;

/// One runtime thread: its name and, optionally, the core to pin it to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadSpec {
    /// Thread name (shows in `top -H`, panics and profilers).
    pub name: String,
    /// Core id to pin to when [`Placement::pin_cores`] is set.
    #[serde(default)]
    pub core: Option<usize>,
}

impl ThreadSpec {
    /// An unpinned thread called `name`.
    pub fn named(name: &str) -> ThreadSpec {
        ThreadSpec {
            name: name.to_string(),
            core: None,
        }
    }
}

/// How the engine (and strategy shard) threads wait for work; see [`crate::doorbell`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitMode {
    /// Spin briefly, then park until a producer rings (`spin_iterations`, `yield_us`,
    /// `park_timeout_us`): next to no CPU when the feed is quiet.
    #[default]
    SpinPark,
    /// Never sleep: poll the inputs continuously, a whole core per waiting thread.
    BusyPoll,
}

/// Thread layout and link sizing of one engine process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Placement {
    /// The feed thread (socket parsing → tick ring).
    pub feed: ThreadSpec,
    /// The engine thread (indicators, strategies unless sharded, and always risk).
    pub engine: ThreadSpec,
    /// 0 = strategies inline on the engine thread; N > 0 = N strategy shard threads.
    pub strategy_shards: u32,
    /// Shard thread names are `"{shard_name_prefix}-{index}"`.
    pub shard_name_prefix: String,
    /// Cores for shard threads, by shard index (used only with `pin_cores`).
    pub shard_cores: Vec<usize>,
    /// Pin threads to their configured cores.
    pub pin_cores: bool,
    /// Capacity of the feed → engine tick ring, in ticks.
    pub ring_capacity: usize,
    /// Capacity of the many-producer order/fill inbox of the engine.
    pub inbox_capacity: usize,
    /// How the engine and shard threads wait for work.
    pub wait: WaitMode,
    /// `spin_park`: bounded spins before the engine yields its core (if `yield_us`) and parks.
    pub spin_iterations: u32,
    /// `spin_park`: after spinning, how long to keep yielding the core between checks before
    /// parking, microseconds (0, the default, parks right after spinning).
    pub yield_us: u64,
    /// `spin_park`: longest park, microseconds.
    pub park_timeout_us: u64,
}

impl Default for Placement {
    fn default() -> Self {
        Placement {
            feed: ThreadSpec::named("sw-feed"),
            engine: ThreadSpec::named("sw-engine"),
            strategy_shards: 0,
            shard_name_prefix: "sw-strategy".to_string(),
            shard_cores: Vec::new(),
            pin_cores: false,
            ring_capacity: 4096,
            inbox_capacity: 1024,
            wait: WaitMode::SpinPark,
            spin_iterations: 2000,
            // Yielding costs a system call per check: on an idle machine it burns the core in the
            // kernel, on a busy one it hands the core away for a whole time slice.
            yield_us: 0,
            // Wake-ups come from the producers (and shutdown, and the end of the feed); the
            // timeout only bounds a lost one, and each expiry costs an idle engine a wake-up.
            park_timeout_us: 10_000,
        }
    }
}

/// A placement that cannot work, with the field at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlacementError {
    /// A size that must be positive is zero.
    #[error("placement: `{field}` must be > 0, got 0")]
    Zero {
        /// The offending key.
        field: &'static str,
    },
    /// Two threads share one name.
    #[error("placement: thread name `{0}` is used twice")]
    DuplicateName(String),
}

impl Placement {
    /// Checks sizes and names; call after loading from config.
    pub fn validate(&self) -> Result<(), PlacementError> {
        if self.ring_capacity == 0 {
            return Err(PlacementError::Zero {
                field: "ring_capacity",
            });
        }
        if self.inbox_capacity == 0 {
            return Err(PlacementError::Zero {
                field: "inbox_capacity",
            });
        }
        if self.feed.name == self.engine.name {
            return Err(PlacementError::DuplicateName(self.feed.name.clone()));
        }
        Ok(())
    }

    /// The shard owning `instrument`'s strategy actors, or `None` when strategies run inline on
    /// the engine thread.
    #[inline]
    pub fn shard_of(&self, instrument: InstrumentId) -> Option<usize> {
        shard_index(instrument, self.strategy_shards)
    }

    /// The thread spec of shard `index`.
    pub fn shard_thread(&self, index: usize) -> ThreadSpec {
        ThreadSpec {
            name: format!("{}-{index}", self.shard_name_prefix),
            core: self.shard_cores.get(index).copied(),
        }
    }

    /// The engine's wait policy, from `wait` and the `spin_park` settings.
    pub fn wait_policy(&self) -> WaitPolicy {
        match self.wait {
            WaitMode::SpinPark => WaitPolicy::SpinPark {
                spins: self.spin_iterations,
                yield_for: Duration::from_micros(self.yield_us),
                park: Duration::from_micros(self.park_timeout_us.max(1)),
            },
            WaitMode::BusyPoll => WaitPolicy::BusyPoll,
        }
    }

    /// Spawns `f` on a thread named after `spec`, pinned to its core when `pin_cores` is set.
    /// A core that does not exist is ignored (the thread runs unpinned) rather than failing.
    pub fn spawn<T, F>(&self, spec: &ThreadSpec, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let core = if self.pin_cores { spec.core } else { None };
        std::thread::Builder::new()
            .name(spec.name.clone())
            .spawn(move || {
                if let Some(id) = core {
                    let _pinned = core_affinity::set_for_current(core_affinity::CoreId { id });
                }
                f()
            })
    }
}

/// The routing rule behind [`Placement::shard_of`], for the feed port that holds no `Placement`:
/// one formula, so the feed and the configuration can never disagree on a tick's shard.
#[inline]
pub(crate) fn shard_index(instrument: InstrumentId, shards: u32) -> Option<usize> {
    (shards > 0).then(|| (instrument.0 % shards) as usize)
}

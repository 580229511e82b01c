//! ShareWise actor runtime: the threads, rings and bookkeeping that carry ticks from a feed to the
//! engine's actors and decisions back out — without holding any business rule.
//!
//! | module | what it is for |
//! | --- | --- |
//! | [`doorbell`] | how the engine thread waits (spin-then-park or busy-poll), and why no wake-up is lost |
//! | [`mod@tick_link`] | feed → engine SPSC ring of ticks, with per-instrument conflation under overload |
//! | [`mpsc`] | many-producer link (orders, fills) into the engine thread |
//! | [`clock`] | the shared monotonic clock and the stamped tick the ring carries |
//! | [`cpu`] | CPU time of a thread or the process, for engine CPU % figures |
//! | [`actor`] | the `Actor` trait and same-thread composition by direct calls |
//! | [`placement`] | which thread runs what (serde config), shard routing, thread spawning/pinning |
//! | [`supervisor`] | strategies under `catch_unwind`; a failing one is stopped, its instruments flattened or frozen |
//! | [`shutdown`] | the stop switch (flag + unpark) and SIGINT/SIGTERM wiring |
//! | [`latency`] | per-stage hdrhistogram recorders, allocation-free on the engine thread |
//! | [`events`] | the off-hot-path event bus and its JSON-lines form |
//! | [`engine`] | the engine thread's loop: ticks and inbox messages into one chain, latency, drain |
//! | [`runtime`] | the builder that spawns feed and engine threads and joins them |
//! | [`shards`] | staged spawn: strategy stages inline or on shard threads, account/risk on the engine |
//!
//! See `../shared/ARCHITECTURE.md`, "Actors and placement", for the design this implements.

pub mod actor;
pub mod clock;
mod conflate;
pub mod cpu;
pub mod doorbell;
pub mod events;
pub mod fanout;
pub mod latency;
pub mod mpsc;
mod padded;
pub mod placement;
pub mod runtime;
pub mod shards;
pub mod shutdown;
pub mod stage_loop;
pub mod supervisor;
pub mod tick_link;

pub use actor::{Actor, Chain, Ctx};
pub use clock::{MonoClock, Stamped};
pub use cpu::{CpuMeter, CpuUse};
pub use doorbell::{Doorbell, WaitPolicy};
pub use events::{Event, EventBus, EventKind, EventStream, Severity};
pub use fanout::{Delivery, EventFilter, EventHub, EventReceiver};
pub use latency::{Stage, StageLatency, StageSummary};
pub use mpsc::{mpsc_link, MpscReceiver, MpscSender, SendError};
pub use placement::{Placement, PlacementError, ThreadSpec, WaitMode};
pub use runtime::{FeedPort, Runtime, RuntimeBuilder, ThreadPanicked};
pub use shards::{ShardSnapshot, Staged};
pub use shutdown::{Shutdown, SignalError};
pub use stage_loop::{EngineReport, Input};
pub use supervisor::{
    Decision, InstrumentMode, OnFailure, StrategyFault, SupervisedStrategy, Supervisor,
};
pub use tick_link::{tick_link, LinkSnapshot, LinkStats, Sent, TickReceiver, TickSender};

//! One measured run of each contender over a slice of the synthetic feed at a given pace: the
//! real actor runtime (with a [`Placement`] and its wait policy) and the hand-written baseline.
//!
//! Both use the same thread layout (one feed thread, one engine/consumer thread, named and — when
//! asked — pinned by the same [`Placement`]), the same [`DecisionChain`], and a feed that reads
//! the clock once per tick to stamp it.
//!
//! - **runtime**: [`RuntimeBuilder`]; ticks go through the tick link (conflating under overload).
//! - **baseline**: one `rtrb` ring of `(Tick, sent_ns)` from a feed thread to a consumer that
//!   spins (bounded) then yields, never sleeping; the feed waits when the ring is full (nothing is
//!   lost).

use std::thread;
use std::time::Duration;

use sharewise_actors::{
    CpuMeter, CpuUse, EventBus, LinkSnapshot, MonoClock, Placement, RuntimeBuilder, Sent,
    StageLatency,
};
use sharewise_engine::types::Tick;

use super::chain::{ChainActor, DecisionChain, INSTRUMENTS};

/// Ring capacity of the baseline (the runtime's default placement uses the same).
const BASELINE_RING: usize = 4096;

/// Spins before the baseline consumer (or a blocked baseline feed) yields.
const SPINS: u32 = 200;

/// How long before a tick is due the paced feed stops sleeping and spins, ns: more than a
/// sleep's usual overshoot, so ticks leave on time.
const SPIN_BEFORE_NS: u64 = 200_000;

/// What one run measured.
pub(crate) struct Run {
    /// The chain, with its histograms and counts.
    pub(crate) chain: DecisionChain,
    /// CPU of the engine (consumer) thread over its loop.
    pub(crate) engine_cpu: CpuUse,
    /// CPU of the whole process from spawning the threads to joining them.
    pub(crate) process_cpu: CpuUse,
    /// The runtime's stage histograms (none for the baseline).
    pub(crate) stages: Option<StageLatency>,
    /// The runtime's link counters (all zero for the baseline).
    pub(crate) link: LinkSnapshot,
}

/// Paces the feed to `rate` ticks/s from `start_ns` (no-op at rate 0): sleeps while the tick is
/// far off, spins for the last [`SPIN_BEFORE_NS`].
#[inline]
fn pace(clock: &MonoClock, start_ns: u64, i: usize, rate: u64) {
    if rate == 0 {
        return;
    }
    let due = start_ns + (i as u128 * 1_000_000_000 / rate as u128) as u64;
    loop {
        let now = clock.now_ns();
        if now >= due {
            return;
        }
        if due - now > SPIN_BEFORE_NS {
            thread::sleep(Duration::from_nanos(due - now - SPIN_BEFORE_NS));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// The real runtime over `ticks` at `rate` ticks/s (0 = flat out).
pub(crate) fn runtime(ticks: &[Tick], rate: u64, placement: &Placement) -> std::io::Result<Run> {
    let clock = MonoClock::new();
    let feed: Vec<Tick> = ticks.to_vec();
    let (bus, _events) = EventBus::bounded(64);
    let chain = ChainActor(DecisionChain::new(clock));
    let process = CpuMeter::process();
    let runtime = RuntimeBuilder::new(placement.clone(), INSTRUMENTS, bus)
        .clock(clock)
        .spawn(
            move |port| {
                let t0 = clock.now_ns();
                let mut overloaded = 0u32;
                for (i, tick) in feed.iter().enumerate() {
                    pace(&clock, t0, i, rate);
                    let mut tick = *tick;
                    let now = clock.now_ns();
                    tick.ts = now as i64;
                    if !matches!(port.send_at(tick, now), Sent::Parked | Sent::Conflated) {
                        overloaded = 0;
                        continue;
                    }
                    // The ring was full. The link never makes the feed wait (it conflates), but
                    // like the baseline's feed on a full ring this one gives up its core now and
                    // then: were both threads on one core, a feed spinning on would starve the
                    // engine it is waiting for.
                    overloaded += 1;
                    if overloaded >= SPINS {
                        overloaded = 0;
                        thread::yield_now();
                    }
                }
            },
            chain,
        )?;
    let report = runtime
        .join()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(Run {
        chain: report.chain.0,
        engine_cpu: report.cpu,
        process_cpu: process.stop(),
        stages: Some(report.latency),
        link: report.link,
    })
}

/// The hand-written baseline over `ticks` at `rate` ticks/s: one rtrb hop, spin-then-yield
/// consumer, same chain. Its threads are spawned (named, and pinned when asked) by `placement`.
pub(crate) fn baseline(ticks: &[Tick], rate: u64, placement: &Placement) -> std::io::Result<Run> {
    let clock = MonoClock::new();
    let feed: Vec<Tick> = ticks.to_vec();
    let (mut tx, mut rx) = rtrb::RingBuffer::<(Tick, u64)>::new(BASELINE_RING);
    let mut chain = DecisionChain::new(clock);
    let process = CpuMeter::process();
    let consumer = placement.spawn(&placement.engine, move || {
        let meter = CpuMeter::thread();
        let mut idle = 0u32;
        loop {
            match rx.pop() {
                Ok((tick, sent)) => {
                    idle = 0;
                    chain.process(tick, sent);
                }
                Err(_) => {
                    if rx.is_abandoned() && rx.is_empty() {
                        break;
                    }
                    idle += 1;
                    if idle < SPINS {
                        std::hint::spin_loop();
                    } else {
                        idle = 0;
                        thread::yield_now();
                    }
                }
            }
        }
        (chain, meter.stop())
    })?;
    let producer = placement.spawn(&placement.feed, move || {
        let t0 = clock.now_ns();
        for (i, tick) in feed.iter().enumerate() {
            pace(&clock, t0, i, rate);
            let mut tick = *tick;
            let mut spins = 0u32;
            while tx.is_full() {
                spins += 1;
                if spins < SPINS {
                    std::hint::spin_loop();
                } else {
                    spins = 0;
                    thread::yield_now();
                }
            }
            let sent = clock.now_ns();
            tick.ts = sent as i64;
            let _ = tx.push((tick, sent));
        }
    })?;
    producer
        .join()
        .map_err(|_| std::io::Error::other("baseline feed panicked"))?;
    let (chain, engine_cpu) = consumer
        .join()
        .map_err(|_| std::io::Error::other("baseline consumer panicked"))?;
    Ok(Run {
        chain,
        engine_cpu,
        process_cpu: process.stop(),
        stages: None,
        link: LinkSnapshot::default(),
    })
}

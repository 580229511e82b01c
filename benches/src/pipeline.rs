//! Tick → decision latency through the real actor runtime, next to a hand-written baseline.
//!
//! Both runs use the same thread layout (one feed thread, one engine/consumer thread) and the
//! same engine-thread work per tick: per-instrument SMA(10)/SMA(30) on 1-tick "bars", and on a
//! signal a [`PreTradeRisk`] review (fixed 10 shares, default limits, long-only CNC); an approved
//! review counts as an order intent (no broker).
//!
//! - **runtime**: [`RuntimeBuilder`] with the given [`Placement`] (its wait policy: spins, then
//!   yields, then parks); ticks go through the tick link (conflating under overload).
//! - **baseline**: one `rtrb` ring of `(Tick, sent_ns)` from a feed thread to a consumer that
//!   spins (bounded) then yields; the feed waits when the ring is full (nothing is lost).
//!
//! Latency is "tick → decision": the feed stamps each tick with a shared monotonic clock just
//! before sending (the runtime run carries the stamp in `tick.ts`), and the engine thread records
//! `now − stamp` after the chain has finished with the tick, for every tick that reaches the end of
//! the chain; ticks that produced an order intent are also recorded separately. The synthetic feed
//! (10 instruments, deterministic random walk on the 0.05 grid) is generated before timing starts.
//!
//! Latency is measured at the requested feed rate, in rounds that alternate runtime and baseline
//! (noise on a shared machine then lands on both); maximum throughput in a separate flat-out run of
//! the same ticks.

use std::thread;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;
use sharewise_actors::{
    Actor, Ctx, EventBus, MonoClock, Placement, RuntimeBuilder, Stage, StageSummary,
};
use sharewise_engine::risk::{AccountView, OrderRequest, Purpose, RiskGate};
use sharewise_engine::strategy::{ExitRules, SmaCross, Strategy};
use sharewise_engine::types::{Bar, Instrument, InstrumentId, Price, Product, Side, Tick};
use sharewise_engine::Decimal;
use sharewise_risk::{Limits, PreTradeRisk, Sizing};

/// Instruments in the synthetic feed.
pub const INSTRUMENTS: usize = 10;

/// 60 s: larger samples are clamped.
const MAX_NS: u64 = 60_000_000_000;

/// Ring capacity of the baseline (the runtime's default placement uses the same).
const BASELINE_RING: usize = 4096;

/// Spins before the baseline consumer (or a blocked baseline feed) yields.
const SPINS: u32 = 200;

/// Percentiles of one latency histogram, nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// Largest sample.
    pub max_ns: u64,
    /// Mean.
    pub mean_ns: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::default();
        }
        Latency {
            count: h.len(),
            p50_ns: h.value_at_quantile(0.5),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: h.max(),
            mean_ns: h.mean(),
        }
    }
}

/// One measured run (runtime or baseline).
#[derive(Clone, Debug, Serialize)]
pub struct RunResult {
    /// Tick → decision latency, every tick that reached the end of the chain.
    pub decision: Latency,
    /// Tick → order intent latency, ticks whose signal risk approved.
    pub intent: Latency,
    /// Signals the strategies emitted.
    pub signals: u64,
    /// Signals turned into order requests and reviewed by risk.
    pub reviews: u64,
    /// Approved reviews (order intents).
    pub intents: u64,
    /// Refused reviews.
    pub rejections: u64,
    /// Wall time from spawning the threads to joining them, seconds.
    pub wall_s: f64,
    /// Ticks offered by the feed / wall time.
    pub ticks_per_s: f64,
}

/// What `sharewise bench pipeline` reports.
#[derive(Clone, Debug, Serialize)]
pub struct PipelineReport {
    /// Ticks the feed offered.
    pub ticks: u64,
    /// Instruments in the feed.
    pub instruments: usize,
    /// Target feed rate, ticks/s (0 = as fast as possible).
    pub rate: u64,
    /// Alternating runtime/baseline rounds the ticks were split into.
    pub rounds: usize,
    /// The engine's wait policy: spins, then yields for `yield_us`, then parks up to `park_us`.
    pub spins: u32,
    /// See `spins`.
    pub yield_us: u64,
    /// See `spins`.
    pub park_us: u64,
    /// Runtime: tick → decision p50, ns.
    pub p50_ns: u64,
    /// Runtime: tick → decision p99, ns.
    pub p99_ns: u64,
    /// Runtime: tick → decision p99.9, ns.
    pub p999_ns: u64,
    /// Runtime: tick → decision max, ns.
    pub max_ns: u64,
    /// Runtime: maximum throughput, ticks offered / wall time with the feed flat out.
    pub ticks_per_s: f64,
    /// Baseline: tick → decision p50, ns.
    pub baseline_p50_ns: u64,
    /// Baseline: tick → decision p99, ns.
    pub baseline_p99_ns: u64,
    /// Baseline: tick → decision p99.9, ns.
    pub baseline_p999_ns: u64,
    /// Baseline: tick → decision max, ns.
    pub baseline_max_ns: u64,
    /// Baseline: maximum throughput, ticks / wall time with the feed flat out.
    pub baseline_ticks_per_s: f64,
    /// Runtime p50 / baseline p50.
    pub ratio_p50: f64,
    /// Runtime p99 / baseline p99.
    pub ratio_p99: f64,
    /// Ticks the runtime's engine chain handled.
    pub delivered: u64,
    /// Ticks lost to conflation in the tick link.
    pub conflated: u64,
    /// Ticks dropped by the tick link (unknown instrument).
    pub dropped: u64,
    /// Ticks that went through the link's pending slots (ring was full).
    pub parked: u64,
    /// The runtime's own stage histogram: feed send → engine pick-up.
    pub stage_feed_to_engine: StageSummary,
    /// The runtime's own stage histogram: engine chain per tick.
    pub stage_engine_chain: StageSummary,
    /// Full runtime run.
    pub runtime: RunResult,
    /// Full baseline run.
    pub baseline: RunResult,
}

/// The synthetic feed: `n` ticks round-robin over [`INSTRUMENTS`] instruments, each a random walk
/// on the 0.05 grid (xorshift, fixed seed). `ts` is overwritten with the send stamp.
pub fn synthetic_ticks(n: usize) -> Vec<Tick> {
    let grid = Price::from_rupees_paise(0, 5).units();
    let mut prices: Vec<i64> = (0..INSTRUMENTS as i64)
        .map(|i| Price::from_rupees_paise(100 + 50 * i, 0).units())
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut ticks = Vec::with_capacity(n);
    for i in 0..n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let k = i % INSTRUMENTS;
        let step = (state % 5) as i64 - 2; // −2 … +2 grid steps
        prices[k] = (prices[k] + step * grid).max(20 * grid);
        ticks.push(Tick {
            ts: 0,
            instrument: InstrumentId(k as u32),
            price: Price(prices[k]),
            qty: 1 + (state >> 40) as i64 % 100,
        });
    }
    ticks
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_NS, 3).unwrap_or_else(|e| panic!("histogram bounds: {e}"))
}

/// The engine-thread work: per-instrument SmaCross(10,30) → PreTradeRisk review → intent count,
/// plus the latency histograms.
pub struct DecisionChain {
    clock: MonoClock,
    strategies: Vec<SmaCross>,
    instruments: Vec<Instrument>,
    positions: Vec<i64>,
    risk: PreTradeRisk,
    cash: Decimal,
    decision: Histogram<u64>,
    intent: Histogram<u64>,
    signals: u64,
    reviews: u64,
    intents: u64,
    rejections: u64,
}

impl DecisionChain {
    /// A chain timing against `clock` (the one the feed stamps with).
    pub fn new(clock: MonoClock) -> DecisionChain {
        let strategies = (0..INSTRUMENTS)
            .map(|_| {
                SmaCross::new(10, 30, ExitRules::default())
                    .unwrap_or_else(|e| panic!("10 < 30: {e}"))
            })
            .collect();
        DecisionChain {
            clock,
            strategies,
            instruments: (0..INSTRUMENTS as u32)
                .map(|i| Instrument::nse_equity(i, "BENCH"))
                .collect(),
            positions: vec![0; INSTRUMENTS],
            risk: PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Cnc),
            cash: Decimal::from(1_000_000_000_i64),
            decision: histogram(),
            intent: histogram(),
            signals: 0,
            reviews: 0,
            intents: 0,
            rejections: 0,
        }
    }

    /// Runs one tick through strategy and risk, then records `now − sent_ns`.
    #[inline]
    pub fn process(&mut self, tick: Tick, sent_ns: u64) {
        let k = tick.instrument.0 as usize;
        let mut intent = false;
        if k < self.strategies.len() {
            let bar = Bar {
                ts: tick.ts,
                open: tick.price,
                high: tick.price,
                low: tick.price,
                close: tick.price,
                volume: tick.qty,
            };
            if let Some(signal) = self.strategies[k].on_bar(tick.instrument, &bar) {
                self.signals += 1;
                intent = self.review(k, signal.side, tick.price, tick.ts);
            }
        }
        let elapsed = self.clock.now_ns().saturating_sub(sent_ns).clamp(1, MAX_NS);
        self.decision.saturating_record(elapsed);
        if intent {
            self.intent.saturating_record(elapsed);
        }
    }

    /// Long-only, as the backtester trades: buy when flat, exit on a sell when long.
    fn review(&mut self, k: usize, side: Side, price: Price, ts: i64) -> bool {
        let position = self.positions[k];
        let purpose = match (side, position) {
            (Side::Buy, 0) => Purpose::Enter { closing: 0 },
            (Side::Sell, q) if q > 0 => Purpose::Exit { qty: q },
            _ => return false,
        };
        let request = OrderRequest {
            side,
            purpose,
            reference_price: price,
            stop_loss: None,
            ts,
        };
        let account = AccountView {
            instrument: &self.instruments[k],
            position_qty: position,
            cash: self.cash,
            equity: self.cash,
            last_trade_price: Some(price),
            realized_pnl_today: Decimal::ZERO,
            unrealized_pnl: Decimal::ZERO,
            gross_exposure: Decimal::ZERO,
        };
        self.reviews += 1;
        match self.risk.review(&request, &account) {
            Ok(qty) => {
                self.intents += 1;
                // Assume the intent fills at once so the next signal sees the position.
                self.positions[k] += side.sign() * qty;
                true
            }
            Err(_) => {
                self.rejections += 1;
                false
            }
        }
    }

    /// Adds another run's histograms and counts to this one (rounds of one benchmark).
    fn absorb(&mut self, other: &DecisionChain) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.decision.add(&other.decision);
        let _ = self.intent.add(&other.intent);
        self.signals += other.signals;
        self.reviews += other.reviews;
        self.intents += other.intents;
        self.rejections += other.rejections;
    }

    fn result(&self, ticks: usize, wall_s: f64) -> RunResult {
        RunResult {
            decision: Latency::of(&self.decision),
            intent: Latency::of(&self.intent),
            signals: self.signals,
            reviews: self.reviews,
            intents: self.intents,
            rejections: self.rejections,
            wall_s,
            ticks_per_s: if wall_s > 0.0 {
                ticks as f64 / wall_s
            } else {
                0.0
            },
        }
    }
}

/// The runtime's engine-chain actor: the tick's `ts` carries the feed's send stamp.
struct ChainActor(DecisionChain);

impl Actor for ChainActor {
    type In = Tick;
    type Out = ();
    #[inline]
    fn handle(&mut self, tick: Tick, _ctx: &mut Ctx<'_, ()>) {
        let sent = u64::try_from(tick.ts).unwrap_or(0);
        self.0.process(tick, sent);
    }
}

/// Paces the feed to `rate` ticks/s from `start_ns` (no-op at rate 0).
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
        if due - now > 200_000 {
            thread::sleep(Duration::from_micros(50));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// The real runtime (default placement) over `ticks`.
fn run_runtime(
    ticks: &[Tick],
    rate: u64,
    placement: &Placement,
) -> std::io::Result<(f64, sharewise_actors::EngineReport<ChainActor>)> {
    let clock = MonoClock::new();
    let feed: Vec<Tick> = ticks.to_vec();
    let (bus, _events) = EventBus::bounded(64);
    let start = Instant::now();
    let runtime = RuntimeBuilder::new(placement.clone(), INSTRUMENTS, bus).spawn(
        move |port| {
            let t0 = clock.now_ns();
            for (i, tick) in feed.iter().enumerate() {
                pace(&clock, t0, i, rate);
                let mut tick = *tick;
                tick.ts = clock.now_ns() as i64;
                port.send(tick);
            }
        },
        ChainActor(DecisionChain::new(clock)),
    )?;
    let report = runtime
        .join()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok((start.elapsed().as_secs_f64(), report))
}

/// The hand-written baseline: one rtrb hop, spin-then-yield consumer, same chain.
/// Its threads are spawned (named, and pinned when asked) by `placement`, like the runtime's.
fn run_baseline(
    ticks: &[Tick],
    rate: u64,
    placement: &Placement,
) -> std::io::Result<(DecisionChain, f64)> {
    let clock = MonoClock::new();
    let feed: Vec<Tick> = ticks.to_vec();
    let (mut tx, mut rx) = rtrb::RingBuffer::<(Tick, u64)>::new(BASELINE_RING);
    let start = Instant::now();
    let consumer = placement.spawn(&placement.engine, move || {
        let mut chain = DecisionChain::new(clock);
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
        chain
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
    let chain = consumer
        .join()
        .map_err(|_| std::io::Error::other("baseline consumer panicked"))?;
    Ok((chain, start.elapsed().as_secs_f64()))
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Generates `ticks` ticks and measures the runtime (threads and waiting as `placement` says)
/// and the baseline at `rate` ticks/s (0 = flat out), alternating over `rounds` rounds of
/// `ticks / rounds` ticks each: on a shared machine a burst of noise then hits both sides alike.
/// Histograms and counters are summed over the rounds.
pub fn run(
    ticks: usize,
    rate: u64,
    placement: &Placement,
    rounds: usize,
) -> std::io::Result<PipelineReport> {
    let rounds = rounds.clamp(1, ticks.max(1));
    let feed = synthetic_ticks(ticks);
    let clock = MonoClock::new();
    let (mut runtime, mut baseline) = (DecisionChain::new(clock), DecisionChain::new(clock));
    let (mut runtime_wall, mut baseline_wall) = (0.0, 0.0);
    let mut stages = [histogram(), histogram()];
    let mut link = sharewise_actors::LinkSnapshot::default();
    for chunk in feed.chunks(ticks.div_ceil(rounds)) {
        let (wall, report) = run_runtime(chunk, rate, placement)?;
        runtime_wall += wall;
        runtime.absorb(&report.chain.0);
        for (h, stage) in stages
            .iter_mut()
            .zip([Stage::FeedToEngine, Stage::EngineChain])
        {
            h.add(report.latency.histogram(stage))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        let l = report.link;
        (link.delivered, link.conflated, link.dropped, link.parked) = (
            link.delivered + l.delivered,
            link.conflated + l.conflated,
            link.dropped + l.dropped,
            link.parked + l.parked,
        );
        let (chain, wall) = run_baseline(chunk, rate, placement)?;
        baseline_wall += wall;
        baseline.absorb(&chain);
    }
    let runtime = runtime.result(ticks, runtime_wall);
    let baseline = baseline.result(ticks, baseline_wall);
    // Maximum throughput: the same ticks flat out (a paced run's ticks/s is just its pace).
    let (max_rate, baseline_max_rate) = if rate == 0 {
        (runtime.ticks_per_s, baseline.ticks_per_s)
    } else {
        let (wall, _) = run_runtime(&feed, 0, placement)?;
        let (_, baseline_wall) = run_baseline(&feed, 0, placement)?;
        (ticks as f64 / wall, ticks as f64 / baseline_wall)
    };
    let d = runtime.decision;
    let b = baseline.decision;
    let summary = |h: &Histogram<u64>| StageSummary {
        count: h.len(),
        p50: h.value_at_quantile(0.5),
        p99: h.value_at_quantile(0.99),
        p999: h.value_at_quantile(0.999),
        max: h.max(),
    };
    Ok(PipelineReport {
        ticks: ticks as u64,
        instruments: INSTRUMENTS,
        rate,
        rounds,
        spins: placement.spin_iterations,
        yield_us: placement.yield_us,
        park_us: placement.park_timeout_us,
        p50_ns: d.p50_ns,
        p99_ns: d.p99_ns,
        p999_ns: d.p999_ns,
        max_ns: d.max_ns,
        ticks_per_s: max_rate,
        baseline_p50_ns: b.p50_ns,
        baseline_p99_ns: b.p99_ns,
        baseline_p999_ns: b.p999_ns,
        baseline_max_ns: b.max_ns,
        baseline_ticks_per_s: baseline_max_rate,
        ratio_p50: ratio(d.p50_ns, b.p50_ns),
        ratio_p99: ratio(d.p99_ns, b.p99_ns),
        delivered: link.delivered,
        conflated: link.conflated,
        dropped: link.dropped,
        parked: link.parked,
        stage_feed_to_engine: summary(&stages[0]),
        stage_engine_chain: summary(&stages[1]),
        runtime,
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_is_deterministic_and_on_the_grid() {
        let a = synthetic_ticks(1000);
        assert_eq!(a, synthetic_ticks(1000));
        assert!(a
            .iter()
            .all(|t| t.price.units() > 0 && t.price.units() % 500 == 0));
    }

    #[test]
    fn report_is_consistent() {
        let n = 20_000;
        let r = run(n, 0, &Placement::default(), 2).expect("run");
        assert_eq!(r.ticks, n as u64);
        assert_eq!(r.runtime.decision.count, r.delivered);
        assert_eq!(r.delivered, r.ticks - r.conflated - r.dropped);
        assert_eq!(r.dropped, 0);
        assert_eq!(
            r.baseline.decision.count, r.ticks,
            "the baseline loses nothing"
        );
        assert_eq!(r.stage_feed_to_engine.count, r.delivered);
        for (l, intents) in [
            (r.runtime.decision, r.runtime.intents),
            (r.baseline.decision, r.baseline.intents),
        ] {
            assert!(
                l.p50_ns <= l.p99_ns && l.p99_ns <= l.p999_ns && l.p999_ns <= l.max_ns,
                "{l:?}"
            );
            assert!(intents > 0);
        }
        assert_eq!(r.runtime.intent.count, r.runtime.intents);
        assert_eq!(r.baseline.intent.count, r.baseline.intents);
        assert_eq!(r.runtime.intents + r.runtime.rejections, r.runtime.reviews);
        assert!(r.ticks_per_s > 0.0 && r.baseline_ticks_per_s > 0.0);
        assert_eq!(
            (r.p50_ns, r.p99_ns),
            (r.runtime.decision.p50_ns, r.runtime.decision.p99_ns)
        );
    }
}

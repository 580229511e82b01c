//! Tick → decision latency through the real actor runtime, next to a hand-written baseline, over a
//! sweep of feed rates; plus flat-out throughput. What `sharewise bench pipeline` reports.
//!
//! At every rate of the sweep three contenders run the same feed slice in turn, round after round
//! (noise on a shared machine then lands on all of them): the **baseline** (one `rtrb` hop to a
//! consumer that never sleeps), the **runtime with its default wait** (`spin_park`, with the
//! placement's spin/yield/park settings) and the **runtime busy-polling** (`busy_poll`). Each
//! contender's rounds are summed into one histogram per rate. Besides latency, each reports the CPU
//! its engine (consumer) thread used — the price of its way of waiting — and the whole process's.
//!
//! Latency is "tick → decision": the feed stamps each tick with a shared monotonic clock just
//! before sending (one clock read per tick on every contender), and the engine thread records
//! `now − stamp` after the chain (see [`chain`]) has finished with it, for every tick that reaches
//! the end of the chain; ticks that produced an order intent are also recorded separately.
//!
//! **Flat out** the feed sends as fast as it can, again alternating the three. Throughput is ticks
//! the chain *handled* per second, from the first send to the end of the last tick's chain: the
//! baseline's feed waits for room and loses nothing, the runtime's never waits and conflates what
//! the engine cannot take (ticks offered per second, which flatters a conflating runtime, is
//! reported beside it). The median of the rounds is reported.

mod chain;
mod drive;
mod machine;

use hdrhistogram::Histogram;
use serde::Serialize;
use sharewise_actors::{CpuUse, LinkSnapshot, Placement, Stage, StageSummary, WaitMode};
use sharewise_engine::types::Tick;

pub use chain::{synthetic_ticks, DecisionChain, INSTRUMENTS};
use drive::Run;

/// The rates `sharewise bench pipeline` sweeps by default, ticks per second.
pub const DEFAULT_RATES: [u64; 4] = [300, 3_000, 30_000, 100_000];

/// Targets the report checks (see [`Targets`]).
const BUSY_POLL_MAX_RATIO: f64 = 1.5;
/// See [`Targets`].
const DEFAULT_MAX_P99_NS: u64 = 200_000;
/// See [`Targets`].
const DEFAULT_MAX_CPU_PCT_AT_300: f64 = 5.0;
/// See [`Targets`].
const MIN_THROUGHPUT_RATIO: f64 = 0.8;

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

/// What to measure.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Feed rates of the latency sweep, ticks per second (each > 0).
    pub rates: Vec<u64>,
    /// Seconds of feed per contender and rate (split over the rounds); at least one tick per round.
    pub seconds: f64,
    /// Rounds that alternate the contenders, at every rate and flat out.
    pub rounds: usize,
    /// Ticks per contender in the flat-out runs (split over the rounds); 0 skips them.
    pub flat_ticks: usize,
    /// Thread layout and `spin_park` settings of the runtime (its `wait` is set per contender).
    pub placement: Placement,
}

/// One contender at one rate, its rounds summed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Contender {
    /// Tick → decision latency, every tick that reached the end of the chain.
    pub decision: Latency,
    /// Tick → order intent latency, ticks whose signal risk approved.
    pub intent: Latency,
    /// The runtime's own feed send → engine pick-up stage (zero for the baseline).
    pub feed_to_engine: StageSummary,
    /// CPU of the engine (consumer) thread, percent of one core over its loop.
    pub engine_cpu_pct: f64,
    /// CPU of the whole process (feed, engine, the rest), percent of one core over the runs.
    pub process_cpu_pct: f64,
    /// Ticks the chain handled.
    pub handled: u64,
    /// Ticks lost to conflation in the tick link (always 0 for the baseline).
    pub conflated: u64,
    /// Approved order intents.
    pub intents: u64,
}

/// One rate of the sweep.
#[derive(Clone, Debug, Serialize)]
pub struct RateRow {
    /// Feed rate, ticks per second.
    pub rate: u64,
    /// Ticks each contender was sent.
    pub ticks: u64,
    /// The hand-written baseline.
    pub baseline: Contender,
    /// The runtime with its default wait.
    pub spin_park: Contender,
    /// The runtime busy-polling.
    pub busy_poll: Contender,
    /// Cores' worth of CPU that other processes used meanwhile (`None`: unknown).
    pub others_cores: Option<f64>,
}

/// Flat-out throughput of one contender over the rounds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Throughput {
    /// Median ticks handled by the chain per second (first send → last tick's decision).
    pub ticks_per_s: f64,
    /// Slowest round's handled ticks per second.
    pub min_ticks_per_s: f64,
    /// Fastest round's handled ticks per second.
    pub max_ticks_per_s: f64,
    /// Median ticks offered by the feed per second (first send → last send).
    pub offered_per_s: f64,
    /// Ticks handled, all rounds.
    pub handled: u64,
    /// Ticks lost to conflation, all rounds.
    pub conflated: u64,
    /// CPU of the engine (consumer) thread, percent of one core, all rounds.
    pub engine_cpu_pct: f64,
}

/// The flat-out runs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FlatOut {
    /// Ticks each contender was sent (all rounds).
    pub ticks: u64,
    /// The hand-written baseline.
    pub baseline: Throughput,
    /// The runtime with its default wait.
    pub spin_park: Throughput,
    /// The runtime busy-polling.
    pub busy_poll: Throughput,
    /// `spin_park` / baseline, median handled ticks per second.
    pub ratio_spin_park: f64,
    /// `busy_poll` / baseline, median handled ticks per second.
    pub ratio_busy_poll: f64,
    /// Cores' worth of CPU that other processes used meanwhile (`None`: unknown).
    pub others_cores: Option<f64>,
}

/// The targets, checked against this run (none of them is asserted by a test: these
/// machines are shared and noisy, so the figures belong here, in the benchmark's output).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Targets {
    /// `busy_poll` p50 and p99 within 1.5× of the baseline's at every rate.
    pub busy_poll_within_1_5x: bool,
    /// The default wait's p99 under 200 µs at every rate.
    pub default_p99_under_200us: bool,
    /// The default wait's engine CPU at most 5 % of a core at 300 ticks/s (`None`: 300 not swept).
    pub default_cpu_at_300_within_5pct: Option<bool>,
    /// Both runtime waits handle at least 0.8× the baseline's ticks per second flat out (`None`:
    /// no flat-out runs).
    pub throughput_at_least_0_8x: Option<bool>,
}

/// What `sharewise bench pipeline` reports.
#[derive(Clone, Debug, Serialize)]
pub struct SweepReport {
    /// Instruments in the feed.
    pub instruments: usize,
    /// Rounds alternating the contenders.
    pub rounds: usize,
    /// Seconds of feed per contender and rate.
    pub seconds: f64,
    /// `spin_park`: spins before parking.
    pub spins: u32,
    /// `spin_park`: microseconds of yielding before parking.
    pub yield_us: u64,
    /// `spin_park`: longest park, microseconds.
    pub park_us: u64,
    /// Feed and engine threads pinned to cores 0 and 1.
    pub pinned: bool,
    /// The latency sweep, by rate.
    pub rates: Vec<RateRow>,
    /// Flat-out throughput.
    pub flat_out: FlatOut,
    /// The targets, checked.
    pub targets: Targets,
}

/// The three contenders, in the order of [`RateRow`]'s fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Baseline,
    SpinPark,
    BusyPoll,
}

const WHO: [Who; 3] = [Who::Baseline, Who::SpinPark, Who::BusyPoll];

/// Runs `who` over `ticks` at `rate` (0 = flat out).
fn run_one(who: Who, ticks: &[Tick], rate: u64, placement: &Placement) -> std::io::Result<Run> {
    let with = |wait| Placement {
        wait,
        ..placement.clone()
    };
    match who {
        Who::Baseline => drive::baseline(ticks, rate, placement),
        Who::SpinPark => drive::runtime(ticks, rate, &with(WaitMode::SpinPark)),
        Who::BusyPoll => drive::runtime(ticks, rate, &with(WaitMode::BusyPoll)),
    }
}

/// Runs the sweep and the flat-out runs.
pub fn sweep(options: &SweepOptions) -> std::io::Result<SweepReport> {
    let rounds = options.rounds.max(1);
    let mut rates = Vec::with_capacity(options.rates.len());
    for &rate in &options.rates {
        rates.push(measure_rate(rate, options, rounds)?);
    }
    let flat_out = measure_flat_out(options, rounds)?;
    let targets = check(&rates, &flat_out, options.flat_ticks > 0);
    let p = &options.placement;
    Ok(SweepReport {
        instruments: INSTRUMENTS,
        rounds,
        seconds: options.seconds,
        spins: p.spin_iterations,
        yield_us: p.yield_us,
        park_us: p.park_timeout_us,
        pinned: p.pin_cores,
        rates,
        flat_out,
        targets,
    })
}

/// Sums of one contender's rounds.
struct Tally {
    chain: DecisionChain,
    hop: Histogram<u64>,
    engine_cpu: CpuUse,
    process_cpu: CpuUse,
    link: LinkSnapshot,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            chain: DecisionChain::new(sharewise_actors::MonoClock::new()),
            hop: chain::histogram(),
            engine_cpu: CpuUse::default(),
            process_cpu: CpuUse::default(),
            link: LinkSnapshot::default(),
        }
    }

    fn add(&mut self, run: &Run) -> std::io::Result<()> {
        let (mine, theirs) = (&mut self.chain, &run.chain);
        let bounds = |e: hdrhistogram::AdditionError| std::io::Error::other(e.to_string());
        mine.decision.add(&theirs.decision).map_err(bounds)?;
        mine.intent.add(&theirs.intent).map_err(bounds)?;
        mine.signals += theirs.signals;
        mine.reviews += theirs.reviews;
        mine.intents += theirs.intents;
        mine.rejections += theirs.rejections;
        if let Some(stages) = &run.stages {
            let hop = stages.histogram(Stage::FeedToEngine);
            self.hop.add(hop).map_err(bounds)?;
        }
        self.engine_cpu = self.engine_cpu.plus(run.engine_cpu);
        self.process_cpu = self.process_cpu.plus(run.process_cpu);
        self.link.conflated += run.link.conflated;
        Ok(())
    }

    fn contender(&self) -> Contender {
        let decision = self.chain.decision();
        Contender {
            decision,
            intent: self.chain.intent(),
            feed_to_engine: summary(&self.hop),
            engine_cpu_pct: self.engine_cpu.percent(),
            process_cpu_pct: self.process_cpu.percent(),
            handled: decision.count,
            conflated: self.link.conflated,
            intents: self.chain.intents,
        }
    }
}

fn summary(h: &Histogram<u64>) -> StageSummary {
    if h.is_empty() {
        return StageSummary::default();
    }
    StageSummary {
        count: h.len(),
        p50: h.value_at_quantile(0.5),
        p99: h.value_at_quantile(0.99),
        p999: h.value_at_quantile(0.999),
        max: h.max(),
    }
}

/// One rate: `rounds` rounds, each running the contenders in turn (starting one further along
/// each round, so none always goes first) on that round's slice of the feed.
fn measure_rate(rate: u64, options: &SweepOptions, rounds: usize) -> std::io::Result<RateRow> {
    let ticks = ((rate as f64 * options.seconds).round() as usize).max(rounds);
    let feed = synthetic_ticks(ticks);
    let mut tallies = [Tally::new(), Tally::new(), Tally::new()];
    let load = machine::Load::start();
    for (round, slice) in feed.chunks(ticks.div_ceil(rounds)).enumerate() {
        for k in 0..WHO.len() {
            let i = (round + k) % WHO.len();
            let run = run_one(WHO[i], slice, rate, &options.placement)?;
            tallies[i].add(&run)?;
        }
    }
    let [baseline, spin_park, busy_poll] = tallies.map(|t| t.contender());
    Ok(RateRow {
        rate,
        ticks: ticks as u64,
        baseline,
        spin_park,
        busy_poll,
        others_cores: load.others_cores(),
    })
}

/// Flat out: `rounds` rounds of the three in turn, each on `flat_ticks / rounds` ticks.
fn measure_flat_out(options: &SweepOptions, rounds: usize) -> std::io::Result<FlatOut> {
    if options.flat_ticks == 0 {
        return Ok(FlatOut::default());
    }
    let per_round = options.flat_ticks.div_ceil(rounds).max(1);
    let feed = synthetic_ticks(per_round);
    let mut handled: [Vec<f64>; 3] = Default::default();
    let mut offered: [Vec<f64>; 3] = Default::default();
    let mut totals = [(0u64, 0u64); 3];
    let mut cpu = [CpuUse::default(); 3];
    let load = machine::Load::start();
    for round in 0..rounds {
        for k in 0..WHO.len() {
            let i = (round + k) % WHO.len();
            let run = run_one(WHO[i], &feed, 0, &options.placement)?;
            let chain = &run.chain;
            let count = chain.decision.len();
            handled[i].push(per_second(count, chain.busy_ns()));
            offered[i].push(per_second(per_round as u64, chain.feed_ns()));
            totals[i].0 += count;
            totals[i].1 += run.link.conflated;
            cpu[i] = cpu[i].plus(run.engine_cpu);
        }
    }
    let mut out: [Throughput; 3] = Default::default();
    for i in 0..WHO.len() {
        out[i] = throughput(&mut handled[i], &mut offered[i], totals[i]);
        out[i].engine_cpu_pct = cpu[i].percent();
    }
    let [baseline, spin_park, busy_poll] = out;
    Ok(FlatOut {
        ticks: (per_round * rounds) as u64,
        ratio_spin_park: ratio(spin_park.ticks_per_s, baseline.ticks_per_s),
        ratio_busy_poll: ratio(busy_poll.ticks_per_s, baseline.ticks_per_s),
        others_cores: load.others_cores(),
        baseline,
        spin_park,
        busy_poll,
    })
}

fn per_second(count: u64, ns: u64) -> f64 {
    if ns == 0 {
        0.0
    } else {
        count as f64 * 1e9 / ns as f64
    }
}

/// The middle of `sorted` (the upper one of an even count).
fn median(sorted: &[f64]) -> f64 {
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn throughput(
    handled: &mut [f64],
    offered: &mut [f64],
    (count, conflated): (u64, u64),
) -> Throughput {
    handled.sort_by(f64::total_cmp);
    offered.sort_by(f64::total_cmp);
    Throughput {
        ticks_per_s: median(handled),
        min_ticks_per_s: handled.first().copied().unwrap_or(0.0),
        max_ticks_per_s: handled.last().copied().unwrap_or(0.0),
        offered_per_s: median(offered),
        handled: count,
        conflated,
        engine_cpu_pct: 0.0,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Checks the targets against the measured rows.
fn check(rates: &[RateRow], flat: &FlatOut, flat_ran: bool) -> Targets {
    let within = |ours: u64, base: u64| ours as f64 <= BUSY_POLL_MAX_RATIO * base.max(1) as f64;
    Targets {
        busy_poll_within_1_5x: rates.iter().all(|r| {
            let (b, ours) = (&r.baseline.decision, &r.busy_poll.decision);
            within(ours.p50_ns, b.p50_ns) && within(ours.p99_ns, b.p99_ns)
        }),
        default_p99_under_200us: rates
            .iter()
            .all(|r| r.spin_park.decision.p99_ns < DEFAULT_MAX_P99_NS),
        default_cpu_at_300_within_5pct: rates
            .iter()
            .find(|r| r.rate == 300)
            .map(|r| r.spin_park.engine_cpu_pct <= DEFAULT_MAX_CPU_PCT_AT_300),
        throughput_at_least_0_8x: flat_ran.then_some(
            flat.ratio_spin_park >= MIN_THROUGHPUT_RATIO
                && flat.ratio_busy_poll >= MIN_THROUGHPUT_RATIO,
        ),
    }
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
    fn sweep_is_consistent() {
        let options = SweepOptions {
            rates: vec![20_000],
            seconds: 0.25,
            rounds: 2,
            flat_ticks: 20_000,
            placement: Placement::default(),
        };
        let r = sweep(&options).expect("sweep");
        assert_eq!(r.rates.len(), 1);
        let row = &r.rates[0];
        assert_eq!((row.rate, row.ticks), (20_000, 5_000));
        assert_eq!(row.baseline.handled, 5_000, "the baseline loses nothing");
        assert_eq!(row.baseline.conflated, 0);
        for c in [&row.baseline, &row.spin_park, &row.busy_poll] {
            assert_eq!(c.handled + c.conflated, 5_000, "{c:?}");
            assert_eq!(c.decision.count, c.handled);
            let l = c.decision;
            assert!(
                l.p50_ns <= l.p99_ns && l.p99_ns <= l.p999_ns && l.p999_ns <= l.max_ns,
                "{l:?}"
            );
            assert!(c.intents > 0 && c.intent.count == c.intents, "{c:?}");
            assert!(c.engine_cpu_pct > 0.0 && c.process_cpu_pct > 0.0, "{c:?}");
        }
        for c in [&row.spin_park, &row.busy_poll] {
            assert_eq!(c.feed_to_engine.count, c.handled);
        }
        let flat = &r.flat_out;
        assert_eq!(flat.ticks, 20_000);
        assert_eq!(flat.baseline.handled, 20_000);
        for t in [&flat.baseline, &flat.spin_park, &flat.busy_poll] {
            assert_eq!(t.handled + t.conflated, 20_000, "{t:?}");
            assert!(t.min_ticks_per_s <= t.ticks_per_s && t.ticks_per_s <= t.max_ticks_per_s);
            assert!(t.ticks_per_s > 0.0 && t.offered_per_s > 0.0, "{t:?}");
        }
        assert!(flat.ratio_spin_park > 0.0 && flat.ratio_busy_poll > 0.0);
        assert!(r.targets.throughput_at_least_0_8x.is_some());
        assert_eq!(r.targets.default_cpu_at_300_within_5pct, None);
    }
}

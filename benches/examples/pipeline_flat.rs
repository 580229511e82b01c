//! Profiling aid: the actor runtime alone, fed flat out, run after run, so `perf record` sees only
//! its feed and engine threads (`sharewise bench pipeline` mixes in the baseline's, under the
//! same thread names). `cargo run --release -p sharewise-benches --example pipeline_flat --
//! [spin_park|busy_poll] [TICKS] [RUNS]`.

use sharewise_actors::{Actor, Ctx, EventBus, MonoClock, Placement, RuntimeBuilder, WaitMode};
use sharewise_benches::pipeline::{synthetic_ticks, DecisionChain, INSTRUMENTS};
use sharewise_engine::types::Tick;

/// The benchmark's chain as the engine's actor; `ts` carries the send stamp.
struct Chain(DecisionChain);

impl Actor for Chain {
    type In = Tick;
    type Out = ();
    fn handle(&mut self, tick: Tick, _ctx: &mut Ctx<'_, ()>) {
        let sent = u64::try_from(tick.ts).unwrap_or(0);
        self.0.process(tick, sent);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let wait = match args.next().as_deref() {
        Some("busy_poll") => WaitMode::BusyPoll,
        _ => WaitMode::SpinPark,
    };
    let ticks: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let feed: std::sync::Arc<[Tick]> = synthetic_ticks(ticks).into();
    let placement = Placement {
        wait,
        ..Placement::default()
    };
    for _ in 0..runs {
        let clock = MonoClock::new();
        let (bus, _events) = EventBus::bounded(16);
        let slice = std::sync::Arc::clone(&feed);
        let runtime = RuntimeBuilder::new(placement.clone(), INSTRUMENTS, bus)
            .clock(clock)
            .spawn(
                move |port| {
                    for tick in slice.iter() {
                        let now = clock.now_ns();
                        let tick = Tick {
                            ts: now as i64,
                            ..*tick
                        };
                        port.send_at(tick, now);
                    }
                },
                Chain(DecisionChain::new(clock)),
            );
        let report = match runtime.map(|r| r.join()) {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => return eprintln!("{e}"),
            Err(e) => return eprintln!("{e}"),
        };
        let secs = report.cpu.wall_ns as f64 / 1e9;
        println!(
            "{:?}: handled {} of {ticks} in {secs:.3} s ({:.2} M/s), engine CPU {:.0} %",
            wait,
            report.link.delivered,
            report.link.delivered as f64 / secs / 1e6,
            report.cpu.percent()
        );
        println!("  {:?}", report.link);
    }
}

//! The runtime: feed and engine threads, end-of-feed drain, shutdown, latency recording.

use std::thread;
use std::time::Duration;

use sharewise_actors::{Actor, Ctx, EventBus, Placement, RuntimeBuilder, Shutdown, Stage};
use sharewise_engine::types::{InstrumentId, Tick};
use sharewise_testkit::seq_tick;

mod common;
use common::{finishes_within, PARK_FOREVER};

/// Engine chain stand-in: counts ticks and checks per-instrument order.
#[derive(Default)]
struct Counter {
    n: u64,
    last: [i64; 4],
    reordered: u64,
}

impl Actor for Counter {
    type In = Tick;
    type Out = ();
    fn handle(&mut self, tick: Tick, _ctx: &mut Ctx<'_, ()>) {
        let last = &mut self.last[tick.instrument.0 as usize];
        if tick.ts <= *last {
            self.reordered += 1;
        }
        *last = tick.ts;
        self.n += 1;
    }
}

/// Tick `i` of a stream over four instruments.
fn tick(i: i64) -> Tick {
    seq_tick((i % 4) as u32, i)
}

fn placement() -> Placement {
    Placement {
        ring_capacity: 64,
        park_timeout_us: 500,
        spin_iterations: 20,
        ..Placement::default()
    }
}

#[test]
fn replay_feed_is_fully_delivered_then_threads_end() {
    let (bus, _events) = EventBus::bounded(16);
    let counter = Counter {
        last: [-1; 4],
        ..Counter::default()
    };
    let runtime = RuntimeBuilder::new(placement(), 4, bus)
        .spawn(
            |port| {
                for i in 0..5_000 {
                    port.send(tick(i));
                    if i % 256 == 0 {
                        thread::yield_now();
                    }
                }
            },
            counter,
        )
        .expect("spawn");
    let report = runtime.join().expect("threads");
    let link = report.link;
    assert_eq!(report.chain.reordered, 0);
    assert_eq!(report.chain.n, link.delivered);
    assert_eq!(link.pushed + link.parked + link.conflated, 5_000);
    assert_eq!(link.pushed + link.parked, link.delivered);
    assert_eq!(
        report.chain.last,
        [4_996, 4_997, 4_998, 4_999],
        "newest tick per instrument arrives"
    );
    assert_eq!(
        report.latency.summary(Stage::FeedToEngine).count,
        link.delivered
    );
    assert_eq!(
        report.latency.summary(Stage::EngineChain).count,
        link.delivered
    );
}

#[test]
fn shutdown_stops_an_endless_feed_and_drains() {
    let (bus, _events) = EventBus::bounded(16);
    let shutdown = Shutdown::new();
    let counter = Counter {
        last: [-1; 4],
        ..Counter::default()
    };
    let runtime = RuntimeBuilder::new(placement(), 4, bus)
        .shutdown(shutdown.clone())
        .spawn(
            |port| {
                let mut i = 0;
                while !port.is_stopping() {
                    port.send(tick(i));
                    i += 1;
                    if i % 64 == 0 {
                        thread::sleep(Duration::from_micros(200));
                    }
                }
            },
            counter,
        )
        .expect("spawn");
    thread::sleep(Duration::from_millis(30));
    shutdown.trigger();
    let report = runtime.join().expect("threads");
    let link = report.link;
    assert!(link.delivered > 0);
    assert_eq!(
        link.pushed + link.parked,
        link.delivered,
        "ring and pending slots drained"
    );
    assert_eq!(link.ring_depth(), 0);
    assert_eq!(report.chain.reordered, 0);
}

#[test]
fn shutdown_wakes_an_idle_engine() {
    // The engine parks for hours: only the trigger's unpark can end the park within the
    // watchdog's bound, so a lost wake-up fails the test instead of passing slowly.
    let report = finishes_within(
        Duration::from_secs(20),
        "shutdown of a parked engine",
        || {
            let (bus, _events) = EventBus::bounded(4);
            let park_timeout_us = u64::try_from(PARK_FOREVER.as_micros()).expect("fits u64");
            let slow = Placement {
                park_timeout_us,
                spin_iterations: 1,
                yield_us: 0,
                ..placement()
            };
            let runtime = RuntimeBuilder::new(slow, 4, bus)
                .drain_grace(Duration::ZERO)
                .spawn(
                    |port| {
                        while !port.is_stopping() {
                            thread::sleep(Duration::from_millis(1))
                        }
                    },
                    Counter::default(),
                )
                .expect("spawn");
            thread::sleep(Duration::from_millis(10));
            runtime.shutdown_and_join().expect("threads")
        },
    );
    assert_eq!(report.chain.n, 0);
}

/// A strategy that panics on its third tick, for supervision across threads.
struct Fragile(u32);

impl sharewise_actors::SupervisedStrategy for Fragile {
    fn name(&self) -> String {
        "fragile".into()
    }
    fn on_tick(
        &mut self,
        _tick: &Tick,
    ) -> Result<Option<sharewise_engine::strategy::Signal>, sharewise_actors::StrategyFault> {
        self.0 += 1;
        assert!(self.0 != 3, "third tick");
        Ok(None)
    }
}

/// Stands in for risk: counts flatten orders.
#[derive(Default)]
struct Flattens(u32);

impl Actor for Flattens {
    type In = sharewise_actors::Decision;
    type Out = ();
    fn handle(&mut self, msg: sharewise_actors::Decision, _ctx: &mut Ctx<'_, ()>) {
        if matches!(msg, sharewise_actors::Decision::Flatten(_)) {
            self.0 += 1;
        }
    }
}

#[test]
fn supervised_chain_on_the_engine_thread_alerts_and_keeps_going() {
    use sharewise_actors::{Chain, EventKind, OnFailure, Supervisor};
    let (bus, events) = EventBus::bounded(16);
    let mut sup = Supervisor::new(4);
    sup.add(Box::new(Fragile(0)), &[InstrumentId(0)], OnFailure::Flatten);
    let runtime = RuntimeBuilder::new(placement(), 4, bus)
        .spawn(
            |port| {
                (0..40).for_each(|i| {
                    port.send(tick(i));
                })
            },
            Chain::new(sup, Flattens::default()),
        )
        .expect("spawn");
    let report = runtime
        .join()
        .expect("engine survives the strategy's panic");
    assert_eq!(report.chain.second().0, 1);
    assert_eq!(
        report.chain.first().mode(InstrumentId(0)),
        sharewise_actors::InstrumentMode::Flatten
    );
    assert_eq!(report.link.delivered, 40);
    let alert = events.try_next().expect("alert");
    assert!(matches!(alert.kind, EventKind::Alert { .. }));
    assert_eq!(alert.ts, 8, "third tick of instrument 0");
}

#[test]
fn end_of_feed_wakes_a_parked_engine() {
    // The engine parks for hours once the feed falls quiet; the feed then ends. Only the wake-up
    // that dropping the feed end sends can end that park within the watchdog's bound.
    let report = finishes_within(Duration::from_secs(20), "end of a quiet feed", || {
        let (bus, _events) = EventBus::bounded(4);
        let park_timeout_us = u64::try_from(PARK_FOREVER.as_micros()).expect("fits u64");
        let slow = Placement {
            park_timeout_us,
            spin_iterations: 1,
            yield_us: 0,
            ..placement()
        };
        let runtime = RuntimeBuilder::new(slow, 4, bus)
            .spawn(
                |port| {
                    for i in 0..3 {
                        port.send(tick(i));
                        // Long enough for the engine to take the tick and park again.
                        thread::sleep(Duration::from_millis(20));
                    }
                },
                Counter {
                    last: [-1; 4],
                    ..Counter::default()
                },
            )
            .expect("spawn");
        runtime.join().expect("threads")
    });
    assert_eq!(report.chain.n, 3);
    assert_eq!(report.link.delivered, 3);
}

fn busy_poll() -> Placement {
    Placement {
        wait: sharewise_actors::WaitMode::BusyPoll,
        ..placement()
    }
}

#[test]
fn busy_polling_engine_delivers_every_tick_in_order_and_ends() {
    let (bus, _events) = EventBus::bounded(16);
    let counter = Counter {
        last: [-1; 4],
        ..Counter::default()
    };
    let runtime = RuntimeBuilder::new(busy_poll(), 4, bus)
        .spawn(
            |port| {
                for i in 0..5_000 {
                    port.send(tick(i));
                    if i % 256 == 0 {
                        thread::yield_now();
                    }
                }
            },
            counter,
        )
        .expect("spawn");
    let report = finishes_within(Duration::from_secs(20), "a busy-polling run", move || {
        runtime.join().expect("threads")
    });
    let link = report.link;
    assert_eq!(report.chain.reordered, 0);
    assert_eq!(report.chain.n, link.delivered);
    assert_eq!(link.pushed + link.parked + link.conflated, 5_000);
    assert_eq!(link.pushed + link.parked, link.delivered);
    assert_eq!(report.chain.last, [4_996, 4_997, 4_998, 4_999]);
    assert!(
        report.cpu.cpu_ns > 0 && report.cpu.wall_ns >= report.cpu.cpu_ns / 2,
        "{:?}",
        report.cpu
    );
}

#[test]
fn shutdown_stops_a_busy_polling_engine() {
    let report = finishes_within(Duration::from_secs(20), "shutdown of a busy poll", || {
        let (bus, _events) = EventBus::bounded(4);
        let runtime = RuntimeBuilder::new(busy_poll(), 4, bus)
            .drain_grace(Duration::ZERO)
            .spawn(
                |port| {
                    while !port.is_stopping() {
                        thread::sleep(Duration::from_millis(1))
                    }
                },
                Counter::default(),
            )
            .expect("spawn");
        thread::sleep(Duration::from_millis(10));
        runtime.shutdown_and_join().expect("threads")
    });
    assert_eq!(report.chain.n, 0);
}

//! Staged spawn: strategy stages inline (0 shards) or on shard threads (1, 3), the account/risk
//! actor on the engine thread. Deterministic: rings are larger than the feed so nothing is
//! conflated, the feed stays alive until the other inbox producer is done, and nothing is timed.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use sharewise_actors::{
    Actor, Ctx, EventBus, EventKind, Input, Placement, RuntimeBuilder, SendError, Severity,
};
use sharewise_engine::types::{Price, Tick};
use sharewise_testkit::seq_tick;

const INSTRUMENTS: usize = 8;
const TICKS: i64 = 3_000;
const ORDERS: u32 = 200;

/// What reaches the account besides ticks.
#[derive(Clone, Debug, PartialEq)]
enum Msg {
    /// A stage's decision on tick (`instrument`, `ts`); `k` numbers the decisions of one tick.
    Decision {
        shard: usize,
        instrument: u32,
        ts: i64,
        k: u8,
    },
    /// From the other inbox producer (stands in for the order actor).
    Order(u32),
}

/// Decisions a stage makes on `tick`: one, or two on every fifth tick.
fn decisions_for(tick: &Tick) -> u8 {
    if tick.ts % 5 == 0 {
        2
    } else {
        1
    }
}

/// Strategy stage stand-in: remembers its ticks and emits `decisions_for` each.
struct Echo {
    shard: usize,
    seen: Vec<Tick>,
    panic_on: Option<usize>,
}

impl Echo {
    fn new(shard: usize) -> Echo {
        Echo {
            shard,
            seen: Vec::new(),
            panic_on: None,
        }
    }
}

impl Actor for Echo {
    type In = Tick;
    type Out = Msg;
    fn handle(&mut self, tick: Tick, ctx: &mut Ctx<'_, Msg>) {
        self.seen.push(tick);
        assert!(
            self.panic_on != Some(self.seen.len()),
            "stage {} gives up",
            self.shard
        );
        for k in 0..decisions_for(&tick) {
            ctx.emit(Msg::Decision {
                shard: self.shard,
                instrument: tick.instrument.0,
                ts: tick.ts,
                k,
            });
        }
    }
}

/// One thing the account handled, with the `Ctx` times it got.
#[derive(Debug)]
enum Entry {
    Tick { tick: Tick, mono: u64, ts: i64 },
    Msg { msg: Msg, mono: u64, ts: i64 },
}

/// Account/risk stand-in: logs everything it handles.
#[derive(Default)]
struct Book {
    log: Vec<Entry>,
}

impl Actor for Book {
    type In = Input<Msg>;
    type Out = ();
    fn handle(&mut self, input: Input<Msg>, ctx: &mut Ctx<'_, ()>) {
        let (mono, ts) = (ctx.mono_ns, ctx.ts);
        self.log.push(match input {
            Input::Tick(tick) => Entry::Tick { tick, mono, ts },
            Input::Message(msg) => Entry::Msg { msg, mono, ts },
        });
    }
}

impl Book {
    fn ticks(&self) -> Vec<Tick> {
        self.log
            .iter()
            .filter_map(|e| {
                if let Entry::Tick { tick, .. } = e {
                    Some(*tick)
                } else {
                    None
                }
            })
            .collect()
    }

    fn decisions(&self) -> Vec<(u32, i64, u8, usize)> {
        let mut out: Vec<_> = self
            .log
            .iter()
            .filter_map(|e| match e {
                Entry::Msg {
                    msg:
                        Msg::Decision {
                            shard,
                            instrument,
                            ts,
                            k,
                        },
                    ..
                } => Some((*instrument, *ts, *k, *shard)),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out
    }

    fn orders(&self) -> Vec<u32> {
        self.log
            .iter()
            .filter_map(|e| {
                if let Entry::Msg {
                    msg: Msg::Order(k), ..
                } = e
                {
                    Some(*k)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Decisions handled before the account saw the tick they were made on.
    fn decisions_before_their_tick(&self) -> usize {
        let mut newest = [-1i64; INSTRUMENTS];
        let mut early = 0;
        for e in &self.log {
            match e {
                Entry::Tick { tick, .. } => newest[tick.instrument.0 as usize] = tick.ts,
                Entry::Msg {
                    msg: Msg::Decision { instrument, ts, .. },
                    ..
                } if newest[*instrument as usize] < *ts => early += 1,
                Entry::Msg { .. } => {}
            }
        }
        early
    }
}

/// Tick `i` of a stream over the instruments in turn, priced `100 + i` units.
fn tick(i: i64) -> Tick {
    Tick {
        price: Price(100 + i),
        ..seq_tick((i % INSTRUMENTS as i64) as u32, i)
    }
}

fn placement(shards: u32) -> Placement {
    Placement {
        strategy_shards: shards,
        shard_name_prefix: "t-shard".to_string(),
        // Larger than the feed: nothing is ever parked or conflated, so exact counts hold.
        ring_capacity: 4_096,
        // Tiny: shards find it full and must wait, never drop.
        inbox_capacity: 4,
        spin_iterations: 20,
        park_timeout_us: 500,
        ..Placement::default()
    }
}

/// The decisions (instrument, ts, k, shard) the stages should make on `ticks`.
fn expected_decisions(p: &Placement, ticks: &[Tick]) -> Vec<(u32, i64, u8, usize)> {
    let mut out: Vec<_> = ticks
        .iter()
        .flat_map(|t| {
            (0..decisions_for(t)).map(move |k| {
                (
                    t.instrument.0,
                    t.ts,
                    k,
                    p.shard_of(t.instrument).unwrap_or(0),
                )
            })
        })
        .collect();
    out.sort_unstable();
    out
}

fn sends_retrying(tx: &sharewise_actors::MpscSender<Msg>, mut msg: Msg) {
    loop {
        match tx.try_send(msg) {
            Ok(()) => return,
            Err(SendError::Full(m)) => {
                msg = m;
                thread::yield_now();
            }
            Err(SendError::Closed(m)) => panic!("engine gone before {m:?}"),
        }
    }
}

fn every_tick_and_message_reaches_the_account_once(shards: u32) {
    let (bus, _events) = EventBus::bounded(16);
    let p = placement(shards);
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (runtime, inbox) = RuntimeBuilder::new(p.clone(), INSTRUMENTS, bus)
        .spawn_staged(
            move |port| {
                for i in 0..TICKS {
                    port.send(tick(i));
                    if i % 256 == 0 {
                        thread::yield_now();
                    }
                }
                let s = port.stats();
                assert_eq!(
                    (s.pushed, s.parked, s.conflated, s.dropped),
                    (TICKS as u64, 0, 0, 0),
                    "engine link took every tick"
                );
                // Stay alive until the order producer is done, so the engine is still there.
                let _ = done_rx.recv();
            },
            Echo::new,
            Book::default(),
        )
        .expect("spawn");
    assert_eq!(runtime.shard_stats().len(), shards as usize);
    let producer =
        thread::spawn(move || (0..ORDERS).for_each(|k| sends_retrying(&inbox, Msg::Order(k))));
    producer.join().expect("producer");
    done_tx.send(()).expect("feed waits");
    let report = runtime.join().expect("no thread panicked");

    let sent: Vec<Tick> = (0..TICKS).map(tick).collect();
    let staged = report.chain;
    let book = &staged.account;
    assert_eq!(
        book.ticks(),
        sent,
        "{shards} shards: every tick once, in feed order"
    );
    assert_eq!(
        book.decisions(),
        expected_decisions(&p, &sent),
        "{shards} shards: every decision once"
    );
    assert_eq!(
        book.orders(),
        (0..ORDERS).collect::<Vec<_>>(),
        "{shards} shards: the returned inbox sender delivers"
    );
    assert_eq!(
        book.decisions_before_their_tick(),
        0,
        "{shards} shards: a tick reaches the account before its decisions"
    );
    assert_eq!(report.link.delivered, TICKS as u64);

    assert_eq!(staged.stages.len(), (shards as usize).max(1));
    for (i, stage) in staged.stages.iter().enumerate() {
        assert_eq!(stage.shard, i, "stages come back in shard order");
        let mine: Vec<Tick> = sent
            .iter()
            .copied()
            .filter(|t| p.shard_of(t.instrument).unwrap_or(0) == i)
            .collect();
        assert!(!mine.is_empty());
        assert_eq!(
            stage.seen, mine,
            "{shards} shards: stage {i} sees exactly its instruments, in feed order"
        );
    }
}

#[test]
fn unsharded_stage_reaches_the_account_once() {
    every_tick_and_message_reaches_the_account_once(0);
}

#[test]
fn one_shard_reaches_the_account_once() {
    every_tick_and_message_reaches_the_account_once(1);
}

#[test]
fn three_shards_reach_the_account_once_and_see_only_their_instruments() {
    every_tick_and_message_reaches_the_account_once(3);
}

#[test]
fn unsharded_decision_on_tick_k_is_handled_before_tick_k_plus_1() {
    let (bus, _events) = EventBus::bounded(4);
    let (runtime, _inbox) = RuntimeBuilder::new(placement(0), INSTRUMENTS, bus)
        .spawn_staged(
            |port| {
                for i in 0..500 {
                    port.send(tick(i));
                }
            },
            Echo::new,
            Book::default(),
        )
        .expect("spawn");
    let report = runtime.join().expect("threads");
    let mut current: Option<(Tick, u64, i64)> = None;
    let mut decisions = 0;
    for e in &report.chain.account.log {
        match e {
            Entry::Tick { tick, mono, ts } => current = Some((*tick, *mono, *ts)),
            Entry::Msg {
                msg:
                    Msg::Decision {
                        instrument,
                        ts: made_on,
                        ..
                    },
                mono,
                ts,
            } => {
                let (tick, tick_mono, tick_ts) = current.expect("a decision after a tick");
                assert_eq!(
                    (tick.instrument.0, tick.ts),
                    (*instrument, *made_on),
                    "the decision directly follows its tick"
                );
                assert_eq!(
                    (*mono, *ts),
                    (tick_mono, tick_ts),
                    "same Ctx times as the tick"
                );
                decisions += 1;
            }
            Entry::Msg { msg, .. } => panic!("unexpected {msg:?}"),
        }
    }
    assert_eq!(
        decisions,
        (0..500)
            .map(|i| u32::from(decisions_for(&tick(i))))
            .sum::<u32>()
    );
}

#[test]
fn shutdown_drains_every_stage_into_the_account() {
    for shards in [0, 3] {
        let (bus, _events) = EventBus::bounded(16);
        let p = Placement {
            ring_capacity: 64,
            ..placement(shards)
        };
        let (runtime, _inbox) = RuntimeBuilder::new(p.clone(), INSTRUMENTS, bus)
            .spawn_staged(
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
                Echo::new,
                Book::default(),
            )
            .expect("spawn");
        thread::sleep(Duration::from_millis(30));
        let report = runtime.shutdown_and_join().expect("threads");
        let staged = report.chain;
        // Small rings may conflate under this feed, so count against what each stage saw: every
        // decision it made reached the account exactly once.
        let seen: Vec<Tick> = staged
            .stages
            .iter()
            .flat_map(|s| s.seen.iter().copied())
            .collect();
        assert!(!seen.is_empty(), "{shards} shards: stages ran");
        assert_eq!(
            staged.account.decisions(),
            expected_decisions(&p, &seen),
            "{shards} shards: no decision lost"
        );
        assert_eq!(
            staged.account.decisions_before_their_tick(),
            0,
            "{shards} shards: ticks before their decisions"
        );
        let link = report.link;
        assert_eq!(
            link.pushed + link.parked,
            link.delivered,
            "{shards} shards: engine ring and slots drained"
        );
        assert_eq!(staged.account.ticks().len() as u64, link.delivered);
        for stage in &staged.stages {
            for pair in stage
                .seen
                .windows(2)
                .filter(|w| w[0].instrument == w[1].instrument)
            {
                assert!(
                    pair[0].ts < pair[1].ts,
                    "{shards} shards: per-instrument order kept"
                );
            }
        }
    }
}

#[test]
fn a_panicking_stage_is_reported_by_join() {
    let (bus, events) = EventBus::bounded(16);
    let (runtime, inbox) = RuntimeBuilder::new(placement(2), INSTRUMENTS, bus)
        .spawn_staged(
            |port| {
                for i in 0..100 {
                    port.send(tick(i));
                }
            },
            |shard| Echo {
                panic_on: (shard == 1).then_some(5),
                ..Echo::new(shard)
            },
            Book::default(),
        )
        .expect("spawn");
    let err = match runtime.join() {
        Ok(_) => panic!("the shard's panic must be reported"),
        Err(e) => e,
    };
    assert_eq!(err.0, "t-shard-1");
    let alert = events.try_next().expect("an alert");
    match alert.kind {
        EventKind::Alert {
            severity, source, ..
        } => {
            assert_eq!(severity, Severity::Critical);
            assert_eq!(source, "runtime:t-shard-1");
        }
        other => panic!("unexpected event {other:?}"),
    }
    assert!(
        matches!(inbox.try_send(Msg::Order(0)), Err(SendError::Closed(_))),
        "the engine ended too"
    );
}

//! Supervision: a strategy that panics (or errors) is stopped alone, its instruments are flattened
//! or frozen, an alert is published, and the other strategies keep running.

use sharewise_actors::{
    Actor, Chain, Ctx, Decision, EventBus, EventKind, InstrumentMode, OnFailure, Severity,
    StrategyFault, SupervisedStrategy, Supervisor,
};
use sharewise_engine::strategy::{Reason, Signal};
use sharewise_engine::types::{InstrumentId, Side, Tick};

/// Counts ticks; panics on the `panic_on`-th, fails with an error on the `fail_on`-th.
struct Probe {
    name: &'static str,
    seen: usize,
    panic_on: Option<usize>,
    fail_on: Option<usize>,
    signal_every: usize,
}

impl Probe {
    fn new(name: &'static str) -> Probe {
        Probe {
            name,
            seen: 0,
            panic_on: None,
            fail_on: None,
            signal_every: 0,
        }
    }
}

impl SupervisedStrategy for Probe {
    fn name(&self) -> String {
        self.name.to_string()
    }
    fn on_tick(&mut self, tick: &Tick) -> Result<Option<Signal>, StrategyFault> {
        self.seen += 1;
        if self.panic_on == Some(self.seen) {
            panic!("boom on tick {}", self.seen);
        }
        if self.fail_on == Some(self.seen) {
            return Err(StrategyFault(format!("bad state at tick {}", self.seen)));
        }
        if self.signal_every > 0 && self.seen.is_multiple_of(self.signal_every) {
            return Ok(Some(Signal {
                ts: tick.ts,
                instrument: tick.instrument,
                side: Side::Buy,
                entry: None,
                stop_loss: None,
                take_profit: None,
                confidence: 1.0,
                reason: Reason::Text(format!("tick {}", self.seen)),
            }));
        }
        Ok(None)
    }
}

/// Collects what the supervisor emits (stands in for risk).
#[derive(Default)]
struct Sink(Vec<Decision>);

impl Actor for Sink {
    type In = Decision;
    type Out = ();
    fn handle(&mut self, msg: Decision, _ctx: &mut Ctx<'_, ()>) {
        self.0.push(msg);
    }
}

/// One share of `instrument` at ₹100, at `ts`.
fn tick(instrument: u32, ts: i64) -> Tick {
    sharewise_testkit::tick(InstrumentId(instrument), ts, "100", 1)
}

#[test]
fn panicking_strategy_is_stopped_and_others_keep_running() {
    let (bus, stream) = EventBus::bounded(16);
    let mut sup = Supervisor::new(4);
    let boom = sup.add(
        Box::new(Probe {
            panic_on: Some(3),
            ..Probe::new("boom")
        }),
        &[InstrumentId(0), InstrumentId(1)],
        OnFailure::Flatten,
    );
    let steady = sup.add(
        Box::new(Probe {
            signal_every: 2,
            ..Probe::new("steady")
        }),
        &[InstrumentId(0), InstrumentId(2)],
        OnFailure::Freeze,
    );
    let mut chain = Chain::new(sup, Sink::default());
    let mut out = |_: ()| {};
    for ts in 0..6 {
        for instrument in [0, 2] {
            let t = tick(instrument, ts);
            chain.handle(t, &mut Ctx::new(0, ts, &bus, &mut out));
        }
    }
    let sup = chain.first();
    assert!(!sup.is_running(boom));
    assert!(sup.is_running(steady));
    assert_eq!(sup.mode(InstrumentId(0)), InstrumentMode::Flatten);
    assert_eq!(sup.mode(InstrumentId(1)), InstrumentMode::Flatten);
    assert_eq!(sup.mode(InstrumentId(2)), InstrumentMode::Active);
    let decisions = &chain.second().0;
    let flattened: Vec<_> = decisions
        .iter()
        .filter_map(|d| {
            if let Decision::Flatten(i) = d {
                Some(i.0)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(flattened, vec![0, 1]);
    // `steady` saw all 12 ticks and signalled on every second one.
    let signals = decisions
        .iter()
        .filter(|d| matches!(d, Decision::Signal { strategy, .. } if *strategy == steady))
        .count();
    assert_eq!(signals, 6);
    let alert = stream.try_next().expect("an alert");
    assert_eq!(alert.ts, 2, "raised at the third tick of instrument 0");
    match alert.kind {
        EventKind::Alert {
            severity,
            source,
            message,
        } => {
            assert_eq!(severity, Severity::Critical);
            assert_eq!(source, "strategy:boom");
            assert!(message.contains("boom on tick 3"), "{message}");
        }
        other => panic!("unexpected event {other:?}"),
    }
    assert!(stream.try_next().is_none(), "one alert only");
}

#[test]
fn erroring_strategy_freezes_its_instruments() {
    let (bus, stream) = EventBus::bounded(4);
    let mut sup = Supervisor::new(2);
    let bad = sup.add(
        Box::new(Probe {
            fail_on: Some(2),
            ..Probe::new("bad")
        }),
        &[InstrumentId(1)],
        OnFailure::Freeze,
    );
    let mut sink = Vec::new();
    let mut out = |d: Decision| sink.push(d);
    for ts in 0..4 {
        sup.handle(tick(1, ts), &mut Ctx::new(0, ts, &bus, &mut out));
    }
    assert!(!sup.is_running(bad));
    assert_eq!(sup.mode(InstrumentId(1)), InstrumentMode::Freeze);
    assert_eq!(sink, vec![Decision::Freeze(InstrumentId(1))]);
    let line = stream.try_next().expect("alert").to_json().expect("json");
    assert!(
        line.contains(r#""type":"alert""#) && line.contains("bad state at tick 2"),
        "{line}"
    );
}

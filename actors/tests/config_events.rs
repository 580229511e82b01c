//! Placement config (serde, validation, shard routing), the event bus's JSON lines and drop
//! counting, latency summaries, and same-thread actor chains.

use rust_decimal::Decimal;
use sharewise_actors::{
    Actor, Chain, Ctx, Event, EventBus, EventKind, Placement, PlacementError, Severity, Stage,
    StageLatency,
};
use sharewise_engine::types::{InstrumentId, Price, Tick};

#[test]
fn default_placement_is_one_feed_and_one_engine_thread() {
    let p = Placement::default();
    assert_eq!(p.strategy_shards, 0);
    assert_eq!(p.shard_of(InstrumentId(7)), None);
    assert!(!p.pin_cores);
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn placement_round_trips_and_shards_by_instrument() {
    let json = r#"{"engine":{"name":"eng","core":1},"strategy_shards":3,"shard_cores":[2,3],"pin_cores":true}"#;
    let p: Placement = serde_json::from_str(json).expect("parse");
    assert_eq!(p.engine.core, Some(1));
    assert_eq!(p.feed.name, "sw-feed", "unset keys keep their defaults");
    assert_eq!(p.shard_of(InstrumentId(7)), Some(1));
    assert_eq!(p.shard_of(InstrumentId(9)), Some(0));
    assert_eq!(p.shard_thread(1).name, "sw-strategy-1");
    assert_eq!(p.shard_thread(1).core, Some(3));
    assert_eq!(p.shard_thread(2).core, None);
    let back: Placement =
        serde_json::from_str(&serde_json::to_string(&p).expect("ser")).expect("de");
    assert_eq!(back, p);
    assert!(
        serde_json::from_str::<Placement>(r#"{"ring_capacty":1}"#).is_err(),
        "typos are rejected"
    );
    let bad = Placement {
        ring_capacity: 0,
        ..Placement::default()
    };
    assert_eq!(
        bad.validate(),
        Err(PlacementError::Zero {
            field: "ring_capacity"
        })
    );
}

#[test]
fn spawned_threads_carry_their_names() {
    let p = Placement::default();
    let handle = p
        .spawn(&p.engine, || {
            std::thread::current().name().map(str::to_string)
        })
        .expect("spawn");
    assert_eq!(handle.join().expect("join").as_deref(), Some("sw-engine"));
}

#[test]
fn event_bus_writes_typed_json_lines_and_counts_drops() {
    let (bus, stream) = EventBus::bounded(2);
    let tick = Tick {
        ts: 5,
        instrument: InstrumentId(1),
        price: Price::from_rupees_paise(10, 5),
        qty: 3,
    };
    assert!(bus.publish(Event::new(5, EventKind::TickSample { tick })));
    let pnl = EventKind::Pnl {
        instrument: None,
        realized: Decimal::new(1250, 2),
        unrealized: Decimal::ZERO,
        mark: None,
    };
    assert!(bus.publish(Event::new(6, pnl)));
    let alert = EventKind::Alert {
        severity: Severity::Warning,
        source: "x".into(),
        message: "y".into(),
    };
    assert!(
        !bus.publish(Event::new(7, alert)),
        "full: dropped, not blocked"
    );
    assert_eq!((bus.published(), bus.dropped(), bus.depth()), (2, 1, 2));
    let mut out = Vec::new();
    assert_eq!(stream.write_json_lines(&mut out).expect("write"), 2);
    let text = String::from_utf8(out).expect("utf8");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines[0]["type"], "tick_sample");
    assert_eq!(lines[0]["ts"], 5);
    assert_eq!(lines[0]["tick"]["qty"], 3);
    assert_eq!(lines[1]["type"], "pnl");
    assert_eq!(lines[1]["realized"], "12.50");
}

#[test]
fn latency_summaries_count_and_clamp() {
    let mut lat = StageLatency::new();
    for ns in [100, 200, 300, 0, u64::MAX] {
        lat.record(Stage::FeedToEngine, ns);
    }
    let s = lat.summary(Stage::FeedToEngine);
    assert_eq!(s.count, 5);
    assert!(
        s.max >= 60_000_000_000 && s.max < 61_000_000_000,
        "clamped to 60 s: {}",
        s.max
    );
    assert_eq!(lat.summary(Stage::EngineChain).count, 0);
    lat.reset();
    assert_eq!(lat.summary(Stage::FeedToEngine).count, 0);
}

struct AddOne;
impl Actor for AddOne {
    type In = u32;
    type Out = u32;
    fn handle(&mut self, msg: u32, ctx: &mut Ctx<'_, u32>) {
        ctx.emit(msg + 1);
        ctx.emit(msg + 2);
    }
}

#[test]
fn chains_deliver_synchronously_in_order() {
    let (bus, _s) = EventBus::bounded(1);
    let mut chain = Chain::new(AddOne, Chain::new(AddOne, AddOne));
    let mut got = Vec::new();
    chain.handle(0, &mut Ctx::new(0, 0, &bus, &mut |m| got.push(m)));
    assert_eq!(got, vec![3, 4, 4, 5, 4, 5, 5, 6]);
}

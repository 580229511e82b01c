//! The engine inbox: fills/orders from many producers reach the same engine chain as the ticks.

use std::thread;
use std::time::Duration;

use sharewise_actors::{Actor, Ctx, EventBus, Input, Placement, RuntimeBuilder, SendError};
use sharewise_testkit::seq_tick;

#[derive(Default)]
struct Books {
    ticks: u64,
    fills: Vec<(u32, u32)>,
}

impl Actor for Books {
    type In = Input<(u32, u32)>;
    type Out = ();
    fn handle(&mut self, msg: Input<(u32, u32)>, _ctx: &mut Ctx<'_, ()>) {
        match msg {
            Input::Tick(_) => self.ticks += 1,
            Input::Message(fill) => self.fills.push(fill),
        }
    }
}

#[test]
fn ticks_and_inbox_messages_share_one_engine_thread() {
    let (bus, _events) = EventBus::bounded(4);
    let placement = Placement {
        ring_capacity: 64,
        inbox_capacity: 8,
        park_timeout_us: 500,
        ..Placement::default()
    };
    let (runtime, inbox) = RuntimeBuilder::new(placement, 2, bus)
        .spawn_with_inbox(
            |port| {
                // Stay alive until shutdown so the inbox is drained while the feed still runs.
                let mut i = 0;
                while !port.is_stopping() {
                    if i < 100 {
                        port.send(seq_tick((i % 2) as u32, i));
                        i += 1;
                    } else {
                        thread::sleep(Duration::from_millis(1));
                    }
                }
            },
            Books::default(),
        )
        .expect("spawn");
    let producers: Vec<_> = (0..2u32)
        .map(|p| {
            let tx = inbox.clone();
            thread::spawn(move || {
                for k in 0..50u32 {
                    let mut msg = (p, k);
                    while let Err(SendError::Full(m)) = tx.try_send(msg) {
                        msg = m;
                        thread::sleep(Duration::from_micros(100));
                    }
                }
            })
        })
        .collect();
    for p in producers {
        p.join().expect("producer");
    }
    // Wait (bounded) until the engine has taken everything, then stop.
    for _ in 0..2_000 {
        let s = runtime.link_stats();
        if s.pushed + s.parked + s.conflated == 100 && s.delivered == s.pushed + s.parked {
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    let report = runtime.shutdown_and_join().expect("threads");
    let link = report.link;
    assert_eq!(link.pushed + link.parked + link.conflated, 100);
    assert_eq!(report.chain.ticks, link.delivered);
    assert_eq!(report.chain.fills.len(), 100, "shutdown drains the inbox");
    for p in 0..2 {
        let ks: Vec<u32> = report
            .chain
            .fills
            .iter()
            .filter(|f| f.0 == p)
            .map(|f| f.1)
            .collect();
        assert_eq!(
            ks,
            (0..50).collect::<Vec<_>>(),
            "each producer's messages stay in order"
        );
    }
    assert!(
        matches!(inbox.try_send((9, 9)), Err(SendError::Closed(_))),
        "engine gone: inbox closed"
    );
}

//! Tick link and many-producer link: delivery, conflation, ordering per instrument, counters,
//! and cross-thread wake-ups.

use std::thread;
use std::time::Duration;

use sharewise_actors::{mpsc_link, tick_link, Doorbell, Sent, WaitPolicy};
use sharewise_engine::types::Tick;
use sharewise_testkit::seq_tick as tick;

mod common;
use common::{finishes_within, PARK_FOREVER};

fn drain_all(rx: &mut sharewise_actors::TickReceiver) -> Vec<Tick> {
    let mut out = Vec::new();
    while rx.drain(1024, |s| out.push(s.tick)) > 0 {}
    out
}

#[test]
fn delivers_in_order_when_not_full() {
    let (mut tx, mut rx) = tick_link(8, 4, Doorbell::new());
    for i in 0..5 {
        assert_eq!(tx.send(tick(1, i), 0), Sent::Ring);
    }
    assert_eq!(rx.depth(), 5);
    let got: Vec<i64> = drain_all(&mut rx).iter().map(|t| t.ts).collect();
    assert_eq!(got, vec![0, 1, 2, 3, 4]);
    let s = rx.stats().snapshot();
    assert_eq!(
        (
            s.pushed,
            s.popped,
            s.delivered,
            s.parked,
            s.conflated,
            s.dropped
        ),
        (5, 5, 5, 0, 0, 0)
    );
    assert_eq!(s.ring_depth(), 0);
}

#[test]
fn full_ring_conflates_newest_per_instrument() {
    let (mut tx, mut rx) = tick_link(2, 4, Doorbell::new());
    assert_eq!(tx.send(tick(0, 1), 0), Sent::Ring);
    assert_eq!(tx.send(tick(1, 2), 0), Sent::Ring);
    // Ring full: instrument 0 parks, then is replaced twice; instrument 2 parks.
    assert_eq!(tx.send(tick(0, 3), 0), Sent::Parked);
    assert_eq!(tx.send(tick(2, 4), 0), Sent::Parked);
    assert_eq!(tx.send(tick(0, 5), 0), Sent::Conflated);
    assert_eq!(tx.send(tick(0, 6), 0), Sent::Conflated);
    assert_eq!(tx.send(tick(9, 7), 0), Sent::Dropped);
    let s = tx.stats().snapshot();
    assert_eq!((s.pushed, s.parked, s.conflated, s.dropped), (2, 2, 2, 1));
    assert_eq!(s.ring_depth(), 2);
    assert_eq!(rx.depth(), 4, "2 in the ring + 2 pending instruments");
    let got: Vec<(u32, i64)> = drain_all(&mut rx)
        .iter()
        .map(|t| (t.instrument.0, t.ts))
        .collect();
    assert_eq!(got, vec![(0, 1), (1, 2), (0, 6), (2, 4)]);
    assert_eq!(rx.stats().snapshot().delivered, 4);
    assert_eq!(rx.depth(), 0);
}

#[test]
fn pending_instrument_is_not_overtaken_through_the_ring() {
    let (mut tx, mut rx) = tick_link(2, 2, Doorbell::new());
    assert_eq!(tx.send(tick(0, 1), 0), Sent::Ring);
    assert_eq!(tx.send(tick(1, 2), 0), Sent::Ring);
    assert_eq!(tx.send(tick(0, 3), 0), Sent::Parked);
    // The engine pops one ring tick; the pending tick is newer than the ring tick still queued
    // before it, so it stays pending.
    let mut got = Vec::new();
    assert_eq!(
        rx.drain(1, |s| got.push((s.tick.instrument.0, s.tick.ts))),
        1
    );
    // The ring has room now, yet instrument 0 is pending: a newer tick must not go around it.
    assert_eq!(tx.send(tick(0, 4), 0), Sent::Conflated);
    assert_eq!(tx.send(tick(1, 5), 0), Sent::Ring);
    got.extend(drain_all(&mut rx).iter().map(|t| (t.instrument.0, t.ts)));
    assert_eq!(got, vec![(0, 1), (1, 2), (1, 5), (0, 4)]);
    assert_eq!(
        tx.send(tick(0, 6), 0),
        Sent::Ring,
        "slot drained: back to the ring"
    );
}

#[test]
fn cross_thread_overload_keeps_each_instrument_in_order() {
    const N: i64 = 20_000;
    const INSTRUMENTS: u32 = 8;
    let bell = Doorbell::new();
    let (mut tx, mut rx) = tick_link(16, INSTRUMENTS as usize, bell);
    let feed = thread::spawn(move || {
        for i in 0..N {
            tx.send(tick((i % INSTRUMENTS as i64) as u32, i), 0);
            if i % 1000 == 0 {
                thread::yield_now();
            }
        }
        tx.stats().snapshot()
    });
    let mut last = [-1i64; INSTRUMENTS as usize];
    let mut seen = 0u64;
    let policy = WaitPolicy::SpinPark {
        spins: 50,
        yield_for: Duration::ZERO,
        park: Duration::from_millis(1),
    };
    loop {
        let n = rx.drain(4, |s| {
            let slot = &mut last[s.tick.instrument.0 as usize];
            assert!(
                s.tick.ts > *slot,
                "instrument {} reordered: {} after {}",
                s.tick.instrument.0,
                s.tick.ts,
                slot
            );
            *slot = s.tick.ts;
        });
        seen += n as u64;
        if n == 0 {
            if rx.is_abandoned() && !rx.has_ticks() {
                break;
            }
            rx.wait(policy);
        }
    }
    let sent = feed.join().expect("feed thread");
    let s = rx.stats().snapshot();
    assert_eq!(s.delivered, seen);
    assert_eq!(
        sent.pushed + sent.parked,
        seen,
        "every ring or parked tick is delivered"
    );
    assert_eq!(
        sent.pushed + sent.parked + sent.conflated,
        N as u64,
        "nothing lost uncounted"
    );
    // The newest tick of every instrument always arrives.
    for (i, &ts) in last.iter().enumerate() {
        assert_eq!(ts, N - INSTRUMENTS as i64 + i as i64);
    }
}

#[test]
fn parked_consumer_is_woken_by_a_push() {
    // Parks last for hours: only the producer's unpark can end them within the watchdog's
    // bound, so a lost wake-up fails the test instead of passing slowly.
    let got = finishes_within(
        Duration::from_secs(20),
        "consumer parked on an empty link",
        || {
            let bell = Doorbell::new();
            let (mut tx, mut rx) = tick_link(4, 1, bell.clone());
            let engine = thread::spawn(move || {
                let mut got = Vec::new();
                let policy = WaitPolicy::SpinPark {
                    spins: 1,
                    yield_for: Duration::ZERO,
                    park: PARK_FOREVER,
                };
                while got.len() < 3 {
                    rx.drain(8, |s| got.push(s.tick.ts));
                    if got.len() < 3 {
                        rx.wait(policy);
                    }
                }
                got
            });
            for i in 0..3 {
                thread::sleep(Duration::from_millis(5));
                tx.send(tick(0, i), 0);
            }
            engine.join().expect("engine thread")
        },
    );
    assert_eq!(got, vec![0, 1, 2]);
}

#[test]
fn resting_consumer_is_woken_by_a_push() {
    // `rest` parks without spinning first; with parks of hours, only the producer's unpark can
    // end them within the watchdog's bound.
    let got = finishes_within(
        Duration::from_secs(20),
        "consumer resting on an empty link",
        || {
            let bell = Doorbell::new();
            let (mut tx, mut rx) = tick_link(4, 1, bell.clone());
            let engine = thread::spawn(move || {
                let policy = WaitPolicy::SpinPark {
                    spins: 0,
                    yield_for: Duration::ZERO,
                    park: PARK_FOREVER,
                };
                let mut got = Vec::new();
                while got.len() < 3 {
                    rx.drain(8, |s| got.push(s.tick.ts));
                    if got.len() < 3 {
                        bell.rest(policy, || rx.has_ticks());
                    }
                }
                got
            });
            for i in 0..3 {
                thread::sleep(Duration::from_millis(5));
                tx.send(tick(0, i), 0);
            }
            engine.join().expect("engine thread")
        },
    );
    assert_eq!(got, vec![0, 1, 2]);
}

#[test]
fn busy_poll_bell_never_parks_and_costs_producers_nothing() {
    let bell = Doorbell::for_policy(WaitPolicy::BusyPoll);
    let (mut tx, mut rx) = tick_link(4, 1, bell.clone());
    // Whatever policy it is handed, a waiter on a busy-poll bell polls (a bounded while) and
    // returns rather than parking.
    assert!(!bell.wait(WaitPolicy::default(), || rx.has_ticks()));
    assert!(!bell.rest(WaitPolicy::default(), || rx.has_ticks()));
    tx.send(tick(0, 7), 0);
    assert!(bell.wait(WaitPolicy::BusyPoll, || rx.has_ticks()));
    assert_eq!(drain_all(&mut rx).len(), 1);
    assert_eq!((bell.parks(), bell.unparks()), (0, 0));
}

#[test]
fn many_producers_reach_one_consumer() {
    let bell = Doorbell::new();
    let (tx, rx) = mpsc_link::<(u32, u32)>(64, bell.clone());
    let producers: Vec<_> = (0..3)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..100 {
                    let mut msg = (p, i);
                    while let Err(sharewise_actors::SendError::Full(m)) = tx.try_send(msg) {
                        msg = m;
                        thread::yield_now();
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let mut last = [None::<u32>; 3];
    let mut n = 0;
    while n < 300 {
        match rx.try_recv() {
            Some((p, i)) => {
                assert!(last[p as usize].is_none_or(|l| i > l), "per-producer order");
                last[p as usize] = Some(i);
                n += 1;
            }
            None => {
                bell.wait(WaitPolicy::default(), || rx.has_messages());
            }
        }
    }
    for p in producers {
        p.join().expect("producer");
    }
    assert_eq!(rx.depth(), 0);
}

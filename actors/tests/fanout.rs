//! The fan-out: numbered events to many subscribers; a slow one loses its oldest events and is
//! told how many, never holding up the others; a subscriber that comes back resumes by `seq`.

use std::time::Duration;

use sharewise_actors::{Delivery, Event, EventFilter, EventHub, EventKind, Severity};

fn alert(n: u64) -> Event {
    Event::new(
        n as i64,
        EventKind::Alert {
            severity: Severity::Warning,
            source: "test".into(),
            message: format!("#{n}"),
        },
    )
}

fn latency(n: u64) -> Event {
    Event::new(
        n as i64,
        EventKind::Latency {
            stage: "s".into(),
            count: n,
            p50_ns: 1,
            p99_ns: 2,
            max_ns: 3,
        },
    )
}

/// Everything waiting, as `seq`s (events) and `-missed` (lag reports).
fn drain(rx: &mut sharewise_actors::EventReceiver) -> Vec<i64> {
    std::iter::from_fn(|| rx.try_next())
        .map(|d| match d {
            Delivery::Event(e) => e.seq as i64,
            Delivery::Lagged { missed } => -(missed as i64),
        })
        .collect()
}

#[test]
fn every_event_gets_the_next_seq_and_every_subscriber_sees_it() {
    let hub = EventHub::new(100);
    let mut a = hub.subscribe(EventFilter::all(), 10);
    let mut b = hub.subscribe(EventFilter::all(), 10);
    for n in 1..=5 {
        assert_eq!(hub.publish(alert(n)).seq, n);
    }
    assert_eq!(drain(&mut a), [1, 2, 3, 4, 5]);
    assert_eq!(drain(&mut b), [1, 2, 3, 4, 5]);
    assert_eq!(hub.last_seq(), 5);
}

#[test]
fn a_slow_subscriber_loses_its_oldest_events_and_is_told_how_many() {
    let hub = EventHub::new(0);
    let mut slow = hub.subscribe(EventFilter::all(), 3);
    let mut fast = hub.subscribe(EventFilter::all(), 1000);
    for n in 1..=10 {
        hub.publish(alert(n));
        assert_eq!(
            drain(&mut fast),
            [n as i64],
            "the fast one is never held up"
        );
    }
    // The newest three are kept; the seven before them are reported, before them.
    assert_eq!(drain(&mut slow), [-7, 8, 9, 10]);
    assert_eq!(slow.missed_total(), 7);
    hub.publish(alert(11));
    assert_eq!(drain(&mut slow), [11], "a lag is reported once");
}

#[test]
fn a_filter_picks_types_and_an_account_and_keeps_daemon_wide_events() {
    let hub = EventHub::new(10);
    let filter = EventFilter {
        types: Some(vec!["alert".into()]),
        account: Some("main".into()),
    };
    let mut rx = hub.subscribe(filter, 10);
    let mine = Event {
        account: Some("main".into()),
        ..alert(1)
    };
    let theirs = Event {
        account: Some("other".into()),
        ..alert(2)
    };
    let daemon_wide = alert(3);
    hub.publish(mine);
    hub.publish(theirs);
    hub.publish(latency(4));
    hub.publish(daemon_wide);
    assert_eq!(drain(&mut rx), [1, 4]);
}

#[test]
fn a_subscriber_resumes_after_the_last_seq_it_saw_without_gap_or_duplicate() {
    let hub = EventHub::new(4);
    for n in 1..=6 {
        hub.publish(alert(n));
    }
    // Kept: 3..=6. Resuming after 4 gives 5, 6, then the live ones.
    let mut back = hub.subscribe_after(4, EventFilter::all(), 10);
    hub.publish(alert(7));
    assert_eq!(drain(&mut back), [5, 6, 7]);
    // Resuming from further back than kept: the lost ones are reported first.
    let mut late = hub.subscribe_after(0, EventFilter::all(), 10);
    assert_eq!(
        drain(&mut late),
        [-3, 4, 5, 6, 7],
        "1..=3 are no longer kept (4 is the oldest of the last four)"
    );
}

#[test]
fn a_dropped_receiver_unsubscribes_and_the_pump_hands_on_what_the_bus_carried() {
    let hub = EventHub::new(10);
    let rx = hub.subscribe(EventFilter::all(), 10);
    assert_eq!(hub.subscribers(), 1);
    drop(rx);
    assert_eq!(hub.subscribers(), 0);

    let (bus, stream) = sharewise_actors::EventBus::bounded(16);
    let mut rx = hub.subscribe(EventFilter::all(), 10);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pump = {
        let (hub, stop) = (hub.clone(), std::sync::Arc::clone(&stop));
        std::thread::spawn(move || hub.pump(&stream, &stop))
    };
    bus.for_account("main").publish(alert(1));
    drop(bus);
    stop.store(true, std::sync::atomic::Ordering::Release);
    pump.join().unwrap();
    match rx.next_timeout(Duration::from_secs(5)) {
        Some(Delivery::Event(e)) => {
            assert_eq!((e.seq, e.account.as_deref()), (1, Some("main")));
            let line = Delivery::Event(e).to_json().unwrap();
            assert!(
                line.starts_with(r#"{"seq":1,"ts":1,"account":"main","type":"alert""#),
                "{line}"
            );
        }
        other => panic!("expected the event, got {other:?}"),
    }
    assert_eq!(
        Delivery::Lagged { missed: 3 }.to_json().unwrap(),
        r#"{"type":"lagged","missed":3}"#
    );
}

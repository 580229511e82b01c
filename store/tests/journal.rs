//! The journal's write path: round trip, rebuild after reopen, lifecycle, idempotent fills.

mod common;

use common::{acked, created, d, filled, place, sent, tmp};
use sharewise_engine::types::{ClientOrderId, Side};
use sharewise_store::{Journal, OrderEvent, OrderStatus, Recorded, StoreError};

#[test]
fn round_trip_stores_every_event_in_sequence() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("journal.redb")).unwrap();
    let events = [
        created(1, "INFY", Side::Buy, 10),
        sent(1),
        acked(1),
        filled(1, Side::Buy, 10, "1500", "T1"),
    ];
    for (i, e) in events.iter().enumerate() {
        assert_eq!(j.record(e).unwrap(), Recorded::Appended(i as u64 + 1));
    }
    let entries = j.entries().unwrap();
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(
        entries.iter().map(|e| e.event.clone()).collect::<Vec<_>>(),
        events
    );
    let o = &j.orders()[0];
    assert_eq!(
        (o.status, o.filled_qty, o.avg_fill_price),
        (OrderStatus::Filled, 10, d("1500"))
    );
    assert_eq!(o.broker_order_id.as_deref(), Some("B1"));
    assert_eq!(
        (o.created_ts, o.updated_ts, o.strategy.as_str()),
        (1, 30, "ema_cross")
    );
}

#[test]
fn reopen_rebuilds_orders_positions_cash_and_next_id() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    {
        let mut j = Journal::open(&path).unwrap();
        assert_eq!(j.next_client_id(), ClientOrderId(1));
        place(&mut j, 1, "INFY", Side::Buy, 10);
        j.record(&filled(1, Side::Buy, 4, "100", "T1")).unwrap();
        j.record(&filled(1, Side::Buy, 6, "110", "T2")).unwrap();
        place(&mut j, 7, "INFY", Side::Sell, 15);
        j.record(&filled(7, Side::Sell, 15, "120", "T3")).unwrap();
        place(&mut j, 3, "TCS", Side::Buy, 5);
        j.record(&OrderEvent::Cancelled {
            client_id: ClientOrderId(3),
            ts: 40,
        })
        .unwrap();
    }
    let j = Journal::open(&path).unwrap();
    let orders = j.orders();
    assert_eq!(
        orders
            .iter()
            .map(|o| (o.client_id.0, o.status))
            .collect::<Vec<_>>(),
        [
            (1, OrderStatus::Filled),
            (3, OrderStatus::Cancelled),
            (7, OrderStatus::Filled)
        ]
    );
    assert_eq!(orders[0].avg_fill_price, d("106"));
    assert_eq!(j.next_client_id(), ClientOrderId(8));
    let p = j.positions();
    assert_eq!(p.len(), 1);
    // long 10 @ 106, sold 15 @ 120: realised 140, short 5 @ 120
    assert_eq!(
        (
            p[0].symbol.as_str(),
            p[0].qty,
            p[0].avg_price,
            p[0].realized_pnl
        ),
        ("INFY", -5, d("120"), d("140"))
    );
    // -1060 (buys) + 1800 (sell) - 3 fees
    assert_eq!(j.cash(d("10000")), d("10737"));
    assert_eq!(j.state().last_seq(), 13);
}

#[test]
fn illegal_transitions_name_both_states_and_the_order() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("j.redb")).unwrap();
    j.record(&created(5, "INFY", Side::Buy, 10)).unwrap();
    let err = j.record(&acked(5)).unwrap_err();
    assert!(matches!(
        err,
        StoreError::IllegalTransition {
            from: OrderStatus::New,
            to: OrderStatus::Open,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "order SW0000000005: illegal transition new -> open"
    );
    j.record(&sent(5)).unwrap();
    j.record(&filled(5, Side::Buy, 10, "100", "T1")).unwrap();
    let err = j
        .record(&OrderEvent::Cancelled {
            client_id: ClientOrderId(5),
            ts: 1,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "order SW0000000005: illegal transition filled -> cancelled"
    );
    // refused events are not written
    assert_eq!(j.entries().unwrap().len(), 3);
    assert!(matches!(
        j.record(&sent(9)),
        Err(StoreError::UnknownOrder(ClientOrderId(9)))
    ));
    assert!(matches!(
        j.record(&created(5, "X", Side::Buy, 1)),
        Err(StoreError::DuplicateOrder(_))
    ));
}

#[test]
fn unresolved_reconciles_after_lookup() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("j.redb")).unwrap();
    j.record(&created(1, "INFY", Side::Buy, 10)).unwrap();
    j.record(&sent(1)).unwrap();
    let unresolved = OrderEvent::Unresolved {
        client_id: ClientOrderId(1),
        reason: "timeout after 5s".into(),
        ts: 15,
    };
    j.record(&unresolved).unwrap();
    assert_eq!(j.orders()[0].status, OrderStatus::Unresolved);
    assert_eq!(j.orders()[0].reason.as_deref(), Some("timeout after 5s"));
    j.record(&acked(1)).unwrap();
    assert_eq!(j.orders()[0].status, OrderStatus::Open);
    let rejected = OrderEvent::Rejected {
        client_id: ClientOrderId(1),
        reason: "margin".into(),
        ts: 1,
    };
    assert!(matches!(
        j.record(&rejected),
        Err(StoreError::IllegalTransition {
            from: OrderStatus::Open,
            ..
        })
    ));
}

#[test]
fn duplicate_fill_is_ignored_even_after_reopen() {
    let dir = tmp();
    let path = dir.path().join("j.redb");
    let mut j = Journal::open(&path).unwrap();
    place(&mut j, 1, "INFY", Side::Buy, 10);
    assert_eq!(
        j.record(&filled(1, Side::Buy, 4, "100", "T1")).unwrap(),
        Recorded::Appended(4)
    );
    assert_eq!(
        j.record(&filled(1, Side::Buy, 4, "100", "T1")).unwrap(),
        Recorded::DuplicateFill
    );
    drop(j);
    let mut j = Journal::open(&path).unwrap();
    assert_eq!(
        j.record(&filled(1, Side::Buy, 4, "100", "T1")).unwrap(),
        Recorded::DuplicateFill
    );
    assert_eq!(
        (j.orders()[0].filled_qty, j.orders()[0].status),
        (4, OrderStatus::PartiallyFilled)
    );
    assert_eq!(j.positions()[0].qty, 4);
    assert_eq!(
        j.record(&filled(1, Side::Buy, 6, "100", "T2")).unwrap(),
        Recorded::Appended(5)
    );
    assert_eq!(j.orders()[0].status, OrderStatus::Filled);
}

#[test]
fn fills_that_do_not_fit_the_order_are_refused() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("j.redb")).unwrap();
    place(&mut j, 1, "INFY", Side::Buy, 10);
    let err = j
        .record(&filled(1, Side::Buy, 11, "100", "T1"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "order SW0000000001: bad fill: qty 11 outside 1..=10 (remaining)"
    );
    assert!(matches!(
        j.record(&filled(1, Side::Sell, 1, "100", "T1")),
        Err(StoreError::BadFill { .. })
    ));
    assert_eq!(j.entries().unwrap().len(), 3);
}

#[test]
fn dropping_midway_keeps_everything_committed() {
    let dir = tmp();
    let path = dir.path().join("j.redb");
    let mut j = Journal::open(&path).unwrap();
    for id in 1..=50 {
        j.record(&created(id, "INFY", Side::Buy, 2)).unwrap();
        j.record(&sent(id)).unwrap();
    }
    let before = j.entries().unwrap();
    drop(j);
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.entries().unwrap(), before);
    assert!(j.orders().iter().all(|o| o.status == OrderStatus::Sent));
    assert_eq!(j.next_client_id(), ClientOrderId(51));
}

#[test]
fn fill_racing_ahead_of_the_ack_keeps_partially_filled() {
    let dir = tmp();
    let mut j = Journal::open(dir.path().join("j.redb")).unwrap();
    j.record(&created(1, "INFY", Side::Buy, 10)).unwrap();
    j.record(&sent(1)).unwrap();
    j.record(&filled(1, Side::Buy, 3, "100", "T1")).unwrap();
    j.record(&acked(1)).unwrap();
    let o = &j.orders()[0];
    assert_eq!(
        (o.status, o.filled_qty, o.broker_order_id.as_deref()),
        (OrderStatus::PartiallyFilled, 3, Some("B1"))
    );
    j.record(&OrderEvent::Cancelled {
        client_id: ClientOrderId(1),
        ts: 50,
    })
    .unwrap();
    assert_eq!(
        (j.orders()[0].status, j.positions()[0].qty),
        (OrderStatus::Cancelled, 3)
    );
}

#[test]
fn a_batch_commits_in_sequence_and_reopens_with_every_event() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    {
        let mut j = Journal::open(&path).unwrap();
        place(&mut j, 1, "INFY", Side::Buy, 10);
        let batch = [
            filled(1, Side::Buy, 4, "100", "T1"),
            filled(1, Side::Buy, 4, "100", "T1"),
            filled(1, Side::Buy, 6, "110", "T2"),
        ];
        let applied = j.record_batch(&batch).unwrap();
        let seqs: Vec<Recorded> = applied.iter().map(|a| a.recorded).collect();
        assert_eq!(
            seqs,
            [
                Recorded::Appended(4),
                Recorded::DuplicateFill,
                Recorded::Appended(5)
            ]
        );
        // Each fill is published with the transition it made, not the batch's end state.
        assert_eq!(applied[0].from, Some(OrderStatus::Open));
        assert_eq!(
            applied[0].order.as_ref().map(|o| (o.status, o.filled_qty)),
            Some((OrderStatus::PartiallyFilled, 4))
        );
        assert_eq!(applied[2].from, Some(OrderStatus::PartiallyFilled));
        assert_eq!(
            applied[2].order.as_ref().map(|o| (o.status, o.filled_qty)),
            Some((OrderStatus::Filled, 10))
        );
        assert_eq!(
            j.record_batch(&batch[..2])
                .unwrap()
                .iter()
                .map(|a| a.recorded)
                .collect::<Vec<_>>(),
            [Recorded::DuplicateFill; 2]
        );
    }
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.state().last_seq(), 5);
    assert_eq!(j.orders()[0].avg_fill_price, d("106"));
}

#[test]
fn a_refused_event_leaves_the_whole_batch_unwritten() {
    let dir = tmp();
    let path = dir.path().join("journal.redb");
    let mut j = Journal::open(&path).unwrap();
    place(&mut j, 1, "INFY", Side::Buy, 10);
    // The second fill overfills the order: the first must not stay behind, in memory or on disk.
    let batch = [
        filled(1, Side::Buy, 4, "100", "T1"),
        filled(1, Side::Buy, 7, "100", "T2"),
    ];
    let err = j.record_batch(&batch).unwrap_err();
    assert!(matches!(err, StoreError::BadFill { .. }), "{err}");
    assert_eq!(
        (
            j.state().last_seq(),
            j.orders()[0].filled_qty,
            j.state().has_fill("1/T1")
        ),
        (3, 0, false)
    );
    assert_eq!(j.record(&batch[0]).unwrap(), Recorded::Appended(4));
    drop(j);
    let j = Journal::open(&path).unwrap();
    assert_eq!((j.state().last_seq(), j.orders()[0].filled_qty), (4, 4));
}

//! Restart reconciliation: the journal brought into agreement with the paper broker's book
//! before trading — nothing re-sent, fills booked exactly once, working orders handed over.

mod common;

use common::*;
use rust_decimal::Decimal;
use sharewise_brokers::PaperConfig;
use sharewise_engine::account::Bracket;
use sharewise_engine::time::NANOS_PER_SEC;
use sharewise_engine::types::{ClientOrderId, Position, Side};
use sharewise_live::account::WorkingOrder;
use sharewise_live::reconcile::{reconcile, Reconciled};
use sharewise_store::{Journal, OrderEvent, OrderStatus, PositionRecord};

/// Journals `order` as the order actor does before placing it: Created, then Sent.
fn run_reconcile(rig: &mut OrderRig) -> Reconciled {
    let broker = rig.broker.clone();
    let rt = common::runtime();
    rt.block_on(reconcile(rig.journal_mut(), &broker)).unwrap()
}

#[test]
fn an_order_journalled_as_sent_that_never_reached_the_broker_is_cancelled_not_resent() {
    let mut rig = rig(PaperConfig::default());
    journal_sent(rig.journal_mut(), market(1, INFY, Side::Buy, 10, ts0()));
    // And one the daemon died on before even journalling Sent.
    rig.journal_mut()
        .record(&created(market(2, INFY, Side::Sell, 5, ts0())))
        .unwrap();

    let out = run_reconcile(&mut rig);
    assert_eq!(
        out,
        Reconciled {
            fills_added: 0,
            changes: vec![
                "SW0000000001: was sent, never reached the broker: not in its order book or history → cancelled".into(),
                "SW0000000002: was new, never sent → cancelled".into(),
            ],
            working: vec![],
            unresolved: vec![],
            broker_max_id: None,
        }
    );
    assert_eq!(
        (rig.status(1), rig.status(2)),
        (Some(OrderStatus::Cancelled), Some(OrderStatus::Cancelled))
    );
    assert_eq!(
        rig.entries()[3],
        OrderEvent::Cancelled {
            client_id: ClientOrderId(1),
            ts: ts0()
        }
    );
    let book = rig.broker.lock().unwrap();
    assert!(
        book.orders().is_empty(),
        "nothing is re-sent: a stale signal is not a reason to trade"
    );
    assert_eq!(book.duplicate_placements(), 0);
}

#[test]
fn a_fill_made_after_the_daemon_died_is_booked_once_and_the_position_matches_the_broker() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());
    journal_sent(rig.journal_mut(), order);
    // The placement reached the broker and filled; the daemon died before journalling the ack.
    rig.broker.lock().unwrap().place(&order).unwrap();
    assert_eq!(rig.tick("100", 500, ts0() + NANOS_PER_SEC).len(), 1);

    let out = run_reconcile(&mut rig);
    assert_eq!(out.fills_added, 1);
    assert_eq!(
        out.changes,
        [
            "SW0000000001: was sent, found at the broker as PAPER0000000001",
            "SW0000000001: fill P00000001 of 10 @ 100.00 booked from the broker"
        ]
    );
    assert!(out.working.is_empty());
    let record = rig
        .journal()
        .state()
        .order(ClientOrderId(1))
        .unwrap()
        .clone();
    assert_eq!(
        (record.status, record.filled_qty, record.avg_fill_price),
        (OrderStatus::Filled, 10, d("100"))
    );
    let journal_positions = rig.journal().positions();
    assert_eq!(
        journal_positions,
        vec![PositionRecord {
            symbol: "INFY".into(),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: Decimal::ZERO
        }]
    );
    let broker_positions = rig.broker.lock().unwrap().positions();
    assert_eq!(
        broker_positions,
        vec![Position {
            instrument: INFY,
            qty: 10,
            avg_price: d("100"),
            realized_pnl: Decimal::ZERO
        }]
    );
    assert_eq!(
        rig.journal().cash(d("1000000")),
        rig.broker.lock().unwrap().funds().cash
    );

    // Running it again (a second restart) adds nothing.
    let entries = rig.entries();
    assert_eq!(
        run_reconcile(&mut rig),
        Reconciled {
            broker_max_id: Some(ClientOrderId(1)),
            ..Reconciled::default()
        }
    );
    assert_eq!(rig.entries(), entries);
}

/// Reconciliation books the fills first (Sent → Filled is legal), after which the order is no
/// longer "in flight", so step 2 never journals the broker's acknowledgement: the journal of an
/// order that filled while the daemon was down keeps `broker_order_id: None` (and so does a
/// partially filled one, whose status is no longer New/Sent/Unresolved when step 2 looks). The
/// module docs say "found → its acknowledgement and final state are journalled".
#[test]
fn a_fill_made_after_the_daemon_died_also_journals_the_brokers_acknowledgement() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());
    journal_sent(rig.journal_mut(), order);
    rig.broker.lock().unwrap().place(&order).unwrap();
    let fill = rig.tick("100", 500, ts0() + NANOS_PER_SEC).remove(0).fill;

    run_reconcile(&mut rig);
    assert_eq!(rig.status(1), Some(OrderStatus::Filled));
    assert_eq!(
        rig.journal()
            .state()
            .order(ClientOrderId(1))
            .unwrap()
            .broker_order_id
            .as_deref(),
        Some("PAPER0000000001"),
        "the journal should name the broker's order"
    );
    let entries = rig.entries();
    assert_eq!(
        entries.len(),
        4,
        "created, sent, acknowledged, filled: {entries:?}"
    );
    assert!(
        matches!(&entries[2], OrderEvent::Acknowledged { broker_order_id, .. } if broker_order_id == "PAPER0000000001"),
        "{:?}",
        entries[2]
    );
    assert_eq!(
        entries[3],
        OrderEvent::Filled {
            fill,
            trade_id: "P00000001".into()
        }
    );
}

#[test]
fn an_open_order_at_the_broker_is_acknowledged_and_comes_back_as_working() {
    let mut rig = rig(PaperConfig::default());
    let order = limit(1, INFY, Side::Buy, 10, "90", ts0());
    journal_sent(rig.journal_mut(), order);
    rig.broker.lock().unwrap().place(&order).unwrap();
    assert!(rig.tick("100", 500, ts0() + NANOS_PER_SEC).is_empty());

    let out = run_reconcile(&mut rig);
    assert_eq!(
        out,
        Reconciled {
            fills_added: 0,
            changes: vec!["SW0000000001: was sent, found at the broker as PAPER0000000001".into()],
            working: vec![WorkingOrder {
                order,
                remaining: 10,
                bracket: Bracket::default()
            }],
            unresolved: vec![],
            broker_max_id: Some(ClientOrderId(1)),
        }
    );
    assert_eq!(rig.status(1), Some(OrderStatus::Open));
    assert_eq!(
        rig.entries()[2],
        OrderEvent::Acknowledged {
            client_id: ClientOrderId(1),
            broker_order_id: "PAPER0000000001".into(),
            ts: ts0()
        }
    );

    // Handed to the account, the working order counts: the same BUY signal sends nothing new.
    let mut account = AccountRig::new(AccountOpts {
        working: out.working,
        next_client_id: rig.journal().next_client_id().0,
        ..AccountOpts::default()
    });
    account.signal(AUTO, INFY, Side::Buy, "100", at(10, 5, 0));
    assert!(account.commands().is_empty());
    assert_eq!(account.actor().next_client_id(), 2);

    // A second pass: nothing more to journal, still working.
    let again = run_reconcile(&mut rig);
    assert_eq!(
        (again.fills_added, again.changes.len(), again.working.len()),
        (0, 0, 1)
    );
}

#[test]
fn a_partly_filled_order_books_its_fills_and_works_on_with_the_rest() {
    let mut rig = rig(PaperConfig {
        max_fill_pct: Some(50),
        ..PaperConfig::default()
    });
    let order = market(1, INFY, Side::Buy, 10, ts0());
    journal_sent(rig.journal_mut(), order);
    rig.broker.lock().unwrap().place(&order).unwrap();
    assert_eq!(rig.tick("100", 8, ts0() + NANOS_PER_SEC)[0].fill.qty, 4);

    let out = run_reconcile(&mut rig);
    assert_eq!(out.fills_added, 1);
    assert_eq!(out.working.len(), 1);
    assert_eq!(
        (out.working[0].order.client_id, out.working[0].remaining),
        (ClientOrderId(1), 6)
    );
    let record = rig
        .journal()
        .state()
        .order(ClientOrderId(1))
        .unwrap()
        .clone();
    assert_eq!(
        (record.status, record.filled_qty),
        (OrderStatus::PartiallyFilled, 4)
    );

    // The restarted order actor books the rest when it fills.
    let trades = rig.tick("101", 40, ts0() + 2 * NANOS_PER_SEC);
    rig.push_trades(trades);
    rig.run(vec![]);
    assert_eq!(rig.status(1), Some(OrderStatus::Filled));
    assert_eq!(rig.journal().positions()[0].qty, 10);
}

#[test]
fn orders_cancelled_at_the_broker_or_lost_in_an_unresolved_reply_are_settled() {
    let mut rig = rig(PaperConfig::default());
    // 1: open when the daemon died, cancelled at the broker since.
    let cancelled = limit(1, INFY, Side::Buy, 10, "90", ts0());
    journal_sent(rig.journal_mut(), cancelled);
    let placed = rig.broker.lock().unwrap().place(&cancelled).unwrap();
    rig.journal_mut()
        .record(&OrderEvent::Acknowledged {
            client_id: ClientOrderId(1),
            broker_order_id: placed.order_id,
            ts: ts0(),
        })
        .unwrap();
    rig.broker
        .lock()
        .unwrap()
        .set_clock(ts0() + 5 * NANOS_PER_SEC)
        .unwrap();
    rig.broker.lock().unwrap().cancel(ClientOrderId(1)).unwrap();
    // 2: unresolved, and it did reach the broker; 3: unresolved, and it did not.
    for id in [2, 3] {
        let order = limit(id, INFY, Side::Buy, 10, "90", ts0());
        journal_sent(rig.journal_mut(), order);
        rig.journal_mut()
            .record(&OrderEvent::Unresolved {
                client_id: ClientOrderId(id),
                reason: "timed out after 2 s".into(),
                ts: ts0(),
            })
            .unwrap();
        if id == 2 {
            rig.broker.lock().unwrap().place(&order).unwrap();
        }
    }

    let out = run_reconcile(&mut rig);
    assert_eq!(
        out.changes,
        [
            "SW0000000002: was unresolved, found at the broker as PAPER0000000002",
            "SW0000000003: was unresolved, never reached the broker: not in its order book or history → cancelled",
            "SW0000000001: cancelled at the broker",
        ]
    );
    assert_eq!(
        (rig.status(1), rig.status(2), rig.status(3)),
        (
            Some(OrderStatus::Cancelled),
            Some(OrderStatus::Open),
            Some(OrderStatus::Cancelled)
        )
    );
    assert_eq!(
        out.working
            .iter()
            .map(|w| (w.order.client_id.0, w.remaining))
            .collect::<Vec<_>>(),
        [(2, 10)]
    );
    assert_eq!(
        rig.broker.lock().unwrap().orders().len(),
        2,
        "order 3 is not re-sent"
    );
}

#[test]
fn a_fill_the_order_actor_never_heard_of_is_booked_at_restart_from_a_reopened_journal() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());
    rig.run(vec![place(order)]);
    // The broker filled it, but the fills never reached the order actor (the daemon stopped).
    rig.tick("100", 500, ts0() + NANOS_PER_SEC);
    let path = rig.dir.path().join("journal.redb");
    // A new process: the journal is closed and reopened from its file.
    drop(rig.take_journal());
    let mut journal = Journal::open(&path).unwrap();
    assert_eq!(
        journal.state().order(ClientOrderId(1)).unwrap().status,
        OrderStatus::Open
    );

    let out = common::runtime()
        .block_on(reconcile(&mut journal, &rig.broker))
        .unwrap();
    assert_eq!(out.fills_added, 1);
    assert_eq!(
        journal.state().order(ClientOrderId(1)).unwrap().status,
        OrderStatus::Filled
    );
    drop(journal);
    let reopened = Journal::open(&path).unwrap();
    assert_eq!(
        reopened.positions(),
        vec![PositionRecord {
            symbol: "INFY".into(),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: Decimal::ZERO
        }]
    );
    assert_eq!(
        reopened.next_client_id(),
        ClientOrderId(2),
        "a restart never reuses a client id"
    );
}

/// A broker whose books begin at `from` (Kite keeps only the day's), otherwise the paper venue.
struct DayBooks {
    inner: sharewise_brokers::SharedPaper,
    from: sharewise_engine::time::TimestampNs,
}

impl sharewise_brokers::Broker for DayBooks {
    fn subscribe(&self) -> sharewise_brokers::UpdateReceiver {
        self.inner.subscribe()
    }
    fn session(&self) -> sharewise_brokers::SessionState {
        self.inner.session()
    }
    fn books_from(&self) -> sharewise_engine::time::TimestampNs {
        self.from
    }
    async fn place(
        &self,
        order: &sharewise_engine::types::Order,
    ) -> Result<sharewise_brokers::PlaceOutcome, sharewise_brokers::BrokerError> {
        self.inner.place(order).await
    }
    async fn modify(
        &self,
        tag: ClientOrderId,
        change: sharewise_brokers::Modify,
    ) -> Result<sharewise_brokers::BrokerOrder, sharewise_brokers::BrokerError> {
        self.inner.modify(tag, change).await
    }
    async fn cancel(
        &self,
        tag: ClientOrderId,
    ) -> Result<sharewise_brokers::BrokerOrder, sharewise_brokers::BrokerError> {
        self.inner.cancel(tag).await
    }
    async fn orders(
        &self,
    ) -> Result<Vec<sharewise_brokers::BrokerOrder>, sharewise_brokers::BrokerError> {
        self.inner.orders().await
    }
    async fn order_by_tag(
        &self,
        tag: ClientOrderId,
    ) -> Result<Option<sharewise_brokers::BrokerOrder>, sharewise_brokers::BrokerError> {
        self.inner.order_by_tag(tag).await
    }
    async fn trades(
        &self,
    ) -> Result<Vec<sharewise_brokers::BrokerTrade>, sharewise_brokers::BrokerError> {
        self.inner.trades().await
    }
    async fn orders_since(
        &self,
        since: sharewise_engine::time::TimestampNs,
    ) -> Result<Vec<sharewise_brokers::BrokerOrder>, sharewise_brokers::BrokerError> {
        self.inner.orders_since(since).await
    }
    async fn trades_since(
        &self,
        since: sharewise_engine::time::TimestampNs,
    ) -> Result<Vec<sharewise_brokers::BrokerTrade>, sharewise_brokers::BrokerError> {
        self.inner.trades_since(since).await
    }
    async fn account_id(&self) -> Result<String, sharewise_brokers::BrokerError> {
        self.inner.account_id().await
    }
    async fn positions(&self) -> Result<Vec<Position>, sharewise_brokers::BrokerError> {
        self.inner.positions().await
    }
    async fn funds(&self) -> Result<sharewise_brokers::Funds, sharewise_brokers::BrokerError> {
        self.inner.funds().await
    }
    async fn holdings(
        &self,
    ) -> Result<Vec<sharewise_brokers::Holding>, sharewise_brokers::BrokerError> {
        self.inner.holdings().await
    }
}

/// An order sent before the broker's books begin (yesterday, at a broker that keeps only the
/// day's) and not in them proves nothing: unresolved, never called "never reached".
#[test]
fn an_order_older_than_the_brokers_books_is_unresolved_not_cancelled() {
    let mut rig = rig(PaperConfig::default());
    journal_sent(rig.journal_mut(), market(1, INFY, Side::Buy, 10, ts0()));
    let broker = DayBooks {
        inner: rig.broker.clone(),
        from: ts0() + NANOS_PER_SEC,
    };
    let out = common::runtime()
        .block_on(reconcile(rig.journal_mut(), &broker))
        .unwrap();
    assert_eq!(rig.status(1), Some(OrderStatus::Unresolved));
    assert_eq!(out.unresolved.len(), 1, "{out:?}");
    assert!(
        out.unresolved[0].contains("before the broker's books begin"),
        "{out:?}"
    );
}

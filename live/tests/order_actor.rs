//! The order actor over a real journal and the paper broker: every transition journalled before
//! it is acted on, fills booked once, rejections and cancellations reported to the engine.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use rust_decimal::Decimal;
use sharewise_actors::{EventKind, Severity};
use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, ErrorKind, Funds, Modify, PaperConfig,
    PlaceOutcome, SharedPaper, VenueStatus,
};
use sharewise_engine::time::NANOS_PER_SEC;
use sharewise_engine::types::{ClientOrderId, Fill, InstrumentId, Order, Position, Side};
use sharewise_live::error::LiveError;
use sharewise_live::messages::{EngineMsg, OrderCommand, OrderMsg, OrderReport};
use sharewise_live::order_actor::OrderActorReport;
use sharewise_store::{OrderEvent, OrderStatus, PositionRecord};

fn order_event(
    order: &Order,
    filled: i64,
    from: Option<&str>,
    to: &str,
    reason: Option<&str>,
) -> EventKind {
    EventKind::Order {
        client_order_id: order.client_id.0,
        symbol: "INFY".into(),
        side: order.side,
        qty: order.qty,
        filled_qty: filled,
        from: from.map(str::to_string),
        to: to.into(),
        reason: reason.map(str::to_string),
    }
}

#[test]
fn a_market_order_is_journalled_placed_filled_and_reported_once() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());

    let report = rig.run(vec![place(order)]);
    assert_eq!(
        report,
        OrderActorReport {
            placed: 1,
            ..OrderActorReport::default()
        }
    );
    assert_eq!(rig.status(1), Some(OrderStatus::Open));
    assert_eq!(
        rig.journal()
            .state()
            .order(ClientOrderId(1))
            .unwrap()
            .broker_order_id
            .as_deref(),
        Some("PAPER0000000001")
    );
    assert!(
        rig.engine().is_empty(),
        "nothing to tell the engine before a fill"
    );
    assert_eq!(
        rig.kinds(),
        vec![
            order_event(&order, 0, None, "new", None),
            order_event(&order, 0, Some("new"), "sent", None),
            order_event(&order, 0, Some("sent"), "open", None)
        ]
    );

    // The feed shows the paper broker a tick; its trades go to the order actor.
    let trades = rig.tick("100", 500, ts0() + NANOS_PER_SEC);
    let fill = Fill {
        client_id: ClientOrderId(1),
        instrument: INFY,
        side: Side::Buy,
        qty: 10,
        price: p("100"),
        ts: ts0() + NANOS_PER_SEC,
        fees: Decimal::ZERO,
    };
    assert_eq!(
        trades,
        vec![BrokerTrade {
            trade_id: "P00000001".into(),
            fill
        }]
    );
    rig.push_trades(trades.clone());
    let report = rig.run(vec![]);
    assert_eq!(report.fills, 1);

    assert_eq!(rig.engine(), vec![reported(OrderReport::Fill(fill))]);
    assert_eq!(
        rig.kinds(),
        vec![
            order_event(&order, 10, Some("open"), "filled", None),
            EventKind::Fill {
                symbol: "INFY".into(),
                trade_id: "P00000001".into(),
                fill
            }
        ]
    );
    let entries = rig.entries();
    assert_eq!(
        entries,
        vec![
            created(order),
            OrderEvent::Sent {
                client_id: ClientOrderId(1),
                ts: ts0()
            },
            OrderEvent::Acknowledged {
                client_id: ClientOrderId(1),
                broker_order_id: "PAPER0000000001".into(),
                ts: ts0()
            },
            OrderEvent::Filled {
                fill,
                trade_id: "P00000001".into()
            },
        ]
    );
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
    assert_eq!(
        rig.journal().positions(),
        vec![PositionRecord {
            symbol: "INFY".into(),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: Decimal::ZERO
        }]
    );
    assert_eq!(rig.journal().cash(d("1000000")), d("999000"));

    // The same trade again (a re-sent batch): ignored, the engine hears nothing, the journal is unchanged.
    let applied_before = rig.progress.fills_applied.load(Ordering::Relaxed);
    rig.push_trades(trades);
    let report = rig.run(vec![]);
    assert_eq!(report.fills, 0);
    assert!(
        rig.engine().is_empty(),
        "a repeated trade id must not be booked twice"
    );
    assert!(rig.kinds().is_empty());
    assert_eq!(rig.entries(), entries);
    assert_eq!(
        rig.progress.fills_applied.load(Ordering::Relaxed),
        applied_before + 1,
        "the lockstep counter still moves on"
    );
    assert_eq!(rig.broker.lock().unwrap().duplicate_placements(), 0);
}

#[test]
fn partial_fills_are_booked_one_by_one() {
    let mut rig = rig(PaperConfig {
        max_fill_pct: Some(50),
        ..PaperConfig::default()
    });
    let order = market(1, INFY, Side::Buy, 10, ts0());
    rig.run(vec![place(order)]);
    rig.kinds();
    let first = rig.tick("100", 8, ts0() + NANOS_PER_SEC); // 4 shares
    let second = rig.tick("101", 40, ts0() + 2 * NANOS_PER_SEC); // the other 6
    assert_eq!(
        first
            .iter()
            .chain(&second)
            .map(|t| (t.trade_id.as_str(), t.fill.qty))
            .collect::<Vec<_>>(),
        [("P00000001", 4), ("P00000002", 6)]
    );
    rig.push_trades(first);
    rig.push_trades(second);
    rig.run(vec![]);

    let reported: Vec<i64> = rig
        .engine()
        .into_iter()
        .map(|m| match m {
            EngineMsg::Report {
                report: OrderReport::Fill(f),
                ..
            } => f.qty,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(reported, [4, 6]);
    assert_eq!(
        transitions(&rig.kinds()),
        [
            tr(Some("open"), "partially_filled"),
            tr(Some("partially_filled"), "filled")
        ]
    );
    let record = rig
        .journal()
        .state()
        .order(ClientOrderId(1))
        .unwrap()
        .clone();
    assert_eq!(
        (record.status, record.filled_qty, record.avg_fill_price),
        (OrderStatus::Filled, 10, d("100.6"))
    );
}

#[test]
fn a_broker_rejection_is_journalled_with_the_brokers_message_and_reported() {
    let mut rig = rig(PaperConfig::default());
    // An instrument the paper broker does not list, and a limit price off the 0.05 grid.
    let unlisted = market(1, InstrumentId(3), Side::Buy, 10, ts0());
    let off_tick = limit(2, INFY, Side::Buy, 10, "100.03", ts0());
    let msg = |order: Order, symbol: &str| {
        OrderMsg::Command(OrderCommand::Place {
            order,
            symbol: symbol.into(),
            strategy: AUTO_NAME.into(),
            stop_loss: None,
            take_profit: None,
        })
    };
    let report = rig.run(vec![msg(unlisted, "WIPRO"), msg(off_tick, "INFY")]);
    assert_eq!(
        report,
        OrderActorReport {
            rejected: 2,
            ..OrderActorReport::default()
        }
    );

    let unlisted_reason = "InvalidInput: Invalid `tradingsymbol`: instrument 3 is not listed.";
    let off_tick_reason = "InvalidInput: Tick size for this script is 0.05. Kindly enter price in the multiple of tick size for this script.";
    for (id, reason) in [(1, unlisted_reason), (2, off_tick_reason)] {
        let record = rig
            .journal()
            .state()
            .order(ClientOrderId(id))
            .unwrap()
            .clone();
        assert_eq!(
            (
                record.status,
                record.reason.as_deref(),
                record.broker_order_id
            ),
            (OrderStatus::Rejected, Some(reason), None)
        );
    }
    assert_eq!(
        rig.entries()[2],
        OrderEvent::Rejected {
            client_id: ClientOrderId(1),
            reason: unlisted_reason.into(),
            ts: ts0()
        }
    );
    assert_eq!(
        rig.engine(),
        vec![
            reported(OrderReport::Closed {
                client_id: ClientOrderId(1),
                status: OrderStatus::Rejected,
                unfilled: 10
            }),
            reported(OrderReport::Closed {
                client_id: ClientOrderId(2),
                status: OrderStatus::Rejected,
                unfilled: 10
            }),
        ]
    );
    let kinds = rig.kinds();
    assert_eq!(
        kinds[2],
        EventKind::Order {
            client_order_id: 1,
            symbol: "WIPRO".into(),
            side: Side::Buy,
            qty: 10,
            filled_qty: 0,
            from: Some("sent".into()),
            to: "rejected".into(),
            reason: Some(unlisted_reason.into()),
        }
    );
    assert_eq!(
        transitions(&kinds)[3..],
        [
            tr(None, "new"),
            tr(Some("new"), "sent"),
            tr(Some("sent"), "rejected")
        ]
    );
    assert!(
        rig.broker.lock().unwrap().orders().is_empty(),
        "nothing entered the paper book"
    );
}

#[test]
fn an_order_the_journal_refuses_is_never_sent_and_stops_the_actor() {
    let mut rig = rig(PaperConfig::default());
    let zero = market(1, INFY, Side::Buy, 0, ts0());
    let later = market(2, INFY, Side::Buy, 10, ts0());
    let err = rig
        .try_run_with(rig.broker.clone(), vec![place(zero), place(later)])
        .unwrap_err();
    assert!(matches!(err, LiveError::Journal(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "order journal: order SW0000000001: bad order: qty 0 must be > 0"
    );
    assert!(
        rig.progress.abandoned.load(Ordering::Relaxed),
        "the lockstep feed must stop waiting"
    );
    assert!(rig.entries().is_empty(), "nothing was journalled");
    assert!(
        rig.broker.lock().unwrap().orders().is_empty(),
        "without the journal nothing is sent, not even the next order"
    );
    assert!(rig.engine().is_empty());
}

#[test]
fn stop_with_cancel_open_cancels_a_resting_limit_order() {
    let mut rig = rig(PaperConfig::default());
    let order = limit(1, INFY, Side::Buy, 10, "90", ts0());
    rig.run(vec![place(order)]);
    assert!(
        rig.tick("100", 500, ts0() + NANOS_PER_SEC).is_empty(),
        "100 is above the 90 limit"
    );
    rig.kinds();

    // Without cancel_open the order stays working.
    assert_eq!(
        rig.run(vec![OrderMsg::Stop { cancel_open: false }])
            .cancelled_at_stop,
        0
    );
    assert_eq!(rig.status(1), Some(OrderStatus::Open));

    let report = rig.run(vec![OrderMsg::Stop { cancel_open: true }]);
    assert_eq!(report.cancelled_at_stop, 1);
    assert_eq!(rig.status(1), Some(OrderStatus::Cancelled));
    assert_eq!(
        rig.entries().last(),
        Some(&OrderEvent::Cancelled {
            client_id: ClientOrderId(1),
            ts: ts0() + NANOS_PER_SEC
        })
    );
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 10
        })]
    );
    assert_eq!(transitions(&rig.kinds()), [tr(Some("open"), "cancelled")]);
    let at_broker = rig.broker.lock().unwrap().order(ClientOrderId(1)).unwrap();
    assert_eq!(
        (at_broker.status, at_broker.status_message.as_deref()),
        (VenueStatus::Cancelled, Some("Cancelled by user."))
    );
    assert!(
        rig.tick("80", 500, ts0() + 2 * NANOS_PER_SEC).is_empty(),
        "a cancelled order never fills"
    );
}

#[test]
fn stop_cancels_the_unfilled_rest_of_a_partial_fill_and_leaves_filled_orders_alone() {
    let mut rig = rig(PaperConfig {
        max_fill_pct: Some(50),
        ..PaperConfig::default()
    });
    let partial = market(1, INFY, Side::Buy, 10, ts0());
    rig.run(vec![place(partial)]);
    let trades = rig.tick("100", 8, ts0() + NANOS_PER_SEC);
    rig.push_trades(trades);
    rig.run(vec![]);
    rig.engine();
    rig.kinds();

    let report = rig.run(vec![OrderMsg::Stop { cancel_open: true }]);
    assert_eq!(report.cancelled_at_stop, 1);
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 6
        })]
    );
    assert_eq!(
        transitions(&rig.kinds()),
        [tr(Some("partially_filled"), "cancelled")]
    );
    let record = rig
        .journal()
        .state()
        .order(ClientOrderId(1))
        .unwrap()
        .clone();
    assert_eq!(
        (record.status, record.filled_qty),
        (OrderStatus::Cancelled, 4)
    );
    assert_eq!(rig.journal().positions()[0].qty, 4);
}

#[test]
fn a_cancel_command_cancels_an_open_order_and_ignores_finished_ones() {
    let mut rig = rig(PaperConfig::default());
    let resting = limit(1, INFY, Side::Buy, 10, "90", ts0());
    let filled = market(2, INFY, Side::Buy, 5, ts0());
    rig.run(vec![place(resting), place(filled)]);
    let trades = rig.tick("100", 500, ts0() + NANOS_PER_SEC);
    rig.push_trades(trades);
    rig.run(vec![]);
    rig.engine();
    rig.kinds();
    let entries = rig.entries().len();

    let cancel = |id| {
        OrderMsg::Command(OrderCommand::Cancel {
            client_id: ClientOrderId(id),
        })
    };
    rig.run(vec![cancel(2), cancel(77), cancel(1)]);
    assert_eq!(rig.status(1), Some(OrderStatus::Cancelled));
    assert_eq!(rig.status(2), Some(OrderStatus::Filled));
    assert_eq!(
        rig.entries().len(),
        entries + 1,
        "only the open order changed"
    );
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 10
        })]
    );
    assert_eq!(
        rig.progress.commands_done.load(Ordering::Relaxed),
        5,
        "2 placements + 3 cancels"
    );
}

#[test]
fn a_fill_for_an_order_never_journalled_raises_a_critical_alert_and_is_not_booked() {
    let mut rig = rig(PaperConfig::default());
    let stray = BrokerTrade {
        trade_id: "P00000009".into(),
        fill: fill(99, INFY, Side::Buy, 5, "100", ts0()),
    };
    rig.push_trades(vec![stray]);
    rig.run(vec![]);
    assert_eq!(
        rig.kinds(),
        vec![EventKind::Alert {
            severity: Severity::Critical,
            source: "order_actor".into(),
            message: "broker fill P00000009 for unknown order SW0000000099; not booked".into()
        }]
    );
    assert!(rig.engine().is_empty());
    assert!(rig.entries().is_empty());
    assert_eq!(rig.progress.fills_applied.load(Ordering::Relaxed), 1);
}

/// A broker in front of the paper book whose placement replies can be lost or fail.
struct Flaky {
    inner: SharedPaper,
    /// Placements that fail with a retry-safe `Upstream` error (never reaching the book) first.
    upstream_failures: AtomicU32,
    /// The reply to a placement is lost (Unresolved); `reach` says whether it reached the book.
    lose_reply: bool,
    reach: bool,
    /// Looking the tag up fails too.
    lookup_fails: bool,
}

impl Flaky {
    fn new(inner: SharedPaper) -> Flaky {
        Flaky {
            inner,
            upstream_failures: AtomicU32::new(0),
            lose_reply: false,
            reach: true,
            lookup_fails: false,
        }
    }
}

impl Broker for Flaky {
    fn subscribe(&self) -> sharewise_brokers::UpdateReceiver {
        self.inner.subscribe()
    }
    fn session(&self) -> sharewise_brokers::SessionState {
        self.inner.session()
    }
    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        if self.upstream_failures.load(Ordering::Relaxed) > 0 {
            self.upstream_failures.fetch_sub(1, Ordering::Relaxed);
            return Err(BrokerError::new(ErrorKind::Upstream, "502 Bad Gateway"));
        }
        if !self.lose_reply {
            return self.inner.place(order).await;
        }
        if self.reach {
            self.inner.place(order).await?;
        }
        Ok(PlaceOutcome::Unresolved {
            tag: order.client_id,
            reason: "timed out after 2 s".into(),
        })
    }
    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        self.inner.modify(tag, change).await
    }
    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        self.inner.cancel(tag).await
    }
    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.inner.orders().await
    }
    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        if self.lookup_fails {
            return Err(BrokerError::new(
                ErrorKind::Upstream,
                "503 Service Unavailable",
            ));
        }
        self.inner.order_by_tag(tag).await
    }
    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.inner.trades().await
    }
    async fn orders_since(&self, since: i64) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.inner.orders_since(since).await
    }
    async fn trades_since(&self, since: i64) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.inner.trades_since(since).await
    }
    async fn account_id(&self) -> Result<String, BrokerError> {
        self.inner.account_id().await
    }
    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        self.inner.positions().await
    }
    async fn funds(&self) -> Result<Funds, BrokerError> {
        self.inner.funds().await
    }
    async fn holdings(&self) -> Result<Vec<sharewise_brokers::Holding>, BrokerError> {
        self.inner.holdings().await
    }
}

#[test]
fn a_lost_reply_is_resolved_by_tag_without_sending_again() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());
    let broker = Flaky {
        lose_reply: true,
        ..Flaky::new(rig.broker.clone())
    };
    let report = rig.try_run_with(broker, vec![place(order)]).unwrap();
    assert_eq!(report.placed, 1);
    assert_eq!(
        rig.entries()[2..],
        [
            OrderEvent::Unresolved {
                client_id: ClientOrderId(1),
                reason: "timed out after 2 s".into(),
                ts: ts0()
            },
            OrderEvent::Acknowledged {
                client_id: ClientOrderId(1),
                broker_order_id: "PAPER0000000001".into(),
                ts: ts0()
            },
        ]
    );
    let kinds = rig.kinds();
    assert_eq!(
        transitions(&kinds),
        [
            tr(None, "new"),
            tr(Some("new"), "sent"),
            tr(Some("sent"), "unresolved"),
            tr(Some("unresolved"), "open")
        ]
    );
    assert_eq!(
        kinds[2],
        order_event(
            &order,
            0,
            Some("sent"),
            "unresolved",
            Some("timed out after 2 s")
        )
    );
    let book = rig.broker.lock().unwrap();
    assert_eq!((book.orders().len(), book.duplicate_placements()), (1, 0));
}

#[test]
fn a_lost_placement_that_never_arrived_is_cancelled_and_released() {
    let mut rig = rig(PaperConfig::default());
    let broker = Flaky {
        lose_reply: true,
        reach: false,
        ..Flaky::new(rig.broker.clone())
    };
    rig.try_run_with(broker, vec![place(market(1, INFY, Side::Buy, 10, ts0()))])
        .unwrap();
    assert_eq!(rig.status(1), Some(OrderStatus::Cancelled));
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 10
        })]
    );
    assert!(
        rig.broker.lock().unwrap().orders().is_empty(),
        "never re-sent"
    );
}

#[test]
fn a_placement_that_cannot_be_resolved_stays_unresolved_and_the_engine_is_told() {
    let mut rig = rig(PaperConfig::default());
    let broker = Flaky {
        lose_reply: true,
        lookup_fails: true,
        ..Flaky::new(rig.broker.clone())
    };
    rig.try_run_with(broker, vec![place(market(1, INFY, Side::Buy, 10, ts0()))])
        .unwrap();
    assert_eq!(rig.status(1), Some(OrderStatus::Unresolved));
    assert_eq!(
        rig.journal()
            .state()
            .order(ClientOrderId(1))
            .unwrap()
            .reason
            .as_deref(),
        Some("timed out after 2 s")
    );
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Unresolved {
            client_id: ClientOrderId(1)
        })]
    );
}

#[test]
fn a_retry_safe_failure_is_retried_with_the_same_tag() {
    let mut rig = rig(PaperConfig::default());
    let broker = Flaky {
        upstream_failures: AtomicU32::new(1),
        ..Flaky::new(rig.broker.clone())
    };
    // One 502, then success (after the actor's 400 ms back-off).
    let report = rig
        .try_run_with(broker, vec![place(market(1, INFY, Side::Buy, 10, ts0()))])
        .unwrap();
    assert_eq!((report.placed, report.rejected), (1, 0));
    assert_eq!(rig.status(1), Some(OrderStatus::Open));
    assert_eq!(
        rig.entries().len(),
        3,
        "created, sent, acknowledged: the retry is not journalled as a second send"
    );
    let book = rig.broker.lock().unwrap();
    assert_eq!((book.orders().len(), book.duplicate_placements()), (1, 0));
}

#[test]
fn three_retry_safe_failures_end_in_a_rejection() {
    let mut rig = rig(PaperConfig::default());
    let broker = Flaky {
        upstream_failures: AtomicU32::new(3),
        ..Flaky::new(rig.broker.clone())
    };
    let report = rig
        .try_run_with(broker, vec![place(market(1, INFY, Side::Buy, 10, ts0()))])
        .unwrap();
    assert_eq!((report.placed, report.rejected), (0, 1));
    assert_eq!(
        rig.journal()
            .state()
            .order(ClientOrderId(1))
            .unwrap()
            .reason
            .as_deref(),
        Some("Upstream: 502 Bad Gateway")
    );
    assert_eq!(
        rig.engine(),
        vec![reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Rejected,
            unfilled: 10
        })]
    );
    assert!(rig.broker.lock().unwrap().orders().is_empty());
}

/// Changes the broker made on its own arrive on its push stream: an order the exchange
/// cancelled (after a partial fill) is journalled and its unfilled rest released; a session that
/// went down is a critical alert.
#[test]
fn pushed_order_changes_and_session_changes_are_heard() {
    let mut rig = rig(PaperConfig {
        max_fill_pct: Some(40),
        ..PaperConfig::default()
    });
    rig.run(vec![place(market(1, INFY, Side::Buy, 10, ts0()))]);
    let trades = rig.tick("100", 10, ts0() + NANOS_PER_SEC);
    assert_eq!(trades[0].fill.qty, 4);
    rig.engine();
    rig.kinds();
    let mut cancelled = rig.broker.lock().unwrap().order(ClientOrderId(1)).unwrap();
    cancelled.status = VenueStatus::Cancelled;
    cancelled.status_message = Some("Cancelled by the exchange (circuit limit)".into());
    cancelled.updated_ts = ts0() + 2 * NANOS_PER_SEC;
    rig.push_trades(trades);
    rig.push(sharewise_brokers::BrokerUpdate::Order(cancelled));
    rig.push(sharewise_brokers::BrokerUpdate::Session(
        sharewise_brokers::SessionState::Down {
            reason: "connection reset".into(),
        },
    ));
    rig.run(vec![]);
    assert_eq!(rig.status(1), Some(OrderStatus::Cancelled));
    let engine = rig.engine();
    assert_eq!(
        engine.last().unwrap(),
        &reported(OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 6
        }),
        "{engine:?}"
    );
    assert!(
        !engine
            .iter()
            .any(|m| matches!(m, EngineMsg::TradingState { .. })),
        "a session change leaves the trading state alone: {engine:?}"
    );
    assert!(rig.kinds().contains(&EventKind::Alert {
        severity: sharewise_actors::Severity::Critical,
        source: "broker".into(),
        message: "broker session down (connection reset)".into(),
    }));
}

/// A lost session is said aloud and leaves the account's trading state alone (a kill switch or
/// an operator's halt must never be lifted by a session coming back); its return sweeps the
/// broker's books.
#[test]
fn a_lost_session_is_an_alert_and_never_touches_the_trading_state() {
    let mut rig = rig(PaperConfig::default());
    rig.push(sharewise_brokers::BrokerUpdate::Session(
        sharewise_brokers::SessionState::NeedsLogin {
            reason: "Kite refused the token".into(),
        },
    ));
    rig.push(sharewise_brokers::BrokerUpdate::Session(
        sharewise_brokers::SessionState::Connected,
    ));
    rig.run(vec![]);
    let states = rig
        .engine()
        .into_iter()
        .filter(|m| matches!(m, EngineMsg::TradingState { .. }))
        .count();
    assert_eq!(states, 0);
    let alerts: Vec<String> = rig
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::Alert {
                source, message, ..
            } if source == "broker" => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(
        alerts,
        vec![
            "broker session needs login (Kite refused the token)".to_string(),
            "broker session connected".to_string()
        ]
    );
}

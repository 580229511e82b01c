//! The promise to an operator — no order lost, none duplicated — under the faults that broke it:
//! fills the broker saved but the journal never heard of, a day's end in between, a broker book
//! that does not show an acknowledged order, a full order queue, a stop under load, and books
//! that disagree.

mod common;

use std::sync::Arc;

use common::*;
use sharewise_actors::EventKind;
use sharewise_brokers::PaperConfig;
use sharewise_engine::time::{NANOS_PER_DAY, NANOS_PER_SEC};
use sharewise_engine::types::{ClientOrderId, Side};
use sharewise_live::books::BookDifference;
use sharewise_live::messages::EngineMsg;
use sharewise_live::order_actor::BookWatch;
use sharewise_live::reconcile::reconcile;
use sharewise_live::stats::AccountStats;
use sharewise_risk::TradingState;
use sharewise_store::OrderStatus;

fn reconciled(rig: &mut OrderRig) -> sharewise_live::reconcile::Reconciled {
    let broker = rig.broker.clone();
    let rt = runtime();
    rt.block_on(reconcile(rig.journal_mut(), &broker)).unwrap()
}

#[test]
fn fills_the_broker_saved_before_a_day_end_are_booked_once_at_restart_not_called_never_sent() {
    let mut rig = rig(PaperConfig::default());
    let order = market(1, INFY, Side::Buy, 10, ts0());
    rig.run(vec![place(order)]);
    assert_eq!(
        rig.status(1),
        Some(OrderStatus::Open),
        "acknowledged by the broker"
    );
    // The broker fills it and saves the fill; the daemon dies before journalling it...
    assert_eq!(rig.tick("100", 500, ts0() + NANOS_PER_SEC).len(), 1);
    // ...and the next IST day starts: the finished order and the fill leave the day book.
    rig.tick("101", 500, ts0() + NANOS_PER_DAY);
    assert!(
        rig.broker.lock().unwrap().orders().is_empty()
            && rig.broker.lock().unwrap().trades().is_empty()
    );

    let out = reconciled(&mut rig);
    assert!(
        out.changes.iter().all(|c| !c.contains("never")),
        "{:?}",
        out.changes
    );
    assert_eq!(out.fills_added, 1, "{:?}", out.changes);
    assert!(out.unresolved.is_empty(), "{:?}", out.unresolved);
    let record = rig
        .journal()
        .state()
        .order(ClientOrderId(1))
        .unwrap()
        .clone();
    assert_eq!(
        (record.status, record.filled_qty),
        (OrderStatus::Filled, 10)
    );
    let broker = rig.broker.lock().unwrap().positions();
    let journal = rig.journal().positions();
    assert_eq!(
        (journal[0].qty, journal[0].realized_pnl),
        (broker[0].qty, broker[0].realized_pnl)
    );
    // A second restart books nothing more.
    assert_eq!(reconciled(&mut rig).fills_added, 0);
}

#[test]
fn an_acknowledged_order_the_broker_does_not_show_stays_unresolved() {
    let mut rig = rig(PaperConfig::default());
    rig.run(vec![place(market(1, INFY, Side::Buy, 10, ts0()))]);
    // The broker's books do not show it (another account's book, or its history is gone).
    let elsewhere = paper(PaperConfig::default());
    let out = runtime()
        .block_on(reconcile(rig.journal_mut(), &elsewhere))
        .unwrap();
    assert!(
        out.changes.is_empty(),
        "nothing is concluded: {:?}",
        out.changes
    );
    assert_eq!(out.unresolved.len(), 1);
    assert!(out.unresolved[0].starts_with("SW0000000001: acknowledged as PAPER0000000001 (open) but not in the broker's order book or history"), "{}", out.unresolved[0]);
    assert_eq!(rig.status(1), Some(OrderStatus::Unresolved));
    // Once the broker shows it again, the next start settles it.
    let out = reconciled(&mut rig);
    assert!(out.unresolved.is_empty());
    assert_eq!(rig.status(1), Some(OrderStatus::Open));
}

#[test]
fn a_full_order_queue_refuses_the_signal_with_a_reason_code() {
    let mut rig = AccountRig::new(AccountOpts {
        order_queue: 1,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.events();
    rig.signal(AUTO, TCS, Side::Buy, "3000", at(10, 0, 1));
    let rejected: Vec<String> = rig
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::RiskReject { code, .. } => Some(code),
            _ => None,
        })
        .collect();
    assert_eq!(rejected, ["ORDER_QUEUE_FULL"]);
    assert_eq!(rig.placed().len(), 1, "only the first order is queued");
    // Room again: the next signal goes out, with the next client id (ids are never reused).
    rig.signal(AUTO, TCS, Side::Buy, "3000", at(10, 0, 2));
    let placed = rig.placed();
    assert_eq!((placed.len(), placed[0].0.instrument), (1, TCS));
}

#[test]
fn after_a_stop_request_queued_orders_are_dropped_and_counted_never_sent() {
    let mut rig = rig(PaperConfig::default());
    rig.shutdown.trigger();
    let report = rig.run(
        (1..=3)
            .map(|id| place(market(id, INFY, Side::Buy, 10, ts0())))
            .collect(),
    );
    assert_eq!(report.dropped_at_stop, 3);
    assert!(rig.entries().is_empty(), "nothing journalled");
    assert!(
        rig.broker.lock().unwrap().orders().is_empty(),
        "nothing sent"
    );
    assert_eq!(
        rig.progress
            .commands_done
            .load(std::sync::atomic::Ordering::Acquire),
        3,
        "a lockstep feed is not left waiting"
    );
}

fn watch(stats: &Arc<AccountStats>) -> BookWatch {
    BookWatch {
        symbols: vec!["INFY".into()],
        every: None,
        on_mismatch: TradingState::Reducing,
        stats: Arc::clone(stats),
        compare: sharewise_live::books::Compare::Full,
    }
}

#[test]
fn the_comparison_at_stop_books_fills_still_on_their_way_and_finds_the_books_agree() {
    let mut rig = rig(PaperConfig::default());
    let stats = Arc::new(AccountStats::named("main"));
    rig.run(vec![place(market(1, INFY, Side::Buy, 10, ts0()))]);
    rig.tick("100", 500, ts0() + NANOS_PER_SEC); // the fill is never delivered to the actor
    rig.engine();
    rig.watch = Some(watch(&stats));
    let report = rig.run(vec![]);
    assert!(report.compared_at_stop);
    assert_eq!((report.swept_fills, report.differences.len()), (1, 0));
    assert_eq!(rig.status(1), Some(OrderStatus::Filled));
    assert!(
        matches!(
            rig.engine().as_slice(),
            [EngineMsg::Report {
                report: sharewise_live::messages::OrderReport::Fill(_),
                ..
            }]
        ),
        "the engine books it once"
    );
    assert_eq!(stats.book_mismatch(), None);
}

#[test]
fn books_that_disagree_raise_a_critical_alert_and_put_the_account_into_reducing() {
    let mut rig = rig(PaperConfig::default());
    let stats = Arc::new(AccountStats::named("main"));
    // Someone traded at the broker under a tag this journal never created.
    rig.broker
        .lock()
        .unwrap()
        .place(&market(99, INFY, Side::Buy, 5, ts0()))
        .unwrap();
    rig.tick("100", 500, ts0() + NANOS_PER_SEC);
    rig.watch = Some(watch(&stats));
    let report = rig.run(vec![]);
    let expected = BookDifference {
        symbol: "INFY".into(),
        journal_qty: 0,
        broker_qty: 5,
        journal_realized: 0.into(),
        broker_realized: 0.into(),
    };
    assert_eq!(report.differences, [expected]);
    let reasons: Vec<(TradingState, String, Vec<String>)> = rig
        .engine()
        .into_iter()
        .filter_map(|m| match m {
            EngineMsg::TradingState {
                state,
                reason,
                symbols,
                ..
            } => Some((state, reason, symbols)),
            _ => None,
        })
        .collect();
    assert_eq!(
        reasons,
        [(
            TradingState::Reducing,
            "journal and broker disagree: INFY: qty journal 0 vs broker 5 (off by +5)".to_string(),
            vec!["INFY".to_string()]
        )]
    );
    assert!(rig.kinds().iter().any(|k| matches!(k, EventKind::Alert { severity: sharewise_actors::Severity::Critical, source, .. } if source == "books")));
    assert_eq!(
        stats.book_mismatch().as_deref(),
        Some("INFY: qty journal 0 vs broker 5 (off by +5)")
    );

    // The account actor takes it: no orders at all in the disputed symbol (not even an exit
    // sized from the journal's position), entries elsewhere refused with REDUCE_ONLY.
    let mut account = AccountRig::new(AccountOpts::default());
    account.go_long("100", at(10, 0, 30));
    account.handle(
        sharewise_actors::Input::Message(EngineMsg::TradingState {
            account: 0,
            state: TradingState::Reducing,
            reason: "books".into(),
            symbols: vec!["INFY".into()],
        }),
        at(10, 1, 0),
    );
    account.signal(AUTO, INFY, Side::Sell, "100", at(10, 1, 1));
    account.decide(sharewise_actors::Decision::Flatten(INFY), at(10, 1, 2));
    account.signal(AUTO, TCS, Side::Buy, "3000", at(10, 1, 3));
    assert!(
        account.placed().is_empty(),
        "no exit of a position the broker contradicts, no entry"
    );
    let codes: Vec<String> = account
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::RiskReject { code, .. } => Some(code),
            _ => None,
        })
        .collect();
    assert_eq!(codes, ["BOOKS_DIFFER", "REDUCE_ONLY"]);
}

#[test]
fn a_backlog_of_fills_at_stop_is_journalled_in_one_commit_and_queued_orders_are_dropped() {
    let mut rig = rig(PaperConfig::default());
    let orders: Vec<_> = (1..=40)
        .map(|id| place(market(id, INFY, Side::Buy, 10, ts0())))
        .collect();
    rig.run(orders);
    let trades = rig.tick("100", 1_000, ts0() + NANOS_PER_SEC);
    assert_eq!(trades.len(), 40);
    rig.engine();
    rig.kinds();
    // At the stop request: the broker has pushed a fill for each order, and a stale order from
    // an old signal waits in the queue for each.
    let mut backlog = Vec::new();
    for (i, trade) in trades.into_iter().enumerate() {
        rig.push_trades(vec![trade]);
        backlog.push(place(market(100 + i as u64, INFY, Side::Buy, 10, ts0())));
    }
    rig.shutdown.trigger();
    let commits = rig.journal().commits();
    let report = rig.run(backlog);
    assert_eq!((report.fills, report.dropped_at_stop), (40, 40));
    // A slow disk pays one fsync for the whole backlog, not one per fill.
    assert_eq!(rig.journal().commits() - commits, 1);
    assert!((1..=40).all(|id| rig.status(id) == Some(OrderStatus::Filled)));
    assert!(
        rig.broker
            .lock()
            .unwrap()
            .orders()
            .iter()
            .all(|o| o.request.client_id.0 <= 40),
        "nothing sent after the stop"
    );
    let fills = rig
        .engine()
        .into_iter()
        .filter(|m| {
            matches!(
                m,
                EngineMsg::Report {
                    report: sharewise_live::messages::OrderReport::Fill(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(fills, 40, "the engine books every one");
    let transitions: Vec<(String, String)> = rig
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            EventKind::Order { from, to, .. } => Some((from.unwrap_or_default(), to)),
            _ => None,
        })
        .collect();
    assert_eq!(
        transitions,
        vec![("open".to_string(), "filled".to_string()); 40]
    );
}

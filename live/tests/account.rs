//! The account actor driven by hand: signals become orders (or are refused), working orders count
//! as position, fills and final states update the book, and P&L is published per fill.

mod common;

use common::*;
use rust_decimal::Decimal;
use sharewise_actors::{EventKind, Input, Severity};
use sharewise_engine::account::Bracket;
use sharewise_engine::types::{ClientOrderId, Order, Portfolio, Position, Product, Side};
use sharewise_live::account::WorkingOrder;
use sharewise_live::messages::{EngineMsg, OrderReport};
use sharewise_live::status::format_line;
use sharewise_risk::{Limits, RiskConfig};
use sharewise_store::OrderStatus;

fn risk_reject(side: Side, code: &str, detail: &str) -> EventKind {
    EventKind::RiskReject {
        symbol: "INFY".into(),
        side,
        code: code.into(),
        detail: detail.into(),
    }
}

fn accept(side: Side, qty: i64, id: u64) -> EventKind {
    EventKind::RiskAccept {
        symbol: "INFY".into(),
        side,
        qty,
        client_order_id: id,
    }
}

fn auto_signal(side: Side, ts: i64) -> EventKind {
    EventKind::Signal {
        strategy: AUTO_NAME.into(),
        symbol: "INFY".into(),
        mode: "auto",
        signal: signal(INFY, side, ts),
    }
}

#[test]
fn an_auto_buy_when_flat_places_one_market_order_of_the_sized_quantity() {
    let mut rig = AccountRig::new(AccountOpts {
        next_client_id: 42,
        ..AccountOpts::default()
    });
    let ts = at(10, 0, 0);
    rig.signal(AUTO, INFY, Side::Buy, "100", ts);

    let placed = rig.placed();
    assert_eq!(
        placed,
        vec![(
            Order::market(ClientOrderId(42), INFY, Side::Buy, 10, Product::Cnc, ts),
            "INFY".to_string(),
            AUTO_NAME.to_string()
        )]
    );
    let events = rig.events();
    assert!(
        events.iter().all(|e| e.ts == ts),
        "events carry the decision time"
    );
    let kinds: Vec<EventKind> = events.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![auto_signal(Side::Buy, ts), accept(Side::Buy, 10, 42)]
    );
    assert_eq!(types(&kinds), ["signal", "risk_accept"]);

    assert_eq!(rig.actor().next_client_id(), 43);
    let working: Vec<&WorkingOrder> = rig.actor().working().collect();
    assert_eq!(working.len(), 1);
    assert_eq!(
        (working[0].order.client_id, working[0].remaining),
        (ClientOrderId(42), 10)
    );
    assert_eq!(
        (
            rig.stat(|s| &s.signals),
            rig.stat(|s| &s.orders),
            rig.stat(|s| &s.rejections)
        ),
        (1, 1, 0)
    );
    assert_eq!(
        rig.progress
            .commands_sent
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    assert_eq!(
        rig.actor().portfolio().positions[0].qty,
        0,
        "nothing is booked before a fill"
    );
}

#[test]
fn a_manual_strategy_signal_is_only_published() {
    let mut rig = AccountRig::new(AccountOpts::default());
    let ts = at(10, 0, 0);
    rig.signal(MANUAL, INFY, Side::Buy, "100", ts);

    assert!(rig.commands().is_empty(), "manual signals send no order");
    let kinds = rig.kinds();
    assert_eq!(
        kinds,
        vec![EventKind::Signal {
            strategy: MANUAL_NAME.into(),
            symbol: "INFY".into(),
            mode: "manual",
            signal: signal(INFY, Side::Buy, ts)
        }]
    );
    assert_eq!(rig.actor().next_client_id(), 1, "no client id was used");
    assert_eq!((rig.stat(|s| &s.signals), rig.stat(|s| &s.orders)), (1, 0));
    assert_eq!(rig.actor().working().count(), 0);
}

#[test]
fn a_working_order_counts_as_position_until_it_fills_then_a_sell_exits() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    assert_eq!(rig.placed().len(), 1);
    rig.clear();

    // Same signal again, first order still working: nothing new goes out.
    rig.signal(AUTO, INFY, Side::Buy, "100.5", at(10, 1, 0));
    assert!(
        rig.commands().is_empty(),
        "a second BUY while the first works must not double the position"
    );
    assert_eq!(types(&rig.kinds()), ["signal"]);
    assert_eq!(rig.actor().next_client_id(), 2);

    rig.fill(1, INFY, Side::Buy, 10, "100", at(10, 1, 30));
    assert_eq!(rig.actor().working().count(), 0);
    assert_eq!(
        rig.actor().portfolio().positions[0],
        Position {
            instrument: INFY,
            qty: 10,
            avg_price: d("100"),
            realized_pnl: Decimal::ZERO
        }
    );
    assert_eq!(rig.actor().portfolio().cash, d("999000"));
    rig.clear();

    // Long already: another BUY is a no-op; a SELL exits the whole position.
    rig.signal(AUTO, INFY, Side::Buy, "101", at(10, 2, 0));
    assert!(rig.commands().is_empty());
    rig.signal(AUTO, INFY, Side::Sell, "101", at(10, 3, 0));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        placed[0].0,
        Order::market(
            ClientOrderId(2),
            INFY,
            Side::Sell,
            10,
            Product::Cnc,
            at(10, 3, 0)
        )
    );
    let kinds = rig.kinds();
    assert_eq!(
        kinds[kinds.len() - 2..],
        [
            auto_signal(Side::Sell, at(10, 3, 0)),
            accept(Side::Sell, 10, 2)
        ]
    );
}

#[test]
fn a_broker_rejection_releases_the_working_quantity_and_alerts() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    assert_eq!(rig.placed().len(), 1);
    rig.clear();

    rig.report(
        OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Rejected,
            unfilled: 10,
        },
        at(10, 0, 1),
    );
    assert_eq!(rig.actor().working().count(), 0);
    assert_eq!(
        rig.kinds(),
        vec![EventKind::Alert {
            severity: Severity::Warning,
            source: "order:SW0000000001".into(),
            message: "BUY 10 INFY rejected by the broker".into()
        }]
    );

    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 1, 0));
    let placed = rig.placed();
    assert_eq!(
        placed.len(),
        1,
        "with the rejected order released, the BUY goes out again"
    );
    assert_eq!(
        (placed[0].0.client_id, placed[0].0.side, placed[0].0.qty),
        (ClientOrderId(2), Side::Buy, 10)
    );
}

#[test]
fn an_unresolved_placement_raises_a_critical_alert_and_keeps_counting_as_working() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.clear();
    rig.report(
        OrderReport::Unresolved {
            client_id: ClientOrderId(1),
        },
        at(10, 0, 2),
    );
    assert_eq!(
        rig.kinds(),
        vec![EventKind::Alert {
            severity: Severity::Critical,
            source: "order:SW0000000001".into(),
            message: "placement unresolved: the broker may or may not have it; reconcile before trading this instrument".into(),
        }]
    );
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 1, 0));
    assert!(
        rig.commands().is_empty(),
        "the broker may hold those 10 shares: no second BUY"
    );
}

#[test]
fn a_cancelled_partial_fill_leaves_the_filled_part_as_the_position() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.clear();
    rig.fill(1, INFY, Side::Buy, 4, "100", at(10, 0, 5));
    assert_eq!(
        rig.actor()
            .working()
            .map(|w| w.remaining)
            .collect::<Vec<_>>(),
        [6]
    );
    rig.report(
        OrderReport::Closed {
            client_id: ClientOrderId(1),
            status: OrderStatus::Cancelled,
            unfilled: 6,
        },
        at(10, 0, 6),
    );
    assert_eq!(rig.actor().working().count(), 0);
    assert_eq!(rig.actor().portfolio().positions[0].qty, 4);
    rig.clear();
    assert!(
        !types(&rig.kinds()).contains(&"alert"),
        "a cancellation is not an alert"
    );

    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 1, 0));
    assert!(rig.commands().is_empty(), "already long 4");
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 2, 0));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty),
        (Side::Sell, 4),
        "the exit closes exactly the 4 held"
    );
}

#[test]
fn working_orders_handed_over_at_start_count_as_position() {
    let carried = WorkingOrder {
        order: Order::market(
            ClientOrderId(7),
            INFY,
            Side::Buy,
            10,
            Product::Cnc,
            at(9, 30, 0),
        ),
        remaining: 6,
        bracket: Bracket::default(),
    };
    let mut rig = AccountRig::new(AccountOpts {
        working: vec![carried],
        next_client_id: 8,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    assert!(
        rig.commands().is_empty(),
        "6 shares are still working from before the restart"
    );
    rig.fill(7, INFY, Side::Buy, 6, "100", at(10, 0, 1));
    assert_eq!(rig.actor().working().count(), 0);
    rig.clear();
    rig.signal(AUTO, INFY, Side::Sell, "101", at(10, 1, 0));
    let placed = rig.placed();
    assert_eq!(
        (placed[0].0.client_id, placed[0].0.side, placed[0].0.qty),
        (ClientOrderId(8), Side::Sell, 6)
    );
}

#[test]
fn a_sell_when_flat_without_shorting_does_nothing_and_with_shorting_needs_mis() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 0, 0));
    assert!(rig.commands().is_empty());
    assert_eq!(types(&rig.kinds()), ["signal"]);
    assert_eq!(rig.stat(|s| &s.rejections), 0);

    let mut rig = AccountRig::new(AccountOpts {
        allow_short: true,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 0, 0));
    assert!(rig.commands().is_empty());
    assert_eq!(
        rig.kinds()[1],
        risk_reject(
            Side::Sell,
            "SHORT_NEEDS_MIS",
            "cannot open a short with product Cnc; use MIS"
        )
    );

    let mut rig = AccountRig::new(AccountOpts {
        allow_short: true,
        product: Product::Mis,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 0, 0));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        placed[0].0,
        Order::market(
            ClientOrderId(1),
            INFY,
            Side::Sell,
            10,
            Product::Mis,
            at(10, 0, 0)
        )
    );
}

#[test]
fn a_flip_is_one_order_and_a_refused_entry_still_closes_the_position() {
    let mut rig = AccountRig::new(AccountOpts {
        allow_short: true,
        product: Product::Mis,
        ..AccountOpts::default()
    });
    rig.go_long("100", at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 1, 0));
    let placed = rig.placed();
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty),
        (Side::Sell, 20),
        "close 10 and open 10 short in one order"
    );

    let limits = Limits {
        max_order_qty: Some(15),
        ..Limits::default()
    };
    let mut rig = AccountRig::new(AccountOpts {
        allow_short: true,
        product: Product::Mis,
        risk: RiskConfig {
            limits,
            ..RiskConfig::default()
        },
        ..AccountOpts::default()
    });
    rig.go_long("100", at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 1, 0));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty),
        (Side::Sell, 10),
        "the exit half goes out alone"
    );
    assert_eq!(
        rig.kinds(),
        vec![
            auto_signal(Side::Sell, at(10, 1, 0)),
            risk_reject(
                Side::Sell,
                "MAX_ORDER_QTY",
                "qty 20 exceeds max_order_qty 15"
            ),
            accept(Side::Sell, 10, 2)
        ]
    );
    assert_eq!(rig.stat(|s| &s.rejections), 1);
}

#[test]
fn a_risk_limit_refuses_the_entry_with_its_code_and_counts_it() {
    let limits = Limits {
        max_order_qty: Some(5),
        ..Limits::default()
    };
    let mut rig = AccountRig::new(AccountOpts {
        risk: RiskConfig {
            limits,
            ..RiskConfig::default()
        },
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));

    assert!(rig.commands().is_empty(), "a refused entry sends nothing");
    let kinds = rig.kinds();
    assert_eq!(types(&kinds), ["signal", "risk_reject"]);
    assert_eq!(
        kinds[1],
        risk_reject(Side::Buy, "MAX_ORDER_QTY", "qty 10 exceeds max_order_qty 5")
    );
    assert_eq!(
        (
            rig.stat(|s| &s.signals),
            rig.stat(|s| &s.orders),
            rig.stat(|s| &s.rejections)
        ),
        (1, 0, 1)
    );
    assert_eq!(
        rig.actor().next_client_id(),
        1,
        "no client id is spent on a refusal"
    );
    assert_eq!(
        format_line(&rig.stats, 0.0, &sharewise_actors::LinkSnapshot::default()),
        "--:--:-- | 0 ticks/s | signals 1 | orders 0 (rejected 1) | fills 0 | open 0 | P&L +0.00 (realized +0.00) | p99 feed→engine -, chain -"
    );
}

#[test]
fn a_limit_entry_too_far_from_the_decision_price_is_refused_by_the_price_band() {
    let mut rig = AccountRig::new(AccountOpts {
        risk: RiskConfig {
            price_band_pct: Some(d("2")),
            ..RiskConfig::default()
        },
        ..AccountOpts::default()
    });
    let far = sharewise_engine::strategy::Signal {
        entry: Some(p("105")),
        ..signal(INFY, Side::Buy, at(10, 0, 0))
    };
    rig.signal_with(AUTO, far, "100", at(10, 0, 0));
    assert!(rig.commands().is_empty());
    assert_eq!(
        rig.kinds()[1],
        risk_reject(
            Side::Buy,
            "PRICE_BAND",
            "price 105.00 is 5.0 % from last 100.00; band 2 %"
        )
    );

    let near = sharewise_engine::strategy::Signal {
        entry: Some(p("101")),
        ..signal(INFY, Side::Buy, at(10, 1, 0))
    };
    rig.signal_with(AUTO, near, "100", at(10, 1, 0));
    assert_eq!(rig.placed().len(), 1, "1 % away is inside the band");
    assert_eq!(rig.stat(|s| &s.rejections), 1);
}

#[test]
fn not_enough_cash_is_refused_with_the_numbers() {
    let mut rig = AccountRig::new(AccountOpts {
        portfolio: Portfolio::new(d("500"), 2),
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    assert!(rig.commands().is_empty());
    assert_eq!(
        rig.kinds()[1],
        risk_reject(
            Side::Buy,
            "INSUFFICIENT_CASH",
            "needs 1000.00, free cash 500.00"
        )
    );
}

#[test]
fn fills_publish_pnl_and_a_round_trip_realizes_the_difference() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.tick(INFY, "100", at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.clear();
    rig.fill(1, INFY, Side::Buy, 10, "100", at(10, 0, 1));
    let kinds = rig.kinds();
    assert_eq!(
        kinds,
        vec![
            EventKind::Pnl {
                instrument: Some(INFY),
                realized: Decimal::ZERO,
                unrealized: Decimal::ZERO,
                mark: Some(p("100"))
            },
            EventKind::Pnl {
                instrument: None,
                realized: Decimal::ZERO,
                unrealized: Decimal::ZERO,
                mark: None
            },
        ]
    );

    rig.tick(INFY, "102", at(10, 5, 0));
    rig.signal(AUTO, INFY, Side::Sell, "102", at(10, 5, 0));
    assert_eq!(rig.placed().len(), 1);
    rig.tick(INFY, "103", at(10, 5, 1));
    rig.clear();
    rig.fill(2, INFY, Side::Sell, 10, "103", at(10, 5, 1));
    let kinds = rig.kinds();
    assert_eq!(types(&kinds), ["pnl", "pnl"]);
    let EventKind::Pnl {
        instrument,
        realized,
        unrealized,
        mark,
    } = &kinds[0]
    else {
        unreachable!()
    };
    assert_eq!(
        (*instrument, *unrealized, *mark),
        (Some(INFY), Decimal::ZERO, Some(p("103")))
    );
    assert_eq!(
        realized.normalize().to_string(),
        "30",
        "buy 10 @ 100, sell 10 @ 103"
    );
    let EventKind::Pnl {
        instrument: None,
        realized,
        unrealized,
        ..
    } = &kinds[1]
    else {
        panic!("account pnl: {:?}", kinds[1])
    };
    assert_eq!(
        (realized.normalize().to_string(), *unrealized),
        ("30".to_string(), Decimal::ZERO)
    );

    assert_eq!(rig.actor().portfolio().cash, d("1000030"));
    assert_eq!(
        rig.account
            .realized_paise
            .load(std::sync::atomic::Ordering::Relaxed),
        3000
    );
    let clock = sharewise_engine::time::format_ist(at(10, 5, 1));
    assert_eq!(
        format_line(&rig.stats, 0.0, &sharewise_actors::LinkSnapshot::default()),
        format!("{clock} | 0 ticks/s | signals 2 | orders 2 (rejected 0) | fills 2 | open 0 | P&L +30.00 (realized +30.00) | p99 feed→engine -, chain -")
    );
}

#[test]
fn an_open_position_shows_unrealized_pnl_at_the_last_tick() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.go_long("100", at(10, 0, 0));
    assert_eq!(
        rig.account
            .open_positions
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    // The status counters refresh every 256 ticks (and on every fill).
    for k in 0..256 {
        rig.tick(INFY, if k == 255 { "98.5" } else { "99" }, at(10, 1, 0) + k);
    }
    assert_eq!(
        rig.account
            .unrealized_paise
            .load(std::sync::atomic::Ordering::Relaxed),
        -1500,
        "10 × (98.50 − 100)"
    );
    assert_eq!(
        rig.stats.ticks.load(std::sync::atomic::Ordering::Relaxed),
        256
    );
    assert_eq!(
        rig.stats.marks[0].load(std::sync::atomic::Ordering::Relaxed),
        p("98.5").units()
    );
}

#[test]
fn a_daily_loss_past_the_limit_halts_new_entries() {
    let mut rig = AccountRig::new(AccountOpts {
        risk: RiskConfig {
            daily_loss_limit: Some(d("20")),
            ..RiskConfig::default()
        },
        ..AccountOpts::default()
    });
    rig.go_long("100", at(10, 0, 0));
    // Decided at 100 (no loss yet), filled lower at 97: realized −30.
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 1, 0));
    assert_eq!(rig.placed().len(), 1);
    rig.fill(2, INFY, Side::Sell, 10, "97", at(10, 1, 1));
    rig.clear();

    rig.signal(AUTO, INFY, Side::Buy, "97", at(10, 2, 0));
    assert!(
        rig.commands().is_empty(),
        "realized -30 today is past the 20 limit"
    );
    assert_eq!(
        rig.kinds()[1],
        risk_reject(Side::Buy, "DAILY_LOSS", "trading halted: today's P&L -30.00 (realised -30.00, unrealised 0.00) reached the daily loss limit 20")
    );
}

/// A position restored from the journal in an instrument that has had no tick yet (one the feed no
/// longer carries, or before its first print) has no mark. The status line leaves such positions
/// out of unrealised P&L, but the risk view values them at ₹0, so the whole cost shows up as an
/// unrealised loss and trips the daily loss limit on the very first signal in another symbol.
#[test]
fn a_restored_position_without_a_tick_is_not_a_phantom_loss() {
    let mut portfolio = Portfolio::new(d("990000"), 2);
    portfolio.positions[1] = Position {
        instrument: TCS,
        qty: 10,
        avg_price: d("1000"),
        realized_pnl: Decimal::ZERO,
    };
    let mut rig = AccountRig::new(AccountOpts {
        portfolio,
        risk: RiskConfig {
            daily_loss_limit: Some(d("5000")),
            ..RiskConfig::default()
        },
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    let kinds = rig.kinds();
    assert_eq!(types(&kinds), ["signal", "risk_accept"], "got {kinds:?}");
    assert_eq!(rig.placed().len(), 1);
}

#[test]
fn tick_done_and_other_instruments_are_counted_without_trading() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.handle(Input::Message(EngineMsg::TickDone), at(10, 0, 0));
    rig.handle(Input::Message(EngineMsg::TickDone), at(10, 0, 0));
    assert_eq!(
        rig.progress
            .ticks_handled
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    // A tick for an instrument the account does not know is ignored.
    rig.tick(sharewise_engine::types::InstrumentId(9), "1", at(10, 0, 0));
    assert_eq!(
        rig.stats.ticks.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
    assert!(rig.commands().is_empty() && rig.kinds().is_empty());
    assert_eq!(rig.actor().portfolio().positions[1].qty, 0);
}

#[test]
fn once_shutdown_is_triggered_signals_no_longer_become_orders() {
    let stopping = sharewise_actors::Shutdown::new();
    let mut rig = AccountRig::new(AccountOpts {
        stopping: stopping.clone(),
        ..AccountOpts::default()
    });
    stopping.trigger();
    let ts = at(10, 0, 0);
    rig.signal(AUTO, INFY, Side::Buy, "100", ts);
    assert!(
        rig.commands().is_empty(),
        "a stopping daemon sends no new orders"
    );
    assert_eq!(
        rig.kinds(),
        vec![
            auto_signal(Side::Buy, ts),
            risk_reject(
                Side::Buy,
                "SHUTTING_DOWN",
                "the daemon is stopping: no new orders"
            )
        ]
    );
}

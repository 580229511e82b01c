//! Orders the account actor sends on its own: supervision's flatten and freeze, bracket exits
//! (stop-loss, take-profit, trailing stop), the MIS square-off, and the warm-up after a restart.

mod common;

use common::*;
use sharewise_actors::{Decision, EventKind};
use sharewise_engine::strategy::Signal;
use sharewise_engine::time::NANOS_PER_DAY;
use sharewise_engine::types::{ClientOrderId, Order, Product, Side};
use sharewise_live::messages::OrderReport;
use sharewise_store::OrderStatus;

const STOPPED: &str = "INFY was stopped by supervision after a strategy failure";

fn stopped_reject(side: Side) -> EventKind {
    EventKind::RiskReject {
        symbol: "INFY".into(),
        side,
        code: "INSTRUMENT_STOPPED".into(),
        detail: STOPPED.into(),
    }
}

fn bracketed(side: Side, stop: &str, target: &str, ts: i64) -> Signal {
    Signal {
        stop_loss: Some(p(stop)),
        take_profit: Some(p(target)),
        ..signal(INFY, side, ts)
    }
}

/// Enters 10 INFY on `signal` at 100 and fills at 100; returns the rig ready for ticks.
fn entered(opts: AccountOpts, signal: Signal) -> AccountRig {
    let ts = signal.ts;
    let side = signal.side;
    let mut rig = AccountRig::new(opts);
    rig.signal_with(AUTO, signal, "100", ts);
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    rig.fill(placed[0].0.client_id.0, INFY, side, 10, "100", ts + 1);
    rig.clear();
    rig
}

// ---- supervision -------------------------------------------------------------------------

#[test]
fn flatten_closes_the_position_with_a_market_order_and_stops_new_entries() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.go_long("100", at(10, 0, 0));
    rig.decide(Decision::Flatten(INFY), at(10, 5, 0));

    assert_eq!(
        rig.placed(),
        vec![(
            Order::market(
                ClientOrderId(2),
                INFY,
                Side::Sell,
                10,
                Product::Cnc,
                at(10, 5, 0)
            ),
            "INFY".to_string(),
            "supervisor:flatten".to_string()
        )]
    );
    assert_eq!(
        rig.kinds(),
        vec![EventKind::RiskAccept {
            symbol: "INFY".into(),
            side: Side::Sell,
            qty: 10,
            client_order_id: 2
        }]
    );
    rig.fill(2, INFY, Side::Sell, 10, "99", at(10, 5, 1));
    assert_eq!(rig.actor().portfolio().positions[0].qty, 0);
    rig.clear();

    rig.signal(AUTO, INFY, Side::Buy, "99", at(10, 10, 0));
    assert!(
        rig.commands().is_empty(),
        "a flattened instrument takes no new entries"
    );
    let kinds = rig.kinds();
    assert_eq!(types(&kinds), ["signal", "risk_reject"]);
    assert_eq!(kinds[1], stopped_reject(Side::Buy));
    assert_eq!(rig.stat(|s| &s.rejections), 1);

    // Other instruments trade on.
    rig.signal(AUTO, TCS, Side::Buy, "3400", at(10, 11, 0));
    let placed = rig.placed();
    assert_eq!(
        (
            placed[0].0.instrument,
            placed[0].0.side,
            placed[0].1.as_str()
        ),
        (TCS, Side::Buy, "TCS")
    );
}

#[test]
fn flatten_when_flat_sends_nothing_but_still_stops_the_instrument() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.decide(Decision::Flatten(INFY), at(10, 0, 0));
    assert!(rig.commands().is_empty());
    assert!(rig.kinds().is_empty());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 1, 0));
    assert!(rig.commands().is_empty());
    assert_eq!(rig.kinds()[1], stopped_reject(Side::Buy));
}

#[test]
fn freeze_holds_the_position_and_refuses_every_later_signal() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.go_long("100", at(10, 0, 0));
    rig.decide(Decision::Freeze(INFY), at(10, 5, 0));
    assert!(rig.commands().is_empty(), "freeze sends no order");
    assert!(rig.kinds().is_empty());
    assert_eq!(
        rig.actor().portfolio().positions[0].qty,
        10,
        "the position is held"
    );

    rig.signal(AUTO, INFY, Side::Sell, "101", at(10, 6, 0));
    assert!(
        rig.commands().is_empty(),
        "not even an exit signal trades a frozen instrument"
    );
    assert_eq!(rig.kinds()[1], stopped_reject(Side::Sell));
    rig.signal(AUTO, INFY, Side::Buy, "101", at(10, 7, 0));
    assert_eq!(rig.kinds()[1], stopped_reject(Side::Buy));
    assert_eq!(rig.stat(|s| &s.rejections), 2);
}

// ---- brackets ----------------------------------------------------------------------------

#[test]
fn a_tick_at_the_stop_sends_one_exit_and_not_another_while_it_works() {
    let mut rig = entered(
        AccountOpts::default(),
        bracketed(Side::Buy, "95", "110", at(10, 0, 0)),
    );
    rig.tick(INFY, "99", at(10, 1, 0));
    rig.tick(INFY, "95.05", at(10, 1, 1));
    assert!(rig.commands().is_empty(), "above the stop");

    rig.tick(INFY, "95", at(10, 1, 2));
    assert_eq!(
        rig.placed(),
        vec![(
            Order::market(
                ClientOrderId(2),
                INFY,
                Side::Sell,
                10,
                Product::Cnc,
                at(10, 1, 2)
            ),
            "INFY".to_string(),
            "bracket:stop_loss".to_string()
        )]
    );
    assert_eq!(
        rig.kinds(),
        vec![EventKind::RiskAccept {
            symbol: "INFY".into(),
            side: Side::Sell,
            qty: 10,
            client_order_id: 2
        }]
    );

    rig.tick(INFY, "94", at(10, 1, 3));
    rig.tick(INFY, "93", at(10, 1, 4));
    assert!(
        rig.commands().is_empty(),
        "the exit is working: no second one"
    );

    rig.fill(2, INFY, Side::Sell, 10, "94", at(10, 1, 5));
    assert_eq!(rig.actor().portfolio().positions[0].qty, 0);
    rig.tick(INFY, "90", at(10, 2, 0));
    rig.tick(INFY, "120", at(10, 2, 1));
    assert!(rig.commands().is_empty(), "flat: the bracket is gone");
}

#[test]
fn a_tick_at_the_target_takes_profit() {
    let mut rig = entered(
        AccountOpts::default(),
        bracketed(Side::Buy, "95", "110", at(10, 0, 0)),
    );
    rig.tick(INFY, "109.95", at(10, 1, 0));
    assert!(rig.commands().is_empty());
    rig.tick(INFY, "110", at(10, 1, 1));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty, placed[0].2.as_str()),
        (Side::Sell, 10, "bracket:take_profit")
    );
    rig.tick(INFY, "111", at(10, 1, 2));
    assert!(rig.commands().is_empty());
}

#[test]
fn bracket_levels_are_rounded_to_the_tick_grid() {
    // 95.03 rounds to 95.05 (NSE tick 0.05): a print at 95.05 is at the stop.
    let mut rig = entered(
        AccountOpts::default(),
        bracketed(Side::Buy, "95.03", "110", at(10, 0, 0)),
    );
    rig.tick(INFY, "95.10", at(10, 1, 0));
    assert!(rig.commands().is_empty());
    rig.tick(INFY, "95.05", at(10, 1, 1));
    assert_eq!(rig.placed()[0].2, "bracket:stop_loss");
}

#[test]
fn a_short_brackets_mirror_a_long() {
    let opts = AccountOpts {
        allow_short: true,
        product: Product::Mis,
        ..AccountOpts::default()
    };
    let mut rig = entered(opts, bracketed(Side::Sell, "105", "90", at(10, 0, 0)));
    assert_eq!(rig.actor().portfolio().positions[0].qty, -10);
    rig.tick(INFY, "104.95", at(10, 1, 0));
    assert!(rig.commands().is_empty());
    rig.tick(INFY, "105", at(10, 1, 1));
    let placed = rig.placed();
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty, placed[0].2.as_str()),
        (Side::Buy, 10, "bracket:stop_loss")
    );
}

#[test]
fn a_trailing_stop_follows_the_high() {
    let opts = AccountOpts {
        trailing_stop_bps: Some(200),
        ..AccountOpts::default()
    };
    let mut rig = entered(opts, signal(INFY, Side::Buy, at(10, 0, 0)));
    // 2 % under the best price since entry: 98 at first, 107.80 after a high of 110.
    for (price, s) in [("98.05", 1), ("110", 2), ("107.85", 3)] {
        rig.tick(INFY, price, at(10, 1, s));
    }
    assert!(rig.commands().is_empty());
    rig.tick(INFY, "107.80", at(10, 1, 4));
    let placed = rig.placed();
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty, placed[0].2.as_str()),
        (Side::Sell, 10, "bracket:trailing_stop")
    );
}

#[test]
fn an_exit_signal_needs_no_bracket_and_a_plain_entry_has_no_stop() {
    let mut rig = entered(
        AccountOpts::default(),
        signal(INFY, Side::Buy, at(10, 0, 0)),
    );
    rig.tick(INFY, "1", at(10, 1, 0));
    rig.tick(INFY, "1000", at(10, 1, 1));
    assert!(
        rig.commands().is_empty(),
        "no stop, no target, no trailing stop: ticks never exit"
    );
}

/// When a bracket exit fires, the bracket is dropped at once (`exit` resets it before the order
/// fills). If the broker rejects that exit, the position stays open with no stop at all: later
/// ticks far through the stop send nothing. The MIS square-off, by contrast, retries on the next
/// tick because it keeps no state.
#[test]
fn a_rejected_stop_exit_is_retried_on_the_next_tick_through_the_stop() {
    let mut rig = entered(
        AccountOpts::default(),
        bracketed(Side::Buy, "95", "110", at(10, 0, 0)),
    );
    rig.tick(INFY, "95", at(10, 1, 0));
    assert_eq!(rig.placed()[0].2, "bracket:stop_loss");
    rig.report(
        OrderReport::Closed {
            client_id: ClientOrderId(2),
            status: OrderStatus::Rejected,
            unfilled: 10,
        },
        at(10, 1, 1),
    );
    rig.clear();
    rig.tick(INFY, "90", at(10, 1, 2));
    let placed = rig.placed();
    assert_eq!(placed.len(), 1, "still long 10 below the stop, yet no exit");
    assert_eq!((placed[0].0.side, placed[0].0.qty), (Side::Sell, 10));
}

// ---- MIS square-off ----------------------------------------------------------------------

#[test]
fn an_mis_position_is_squared_off_from_15_20_ist() {
    let mut rig = AccountRig::new(AccountOpts {
        product: Product::Mis,
        ..AccountOpts::default()
    });
    rig.go_long("100", at(10, 0, 0));
    rig.tick(INFY, "101", at(15, 19, 59));
    assert!(
        rig.commands().is_empty(),
        "15:19:59 is before the square-off"
    );
    rig.tick(INFY, "101", at(15, 20, 0));
    assert_eq!(
        rig.placed(),
        vec![(
            Order::market(
                ClientOrderId(2),
                INFY,
                Side::Sell,
                10,
                Product::Mis,
                at(15, 20, 0)
            ),
            "INFY".to_string(),
            "square_off".to_string()
        )]
    );
    assert_eq!(
        rig.kinds(),
        vec![EventKind::RiskAccept {
            symbol: "INFY".into(),
            side: Side::Sell,
            qty: 10,
            client_order_id: 2
        }]
    );
    rig.tick(INFY, "101", at(15, 21, 0));
    assert!(rig.commands().is_empty(), "one square-off while it works");
}

#[test]
fn an_mis_short_is_bought_back_and_cnc_is_never_squared_off() {
    let mut rig = AccountRig::new(AccountOpts {
        product: Product::Mis,
        allow_short: true,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Sell, "100", at(10, 0, 0));
    rig.placed();
    rig.fill(1, INFY, Side::Sell, 10, "100", at(10, 0, 1));
    rig.tick(INFY, "99", at(15, 25, 0));
    let placed = rig.placed();
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty, placed[0].2.as_str()),
        (Side::Buy, 10, "square_off")
    );

    let mut rig = AccountRig::new(AccountOpts::default());
    rig.go_long("100", at(10, 0, 0));
    rig.tick(INFY, "101", at(15, 25, 0));
    rig.tick(INFY, "101", at(15, 29, 59));
    assert!(rig.commands().is_empty(), "CNC positions are carried");
}

/// An MIS position still open from an earlier IST day is squared off at once, live as in the
/// backtester (both ask `engine::account::intraday::square_off_due`): by the time of day alone,
/// a position whose day ended before a 15:20 print (15-minute or coarser bars, a feed gap, a
/// replay whose day stops early) would be carried overnight and into the next session.
#[test]
fn an_mis_position_from_an_earlier_day_is_squared_off_on_the_next_days_first_tick() {
    let mut rig = AccountRig::new(AccountOpts {
        product: Product::Mis,
        ..AccountOpts::default()
    });
    rig.go_long("100", at(15, 0, 0));
    rig.tick(INFY, "100", at(15, 15, 3)); // the day's last print
    assert!(rig.commands().is_empty());
    rig.tick(INFY, "102", at(9, 15, 0) + NANOS_PER_DAY);
    let placed = rig.placed();
    assert_eq!(
        placed.len(),
        1,
        "an intraday position must not survive the night"
    );
    assert_eq!(
        (placed[0].0.side, placed[0].0.qty, placed[0].2.as_str()),
        (Side::Sell, 10, "square_off")
    );
}

/// The backtester lets no MIS entry fill from 15:20 IST (`enforce_intraday` expires it). Live
/// places it, and the next tick squares it off: a guaranteed round trip in fees and spread.
#[test]
fn no_mis_entry_is_sent_after_the_square_off_time() {
    let mut rig = AccountRig::new(AccountOpts {
        product: Product::Mis,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(15, 22, 0));
    assert!(
        rig.commands().is_empty(),
        "an MIS entry at 15:22 is squared off one tick later"
    );
}

// ---- warm-up after a restart -------------------------------------------------------------

#[test]
fn signals_and_ticks_up_to_the_warm_up_point_are_not_traded() {
    let warm_until = at(11, 0, 0);
    let mut rig = AccountRig::new(AccountOpts {
        warm_until,
        ..AccountOpts::default()
    });
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    rig.signal(AUTO, INFY, Side::Buy, "100", warm_until);
    assert!(
        rig.commands().is_empty(),
        "history replayed after a restart is not traded"
    );
    assert!(rig.kinds().is_empty(), "and not published again");
    assert_eq!(rig.stat(|s| &s.signals), 0);
    assert_eq!(rig.actor().next_client_id(), 1);

    rig.signal(AUTO, INFY, Side::Buy, "100", warm_until + 1);
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!(placed[0].0.created_ts, warm_until + 1);
    assert_eq!(types(&rig.kinds()), ["signal", "risk_accept"]);
    assert_eq!(rig.stat(|s| &s.signals), 1);
}

#[test]
fn warm_up_ticks_move_marks_but_trigger_no_exit() {
    let warm_until = at(15, 30, 0);
    // An MIS position restored from the journal.
    let mut portfolio = sharewise_engine::types::Portfolio::new(d("999000"), 2);
    portfolio.positions[0] = sharewise_engine::types::Position {
        instrument: INFY,
        qty: 10,
        avg_price: d("100"),
        realized_pnl: d("0"),
    };
    let mut rig = AccountRig::new(AccountOpts {
        warm_until,
        product: Product::Mis,
        portfolio,
        ..AccountOpts::default()
    });
    // Replayed history at 15:25, past the square-off time: no exit.
    rig.tick(INFY, "90", at(15, 25, 0));
    rig.tick(INFY, "91", warm_until);
    assert!(rig.commands().is_empty());
    assert_eq!(
        rig.stats.marks[0].load(std::sync::atomic::Ordering::Relaxed),
        p("91").units()
    );
    rig.tick(INFY, "92", warm_until + 1);
    assert_eq!(
        rig.placed(),
        vec![(
            Order::market(
                ClientOrderId(1),
                INFY,
                Side::Sell,
                10,
                Product::Mis,
                warm_until + 1
            ),
            "INFY".to_string(),
            "square_off".to_string()
        )]
    );
}

//! Commands carried out by the account's actor: how it follows each strategy, cancelling a
//! working order, and manual orders through the same sizing and risk gate as a signal.

mod common;

use common::*;
use sharewise_actors::EventKind;
use sharewise_config::StrategyMode;
use sharewise_engine::types::{ClientOrderId, Side};
use sharewise_live::control::Command;
use sharewise_live::messages::OrderCommand;
use sharewise_risk::TradingState;

fn set(strategy: &str, mode: Option<StrategyMode>) -> Command {
    Command::SetStrategy {
        strategy: strategy.into(),
        mode,
    }
}

fn buy(symbol: &str) -> Command {
    Command::PlaceOrder {
        symbol: symbol.into(),
        side: Side::Buy,
        stop_loss: None,
        take_profit: None,
    }
}

#[test]
fn a_strategy_switched_off_manual_then_auto_is_ignored_published_then_traded() {
    let mut rig = AccountRig::new(AccountOpts::default());
    let ack = rig.command(set("sma_cross", None), at(10, 0, 0)).unwrap();
    assert_eq!(ack.message, "1 instance(s) of sma_cross now off");
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 1, 0));
    assert!(rig.placed().is_empty());
    assert!(
        !rig.kinds()
            .iter()
            .any(|k| matches!(k, EventKind::Signal { .. })),
        "an unfollowed strategy's signal is not this account's"
    );

    rig.command(set(AUTO_NAME, Some(StrategyMode::Manual)), at(10, 2, 0))
        .unwrap();
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 3, 0));
    assert!(rig.placed().is_empty());
    assert!(rig
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::Signal { mode: "manual", .. })));

    rig.command(set("sma_cross", Some(StrategyMode::Auto)), at(10, 4, 0))
        .unwrap();
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 5, 0));
    assert_eq!(rig.placed().len(), 1);

    let refused = rig.command(set("macd", None), at(10, 6, 0)).unwrap_err();
    assert_eq!(refused.code, "UNKNOWN_STRATEGY");
    assert!(
        refused.message.contains("ids are sma_cross, rsi_reversion"),
        "{refused}"
    );
}

#[test]
fn a_working_order_can_be_cancelled_and_an_unknown_one_is_refused() {
    let mut rig = AccountRig::new(AccountOpts::default());
    rig.signal(AUTO, INFY, Side::Buy, "100", at(10, 0, 0));
    let id = rig.placed()[0].0.client_id;
    // Also while halted: a cancel only takes risk off.
    rig.command(
        Command::SetTradingState {
            state: TradingState::Halted,
            reason: "test".into(),
        },
        at(10, 0, 1),
    )
    .unwrap();
    let ack = rig
        .command(
            Command::CancelOrder {
                client_order_id: id.0,
            },
            at(10, 0, 2),
        )
        .unwrap();
    assert_eq!(ack.message, format!("cancel of {id} sent"));
    assert_eq!(rig.commands(), [OrderCommand::Cancel { client_id: id }]);
    let refused = rig
        .command(
            Command::CancelOrder {
                client_order_id: 99,
            },
            at(10, 0, 3),
        )
        .unwrap_err();
    assert_eq!(refused.code, "UNKNOWN_ORDER");
    assert!(refused.message.contains(&ClientOrderId(99).to_string()));
}

#[test]
fn a_manual_order_is_sized_and_checked_like_a_signal() {
    let mut rig = AccountRig::new(AccountOpts::default());
    let refused = rig.command(buy("INFY"), at(10, 0, 0)).unwrap_err();
    assert_eq!(refused.code, "NO_PRICE", "{refused}");
    let refused = rig.command(buy("WIPRO"), at(10, 0, 0)).unwrap_err();
    assert_eq!(refused.code, "UNKNOWN_SYMBOL");

    rig.tick(INFY, "100", at(10, 0, 1));
    let ack = rig.command(buy("INFY"), at(10, 0, 2)).unwrap();
    assert_eq!(ack.message, "BUY 10 INFY sent as order SW0000000001");
    let placed = rig.placed();
    assert_eq!(placed.len(), 1);
    assert_eq!((placed[0].0.qty, placed[0].2.as_str()), (10, "manual:test"));
    // Already long with the order working: a second BUY neither opens nor closes anything.
    let refused = rig.command(buy("INFY"), at(10, 0, 3)).unwrap_err();
    assert_eq!(refused.code, "NOTHING_TO_DO");

    // The risk gate's refusal comes back with its code.
    let mut rig = AccountRig::new(AccountOpts {
        risk: sharewise_risk::RiskConfig {
            limits: sharewise_risk::Limits {
                max_order_qty: Some(5),
                ..Default::default()
            },
            ..Default::default()
        },
        ..AccountOpts::default()
    });
    rig.tick(INFY, "100", at(10, 0, 1));
    let refused = rig.command(buy("INFY"), at(10, 0, 2)).unwrap_err();
    assert_eq!(refused.code, "MAX_ORDER_QTY", "{refused}");
    assert!(rig
        .kinds()
        .iter()
        .any(|k| matches!(k, EventKind::RiskReject { code, .. } if code == "MAX_ORDER_QTY")));
}

//! Drills of the Kite adapter against the sandbox, the way Kite fails in life: a placement
//! booked but answered too late, the session expiring mid-day, order requests from an address
//! that is not the whitelisted static IP, and Kite unreachable until it comes back.

mod common;

use std::time::Duration;

use common::{account_config, arm, endpoint, fast, log_in, start};
use serde_json::json;
use sharewise_brokers::{Broker, BrokerUpdate, ErrorKind, PlaceOutcome, SessionState};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Product, Side, Validity,
};
use sharewise_kite::{kite_limits, GateConfig, KiteAccount};
use sharewise_kite_sandbox::SandboxConfig;
use sharewise_testkit::Relay;

fn buy(id: u64) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument: InstrumentId(3),
        side: Side::Buy,
        qty: 1,
        order_type: OrderType::Market,
        limit_price: None,
        trigger_price: None,
        product: Product::Mis,
        validity: Validity::Day,
        created_ts: 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placement_answered_too_late_is_unresolved_then_found_by_tag_and_never_sent_twice() {
    let config = fast();
    let addr = start(&config).await;
    let session = log_in(&addr, &config).await;
    let mut edge = endpoint(&addr, &config);
    edge.timeout = Duration::from_millis(400);
    let account =
        KiteAccount::new(account_config(edge, &config), Some(session.access_token)).unwrap();

    arm(&addr, json!({"stall_placements": {"count": 1, "ms": 3000}})).await;
    let order = buy(7);
    let outcome = account.place(&order).await.unwrap();
    let PlaceOutcome::Unresolved { tag, reason } = outcome else {
        panic!("a timed-out placement must be unresolved, got {outcome:?}");
    };
    assert_eq!(tag, ClientOrderId(7));
    assert!(reason.contains("no answer"), "{reason}");
    let found = account
        .order_by_tag(tag)
        .await
        .unwrap()
        .expect("the sandbox booked it");
    // The caller's rule: having found it, placing the same tag again returns it.
    match account.place(&order).await.unwrap() {
        PlaceOutcome::Placed(again) => assert_eq!(again.order_id, found.order_id),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        account.orders().await.unwrap().len(),
        1,
        "one order at Kite, not two"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_sends_nothing_until_the_next_login_then_trades_again() {
    let config = fast();
    let addr = start(&config).await;
    let first = log_in(&addr, &config).await;
    let account = KiteAccount::new(
        account_config(endpoint(&addr, &config), &config),
        Some(first.access_token),
    )
    .unwrap();
    let mut updates = account.subscribe();

    arm(&addr, json!({"expire_sessions": true})).await;
    let e = account.funds().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthExpired, "{e}");
    let Some(BrokerUpdate::Session(SessionState::NeedsLogin { reason })) = updates.recv().await
    else {
        panic!("the subscriber must hear that the session needs a login");
    };
    assert!(
        reason.contains("TokenException") || reason.contains("api_key"),
        "{reason}"
    );

    // Nothing goes out on the old token: a fault armed for the next request stays armed.
    let armed = arm(
        &addr,
        json!({"fail_next": {"count": 1, "error_type": "GeneralException"}}),
    )
    .await;
    assert_eq!(armed["failing_next"], 1);
    for _ in 0..3 {
        let held = account.place(&buy(8)).await.unwrap_err();
        assert_eq!(held.kind, ErrorKind::AuthExpired);
        assert!(held.message.starts_with("not sent"), "{held}");
    }
    assert_eq!(arm(&addr, json!({})).await["failing_next"], 1);
    arm(
        &addr,
        json!({"fail_next": {"count": 0, "error_type": "GeneralException"}}),
    )
    .await;

    let second = log_in(&addr, &config).await;
    account.log_in(second.access_token).await;
    assert_eq!(
        updates.recv().await,
        Some(BrokerUpdate::Session(SessionState::Connected))
    );
    assert!(matches!(
        account.place(&buy(8)).await.unwrap(),
        PlaceOutcome::Placed(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_leave_from_the_whitelisted_address_and_are_refused_from_any_other() {
    let config = SandboxConfig {
        allowed_ips: vec!["127.0.0.2".parse().unwrap()],
        ..fast()
    };
    let addr = start(&config).await;
    let session = log_in(&addr, &config).await;
    let bound = |ip: &str| {
        let mut edge = endpoint(&addr, &config);
        edge.egress_ip = Some(ip.parse().unwrap());
        KiteAccount::new(
            account_config(edge, &config),
            Some(session.access_token.clone()),
        )
        .unwrap()
    };
    let wrong = bound("127.0.0.1");
    let e = wrong.place(&buy(1)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::PermissionDenied, "{e}");
    assert!(e.message.contains("127.0.0.1"), "{e}");
    // Kite checks the address of order requests only: the books still answer.
    assert!(wrong.orders().await.unwrap().is_empty());

    let right = bound("127.0.0.2");
    assert!(matches!(
        right.place(&buy(2)).await.unwrap(),
        PlaceOutcome::Placed(_)
    ));
    assert_eq!(right.orders().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kite_unreachable_opens_the_breaker_and_a_probe_after_it_returns_reconnects() {
    let config = fast();
    let addr = start(&config).await;
    let session = log_in(&addr, &config).await;
    let relay = Relay::start(addr.parse().unwrap()).await;
    let mut account_cfg = account_config(endpoint(&relay.addr().to_string(), &config), &config);
    account_cfg.gate = GateConfig {
        breaker_threshold: 3,
        // Long enough that the refusals below fall inside it on a loaded machine.
        breaker_open_for: Duration::from_secs(3),
        ..kite_limits()
    };
    let account = KiteAccount::new(account_cfg, Some(session.access_token)).unwrap();
    let mut updates = account.subscribe();
    account.funds().await.unwrap();

    relay.cut();
    let e = account.funds().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Upstream, "{e}");
    let Some(BrokerUpdate::Session(SessionState::Down { reason })) = updates.recv().await else {
        panic!("the subscriber must hear that Kite is down");
    };
    assert!(reason.contains("connect"), "{reason}");
    // While open nothing is sent: refused at once.
    let held = account.place(&buy(3)).await.unwrap_err();
    assert_eq!(held.kind, ErrorKind::Upstream);
    assert!(held.message.starts_with("not sent"), "{held}");
    assert_eq!(account.breaker_openings(), 1);

    relay.restore();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    account.funds().await.unwrap();
    assert_eq!(
        updates.recv().await,
        Some(BrokerUpdate::Session(SessionState::Connected))
    );
    assert!(account.session().is_connected());
    assert!(matches!(
        account.place(&buy(4)).await.unwrap(),
        PlaceOutcome::Placed(_)
    ));
}

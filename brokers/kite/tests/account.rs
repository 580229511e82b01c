//! The Kite adapter against the Kite sandbox: an order's whole life (placed, filled, in the
//! trades, positions and funds; another rested, modified and cancelled), a tag placed twice
//! giving one order, and every row of the common error table reaching the caller as its kind.

mod common;

use common::{arm, logged_in, until_terminal};
use serde_json::json;
use sharewise_brokers::{Broker, ErrorKind, Modify, PlaceOutcome, VenueStatus};
use sharewise_engine::types::{ClientOrderId, Order, OrderType, Price, Product, Side, Validity};
use sharewise_kite::KiteAccount;

/// INFY in the sandbox's listing (the account's instruments are the listing in order).
fn infy(
    account_instruments: &sharewise_kite_sandbox::SandboxConfig,
) -> sharewise_engine::types::InstrumentId {
    let k = account_instruments
        .listing
        .iter()
        .position(|l| l.symbol == "INFY")
        .unwrap();
    sharewise_engine::types::InstrumentId(k as u32)
}

fn order(
    id: u64,
    instrument: sharewise_engine::types::InstrumentId,
    side: Side,
    qty: i64,
) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument,
        side,
        qty,
        order_type: OrderType::Market,
        limit_price: None,
        trigger_price: None,
        product: Product::Cnc,
        validity: Validity::Day,
        created_ts: 0,
    }
}

async fn placed(account: &KiteAccount, o: &Order) -> sharewise_brokers::BrokerOrder {
    match account.place(o).await.unwrap() {
        PlaceOutcome::Placed(b) => b,
        other => panic!("not placed: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_placed_filled_booked_and_another_rested_modified_and_cancelled() {
    let (account, _addr, config) = logged_in().await;
    let infy = infy(&config);
    assert_eq!(account.account_id().await.unwrap(), "SW0001");
    let opening = account.funds().await.unwrap();

    let buy = order(41, infy, Side::Buy, 5);
    let ack = placed(&account, &buy).await;
    assert_eq!(ack.status, VenueStatus::Pending);
    assert_eq!(ack.tag(), ClientOrderId(41));
    let done = until_terminal(&account, ClientOrderId(41)).await;
    assert_eq!((done.status, done.filled_qty), (VenueStatus::Filled, 5));
    assert_eq!(done.order_id, ack.order_id);

    let trades = account.trades().await.unwrap();
    assert_eq!(trades.len(), 1, "{trades:?}");
    let fill = &trades[0].fill;
    assert_eq!(
        (fill.client_id, fill.qty, fill.side),
        (ClientOrderId(41), 5, Side::Buy)
    );
    assert_eq!(fill.price.to_decimal(), done.avg_price);
    assert!(
        fill.fees > rust_decimal::Decimal::ZERO,
        "fees are estimated"
    );
    // The day's buy is a position, not yet a holding (it settles after the day).
    assert!(account.holdings().await.unwrap().is_empty());
    let positions = account.positions().await.unwrap();
    let held = positions.iter().find(|p| p.instrument == infy).unwrap();
    assert_eq!((held.qty, held.avg_price), (5, done.avg_price));
    let funds = account.funds().await.unwrap();
    assert!(
        funds.cash < opening.cash,
        "{funds:?} after buying from {opening:?}"
    );

    // A limit 10 % under the market rests; it is modified, then cancelled.
    let below = Price::from_decimal(done.avg_price * rust_decimal::Decimal::new(9, 1))
        .unwrap()
        .round_to_tick(Price::from_rupees_paise(0, 5));
    let rest = Order {
        order_type: OrderType::Limit,
        limit_price: Some(below),
        ..order(42, infy, Side::Buy, 3)
    };
    placed(&account, &rest).await;
    let lower = below.round_to_tick(Price::from_rupees_paise(1, 0));
    let modified = account
        .modify(
            ClientOrderId(42),
            Modify {
                qty: Some(4),
                limit_price: Some(lower),
                ..Modify::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (modified.request.qty, modified.request.limit_price),
        (4, Some(lower))
    );
    assert_eq!(modified.status, VenueStatus::Open);
    let cancelled = account.cancel(ClientOrderId(42)).await.unwrap();
    assert_eq!(
        (cancelled.status, cancelled.filled_qty),
        (VenueStatus::Cancelled, 0)
    );
    let again = account.cancel(ClientOrderId(42)).await.unwrap_err();
    assert_eq!(again.kind, ErrorKind::Rejected, "{again}");

    // Placing a known tag again gives the known order, not a second one.
    let twice = placed(&account, &rest).await;
    assert_eq!(twice.order_id, cancelled.order_id);
    let book = account.orders().await.unwrap();
    assert_eq!(book.len(), 2, "{book:?}");
    let since = account.orders_since(done.updated_ts + 1).await.unwrap();
    assert!(since.iter().all(|o| o.updated_ts > done.updated_ts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_error_table_reaches_the_caller_as_its_kind() {
    let (account, addr, config) = logged_in().await;
    let infy = infy(&config);
    let mut next_id = 100;
    let mut place = |account: KiteAccount| {
        next_id += 1;
        let o = order(next_id, infy, Side::Buy, 1);
        async move { (o.client_id, account.place(&o).await) }
    };
    // Refusals that are answers: the placement fails with the kind, nothing is booked.
    for (error_type, status, kind) in [
        ("InputException", 400, ErrorKind::InvalidInput),
        ("OrderException", 400, ErrorKind::Rejected),
        ("PermissionException", 403, ErrorKind::PermissionDenied),
        ("NetworkException", 429, ErrorKind::RateLimited),
    ] {
        arm(
            &addr,
            json!({"fail_next": {"count": 1, "error_type": error_type, "status": status}}),
        )
        .await;
        let (_, outcome) = place(account.clone()).await;
        let e = outcome.unwrap_err();
        assert_eq!(e.kind, kind, "{error_type} {status}: {e}");
        assert!(account.session().is_connected());
    }
    // 5xx after sending: the order may exist, so the placement is unresolved, never an error;
    // the lookup by tag right after cannot say "not there" (Kite's book may list it a moment
    // later): it stays unsettled, an error, until the next start's reconciliation.
    for (error_type, status) in [
        ("NetworkException", 503),
        ("DataException", 502),
        ("GeneralException", 500),
    ] {
        arm(
            &addr,
            json!({"fail_next": {"count": 1, "error_type": error_type, "status": status}}),
        )
        .await;
        let (tag, outcome) = place(account.clone()).await;
        match outcome.unwrap() {
            PlaceOutcome::Unresolved { tag: t, reason } => {
                assert_eq!(t, tag);
                assert!(
                    reason.contains(error_type) || reason.contains("sandbox fault"),
                    "{reason}"
                );
            }
            other => panic!("{error_type}: {other:?}"),
        }
        let e = account.order_by_tag(tag).await.unwrap_err();
        assert!(e.message.contains("still unsettled"), "{e}");
    }
    // Reads retry what is safe to retry: one 503 or 429, then the answer.
    for (error_type, status) in [
        ("NetworkException", 503),
        ("NetworkException", 429),
        ("DataException", 502),
    ] {
        arm(
            &addr,
            json!({"fail_next": {"count": 1, "error_type": error_type, "status": status}}),
        )
        .await;
        account.funds().await.unwrap();
    }
    // ... and not what is not.
    arm(
        &addr,
        json!({"fail_next": {"count": 1, "error_type": "GeneralException"}}),
    )
    .await;
    assert_eq!(account.funds().await.unwrap_err().kind, ErrorKind::Unknown);
    // A refused token: the session needs a login.
    arm(
        &addr,
        json!({"fail_next": {"count": 1, "error_type": "TokenException"}}),
    )
    .await;
    assert_eq!(
        account.positions().await.unwrap_err().kind,
        ErrorKind::AuthExpired
    );
    assert!(!account.session().is_connected());
}

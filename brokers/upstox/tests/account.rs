//! The Upstox account against the Upstox sandbox, as the order actor uses it: a market order
//! placed with our tag fills on the price path and shows in the books, positions and funds; a
//! limit order is modified and cancelled; a tag placed twice is one order; the portfolio stream
//! pushes each trade once, before the order state it completes; refusals arrive as their
//! common kinds.

mod common;

use std::time::Duration;

use sharewise_brokers::{Broker, BrokerUpdate, ErrorKind, Modify, PlaceOutcome, VenueStatus};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Price, Product, Side, Validity,
};

fn order(id: u64, side: Side, qty: i64, order_type: OrderType, limit: Option<&str>) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument: InstrumentId(0),
        side,
        qty,
        order_type,
        limit_price: limit.map(|p| Price::parse(p).unwrap()),
        trigger_price: None,
        product: Product::Mis,
        validity: Validity::Day,
        created_ts: 0,
    }
}

async fn until_filled(account: &sharewise_upstox::UpstoxAccount, tag: ClientOrderId) {
    for _ in 0..100 {
        let book = account.orders().await.unwrap();
        if book
            .iter()
            .any(|o| o.tag() == tag && o.status == VenueStatus::Filled)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{tag} did not fill");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_market_order_fills_and_shows_in_every_book() {
    let (account, _, config) = common::logged_in().await;
    assert_eq!(account.account_id().await.unwrap(), config.identity.user_id);
    let funds_before = account.funds().await.unwrap();
    let buy = order(1, Side::Buy, 3, OrderType::Market, None);
    let PlaceOutcome::Placed(placed) = account.place(&buy).await.unwrap() else {
        panic!("a clear answer is Placed")
    };
    assert_eq!(
        placed.order_id.len(),
        15,
        "Upstox's order ids: {}",
        placed.order_id
    );
    until_filled(&account, buy.client_id).await;
    let trades = account.trades().await.unwrap();
    let mine: Vec<_> = trades
        .iter()
        .filter(|t| t.fill.client_id == buy.client_id)
        .collect();
    assert_eq!(mine.iter().map(|t| t.fill.qty).sum::<i64>(), 3);
    assert!(mine
        .iter()
        .all(|t| t.fill.fees > rust_decimal::Decimal::ZERO));
    let positions = account.positions().await.unwrap();
    let p = positions
        .iter()
        .find(|p| p.instrument == InstrumentId(0))
        .unwrap();
    assert_eq!(p.qty, 3);
    let funds = account.funds().await.unwrap();
    assert!(
        funds.cash < funds_before.cash,
        "a buy of 3 uses cash: {funds_before:?} -> {funds:?}"
    );
    // The same tag again is the same order, not a second one.
    let PlaceOutcome::Placed(again) = account.place(&buy).await.unwrap() else {
        panic!()
    };
    assert_eq!(again.order_id, placed.order_id);
    let same_tag = account
        .orders()
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.tag() == buy.client_id)
        .count();
    assert_eq!(same_tag, 1);
    assert!(account.holdings().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resting_limit_order_is_modified_then_cancelled() {
    let (account, _, _) = common::logged_in().await;
    // Far below the market: it rests.
    let buy = order(7, Side::Buy, 2, OrderType::Limit, Some("10.05"));
    account.place(&buy).await.unwrap();
    let changed = account
        .modify(
            buy.client_id,
            Modify {
                qty: Some(5),
                limit_price: Some(Price::parse("11.10").unwrap()),
                ..Modify::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.request.qty, changed.request.limit_price),
        (5, Some(Price::parse("11.10").unwrap()))
    );
    assert!(matches!(
        changed.status,
        VenueStatus::Open | VenueStatus::Pending
    ));
    let cancelled = account.cancel(buy.client_id).await.unwrap();
    assert_eq!(cancelled.status, VenueStatus::Cancelled);
    let again = account.cancel(buy.client_id).await.unwrap_err();
    assert_eq!(again.kind, ErrorKind::Rejected, "{again}");
    let found = account.order_by_tag(buy.client_id).await.unwrap().unwrap();
    assert_eq!(found.status, VenueStatus::Cancelled);
    assert_eq!(
        account.order_by_tag(ClientOrderId(999)).await.unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_pushes_each_trade_once_before_its_order_state() {
    let (account, addr, _) = common::logged_in().await;
    let mut updates = account.subscribe();
    account.start_updates();
    let buy = order(3, Side::Buy, 4, OrderType::Market, None);
    account.place(&buy).await.unwrap();
    let mut traded = 0;
    let mut filled_seen = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !filled_seen {
        let update = tokio::time::timeout_at(deadline, updates.recv())
            .await
            .expect("the fill is pushed")
            .unwrap();
        match update {
            BrokerUpdate::Trades(trades) => {
                traded += trades.iter().map(|t| t.fill.qty).sum::<i64>()
            }
            BrokerUpdate::Order(o) if o.status == VenueStatus::Filled => {
                assert_eq!(traded, 4, "the trades come before the state they complete");
                filled_seen = true;
            }
            _ => {}
        }
    }
    // A cut stream reconnects and catches up without pushing anything twice.
    common::arm(&addr, serde_json::json!({"drop_sockets": true})).await;
    let second = order(4, Side::Sell, 4, OrderType::Market, None);
    account.place(&second).await.unwrap();
    let mut sold = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let update = tokio::time::timeout_at(deadline, updates.recv())
            .await
            .expect("the second fill is pushed after the reconnection")
            .unwrap();
        match update {
            BrokerUpdate::Trades(trades) => {
                assert!(
                    trades.iter().all(|t| t.fill.client_id == second.client_id),
                    "nothing of the first order again"
                );
                sold += trades.iter().map(|t| t.fill.qty).sum::<i64>();
            }
            BrokerUpdate::Order(o)
                if o.tag() == second.client_id && o.status == VenueStatus::Filled =>
            {
                break
            }
            BrokerUpdate::Order(o) => assert_ne!(
                o.tag(),
                buy.client_id,
                "the first order is not pushed again"
            ),
            BrokerUpdate::Session(_) => {}
        }
    }
    assert_eq!(sold, 4);
    assert!(
        account
            .stream_stats()
            .connects
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 2
    );
    account.stop_updates();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_arrive_as_their_kinds_and_a_refused_token_needs_a_login() {
    let (account, addr, config) = common::logged_in().await;
    let mut updates = account.subscribe();
    // Not a share of the account.
    let mut foreign = order(20, Side::Buy, 1, OrderType::Market, None);
    foreign.instrument = InstrumentId(9);
    assert_eq!(
        account.place(&foreign).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    // A limit off the tick grid is refused by Upstox naming the field.
    let off_grid = order(21, Side::Buy, 1, OrderType::Limit, Some("10.03"));
    let e = account.place(&off_grid).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    // The session ends at Upstox: the next call needs a login and says so to the subscriber.
    common::arm(&addr, serde_json::json!({"expire_sessions": true})).await;
    let e = account.orders().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthExpired, "{e}");
    assert!(matches!(
        updates.recv().await,
        Some(BrokerUpdate::Session(
            sharewise_brokers::SessionState::NeedsLogin { .. }
        ))
    ));
    let held = account.funds().await.unwrap_err();
    assert!(held.message.starts_with("not sent"), "{held}");
    // A fresh login makes it work again.
    let token = common::log_in(&addr, &config).await;
    account.log_in(token).await;
    assert!(account.orders().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placement_answered_late_is_unresolved_and_then_found_by_its_tag() {
    let config = common::fast();
    let addr = common::start(&config).await;
    let token = common::log_in(&addr, &config).await;
    let account = common::account_timing_out(&addr, &config, Some(token), Duration::from_secs(1));
    common::arm(
        &addr,
        serde_json::json!({"stall_placements": {"count": 1, "ms": 2500}}),
    )
    .await;
    let buy = order(30, Side::Buy, 1, OrderType::Market, None);
    let outcome = account.place(&buy).await.unwrap();
    let PlaceOutcome::Unresolved { tag, reason } = outcome else {
        panic!("a placement with no answer in time is unresolved: {outcome:?}")
    };
    assert_eq!(tag, buy.client_id);
    assert!(reason.contains("no answer"), "{reason}");
    // The sandbox booked it anyway: the tag finds it, and it is never placed twice.
    let mut found = None;
    for _ in 0..20 {
        match account.order_by_tag(tag).await {
            Ok(Some(o)) => {
                found = Some(o);
                break;
            }
            Ok(None) => panic!("an unsettled tag is never 'not there' at once"),
            Err(e) => assert!(e.message.contains("still unsettled"), "{e}"),
        }
    }
    let found = found.expect("the stalled placement shows up by its tag");
    let PlaceOutcome::Placed(again) = account.place(&buy).await.unwrap() else {
        panic!()
    };
    assert_eq!(again.order_id, found.order_id);
}

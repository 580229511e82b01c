//! The AliceBlue account against the AliceBlue sandbox, as the order actor uses it: an empty day
//! reads as empty books; a market order placed with our tag fills and shows in the trades,
//! positions and funds; a limit order is modified and cancelled; a tag placed twice is one
//! order; the polled push side sends each trade once, before the order state it completes; an
//! ended session is `AuthExpired` until a fresh login; a placement answered late is unresolved
//! and then found by its tag.

mod common;

use std::time::Duration;

use sharewise_brokers::{
    Broker, BrokerUpdate, ErrorKind, Modify, PlaceOutcome, SessionState, VenueStatus,
};
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

async fn until_filled(account: &sharewise_aliceblue::AliceBlueAccount, tag: ClientOrderId) {
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
    // Empty books come as EC codes and read as empty lists.
    assert!(account.orders().await.unwrap().is_empty());
    assert!(account.trades().await.unwrap().is_empty());
    assert!(account.positions().await.unwrap().is_empty());
    let funds_before = account.funds().await.unwrap();
    let buy = order(1, Side::Buy, 3, OrderType::Market, None);
    let PlaceOutcome::Placed(placed) = account.place(&buy).await.unwrap() else {
        panic!("a clear answer is Placed")
    };
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
        "{funds_before:?} -> {funds:?}"
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
    let buy = order(7, Side::Buy, 2, OrderType::Limit, Some("10.05"));
    account.place(&buy).await.unwrap();
    let change = Modify {
        qty: Some(5),
        limit_price: Some(Price::parse("11.10").unwrap()),
        ..Modify::default()
    };
    let changed = account.modify(buy.client_id, change).await.unwrap();
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
    // A refusal of AliceBlue's (an off-grid price, under HTTP 200) is InvalidInput.
    let off_grid = order(8, Side::Buy, 1, OrderType::Limit, Some("10.03"));
    assert_eq!(
        account.place(&off_grid).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_pushes_each_trade_once_before_its_order_state() {
    let (account, _, _) = common::logged_in().await;
    let mut updates = account.subscribe();
    account.start_updates();
    let mut traded = std::collections::HashMap::<ClientOrderId, i64>::new();
    let mut seen_trades = std::collections::HashSet::new();
    for (id, side) in [(3, Side::Buy), (4, Side::Sell)] {
        let o = order(id, side, 4, OrderType::Market, None);
        account.place(&o).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let update = tokio::time::timeout_at(deadline, updates.recv())
                .await
                .expect("the fill is pushed")
                .unwrap();
            match update {
                BrokerUpdate::Trades(trades) => {
                    for t in trades {
                        assert!(
                            seen_trades.insert(t.trade_id.clone()),
                            "trade {} pushed twice",
                            t.trade_id
                        );
                        *traded.entry(t.fill.client_id).or_default() += t.fill.qty;
                    }
                }
                BrokerUpdate::Order(u) if u.status == VenueStatus::Filled => {
                    assert!(
                        !(id == 4 && u.tag() == ClientOrderId(3)),
                        "the first order again"
                    );
                    if u.tag() == o.client_id {
                        assert_eq!(
                            traded.get(&o.client_id),
                            Some(&4),
                            "trades before the state"
                        );
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    // Nothing more comes once both are done.
    let quiet = tokio::time::timeout(Duration::from_millis(1500), updates.recv()).await;
    assert!(quiet.is_err(), "nothing is pushed twice: {quiet:?}");
    assert!(
        account
            .poll_stats()
            .polls
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 2
    );
    account.stop_updates();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_needs_a_login_and_a_fresh_one_works() {
    let (account, addr, config) = common::logged_in().await;
    let mut updates = account.subscribe();
    let mut foreign = order(20, Side::Buy, 1, OrderType::Market, None);
    foreign.instrument = InstrumentId(9);
    assert_eq!(
        account.place(&foreign).await.unwrap_err().kind,
        ErrorKind::InvalidInput
    );
    common::arm(&addr, serde_json::json!({"expire_sessions": true})).await;
    let e = account.orders().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AuthExpired, "{e}");
    assert!(matches!(
        updates.recv().await,
        Some(BrokerUpdate::Session(SessionState::NeedsLogin { .. }))
    ));
    let held = account.funds().await.unwrap_err();
    assert!(held.message.starts_with("not sent"), "{held}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_master_gives_each_share_its_token() {
    let config = common::fast();
    let addr = common::start(&config).await;
    let transport = sharewise_aliceblue::rest::Transport::new(
        sharewise_aliceblue::Endpoint::sandbox(&addr, config.identity.app_code.clone()),
    )
    .unwrap();
    let master = sharewise_aliceblue::login::nse_master(&transport)
        .await
        .unwrap();
    assert_eq!(master.listings.len(), config.listing.len());
    let infy = master.listings.iter().find(|l| l.symbol == "INFY").unwrap();
    assert_eq!(infy.ids.aliceblue_token, Some(1594));
}

//! The Kite account's push side against the sandbox: a fill arrives as its trade (with Kite's
//! trade id) before the order's completed state; a ticker socket cut mid-day is reconnected and
//! what happened meanwhile is still pushed, each trade once.

mod common;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{arm, logged_in};
use serde_json::json;
use sharewise_brokers::{Broker, BrokerUpdate, PlaceOutcome, UpdateReceiver, VenueStatus};
use sharewise_engine::types::{
    ClientOrderId, InstrumentId, Order, OrderType, Product, Side, Validity,
};

fn buy(id: u64, qty: i64) -> Order {
    Order {
        client_id: ClientOrderId(id),
        instrument: InstrumentId(1),
        side: Side::Buy,
        qty,
        order_type: OrderType::Market,
        limit_price: None,
        trigger_price: None,
        product: Product::Mis,
        validity: Validity::Day,
        created_ts: 0,
    }
}

/// Updates until order `tag` is heard filled (at most 20 s): (trade ids pushed, updates seen).
async fn until_filled(
    updates: &mut UpdateReceiver,
    tag: ClientOrderId,
    trade_ids: &mut Vec<String>,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let Ok(Some(update)) = tokio::time::timeout_at(deadline, updates.recv()).await else {
            panic!("order {tag} was not heard filled within 20 s");
        };
        match update {
            BrokerUpdate::Trades(trades) => {
                trade_ids.extend(trades.iter().map(|t| t.trade_id.clone()));
            }
            BrokerUpdate::Order(o) if o.tag() == tag && o.status == VenueStatus::Filled => {
                assert!(
                    !trade_ids.is_empty(),
                    "the fill's trade comes before the completed order"
                );
                return;
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fills_are_pushed_as_trades_then_orders_and_survive_a_cut_socket() {
    let (account, addr, _config) = logged_in().await;
    let mut updates = account.subscribe();
    account.start_updates();
    let stats = account.stream_stats();
    for _ in 0..100 {
        if stats.connects.load(Ordering::Relaxed) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut pushed = Vec::new();
    assert!(matches!(
        account.place(&buy(1, 3)).await.unwrap(),
        PlaceOutcome::Placed(_)
    ));
    until_filled(&mut updates, ClientOrderId(1), &mut pushed).await;

    // Cut every ticker socket, then trade while the stream reconnects.
    let cut = arm(&addr, json!({"drop_sockets": true})).await;
    assert!(cut["sockets_dropped"].as_u64().unwrap() >= 1, "{cut}");
    assert!(matches!(
        account.place(&buy(2, 2)).await.unwrap(),
        PlaceOutcome::Placed(_)
    ));
    until_filled(&mut updates, ClientOrderId(2), &mut pushed).await;
    assert!(
        stats.connects.load(Ordering::Relaxed) >= 2,
        "the stream reconnected"
    );

    let book: Vec<String> = account
        .trades()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.trade_id)
        .collect();
    let unique: HashSet<&String> = pushed.iter().collect();
    assert_eq!(
        unique.len(),
        pushed.len(),
        "a trade pushed twice: {pushed:?}"
    );
    assert_eq!(
        unique,
        book.iter().collect::<HashSet<_>>(),
        "pushed trades and Kite's trade book agree"
    );
    account.stop_updates();
}

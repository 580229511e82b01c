//! The async `Broker` face: the paper broker through `SharedPaper`, the Unresolved → look-up
//! contract, and the common error and status tables.

mod common;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use common::*;
use sharewise_brokers::error::kite_kind;
use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate, ErrorKind, Funds, Modify,
    PaperConfig, PlaceOutcome, SessionState, SharedPaper, VenueStatus,
};
use sharewise_engine::types::{ClientOrderId, Order, Position, Side};

/// Runs a future that never waits (every paper call is immediate).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(f).as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("paper broker futures never wait"),
    }
}

/// A broker whose placement reaches the exchange but whose reply is lost (a timeout).
struct LostReply(SharedPaper);

impl Broker for LostReply {
    fn subscribe(&self) -> sharewise_brokers::UpdateReceiver {
        self.0.subscribe()
    }
    fn session(&self) -> sharewise_brokers::SessionState {
        self.0.session()
    }
    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        self.0.place(order).await?;
        Ok(PlaceOutcome::Unresolved {
            tag: order.client_id,
            reason: "timed out after 2 s".into(),
        })
    }
    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        self.0.modify(tag, change).await
    }
    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        self.0.cancel(tag).await
    }
    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.0.orders().await
    }
    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        self.0.order_by_tag(tag).await
    }
    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.0.trades().await
    }
    async fn orders_since(&self, since: i64) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.0.orders_since(since).await
    }
    async fn trades_since(&self, since: i64) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.0.trades_since(since).await
    }
    async fn account_id(&self) -> Result<String, BrokerError> {
        self.0.account_id().await
    }
    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        self.0.positions().await
    }
    async fn funds(&self) -> Result<Funds, BrokerError> {
        self.0.funds().await
    }
    async fn holdings(&self) -> Result<Vec<sharewise_brokers::Holding>, BrokerError> {
        self.0.holdings().await
    }
}

/// What the order actor does: on `Unresolved`, look the tag up; never re-send.
async fn place_resolving<B: Broker>(b: &B, o: &Order) -> Result<BrokerOrder, BrokerError> {
    match b.place(o).await? {
        PlaceOutcome::Placed(order) => Ok(order),
        PlaceOutcome::Unresolved { tag, reason } => b
            .order_by_tag(tag)
            .await?
            .ok_or_else(|| BrokerError::new(ErrorKind::Unknown, reason)),
    }
}

#[test]
fn shared_paper_serves_the_async_trait() {
    let shared = SharedPaper::new(broker(PaperConfig::default()));
    let placed = block_on(place_resolving(&shared, &market(1, Side::Buy, 10))).unwrap();
    assert_eq!(placed.status, VenueStatus::Open);
    shared
        .lock()
        .unwrap()
        .on_tick(&tick(1, "100.00", 100))
        .unwrap();
    assert_eq!(
        block_on(shared.order_by_tag(ClientOrderId(1)))
            .unwrap()
            .unwrap()
            .status,
        VenueStatus::Filled
    );
    assert_eq!(block_on(shared.positions()).unwrap()[0].qty, 10);
    assert_eq!(block_on(shared.funds()).unwrap().cash, 999_000.into());
    assert_eq!(block_on(shared.orders()).unwrap().len(), 1);
}

#[test]
fn the_venue_pushes_the_fills_a_tick_makes_to_its_one_subscriber() {
    let shared = SharedPaper::new(broker(PaperConfig::default()));
    assert_eq!(shared.session(), SessionState::Connected);
    block_on(shared.place(&market(1, Side::Buy, 10))).unwrap();
    // Nobody listens: the fill is in the book, and the venue says nobody heard it.
    let err = shared.on_tick(&tick(1, "100.00", 4)).unwrap_err();
    assert!(err.message.contains("booked on restart"), "{err}");
    assert_eq!(block_on(shared.trades()).unwrap().len(), 1);

    let mut first = shared.subscribe();
    let mut second = shared.subscribe(); // replaces the first
    block_on(shared.place(&market(2, Side::Buy, 6))).unwrap();
    assert_eq!(shared.on_tick(&tick(2, "100.05", 100)).unwrap(), 1);
    assert_eq!(
        shared.on_tick(&tick(3, "100.10", 100)).unwrap(),
        0,
        "nothing left to fill"
    );
    let pushed = second.try_recv().unwrap();
    let BrokerUpdate::Trades(trades) = pushed else {
        panic!("{pushed:?}")
    };
    assert_eq!(
        trades,
        block_on(shared.trades()).unwrap()[1..],
        "the book's second trade, with its id"
    );
    assert_eq!((trades[0].fill.qty, trades[0].fill.price), (6, p("100.05")));
    assert!(second.try_recv().is_err());
    assert!(
        first.try_recv().is_err(),
        "a replaced subscriber hears nothing"
    );
}

#[test]
fn unresolved_placement_is_resolved_by_tag_without_a_second_order() {
    let shared = SharedPaper::new(broker(PaperConfig::default()));
    let lossy = LostReply(shared.clone());
    let order = limit(5, Side::Buy, 10, "99.00");
    assert!(matches!(
        block_on(lossy.place(&order)).unwrap(),
        PlaceOutcome::Unresolved { .. }
    ));
    let found = block_on(lossy.order_by_tag(ClientOrderId(5)))
        .unwrap()
        .unwrap();
    assert_eq!(found.order_id, "PAPER0000000001");
    assert_eq!(
        block_on(lossy.cancel(ClientOrderId(5))).unwrap().status,
        VenueStatus::Cancelled
    );
    assert_eq!(shared.lock().unwrap().duplicate_placements(), 0);
    assert_eq!(shared.lock().unwrap().orders().len(), 1);
}

#[test]
fn kite_errors_map_to_common_kinds() {
    let table = [
        (403, Some("TokenException"), ErrorKind::AuthExpired, false),
        (
            403,
            Some("PermissionException"),
            ErrorKind::PermissionDenied,
            false,
        ),
        (
            403,
            Some("UserException"),
            ErrorKind::PermissionDenied,
            false,
        ),
        (400, Some("InputException"), ErrorKind::InvalidInput, false),
        (400, Some("OrderException"), ErrorKind::Rejected, false),
        (400, Some("MarginException"), ErrorKind::Rejected, false),
        (400, Some("HoldingException"), ErrorKind::Rejected, false),
        (429, Some("NetworkException"), ErrorKind::RateLimited, true),
        (503, Some("NetworkException"), ErrorKind::Upstream, true),
        (502, Some("DataException"), ErrorKind::Upstream, true),
        (500, Some("GeneralException"), ErrorKind::Unknown, false),
        (504, None, ErrorKind::Upstream, true),
        (403, None, ErrorKind::AuthExpired, false),
        (404, None, ErrorKind::InvalidInput, false),
        (418, Some("TeapotException"), ErrorKind::Unknown, false),
    ];
    for (status, error_type, kind, retry) in table {
        assert_eq!(
            kite_kind(status, error_type),
            kind,
            "{status} {error_type:?}"
        );
        let e = BrokerError::from_kite(status, error_type, "m");
        assert_eq!(e.retry_safe(), retry, "{status} {error_type:?}");
    }
    let e = BrokerError::from_kite(
        403,
        Some("TokenException"),
        "Incorrect `api_key` or `access_token`.",
    );
    assert_eq!(
        e.to_string(),
        "AuthExpired: Incorrect `api_key` or `access_token`."
    );
}

#[test]
fn broker_statuses_map_to_the_common_lifecycle() {
    assert_eq!(
        VenueStatus::from_broker("OPEN PENDING", 0, 10),
        Some(VenueStatus::Pending)
    );
    assert_eq!(
        VenueStatus::from_broker("TRIGGER PENDING", 0, 10),
        Some(VenueStatus::Open)
    );
    assert_eq!(
        VenueStatus::from_broker("open", 4, 10),
        Some(VenueStatus::PartiallyFilled)
    );
    assert_eq!(
        VenueStatus::from_broker("COMPLETE", 10, 10),
        Some(VenueStatus::Filled)
    );
    assert_eq!(
        VenueStatus::from_broker("cancelled after market order", 0, 10),
        Some(VenueStatus::Cancelled)
    );
    assert_eq!(
        VenueStatus::from_broker("REJECTED", 0, 10),
        Some(VenueStatus::Rejected)
    );
    assert_eq!(VenueStatus::from_broker("SOMETHING NEW", 0, 10), None);
}

#[test]
fn every_status_in_the_kite_orders_fixture_maps() {
    // A recorded Kite Connect order book, committed with the tests (see tests/fixtures/README.md).
    let text = include_str!("fixtures/kite_orders.json");
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    let orders = json["data"].as_array().unwrap();
    assert!(!orders.is_empty());
    for o in orders {
        let status = o["status"].as_str().unwrap();
        let (filled, qty) = (
            o["filled_quantity"].as_i64().unwrap(),
            o["quantity"].as_i64().unwrap(),
        );
        assert!(
            VenueStatus::from_broker(status, filled, qty).is_some(),
            "unmapped Kite status {status}"
        );
    }
}

#[test]
fn trade_ids_follow_the_trade_book_and_survive_a_reopen() {
    let dir = tmp();
    let path = dir.path().join("paper.json");
    {
        let shared = SharedPaper::new(open(&path, PaperConfig::default()));
        block_on(shared.place(&market(1, Side::Buy, 10))).unwrap();
        shared
            .lock()
            .unwrap()
            .on_tick(&tick(1, "100.00", 100))
            .unwrap();
        block_on(shared.place(&market(2, Side::Sell, 4))).unwrap();
        let before = shared.lock().unwrap().trade_count();
        shared
            .lock()
            .unwrap()
            .on_tick(&tick(2, "101.00", 100))
            .unwrap();
        let new = shared.lock().unwrap().trades_from_seq(before);
        assert_eq!(new.len(), 1);
        assert_eq!(
            (
                new[0].trade_id.as_str(),
                new[0].fill.client_id,
                new[0].fill.qty
            ),
            ("P00000002", ClientOrderId(2), 4)
        );
    }
    let reopened = SharedPaper::new(open(&path, PaperConfig::default()));
    let all = block_on(reopened.trades()).unwrap();
    let ids: Vec<&str> = all.iter().map(|t| t.trade_id.as_str()).collect();
    assert_eq!(ids, ["P00000001", "P00000002"]);
    assert_eq!(all[0].fill.client_id, ClientOrderId(1));
}

#[test]
fn paper_fills_carry_the_backtesters_charges() {
    use sharewise_engine::backtest::{Commission, ZerodhaRates};
    use sharewise_engine::types::Exchange;
    let cfg = PaperConfig {
        commission: Commission::Zerodha(ZerodhaRates::default()),
        ..PaperConfig::default()
    };
    let mut paper = broker(cfg.clone());
    let order = market(1, Side::Buy, 10);
    paper.place(&order).unwrap();
    let fills = paper.on_tick(&tick(1, "1500.00", 100)).unwrap();
    let expected = cfg
        .commission
        .charges(Side::Buy, order.product, Exchange::Nse, p("1500"), 10)
        .total;
    assert!(
        expected > rust_decimal::Decimal::ZERO,
        "delivery buys pay STT and stamp duty"
    );
    assert_eq!(fills[0].fees, expected);
    assert_eq!(
        paper.funds().cash,
        rust_decimal::Decimal::from(1_000_000) - rust_decimal::Decimal::from(15_000) - expected,
        "cash pays the charges"
    );
}

#[test]
fn a_new_ist_day_starts_a_fresh_day_book_and_keeps_positions_cash_and_used_tags() {
    use sharewise_engine::time::NANOS_PER_DAY;
    let mut paper = broker(PaperConfig::default());
    let day1 = 1_767_600_000_000_000_000; // 2026-01-05 13:30 IST
    paper.place(&market(1, Side::Buy, 10)).unwrap();
    paper.on_tick(&tick(day1, "100.00", 100)).unwrap();
    paper.place(&limit(2, Side::Buy, 5, "90.00")).unwrap(); // still open at the day's end
    let cash = paper.funds().cash;
    paper
        .on_tick(&tick(day1 + NANOS_PER_DAY, "101.00", 100))
        .unwrap();

    let tags: Vec<u64> = paper.orders().iter().map(|o| o.tag().0).collect();
    assert_eq!(
        tags,
        [2],
        "finished orders leave the day book; the open one carries over"
    );
    assert!(
        paper.trades().is_empty(),
        "yesterday's fills leave the trade book"
    );
    assert_eq!(paper.trade_count(), 1);
    assert_eq!(
        (paper.positions()[0].qty, paper.funds().cash),
        (10, cash),
        "positions and cash carry over"
    );

    paper.place(&market(3, Side::Sell, 10)).unwrap();
    let before = paper.trade_count();
    paper
        .on_tick(&tick(day1 + NANOS_PER_DAY + 1, "102.00", 100))
        .unwrap();
    let new = paper.trades_from_seq(before);
    assert_eq!(
        new.iter().map(|t| t.trade_id.as_str()).collect::<Vec<_>>(),
        ["P00000002"],
        "trade ids keep counting across days"
    );

    let again = paper.place(&market(1, Side::Buy, 10)).unwrap_err();
    assert!(
        again
            .to_string()
            .contains("used by an order of an earlier day"),
        "{again}"
    );
    assert_eq!(
        paper.duplicate_placements(),
        1,
        "re-using yesterday's tag is still a duplicate"
    );
}

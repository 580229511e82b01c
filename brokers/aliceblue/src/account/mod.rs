//! An AliceBlue account as a [`Broker`]: orders placed, changed and read over AliceBlue's v2
//! REST API through the account's [`Gate`] (session, breaker, rate limits), AliceBlue's payloads
//! read into the common types, and every session change pushed to the subscriber.
//!
//! What AliceBlue gives and what it does not, and how the gaps are bridged:
//! - AliceBlue keeps the day's order and trade books; [`Broker::order_by_tag`],
//!   [`Broker::orders_since`] and [`Broker::trades_since`] answer from them. An empty book comes
//!   as an EC code and reads as an empty list.
//! - AliceBlue is not known to refuse a second order with the same `orderTag` [U]: the account
//!   remembers every tag placed or seen, and placing a known tag returns that order.
//! - A placement answered with an order id is `Pending` until the book says more. One with no
//!   answer, or a 5xx after sending, is [`PlaceOutcome::Unresolved`]: never re-sent, looked up
//!   by tag.
//! - After a modify or cancel the order is read back from the book (the history endpoint's
//!   order of states is not known [U]).
//! - The trade book carries no charges: fees are estimated with the policy's schedule.
//! - Reads are retried with backoff and full jitter while the failure is safe to repeat; order
//!   calls are sent once.

pub mod gate;
pub mod poll;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde_json::Value;
use sharewise_broker_kit::{CallFailure, OrderMemory, OrderPolicy, Subscriber};
use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, ErrorKind, Funds, Holding, Modify, PlaceOutcome,
    SessionState, UpdateReceiver, VenueStatus,
};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Instrument, Order, Position};
use sharewise_net::Backoff;

use crate::rest::convert::{self, Listings, Skip};
use crate::rest::transport::Request;
use crate::rest::wire::{
    WireHolding, WireLimits, WireOrder, WireOrderId, WirePosition, WireProfile, WireTrade,
};
use crate::rest::{AliceToken, Endpoint, Transport};
use gate::{Admit, Gate, GateConfig, Lane, ALICEBLUE};

/// The v2 order and portfolio paths.
pub(crate) mod paths {
    pub const PLACE: &str = "/open-api/od/v1/orders/placeorder";
    pub const MODIFY: &str = "/open-api/od/v1/orders/modify";
    pub const CANCEL: &str = "/open-api/od/v1/orders/cancel";
    pub const BOOK: &str = "/open-api/od/v1/orders/book";
    pub const TRADES: &str = "/open-api/od/v1/orders/trades";
    pub const POSITIONS: &str = "/open-api/od/v1/positions";
    pub const HOLDINGS: &str = "/open-api/od/v1/holdings/CNC";
    pub const LIMITS: &str = "/open-api/od/v1/limits/";
    pub const PROFILE: &str = "/open-api/od/v1/profile/";
}

/// Everything an account needs besides its session.
#[derive(Clone, Debug)]
pub struct AliceBlueConfig {
    /// Where AliceBlue is and which address to leave from.
    pub endpoint: Endpoint,
    /// The instruments this account trades, each with its AliceBlue token (exchange token).
    pub instruments: Vec<(Instrument, u32)>,
    /// Market protection, algo id, fee estimate.
    pub policy: OrderPolicy,
    /// Rate limits and breaker ([`gate::aliceblue_limits`]).
    pub gate: GateConfig,
}

/// One AliceBlue account (cheap to clone; clones share the session and books).
#[derive(Clone)]
pub struct AliceBlueAccount {
    shared: Arc<Shared>,
}

struct Shared {
    transport: Transport,
    listings: Listings,
    policy: OrderPolicy,
    state: Mutex<State>,
    subscriber: Subscriber,
    poll: Arc<poll::PollStats>,
    pushed: Mutex<sharewise_broker_kit::pushed::Pushed>,
    poll_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Wakes the poller early: an order call was just made.
    poll_now: tokio::sync::Notify,
    /// Placements answered so far (the poller polls again at once if one came during a poll).
    placements: std::sync::atomic::AtomicU64,
}

struct State {
    gate: Gate<AliceToken>,
    memory: OrderMemory,
}

impl std::fmt::Debug for AliceBlueAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AliceBlueAccount")
            .field("endpoint", self.shared.transport.endpoint())
            .field("session", &self.session())
            .finish_non_exhaustive()
    }
}

impl AliceBlueAccount {
    /// An account of `config`, logged in with `token` if one is given (else it needs a login
    /// and sends nothing).
    pub fn new(
        config: AliceBlueConfig,
        token: Option<AliceToken>,
    ) -> Result<AliceBlueAccount, BrokerError> {
        Ok(AliceBlueAccount {
            shared: Arc::new(Shared {
                transport: Transport::new(config.endpoint)?,
                listings: Listings::new(config.instruments),
                policy: config.policy,
                state: Mutex::new(State {
                    gate: Gate::new(ALICEBLUE, &config.gate, token),
                    memory: OrderMemory::default(),
                }),
                subscriber: Subscriber::default(),
                poll: Arc::default(),
                pushed: Mutex::default(),
                poll_task: Mutex::new(None),
                poll_now: tokio::sync::Notify::new(),
                placements: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts using the `userSession` of a fresh login: the account is connected again.
    pub async fn log_in(&self, token: AliceToken) {
        let change = self.state().gate.log_in(token);
        self.shared.subscriber.announce(change);
    }

    /// Where the account connects.
    pub fn endpoint(&self) -> &Endpoint {
        self.shared.transport.endpoint()
    }

    /// The session calls carry now, if it is usable.
    pub fn current_token(&self) -> Option<AliceToken> {
        self.state().gate.token()
    }

    /// How many times the circuit breaker has opened.
    pub fn breaker_openings(&self) -> u64 {
        self.state().gate.times_opened()
    }

    /// The session ends at `at` (wall clock; [`crate::login::session_expiry`]): from then on
    /// nothing is sent on it and the subscriber hears it needs a login.
    pub fn expire_at(&self, at: std::time::SystemTime) {
        self.state().gate.expire_at(at);
    }

    /// One call through the gate: waits for rate-limit room, sends once, records the outcome.
    async fn call(&self, lane: Lane, request: Request<'_>) -> Result<Value, CallFailure> {
        let expired = self
            .state()
            .gate
            .expire_if_due(std::time::SystemTime::now());
        self.shared.subscriber.announce(expired);
        let token = loop {
            let admit = self.state().gate.admit(lane, Instant::now());
            match admit {
                Ok(Admit::Go(token)) => break token,
                Ok(Admit::Wait(wait)) => tokio::time::sleep(wait).await,
                Err(e) => return Err(CallFailure::Held(e)),
            }
        };
        let result = self.shared.transport.call(request, &token).await;
        let change = self
            .state()
            .gate
            .record(result.as_ref().map(|_| ()), &token, Instant::now());
        self.shared.subscriber.announce(change);
        result
    }

    /// A `GET path`, retried with backoff while the failure is safe to repeat.
    async fn read<T: DeserializeOwned>(&self, path: &str) -> Result<T, BrokerError> {
        let mut attempt = 0;
        loop {
            let failure = match self.call(Lane::Reads, Request::get(path)).await {
                Ok(result) => return decode(path, result),
                Err(f) => f,
            };
            let delay = failure
                .retry_safe()
                .then(|| Backoff::READS.delay(attempt, &mut rand::rng()))
                .flatten();
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(failure.into_error()),
            }
            attempt += 1;
        }
    }

    /// Turns wire orders into ours, remembering each one's tag.
    fn ours(&self, wire: &[WireOrder]) -> Result<Vec<BrokerOrder>, BrokerError> {
        let mut ours = Vec::with_capacity(wire.len());
        for w in wire {
            match convert::broker_order(w, &self.shared.listings) {
                Ok(order) => ours.push(order),
                Err(Skip::NotOurs) => {}
                Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
            }
        }
        let mut state = self.state();
        for order in &ours {
            state.memory.remember(order);
        }
        Ok(ours)
    }

    /// The day's book of our orders.
    async fn book(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        let wire: Vec<WireOrder> = self.read(paths::BOOK).await?;
        self.ours(&wire)
    }

    /// Our order tagged `tag`, from memory or else the day's book.
    async fn known(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        if let Some(order) = self.state().memory.get(tag).cloned() {
            return Ok(order);
        }
        self.book().await?;
        self.state().memory.get(tag).cloned().ok_or_else(|| {
            BrokerError::invalid(format!("no order tagged {tag} in AliceBlue's book today"))
        })
    }

    /// The latest state of AliceBlue order `order_id`, from the book.
    async fn refresh(&self, order_id: &str) -> Result<BrokerOrder, BrokerError> {
        self.book()
            .await?
            .into_iter()
            .find(|o| o.order_id == order_id)
            .ok_or_else(|| {
                BrokerError::invalid(format!("order {order_id} is not in AliceBlue's book"))
            })
    }

    /// The day's trades in common terms, those of `only` (an order id) if given.
    async fn trade_book(&self, only: Option<&str>) -> Result<Vec<BrokerTrade>, BrokerError> {
        let wire: Vec<WireTrade> = self.read(paths::TRADES).await?;
        let wire: Vec<WireTrade> = wire
            .into_iter()
            .filter(|t| only.is_none_or(|id| t.broker_order_id == id))
            .collect();
        let unknown = {
            let state = self.state();
            wire.iter().any(|t| !state.memory.knows(&t.broker_order_id))
        };
        if unknown {
            self.book().await?;
        }
        let tags = self.state().memory.ours().clone();
        let mut out = Vec::with_capacity(wire.len());
        for w in &wire {
            match convert::broker_trade(w, &tags, &self.shared.listings, &self.shared.policy) {
                Ok(t) => out.push(t),
                Err(Skip::NotOurs) => {}
                Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
            }
        }
        out.sort_by_key(|t| t.fill.ts);
        Ok(out)
    }

    /// Our open order `tag`, refused when it is already done.
    async fn open_order(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        let order = self.known(tag).await?;
        if order.status.is_terminal() {
            return Err(BrokerError::new(
                ErrorKind::Rejected,
                format!(
                    "order {tag} ({}) is {:?} already",
                    order.order_id, order.status
                ),
            ));
        }
        Ok(order)
    }

    /// The placement's answer read into an outcome.
    fn placed(&self, order: &Order, result: Value) -> Result<PlaceOutcome, BrokerError> {
        let tag = order.client_id;
        let first = serde_json::from_value::<Vec<WireOrderId>>(result)
            .ok()
            .and_then(|ids| ids.into_iter().next());
        match first {
            Some(id) if !id.broker_order_id.is_empty() => {
                let placed = BrokerOrder {
                    order_id: id.broker_order_id,
                    request: *order,
                    status: VenueStatus::Pending,
                    filled_qty: 0,
                    avg_price: rust_decimal::Decimal::ZERO,
                    status_message: None,
                    updated_ts: order.created_ts,
                };
                self.state().memory.placed(&placed);
                Ok(PlaceOutcome::Placed(placed))
            }
            // A per-order refusal inside an `Ok` envelope (third-party clients handle one).
            Some(WireOrderId {
                message: Some(m), ..
            }) if !m.is_empty() => Err(BrokerError::from_aliceblue(
                200,
                None,
                format!("{}: {m}", paths::PLACE),
            )),
            _ => {
                self.state().memory.unsettled(tag);
                Ok(PlaceOutcome::Unresolved {
                    tag,
                    reason: "AliceBlue accepted the placement but its answer has no order id"
                        .into(),
                })
            }
        }
    }
}

fn decode<T: DeserializeOwned>(path: &str, result: Value) -> Result<T, BrokerError> {
    serde_json::from_value(result).map_err(|e| {
        BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: AliceBlue's answer does not read as expected: {e}"),
        )
    })
}

fn since<T>(items: Vec<T>, since: TimestampNs, ts: impl Fn(&T) -> TimestampNs) -> Vec<T> {
    items.into_iter().filter(|i| ts(i) >= since).collect()
}

impl Broker for AliceBlueAccount {
    fn subscribe(&self) -> UpdateReceiver {
        self.shared.subscriber.subscribe()
    }

    fn session(&self) -> SessionState {
        self.state().gate.session().clone()
    }

    /// AliceBlue's books hold the day only: from today's IST midnight.
    fn books_from(&self) -> TimestampNs {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as TimestampNs);
        sharewise_engine::time::ist_midnight(sharewise_engine::time::ist_day(now))
    }

    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        let Some((_, token)) = self.shared.listings.get(order.instrument) else {
            return Err(BrokerError::invalid(format!(
                "instrument {:?} is not among this AliceBlue account's instruments",
                order.instrument
            )));
        };
        if let Some(existing) = self.state().memory.get(order.client_id).cloned() {
            return Ok(PlaceOutcome::Placed(existing));
        }
        let body = convert::placement_body(order, token, &self.shared.policy);
        let sent = self
            .call(Lane::Orders, Request::post(paths::PLACE, body))
            .await;
        // After the answer, not before: a poll woken earlier could miss the new order.
        self.shared
            .placements
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.shared.poll_now.notify_one();
        match sent {
            Ok(result) => self.placed(order, result),
            Err(failure) if failure.maybe_acted() => {
                self.state().memory.unsettled(order.client_id);
                Ok(PlaceOutcome::Unresolved {
                    tag: order.client_id,
                    reason: failure.into_error().to_string(),
                })
            }
            Err(failure) => Err(failure.into_error()),
        }
    }

    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        let order = self.open_order(tag).await?;
        let body = convert::modify_body(&order.order_id, &order.request, &change);
        self.call(Lane::Orders, Request::post(paths::MODIFY, body))
            .await
            .map_err(CallFailure::into_error)?;
        self.refresh(&order.order_id).await
    }

    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        let order = self.open_order(tag).await?;
        let body = serde_json::json!({"brokerOrderId": order.order_id});
        self.call(Lane::Orders, Request::post(paths::CANCEL, body))
            .await
            .map_err(CallFailure::into_error)?;
        self.refresh(&order.order_id).await
    }

    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.book().await
    }

    /// A placement that got no clear answer may reach the book a moment later: for a while a
    /// tag still missing is an error (still ambiguous), never "not there".
    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        let with_memory = |f: &mut dyn FnMut(&mut OrderMemory)| f(&mut self.state().memory);
        sharewise_broker_kit::memory::order_by_tag("AliceBlue", tag, with_memory, || self.book())
            .await
    }

    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.trade_book(None).await
    }

    async fn orders_since(&self, from: TimestampNs) -> Result<Vec<BrokerOrder>, BrokerError> {
        Ok(since(self.book().await?, from, |o| o.updated_ts))
    }

    async fn trades_since(&self, from: TimestampNs) -> Result<Vec<BrokerTrade>, BrokerError> {
        Ok(since(self.trade_book(None).await?, from, |t| t.fill.ts))
    }

    async fn account_id(&self) -> Result<String, BrokerError> {
        let profile: Vec<WireProfile> = self.read(paths::PROFILE).await?;
        profile
            .into_iter()
            .next()
            .map(|p| p.client_id)
            .ok_or_else(|| BrokerError::new(ErrorKind::Unknown, "AliceBlue's profile is empty"))
    }

    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        let wire: Vec<WirePosition> = self.read(paths::POSITIONS).await?;
        Ok(convert::positions(&wire, &self.shared.listings))
    }

    async fn funds(&self) -> Result<Funds, BrokerError> {
        let wire: Vec<WireLimits> = self.read(paths::LIMITS).await?;
        wire.first()
            .map(convert::funds)
            .ok_or_else(|| BrokerError::new(ErrorKind::Unknown, "AliceBlue's limits are empty"))
    }

    async fn holdings(&self) -> Result<Vec<Holding>, BrokerError> {
        let wire: Vec<WireHolding> = self.read(paths::HOLDINGS).await?;
        Ok(convert::holdings(&wire, &self.shared.listings))
    }
}

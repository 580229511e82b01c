//! An Upstox account as a [`Broker`]: orders placed (v3), changed and read (v2) over Upstox's
//! REST API through the account's [`Gate`] (session, breaker, rate limits), Upstox's payloads
//! read into the common types, and every session change pushed to the subscriber.
//!
//! What Upstox gives and what it does not, and how the gaps are bridged:
//! - Upstox keeps the day's order and trade books; [`Broker::order_by_tag`],
//!   [`Broker::orders_since`] and [`Broker::trades_since`] answer from them.
//! - Upstox does not refuse a second order with the same tag. The account remembers every tag
//!   it has placed or seen in the day's book, and placing a known tag returns that order.
//! - A placement answered with an order id is `Pending` until the book says more. One with no
//!   answer, or a 5xx after sending, is [`PlaceOutcome::Unresolved`]: never re-sent, looked up
//!   by tag (for a while a missing tag is "still unsettled", an error, never "not there").
//! - Upstox's trades carry no charges: fees are estimated with the policy's schedule.
//! - Reads are retried with backoff and full jitter while the failure is safe to repeat; order
//!   calls are sent once.

pub mod gate;
pub mod market_data;
pub mod stream;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use reqwest::Method;
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
    WireFunds, WireHolding, WireOrder, WireOrderIds, WirePosition, WireProfile, WireTrade,
};
use crate::rest::{Endpoint, Transport, UpstoxToken};
use gate::{Admit, Gate, GateConfig, Lane, UPSTOX};

/// Everything an account needs besides its session.
#[derive(Clone, Debug)]
pub struct UpstoxConfig {
    /// Where Upstox is and which address to leave from.
    pub endpoint: Endpoint,
    /// The instruments this account trades, each with its Upstox instrument key.
    pub instruments: Vec<(Instrument, String)>,
    /// Market protection, algo id, fee estimate.
    pub policy: OrderPolicy,
    /// Rate limits and breaker ([`gate::upstox_limits`]).
    pub gate: GateConfig,
}

/// One Upstox account (cheap to clone; clones share the session and books).
#[derive(Clone)]
pub struct UpstoxAccount {
    shared: Arc<Shared>,
}

struct Shared {
    transport: Transport,
    listings: Listings,
    policy: OrderPolicy,
    state: Mutex<State>,
    subscriber: Subscriber,
    stream: Arc<stream::StreamStats>,
    pushed: Mutex<sharewise_broker_kit::pushed::Pushed>,
    stream_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

struct State {
    gate: Gate<UpstoxToken>,
    memory: OrderMemory,
}

impl std::fmt::Debug for UpstoxAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstoxAccount")
            .field("endpoint", self.shared.transport.endpoint())
            .field("session", &self.session())
            .finish_non_exhaustive()
    }
}

impl UpstoxAccount {
    /// An account of `config`, logged in with `token` if one is given (else it needs a login
    /// and sends nothing).
    pub fn new(
        config: UpstoxConfig,
        token: Option<UpstoxToken>,
    ) -> Result<UpstoxAccount, BrokerError> {
        Ok(UpstoxAccount {
            shared: Arc::new(Shared {
                transport: Transport::new(config.endpoint)?,
                listings: Listings::new(config.instruments),
                policy: config.policy,
                state: Mutex::new(State {
                    gate: Gate::new(UPSTOX, &config.gate, token),
                    memory: OrderMemory::default(),
                }),
                subscriber: Subscriber::default(),
                stream: Arc::default(),
                pushed: Mutex::default(),
                stream_task: Mutex::new(None),
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts using the access token of a fresh login: the account is connected again.
    pub async fn log_in(&self, token: UpstoxToken) {
        let change = self.state().gate.log_in(token);
        self.announce(change);
    }

    /// Where the account connects.
    pub fn endpoint(&self) -> &Endpoint {
        self.shared.transport.endpoint()
    }

    /// The token calls carry now, if the session is usable (the feeds use it too).
    pub fn current_token(&self) -> Option<UpstoxToken> {
        self.state().gate.token()
    }

    /// How many times the circuit breaker has opened.
    pub fn breaker_openings(&self) -> u64 {
        self.state().gate.times_opened()
    }

    /// The session ends at `at` (wall clock; Upstox: 03:30 IST after the login): from then on
    /// nothing is sent on its token and the subscriber hears it needs a login.
    pub fn expire_at(&self, at: std::time::SystemTime) {
        self.state().gate.expire_at(at);
    }

    /// Says a session change to the subscriber without waiting.
    fn announce(&self, change: Option<SessionState>) {
        self.shared.subscriber.announce(change);
    }

    /// One call through the gate: waits for rate-limit room, sends once, records the outcome.
    async fn call(&self, lane: Lane, request: Request<'_>) -> Result<Value, CallFailure> {
        let expired = self
            .state()
            .gate
            .expire_if_due(std::time::SystemTime::now());
        self.announce(expired);
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
        self.announce(change);
        result
    }

    /// A read of `path?query`, retried with backoff while the failure is safe to repeat.
    async fn read<T: DeserializeOwned>(
        &self,
        lane: Lane,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        let mut attempt = 0;
        loop {
            let failure = match self.call(lane, Request::get(path, query)).await {
                Ok(data) => return decode(path, data),
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
        let wire: Vec<WireOrder> = self
            .read(Lane::Reads, "/v2/order/retrieve-all", &[])
            .await?;
        self.ours(&wire)
    }

    /// Our order tagged `tag`, from memory or else the day's book.
    async fn known(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        if let Some(order) = self.state().memory.get(tag).cloned() {
            return Ok(order);
        }
        self.book().await?;
        self.state().memory.get(tag).cloned().ok_or_else(|| {
            BrokerError::invalid(format!("no order tagged {tag} in Upstox's book today"))
        })
    }

    /// The latest state of Upstox order `order_id`.
    async fn refresh(&self, order_id: &str) -> Result<BrokerOrder, BrokerError> {
        let query = [("order_id", order_id.to_string())];
        let wire: WireOrder = self.read(Lane::Reads, "/v2/order/details", &query).await?;
        self.ours(std::slice::from_ref(&wire))?
            .pop()
            .ok_or_else(|| BrokerError::invalid(format!("order {order_id} is not ShareWise's")))
    }

    /// Trades of the day in common terms (the book is read first if a trade's order is unknown).
    async fn trade_book(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        let wire: Vec<WireTrade> = self
            .read(Lane::Reads, "/v2/order/trades/get-trades-for-day", &[])
            .await?;
        let unknown = {
            let state = self.state();
            wire.iter().any(|t| !state.memory.knows(&t.order_id))
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
}

fn decode<T: DeserializeOwned>(path: &str, data: Value) -> Result<T, BrokerError> {
    serde_json::from_value(data).map_err(|e| {
        BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: Upstox's answer does not read as expected: {e}"),
        )
    })
}

fn since<T>(items: Vec<T>, since: TimestampNs, ts: impl Fn(&T) -> TimestampNs) -> Vec<T> {
    items.into_iter().filter(|i| ts(i) >= since).collect()
}

impl Broker for UpstoxAccount {
    fn subscribe(&self) -> UpdateReceiver {
        self.shared.subscriber.subscribe()
    }

    fn session(&self) -> SessionState {
        self.state().gate.session().clone()
    }

    /// Upstox's books hold the day only: from today's IST midnight.
    fn books_from(&self) -> TimestampNs {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as TimestampNs);
        sharewise_engine::time::ist_midnight(sharewise_engine::time::ist_day(now))
    }

    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        let Some((_, key)) = self.shared.listings.get(order.instrument) else {
            return Err(BrokerError::invalid(format!(
                "instrument {:?} is not among this Upstox account's instruments",
                order.instrument
            )));
        };
        if let Some(existing) = self.state().memory.get(order.client_id).cloned() {
            return Ok(PlaceOutcome::Placed(existing));
        }
        let tag = order.client_id;
        let request = Request {
            method: Method::POST,
            path: "/v3/order/place",
            query: &[],
            body: Some(convert::placement_body(order, key, &self.shared.policy)),
        };
        match self.call(Lane::Orders, request).await {
            Ok(data) => match serde_json::from_value::<WireOrderIds>(data) {
                Ok(ids) if !ids.order_ids.is_empty() => {
                    let placed = BrokerOrder {
                        order_id: ids.order_ids[0].clone(),
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
                Ok(_) | Err(_) => Ok(PlaceOutcome::Unresolved {
                    tag,
                    reason: "Upstox accepted the placement but its answer has no order id".into(),
                }),
            },
            Err(failure) if failure.maybe_acted() => {
                self.state().memory.unsettled(tag);
                Ok(PlaceOutcome::Unresolved {
                    tag,
                    reason: failure.into_error().to_string(),
                })
            }
            Err(failure) => Err(failure.into_error()),
        }
    }

    async fn modify(&self, tag: ClientOrderId, change: Modify) -> Result<BrokerOrder, BrokerError> {
        let order = self.open_order(tag).await?;
        let body = convert::modify_body(
            &order.order_id,
            &order.request,
            &change,
            &self.shared.policy,
        );
        let request = Request {
            method: Method::PUT,
            path: "/v3/order/modify",
            query: &[],
            body: Some(body),
        };
        self.call(Lane::Orders, request)
            .await
            .map_err(CallFailure::into_error)?;
        self.refresh(&order.order_id).await
    }

    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        let order = self.open_order(tag).await?;
        let query = [("order_id", order.order_id.clone())];
        let request = Request {
            method: Method::DELETE,
            path: "/v3/order/cancel",
            query: &query,
            body: None,
        };
        self.call(Lane::Orders, request)
            .await
            .map_err(CallFailure::into_error)?;
        self.refresh(&order.order_id).await
    }

    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.book().await
    }

    /// A placement that got no clear answer may reach Upstox's book a moment later: for a while
    /// a tag still missing is an error (still ambiguous), never "not there"
    /// ([`sharewise_broker_kit::memory::order_by_tag`]).
    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        let with_memory = |f: &mut dyn FnMut(&mut OrderMemory)| f(&mut self.state().memory);
        sharewise_broker_kit::memory::order_by_tag("Upstox", tag, with_memory, || self.book()).await
    }

    async fn trades(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        self.trade_book().await
    }

    async fn orders_since(&self, from: TimestampNs) -> Result<Vec<BrokerOrder>, BrokerError> {
        Ok(since(self.book().await?, from, |o| o.updated_ts))
    }

    async fn trades_since(&self, from: TimestampNs) -> Result<Vec<BrokerTrade>, BrokerError> {
        Ok(since(self.trade_book().await?, from, |t| t.fill.ts))
    }

    async fn account_id(&self) -> Result<String, BrokerError> {
        let profile: WireProfile = self.read(Lane::Reads, "/v2/user/profile", &[]).await?;
        Ok(profile.user_id)
    }

    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        let wire: Vec<WirePosition> = self
            .read(Lane::Reads, "/v2/portfolio/short-term-positions", &[])
            .await?;
        Ok(convert::positions(&wire, &self.shared.listings))
    }

    async fn funds(&self) -> Result<Funds, BrokerError> {
        let query = [("segment", "SEC".to_string())];
        let wire: WireFunds = self
            .read(Lane::Reads, "/v2/user/get-funds-and-margin", &query)
            .await?;
        Ok(convert::funds(&wire))
    }

    async fn holdings(&self) -> Result<Vec<Holding>, BrokerError> {
        let wire: Vec<WireHolding> = self
            .read(Lane::Reads, "/v2/portfolio/long-term-holdings", &[])
            .await?;
        Ok(convert::holdings(&wire, &self.shared.listings))
    }
}

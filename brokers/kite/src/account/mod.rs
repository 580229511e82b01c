//! A Kite account as a [`Broker`]: orders placed, changed and read over Kite's REST API through
//! the account's [`Gate`] (session, breaker, rate limits), Kite's payloads read into the common
//! types, and every session change pushed to the subscriber.
//!
//! What Kite gives and what it does not, and how the gaps are bridged:
//! - Kite keeps only the day's order and trade books. [`Broker::order_by_tag`],
//!   [`Broker::orders_since`] and [`Broker::trades_since`] answer from them; an order of an
//!   earlier day is gone by the next morning (Kite cancels the day's open orders at the close).
//! - Kite does not refuse a second order with the same tag. The account remembers every tag it
//!   has placed or seen in the day's book, and placing a known tag returns that order instead.
//! - A placement answered with an order id is `Pending` until the book or the order-update
//!   stream says more. One with no answer, or a 5xx after sending, is
//!   [`PlaceOutcome::Unresolved`]: never re-sent, looked up by tag.
//! - Kite's trades carry no charges: each fill's fees are estimated with Zerodha's rates; the
//!   contract note is the final word.
//! - Reads are retried with backoff and full jitter while the failure is safe to repeat and
//!   the breaker lets them through; order calls are sent once.

pub mod gate;
pub mod market_data;
pub mod stream;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use kiteconnect::AccessToken;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sharewise_broker_kit::{OrderMemory, Subscriber};
use sharewise_brokers::{
    Broker, BrokerError, BrokerOrder, BrokerTrade, BrokerUpdate, ErrorKind, Funds, Holding, Modify,
    PlaceOutcome, SessionState, UpdateReceiver, VenueStatus,
};
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Instrument, Order, Position};
use sharewise_net::Backoff;

use crate::rest::convert::{self, Listings, OrderPolicy, Skip};
use crate::rest::wire::{
    WireHolding, WireMargins, WireOrder, WireOrderId, WirePositions, WireProfile, WireTrade,
};
use crate::rest::{CallFailure, Endpoint, Transport};
use gate::{Admit, Gate, GateConfig, Lane, KITE};

/// Everything an account needs besides its session.
#[derive(Clone, Debug)]
pub struct KiteConfig {
    /// Where Kite is and which address to leave from.
    pub endpoint: Endpoint,
    /// The instruments this account trades.
    pub instruments: Vec<Instrument>,
    /// Market protection, algo id, fee estimate.
    pub policy: OrderPolicy,
    /// Rate limits and breaker.
    pub gate: GateConfig,
}

/// One Kite account (cheap to clone; clones share the session and books).
#[derive(Clone)]
pub struct KiteAccount {
    shared: Arc<Shared>,
}

struct Shared {
    transport: Transport,
    listings: Listings,
    policy: OrderPolicy,
    state: Mutex<State>,
    subscriber: Subscriber,
    stream: Arc<stream::StreamStats>,
    pushed: Mutex<stream::Pushed>,
    stream_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

struct State {
    gate: Gate<AccessToken>,
    memory: OrderMemory,
}

impl std::fmt::Debug for KiteAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KiteAccount")
            .field("endpoint", self.shared.transport.endpoint())
            .field("session", &self.session())
            .finish_non_exhaustive()
    }
}

impl KiteAccount {
    /// An account of `config`, logged in with `token` if one is given (else it needs a login
    /// and sends nothing).
    pub fn new(config: KiteConfig, token: Option<AccessToken>) -> Result<KiteAccount, BrokerError> {
        Ok(KiteAccount {
            shared: Arc::new(Shared {
                transport: Transport::new(config.endpoint)?,
                listings: Listings::new(config.instruments),
                policy: config.policy,
                state: Mutex::new(State {
                    gate: Gate::new(KITE, &config.gate, token),
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
    pub async fn log_in(&self, token: AccessToken) {
        let change = self.state().gate.log_in(token);
        self.announce(change);
    }

    /// Where the account connects.
    pub fn endpoint(&self) -> &Endpoint {
        self.shared.transport.endpoint()
    }

    /// The token calls carry now, if the session is usable (the feed's connections use it too).
    pub fn current_token(&self) -> Option<AccessToken> {
        self.state().gate.token()
    }

    /// A read of `path` with no query.
    async fn read_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, BrokerError> {
        self.read(Lane::Reads, path, &[]).await
    }

    /// How many times the circuit breaker has opened.
    pub fn breaker_openings(&self) -> u64 {
        self.state().gate.times_opened()
    }

    /// Pushes `update` to the subscriber, if there is one (waiting for room: never dropped).
    pub(crate) async fn push(&self, update: BrokerUpdate) {
        self.shared.subscriber.push(update).await;
    }

    /// Says a session change to the subscriber without waiting.
    fn announce(&self, change: Option<SessionState>) {
        self.shared.subscriber.announce(change);
    }

    /// The session ends at `at` (wall clock; Kite: the next 06:00 IST after the login): from
    /// then on nothing is sent on its token and the subscriber hears it needs a login.
    pub fn expire_at(&self, at: std::time::SystemTime) {
        self.state().gate.expire_at(at);
    }

    /// One call through the gate: waits for rate-limit room, sends once, records the outcome.
    async fn call(
        &self,
        lane: Lane,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        form: &[(&str, String)],
    ) -> Result<Value, CallFailure> {
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
        let result = self
            .shared
            .transport
            .call(method, path, query, form, &token)
            .await;
        let change = self
            .state()
            .gate
            .record(result.as_ref().map(|_| ()), &token, Instant::now());
        self.announce(change);
        result
    }

    /// A read, retried with backoff while the failure is safe to repeat.
    async fn read<T: DeserializeOwned>(
        &self,
        lane: Lane,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        let mut attempt = 0;
        loop {
            let failure = match self.call(lane, Method::GET, path, query, &[]).await {
                Ok(data) => return decode(path, data),
                Err(f) => f,
            };
            let again = failure.retry_safe();
            let delay = again
                .then(|| Backoff::READS.delay(attempt, &mut rand::rng()))
                .flatten();
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(failure.into_error()),
            }
            attempt += 1;
        }
    }

    /// The day's book of our orders, remembering each one's tag.
    async fn book(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        let wire: Vec<WireOrder> = self.read(Lane::Reads, "/orders", &[]).await?;
        let mut ours = Vec::with_capacity(wire.len());
        for w in &wire {
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

    /// Our order tagged `tag`, from memory or else the day's book.
    async fn known(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        if let Some(order) = self.state().memory.get(tag).cloned() {
            return Ok(order);
        }
        self.book().await?;
        self.state().memory.get(tag).cloned().ok_or_else(|| {
            BrokerError::invalid(format!("no order tagged {tag} in Kite's book today"))
        })
    }

    /// The latest state of Kite order `order_id` (the last entry of its history).
    pub(crate) async fn refresh(&self, order_id: &str) -> Result<BrokerOrder, BrokerError> {
        let path = format!("/orders/{order_id}");
        let history: Vec<WireOrder> = self.read(Lane::Reads, &path, &[]).await?;
        let last = history.last().ok_or_else(|| {
            BrokerError::invalid(format!("Kite has no history for order {order_id}"))
        })?;
        let order = match convert::broker_order(last, &self.shared.listings) {
            Ok(order) => order,
            Err(Skip::NotOurs) => {
                return Err(BrokerError::invalid(format!(
                    "order {order_id} was not placed by ShareWise"
                )))
            }
            Err(Skip::Unreadable(m)) => return Err(convert::unreadable(m)),
        };
        self.remember(&order);
        Ok(order)
    }

    fn remember(&self, order: &BrokerOrder) {
        self.state().memory.remember(order);
    }

    /// Trades of the day in common terms (the book is read first if a trade's order is unknown).
    async fn trade_book(&self) -> Result<Vec<BrokerTrade>, BrokerError> {
        let wire: Vec<WireTrade> = self.read(Lane::Reads, "/trades", &[]).await?;
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

    /// Sends a modify or cancel of our order `tag` and reads back its new state.
    async fn change(
        &self,
        tag: ClientOrderId,
        method: Method,
        form: impl FnOnce(&BrokerOrder) -> Vec<(&'static str, String)>,
    ) -> Result<BrokerOrder, BrokerError> {
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
        let path = format!("/orders/regular/{}", order.order_id);
        let form = form(&order);
        self.call(Lane::Orders, method, &path, &[], &form)
            .await
            .map_err(CallFailure::into_error)?;
        self.refresh(&order.order_id).await
    }
}

fn decode<T: DeserializeOwned>(path: &str, data: Value) -> Result<T, BrokerError> {
    serde_json::from_value(data).map_err(|e| {
        BrokerError::new(
            ErrorKind::Unknown,
            format!("{path}: Kite's answer does not read as expected: {e}"),
        )
    })
}

fn since<T>(items: Vec<T>, since: TimestampNs, ts: impl Fn(&T) -> TimestampNs) -> Vec<T> {
    items.into_iter().filter(|i| ts(i) >= since).collect()
}

impl Broker for KiteAccount {
    fn subscribe(&self) -> UpdateReceiver {
        self.shared.subscriber.subscribe()
    }

    fn session(&self) -> SessionState {
        self.state().gate.session().clone()
    }

    /// Kite's books hold the day only: from today's IST midnight.
    fn books_from(&self) -> TimestampNs {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as TimestampNs);
        sharewise_engine::time::ist_midnight(sharewise_engine::time::ist_day(now))
    }

    async fn place(&self, order: &Order) -> Result<PlaceOutcome, BrokerError> {
        let Some(instrument) = self.shared.listings.get(order.instrument) else {
            return Err(BrokerError::invalid(format!(
                "instrument {:?} is not among this Kite account's instruments",
                order.instrument
            )));
        };
        if let Some(existing) = self.state().memory.get(order.client_id).cloned() {
            return Ok(PlaceOutcome::Placed(existing));
        }
        let form = convert::placement_form(order, instrument, &self.shared.policy);
        let tag = order.client_id;
        match self
            .call(Lane::Orders, Method::POST, "/orders/regular", &[], &form)
            .await
        {
            Ok(data) => match serde_json::from_value::<WireOrderId>(data) {
                Ok(id) => {
                    let placed = BrokerOrder {
                        order_id: id.order_id,
                        request: *order,
                        status: VenueStatus::Pending,
                        filled_qty: 0,
                        avg_price: rust_decimal::Decimal::ZERO,
                        status_message: None,
                        updated_ts: order.created_ts,
                    };
                    // The order stream may have told of it already, with a newer state: kept.
                    self.state().memory.placed(&placed);
                    Ok(PlaceOutcome::Placed(placed))
                }
                Err(e) => Ok(PlaceOutcome::Unresolved {
                    tag,
                    reason: format!(
                        "Kite accepted the placement but its answer has no order id: {e}"
                    ),
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
        let policy = self.shared.policy.clone();
        self.change(tag, Method::PUT, move |o| {
            convert::modify_form(&o.request, &change, &policy)
        })
        .await
    }

    async fn cancel(&self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        self.change(tag, Method::DELETE, |_| Vec::new()).await
    }

    async fn orders(&self) -> Result<Vec<BrokerOrder>, BrokerError> {
        self.book().await
    }

    /// A placement that got no clear answer may reach Kite's book a moment later: for a while a
    /// tag still missing is an error (still ambiguous), never "not there"
    /// ([`sharewise_broker_kit::memory::order_by_tag`]).
    async fn order_by_tag(&self, tag: ClientOrderId) -> Result<Option<BrokerOrder>, BrokerError> {
        let with_memory = |f: &mut dyn FnMut(&mut OrderMemory)| f(&mut self.state().memory);
        sharewise_broker_kit::memory::order_by_tag("Kite", tag, with_memory, || self.book()).await
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
        let profile: WireProfile = self.read(Lane::Reads, "/user/profile", &[]).await?;
        Ok(profile.user_id)
    }

    async fn positions(&self) -> Result<Vec<Position>, BrokerError> {
        let wire: WirePositions = self.read(Lane::Reads, "/portfolio/positions", &[]).await?;
        Ok(convert::positions(&wire.net, &self.shared.listings))
    }

    async fn funds(&self) -> Result<Funds, BrokerError> {
        let wire: WireMargins = self.read(Lane::Reads, "/user/margins", &[]).await?;
        Ok(convert::funds(&wire))
    }

    async fn holdings(&self) -> Result<Vec<Holding>, BrokerError> {
        let wire: Vec<WireHolding> = self.read(Lane::Reads, "/portfolio/holdings", &[]).await?;
        Ok(convert::holdings(&wire, &self.shared.listings))
    }
}

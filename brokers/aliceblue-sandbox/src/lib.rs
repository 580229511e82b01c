//! A local imitation of AliceBlue's v2 "Open API" (ANT, Codifi-based) for development, demos and
//! tests: the AliceBlue twin of `sharewise-upstox-sandbox`. It answers in the paths, field names,
//! envelope and status words that AliceBlue's v2 API is known by, so the AliceBlue adapter's
//! tests and the daemon's demos run against it unchanged but for the base URL.
//!
//! Where the facts come from: brokers.md §3 (itself from several third-party client codebases
//! and Codifi's library constants: no official page was retrieved) and public client code read
//! for field names (`brokerOrderId`, `orderStatus`, `filledQuantity`, `averageTradedPrice`,
//! `rejectionReason`, `marketProtectionPercent`, `algoId`, `orderTag`, `tradingLimit`,
//! `openingCashLimit`, the contract master's CSV columns). Everything else — the trade book's and
//! position book's field names, the time format, order id format, error wording — is the
//! sandbox's own guess, marked [U] where it is defined.
//!
//! What it serves, all on one address:
//! - the login ([`session`]): `GET /?appcode=` redirects with `authCode` and `userId`; `POST
//!   /open-api/od/v1/vendor/getUserDetails` checks `sha256(userId + authCode + apiSecret)` and
//!   issues the `userSession`; `Authorization: Bearer <userSession>` on every other call;
//! - the envelope and the empty-book codes EC916 (orders), EC920 (positions), EC927 (trades)
//!   ([`envelope`]);
//! - orders on the paper venue (`src/orders.rs`, `src/handlers.rs`): place (a JSON array),
//!   modify, cancel, the order book, history and the trade book;
//! - positions, (empty) holdings, limits and the profile (`src/account.rs`);
//! - the NSE contract master as CSV (`src/instruments.rs`);
//! - the rate limit, the static-IP rule on order calls, slow answers (`src/gate.rs`);
//! - faults at `POST /__sandbox/faults` (the venue's [`faults`] request; `fail_next` takes an
//!   `ECnnn` code or any message, with an optional HTTP status, 200 by default).
//!
//! AliceBlue's v2 order-update WebSocket is not imitated (the adapter polls the order book).
//! The market — listing, price path on a simulated clock, paper venue — is the broker-neutral
//! `sharewise-sandbox-venue`, shared with the Kite and Upstox sandboxes.

mod account;
pub mod envelope;
mod gate;
mod handlers;
pub mod instruments;
mod orders;
pub mod session;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sharewise_engine::time::{ist_midnight, weekdays_before, NSE_OPEN_IST_NS};
use sharewise_engine::types::{ClientOrderId, Tick};
use sharewise_sandbox_venue::faults::{FaultRequest, Faults};
use sharewise_sandbox_venue::venue::Venue;

pub use sharewise_sandbox_venue::faults;
pub use sharewise_sandbox_venue::market;

use envelope::{ok, AliceError};
use market::Listed;
use orders::Placed;
use session::{Identity, Sessions};

/// How the sandbox is set up.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The app and user it plays.
    pub identity: Identity,
    /// The user's cash, rupees.
    pub cash: u64,
    /// The instruments it lists.
    pub listing: Vec<Listed>,
    /// Simulated seconds per wall-clock second of the price path.
    pub speed: f64,
    /// The price path's seed.
    pub seed: u64,
    /// The live session's IST day (days since 1970-01-01).
    pub start_day: i64,
    /// Weekday sessions of history before it.
    pub history_sessions: u32,
    /// The whitelisted static IPs order requests must come from; any address when empty.
    pub allowed_ips: Vec<std::net::IpAddr>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            identity: Identity {
                app_code: "sandbox-aliceblue-app-code".into(),
                api_secret: "sandbox-aliceblue-api-secret".into(),
                user_id: "SW0001".into(),
                redirect_url: "http://127.0.0.1/aliceblue/callback".into(),
            },
            cash: 1_000_000,
            listing: market::default_listing(),
            speed: 60.0,
            seed: 42,
            start_day: sharewise_engine::time::days_from_civil(2026, 1, 5),
            history_sessions: 5,
            allowed_ips: Vec::new(),
        }
    }
}

/// The sandbox's state, shared by its handlers.
#[derive(Debug)]
pub struct Sandbox {
    config: SandboxConfig,
    inner: Mutex<Inner>,
    limits: gate::Limits,
}

#[derive(Debug)]
struct Inner {
    sessions: Sessions,
    faults: Faults<AliceError>,
    /// The paper venue, the day's quotes and the simulated clock.
    venue: Venue,
    /// What the venue does not keep of each order, by its venue key.
    orders: HashMap<ClientOrderId, Placed>,
    /// AliceBlue order id → venue key.
    ids: HashMap<String, ClientOrderId>,
    /// Orders placed so far (the sequence in the order ids).
    placed_count: u64,
}

impl Sandbox {
    /// A sandbox with `config`.
    pub fn new(config: SandboxConfig) -> Arc<Sandbox> {
        Arc::new(Sandbox {
            inner: Mutex::new(Inner {
                sessions: Sessions::default(),
                faults: Faults::default(),
                venue: Venue::new(&config.listing, config.cash, config.start_day),
                orders: HashMap::new(),
                ids: HashMap::new(),
                placed_count: 0,
            }),
            limits: gate::Limits::default(),
            config,
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked mid-update leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks an authenticated request (after any armed fault).
    fn authorized(&self, headers: &HeaderMap) -> Result<(), AliceError> {
        let mut inner = self.inner();
        if let Some(fault) = inner.faults.take() {
            return Err(fault);
        }
        let now = inner.venue.now();
        inner.sessions.authorize(headers, now)
    }

    /// Plays one live trade: fills resting orders and records their new states.
    fn on_tick(&self, tick: &Tick) {
        let mut inner = self.inner();
        for order in inner.venue.on_live(tick) {
            self.record(&mut inner, order.tag(), None);
        }
    }

    /// Records order `tag`'s state now (as `status`, or its own) in its history.
    fn record(&self, inner: &mut Inner, tag: ClientOrderId, status: Option<&str>) {
        let Some(order) = inner.venue.order(tag) else {
            return;
        };
        let Some(listed) = self.config.listing.get(order.request.instrument.0 as usize) else {
            return;
        };
        if let Some(placed) = inner.orders.get_mut(&tag) {
            let fields = orders::order_json(&order, placed, listed, status);
            placed.history.push(fields);
        }
    }

    /// Order `o` in the order book's shape, now.
    fn order_now(&self, inner: &Inner, o: &sharewise_brokers::BrokerOrder) -> Option<Value> {
        let placed = inner.orders.get(&o.tag())?;
        let listed = self.config.listing.get(o.request.instrument.0 as usize)?;
        Some(orders::order_json(o, placed, listed, None))
    }
}

/// The sandbox's routes over `sandbox`.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    const OD: &str = "/open-api/od/v1";
    Router::new()
        .route("/", get(login_page))
        .route(&format!("{OD}/vendor/getUserDetails"), post(user_details))
        .route(&format!("{OD}/profile/"), get(account::profile))
        .route(&format!("{OD}/limits/"), get(account::limits))
        .route(&format!("{OD}/positions"), get(account::positions))
        .route(&format!("{OD}/holdings/CNC"), get(account::holdings))
        .route(&format!("{OD}/orders/placeorder"), post(handlers::place))
        .route(&format!("{OD}/orders/modify"), post(handlers::modify))
        .route(&format!("{OD}/orders/cancel"), post(handlers::cancel))
        .route(&format!("{OD}/orders/book"), get(handlers::order_book))
        .route(&format!("{OD}/orders/history"), post(handlers::history))
        .route(&format!("{OD}/orders/trades"), get(handlers::trades))
        .route(
            "/restpy/static/contract_master/{file}",
            get(instruments::master),
        )
        .route("/__sandbox/faults", post(arm_faults))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&sandbox),
            gate::check,
        ))
        .with_state(sandbox)
}

/// Serves `sandbox` on `listener`, its price path moving, until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    sandbox: Arc<Sandbox>,
) -> std::io::Result<()> {
    let first_day = weekdays_before(sandbox.config.start_day, sandbox.config.history_sessions);
    let path = market::price_path(&sandbox.config.listing, sandbox.config.seed, first_day)
        .map_err(std::io::Error::other)?;
    let live_open = ist_midnight(sandbox.config.start_day) + NSE_OPEN_IST_NS;
    let (history, live) = (Arc::clone(&sandbox), Arc::clone(&sandbox));
    let market = tokio::spawn(market::play(
        path,
        live_open,
        sandbox.config.speed,
        move |tick| history.inner().venue.record_history(tick),
        move |tick| live.on_tick(tick),
    ));
    let app = router(sandbox).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app).await;
    market.abort();
    served
}

/// What every handler is given: the sandbox.
type Shared = State<Arc<Sandbox>>;

async fn not_found() -> Response {
    AliceError::with_status(StatusCode::NOT_FOUND, "Not Found").into_response()
}

async fn login_page(State(sb): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    sb.inner().sessions.login(&sb.config.identity, &q)
}

async fn user_details(State(sb): Shared, Json(body): Json<Value>) -> Response {
    let mut inner = sb.inner();
    let now = inner.venue.now();
    inner.sessions.user_details(&sb.config.identity, &body, now)
}

async fn arm_faults(State(sb): Shared, Json(req): Json<FaultRequest>) -> Response {
    let mut inner = sb.inner();
    let expired = if req.expire_sessions {
        inner.sessions.expire_all()
    } else {
        0
    };
    if let Some(fail) = &req.fail_next {
        let status = match fail.status {
            Some(s) => match StatusCode::from_u16(s) {
                Ok(s) => s,
                Err(_) => {
                    return AliceError::invalid("status", "is not an HTTP status").into_response()
                }
            },
            None => StatusCode::OK,
        };
        inner.faults.fail_next(
            fail.count,
            AliceError::with_status(status, fail.error_type.clone()),
        );
    }
    inner.faults.arm_delays(req.stall_placements, req.slow);
    let (stalling, slowing) = inner.faults.delays_pending();
    ok(json!({
        "sessions_expired": expired,
        "failing_next": inner.faults.pending(),
        "stalling_placements": stalling,
        "slow_calls": slowing,
        "sockets_dropped": 0,
    }))
}

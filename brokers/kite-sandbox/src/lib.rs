//! A local imitation of Zerodha's Kite Connect v3 for development, demos and tests
//! (`sharewise sandbox kite --listen ADDR`). Zerodha offers no sandbox; this one answers as Kite
//! does, closely enough that Zerodha's own client library works against it unchanged when pointed
//! at its address.
//!
//! What it serves (brokers.md §1 has the facts; recorded bodies in `../shared/fixtures/kite/`):
//! - login and sessions ([`session`]): `GET /connect/login`, `POST /session/token` with the
//!   checksum, `DELETE /session/token`, the `Authorization: token api_key:access_token` header;
//! - Kite's envelopes and error types ([`envelope`]);
//! - `GET /user/profile` and `GET /user/margins` in Kite's shapes;
//! - orders (`src/orders.rs`): `POST`, `PUT` and `DELETE /orders/regular[/{order_id}]`,
//!   `GET /orders`, `GET /orders/{order_id}`, `GET /orders/{order_id}/trades`, `GET /trades`, kept and filled by the paper matching
//!   engine on a synthetic price path ([`market`]);
//! - `GET /portfolio/positions` netted from the day's trades (`src/positions.rs`), and `GET
//!   /portfolio/holdings` (empty: the sandbox's account starts each run with cash only);
//! - `GET /instruments[/NSE]`, Kite's public CSV dump of the listing, and
//!   `GET /instruments/historical/{token}/{interval}`, candles of the history sessions and the live
//!   day so far (`src/candles.rs`);
//! - the ticker WebSocket at `/` (`src/ticker.rs`): subscribe, mode, unsubscribe; Kite's binary
//!   messages for the instruments' trades, heartbeats, order updates as text frames;
//! - Kite's checks before any handler (`src/gate.rs`): the static-IP whitelist on order requests
//!   (`allowed_ips`), the rate limits per endpoint class (429), and slow answers on demand;
//! - faults on demand ([`faults`]): session expiry, any error type for the next calls, placements
//!   booked but answered late, slow answers, ticker sockets cut.

mod candles;
pub mod envelope;
pub mod faults;
mod gate;
mod handlers;
pub mod market;
mod orders;
mod positions;
mod quotes;
pub mod session;
mod ticker;
mod user;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Json, Router};
use serde_json::json;

use envelope::{ok, ErrorType, KiteError};
use faults::{FaultRequest, Faults};
use market::Listed;
use orders::Placed;
use session::{Identity, Session, Sessions};
use sharewise_brokers::BrokerOrder;
use sharewise_engine::time::{ist_midnight, weekdays_before, NSE_OPEN_IST_NS};
use sharewise_sandbox_venue::venue::Venue;

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
    /// Weekday sessions of history before it (candles, previous close).
    pub history_sessions: u32,
    /// The whitelisted static IPs order requests must come from; any address when empty.
    pub allowed_ips: Vec<std::net::IpAddr>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            identity: Identity {
                api_key: "sandbox_api_key".into(),
                api_secret: "sandbox_api_secret".into(),
                redirect_url: "http://127.0.0.1/kite/callback".into(),
                user_id: "SW0001".into(),
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
    /// Every instrument's full packet after each of its trades, for the ticker connections.
    ticks: tokio::sync::broadcast::Sender<sharewise_kite::ticker::KiteTick>,
    /// Order updates as the ticker's text frames (`{"type":"order","data":…}`).
    order_updates: tokio::sync::broadcast::Sender<String>,
    /// Bumped by the `drop_sockets` fault: every ticker connection ends.
    drops: tokio::sync::watch::Sender<u64>,
    /// Kite's rate limits.
    limits: gate::Limits,
}

/// Packets a slow ticker connection may fall behind by before it misses some.
const TICK_BACKLOG: usize = 4096;

#[derive(Debug)]
struct Inner {
    sessions: Sessions,
    faults: Faults,
    /// The paper venue that keeps and fills the orders, the day's quotes and the simulated clock.
    venue: Venue,
    /// What the venue does not keep of each order, by order id.
    placed: HashMap<String, Placed>,
}

impl Sandbox {
    /// A sandbox with `config`.
    pub fn new(config: SandboxConfig) -> Arc<Sandbox> {
        Arc::new(Sandbox {
            inner: Mutex::new(Inner {
                sessions: Sessions::default(),
                faults: Faults::default(),
                venue: Venue::new(&config.listing, config.cash, config.start_day),
                placed: HashMap::new(),
            }),
            ticks: tokio::sync::broadcast::channel(TICK_BACKLOG).0,
            order_updates: tokio::sync::broadcast::channel(TICK_BACKLOG).0,
            drops: tokio::sync::watch::channel(0).0,
            limits: gate::Limits::default(),
            config,
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked mid-update leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The session of an authenticated request, after any armed fault.
    fn authorized(&self, headers: &HeaderMap) -> Result<Session, KiteError> {
        let mut inner = self.inner();
        if let Some(fault) = inner.faults.take() {
            return Err(fault);
        }
        inner
            .sessions
            .authorize(&self.config.identity, headers)
            .cloned()
    }
}

/// The sandbox's routes over `sandbox`.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/", get(ticker::connect))
        .route("/connect/login", get(login))
        .route("/session/token", post(session_token).delete(logout))
        .route("/user/profile", get(profile))
        .route("/user/margins", get(margins))
        .route("/orders", get(handlers::list_orders))
        .route(
            "/orders/{id}",
            get(handlers::order_history).post(handlers::place),
        )
        .route(
            "/orders/{variety}/{order_id}",
            delete(handlers::cancel)
                .put(handlers::modify)
                .get(handlers::order_trades),
        )
        .route("/trades", get(handlers::list_trades))
        .route("/portfolio/positions", get(handlers::list_positions))
        .route("/portfolio/holdings", get(handlers::list_holdings))
        .route("/instruments", get(handlers::instrument_dump))
        .route("/instruments/{exchange}", get(handlers::instrument_dump_of))
        .route(
            "/instruments/historical/{token}/{interval}",
            get(handlers::historical),
        )
        .route("/__sandbox/faults", post(arm_faults))
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
    let path = market::price_path(
        &sandbox.config.listing,
        sandbox.config.seed,
        sandbox.first_day(),
    )
    .map_err(std::io::Error::other)?;
    let live_open = ist_midnight(sandbox.config.start_day) + NSE_OPEN_IST_NS;
    let (history, live) = (Arc::clone(&sandbox), Arc::clone(&sandbox));
    let market = tokio::spawn(sharewise_sandbox_venue::market::play(
        path,
        live_open,
        sandbox.config.speed,
        move |tick| history.record_history(tick),
        move |tick| live.on_tick(tick),
    ));
    let app = router(sandbox).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app).await;
    market.abort();
    served
}

impl Sandbox {
    /// The first IST day of the price path: the history sessions before the live day.
    fn first_day(&self) -> i64 {
        weekdays_before(self.config.start_day, self.config.history_sessions)
    }

    /// Books one trade of the history sessions: the day's quote and the clock only.
    fn record_history(&self, tick: &sharewise_engine::types::Tick) {
        self.inner().venue.record_history(tick);
    }

    /// Plays one trade of the price path through the venue (fills resting orders).
    fn on_tick(&self, tick: &sharewise_engine::types::Tick) {
        let k = tick.instrument.0 as usize;
        let packet = {
            let mut inner = self.inner();
            for order in inner.venue.on_live(tick) {
                self.announce(&inner, &order);
            }
            inner
                .venue
                .quote(k)
                .zip(self.config.listing.get(k))
                .and_then(|(quote, listed)| quotes::packet(quote, listed))
        };
        if let Some(packet) = packet {
            // No ticker connection: nobody to tell.
            let _ = self.ticks.send(packet);
        }
    }

    /// Pushes `order`'s state to the ticker connections, as Kite's order updates.
    fn announce(&self, inner: &Inner, order: &BrokerOrder) {
        let who = &self.config.identity;
        let fields = orders::order_json(
            order,
            inner.placed.get(&order.order_id),
            self.listed(order),
            &who.user_id,
        );
        let update = orders::update_json(fields, &who.user_id, &who.api_secret);
        // No ticker connection: nobody to tell.
        let _ = self
            .order_updates
            .send(json!({"type": "order", "data": update}).to_string());
    }

    fn listed(&self, o: &BrokerOrder) -> &Listed {
        &self.config.listing[o.request.instrument.0 as usize]
    }
}

/// What every handler is given: the sandbox.
type Shared = State<Arc<Sandbox>>;

async fn login(State(sb): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    let api_key = q.get("api_key").map(String::as_str);
    sb.inner().sessions.login(&sb.config.identity, api_key)
}

async fn session_token(State(sb): Shared, Form(form): Form<HashMap<String, String>>) -> Response {
    let who = &sb.config.identity;
    let session = sb.inner().sessions.exchange(who, &form);
    match session {
        Ok(session) => ok(user::session_body(who, &session)),
        Err(e) => e.into_response(),
    }
}

async fn logout(State(sb): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    let who = &sb.config.identity;
    if q.get("api_key") != Some(&who.api_key) {
        return KiteError::new(ErrorType::Input, "Invalid `api_key`.").into_response();
    }
    let Some(token) = q.get("access_token") else {
        return KiteError::new(ErrorType::Input, "Missing `access_token`.").into_response();
    };
    ok(sb.inner().sessions.logout(token))
}

async fn profile(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers) {
        Ok(_) => ok(user::profile(&sb.config.identity)),
        Err(e) => e.into_response(),
    }
}

async fn margins(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers) {
        Ok(_) => ok(user::margins(&sb.inner().venue.paper().funds())),
        Err(e) => e.into_response(),
    }
}

async fn arm_faults(State(sb): Shared, Json(req): Json<FaultRequest>) -> Response {
    let mut inner = sb.inner();
    let expired = if req.expire_sessions {
        inner.sessions.expire_all()
    } else {
        0
    };
    if let Some(fail) = &req.fail_next {
        if let Err(e) = faults::arm(&mut inner.faults, fail) {
            return e.into_response();
        }
    }
    inner.faults.arm_delays(req.stall_placements, req.slow);
    let dropped = if req.drop_sockets {
        sb.drops.send_modify(|n| *n += 1);
        sb.drops.receiver_count()
    } else {
        0
    };
    let (stalling, slowing) = inner.faults.delays_pending();
    ok(json!({
        "sessions_expired": expired,
        "failing_next": inner.faults.pending(),
        "stalling_placements": stalling,
        "slow_calls": slowing,
        "sockets_dropped": dropped,
    }))
}

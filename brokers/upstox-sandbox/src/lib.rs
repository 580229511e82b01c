//! A local imitation of Upstox's API v2/v3 for development, demos and tests
//! (the Upstox twin of `sharewise-kite-sandbox`). It answers as Upstox documents — paths, headers,
//! JSON field names, envelopes, error codes, status words (brokers.md §0 and §2; recorded bodies
//! in `../shared/fixtures/upstox/`) — so the Upstox adapter's tests and the daemon's demos run
//! against it unchanged but for the base URL.
//!
//! What it serves, all on one address:
//! - OAuth2 login ([`session`]): the authorization dialog's redirect with a one-time code, the
//!   token exchange, `DELETE /v2/logout`, `Authorization: Bearer` on every other call, tokens that
//!   end at 03:30 IST of the next day on the simulated clock;
//! - Upstox's envelopes and error codes ([`envelope`]); `Api-Version: 2.0` on v2 calls;
//! - orders on the paper venue (`src/orders.rs`, `src/handlers.rs`): v2 and v3 place, modify and
//!   cancel, the order book, details, history, trades;
//! - the portfolio (`src/account.rs`): short-term positions netted from the day's trades, (empty)
//!   holdings, funds and margin moving with fills, the profile;
//! - v3 historical and intraday candles, newest first (`src/candles.rs`);
//! - the gzip JSON instrument dump at `/market-quote/instruments/exchange/NSE.json.gz`
//!   (`src/instruments.rs`);
//! - the market data feed v3, protobuf over a single-use WebSocket (`src/feed.rs`), and the
//!   portfolio stream of order updates (`src/stream.rs`);
//! - Upstox's rate limits, the static-IP rule on order requests, slow answers (`src/gate.rs`);
//! - faults on demand at `POST /__sandbox/faults` (the venue's [`faults`] request, Upstox's codes).
//!
//! The market — listing, synthetic price path on a simulated clock, paper venue — is the
//! broker-neutral `sharewise-sandbox-venue`, shared with the Kite sandbox.

mod account;
mod candles;
pub mod envelope;
mod feed;
mod gate;
mod handlers;
mod instruments;
mod orders;
pub mod session;
mod stream;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::json;
use sharewise_engine::time::{ist_midnight, weekdays_before, NSE_OPEN_IST_NS};
use sharewise_engine::types::{ClientOrderId, Tick};
use sharewise_sandbox_venue::faults::{FailNext, FaultRequest, Faults};
use sharewise_sandbox_venue::quote::DayQuote;
use sharewise_sandbox_venue::venue::Venue;

pub use sharewise_sandbox_venue::faults;
pub use sharewise_sandbox_venue::market;

use envelope::{ok, UpstoxError};
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
    /// Weekday sessions of history before it (candles, previous close).
    pub history_sessions: u32,
    /// The whitelisted static IPs order requests must come from; any address when empty.
    pub allowed_ips: Vec<std::net::IpAddr>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            identity: Identity {
                api_key: "sandbox-upstox-api-key".into(),
                api_secret: "sandbox-upstox-api-secret".into(),
                redirect_uri: "http://127.0.0.1/upstox/callback".into(),
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

/// One instrument's day after one of its trades, for the market feed connections.
type QuoteUpdate = (usize, DayQuote);

/// The sandbox's state, shared by its handlers.
#[derive(Debug)]
pub struct Sandbox {
    config: SandboxConfig,
    inner: Mutex<Inner>,
    /// Each instrument's day after each of its trades.
    quotes: tokio::sync::broadcast::Sender<QuoteUpdate>,
    /// Order updates as the portfolio stream's text frames.
    order_updates: tokio::sync::broadcast::Sender<String>,
    /// Bumped by the `drop_sockets` fault: every WebSocket ends.
    drops: tokio::sync::watch::Sender<u64>,
    /// Upstox's rate limits.
    limits: gate::Limits,
}

/// Updates a slow WebSocket may fall behind by before it misses some.
const BACKLOG: usize = 4096;

#[derive(Debug)]
struct Inner {
    sessions: Sessions,
    faults: Faults<UpstoxError>,
    /// The paper venue, the day's quotes and the simulated clock.
    venue: Venue,
    /// What the venue does not keep of each order, by its venue key.
    orders: HashMap<ClientOrderId, Placed>,
    /// Upstox order id → venue key.
    ids: HashMap<String, ClientOrderId>,
    /// Orders placed so far (the sequence in the order ids).
    placed_count: u64,
    /// Single-use codes of the market feed's WebSocket URL.
    feed_codes: HashSet<String>,
    /// Single-use codes of the portfolio stream's WebSocket URL.
    stream_codes: HashSet<String>,
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
                feed_codes: HashSet::new(),
                stream_codes: HashSet::new(),
            }),
            quotes: tokio::sync::broadcast::channel(BACKLOG).0,
            order_updates: tokio::sync::broadcast::channel(BACKLOG).0,
            drops: tokio::sync::watch::channel(0).0,
            limits: gate::Limits::default(),
            config,
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked mid-update leaves plain data behind; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks an authenticated request (after any armed fault); its bearer token.
    fn authorized(&self, headers: &HeaderMap, method: &Method) -> Result<String, UpstoxError> {
        let mut inner = self.inner();
        if let Some(fault) = inner.faults.take() {
            return Err(fault);
        }
        let now = inner.venue.now();
        inner.sessions.authorize(headers, method, now)
    }

    /// The first IST day of the price path: the history sessions before the live day.
    fn first_day(&self) -> i64 {
        weekdays_before(self.config.start_day, self.config.history_sessions)
    }

    /// Plays one live trade: fills resting orders, tells the streams.
    fn on_tick(&self, tick: &Tick) {
        let k = tick.instrument.0 as usize;
        let quote = {
            let mut inner = self.inner();
            for order in inner.venue.on_live(tick) {
                self.record(&mut inner, order.tag(), None);
            }
            inner.venue.quote(k).cloned()
        };
        if let Some(quote) = quote {
            // No feed connection: nobody to tell.
            let _ = self.quotes.send((k, quote));
        }
    }

    /// Records order `tag`'s state now (as `status`, or its own) in its history and pushes it
    /// to the portfolio stream.
    fn record(&self, inner: &mut Inner, tag: ClientOrderId, status: Option<&str>) {
        let Some(order) = inner.venue.order(tag) else {
            return;
        };
        let Some(listed) = self.config.listing.get(order.request.instrument.0 as usize) else {
            return;
        };
        let Some(placed) = inner.orders.get_mut(&tag) else {
            return;
        };
        let user = &self.config.identity.user_id;
        let fields = orders::order_json(&order, placed, listed, user, status);
        let update = orders::update_json(&fields, user).to_string();
        placed.history.push(fields);
        // No stream connection: nobody to tell.
        let _ = self.order_updates.send(update);
    }
}

/// The sandbox's routes over `sandbox`.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/v2/login/authorization/dialog", get(dialog))
        .route("/v2/login/authorization/token", post(token))
        .route("/v2/logout", delete(logout))
        .route("/v2/user/profile", get(profile))
        .route("/v2/user/get-funds-and-margin", get(account::funds))
        .route(
            "/v2/portfolio/short-term-positions",
            get(account::positions),
        )
        .route("/v2/portfolio/long-term-holdings", get(account::holdings))
        .route("/v2/order/place", post(handlers::place_v2))
        .route("/v3/order/place", post(handlers::place_v3))
        .route("/v2/order/modify", put(handlers::modify_v2))
        .route("/v3/order/modify", put(handlers::modify_v3))
        .route("/v2/order/cancel", delete(handlers::cancel_v2))
        .route("/v3/order/cancel", delete(handlers::cancel_v3))
        .route("/v2/order/retrieve-all", get(handlers::order_book))
        .route("/v2/order/details", get(handlers::details))
        .route("/v2/order/history", get(handlers::history))
        .route("/v2/order/trades/get-trades-for-day", get(handlers::trades))
        .route("/v2/order/trades", get(handlers::order_trades))
        .route(
            "/v3/historical-candle/intraday/{key}/{unit}/{interval}",
            get(candles::intraday),
        )
        .route(
            "/v3/historical-candle/{key}/{unit}/{interval}/{to}",
            get(candles::historical_to),
        )
        .route(
            "/v3/historical-candle/{key}/{unit}/{interval}/{to}/{from}",
            get(candles::historical),
        )
        .route(
            "/market-quote/instruments/exchange/{file}",
            get(instruments::dump),
        )
        .route("/v3/feed/market-data-feed/authorize", get(feed::authorize))
        .route("/v3/feed/market-data-feed/socket", get(feed::connect))
        .route(
            "/v2/feed/portfolio-stream-feed/authorize",
            get(stream::authorize),
        )
        .route(
            "/v2/feed/portfolio-stream-feed/socket",
            get(stream::connect),
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
    let path = market::price_path(
        &sandbox.config.listing,
        sandbox.config.seed,
        sandbox.first_day(),
    )
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

/// Upstox's gateway answer for a path it does not route.
async fn not_found() -> Response {
    UpstoxError::new(StatusCode::NOT_FOUND, "UDAPI100060", "Resource not Found").into_response()
}

async fn dialog(State(sb): Shared, Query(q): Query<HashMap<String, String>>) -> Response {
    sb.inner().sessions.dialog(&sb.config.identity, &q)
}

async fn token(State(sb): Shared, Form(form): Form<HashMap<String, String>>) -> Response {
    let who = &sb.config.identity;
    let issued = {
        let mut inner = sb.inner();
        let now = inner.venue.now();
        inner.sessions.exchange(who, &form, now)
    };
    match issued {
        Ok(issued) => {
            let mut body = account::profile(who);
            if let Some(fields) = body.as_object_mut() {
                fields.insert("access_token".into(), json!(issued.access_token));
                fields.insert("extended_token".into(), json!(issued.extended_token));
            }
            Json(body).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn logout(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers, &Method::DELETE) {
        Ok(token) => {
            sb.inner().sessions.logout(&token);
            ok(true)
        }
        Err(e) => e.into_response(),
    }
}

async fn profile(State(sb): Shared, headers: HeaderMap) -> Response {
    match sb.authorized(&headers, &Method::GET) {
        Ok(_) => ok(account::profile(&sb.config.identity)),
        Err(e) => e.into_response(),
    }
}

/// Upstox's error for an armed `fail_next`: its code, the status asked or the code's usual one.
fn fault_error(fail: &FailNext) -> Result<UpstoxError, UpstoxError> {
    let code = fail.error_type.as_str();
    let status = match fail.status {
        Some(s) => StatusCode::from_u16(s)
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error()),
        None => UpstoxError::usual_status(code),
    };
    let status = status.ok_or_else(|| {
        UpstoxError::invalid(
            "fail_next",
            &json!({"error_type": code, "status": fail.status}),
            "needs an Upstox code (UDAPI…) and, for any other name, a 4xx/5xx `status`",
        )
    })?;
    Ok(UpstoxError::new(
        status,
        code,
        UpstoxError::usual_message(code),
    ))
}

async fn arm_faults(State(sb): Shared, Json(req): Json<FaultRequest>) -> Response {
    let mut inner = sb.inner();
    let expired = if req.expire_sessions {
        inner.sessions.expire_all()
    } else {
        0
    };
    if let Some(fail) = &req.fail_next {
        match fault_error(fail) {
            Ok(error) => inner.faults.fail_next(fail.count, error),
            Err(e) => return e.into_response(),
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

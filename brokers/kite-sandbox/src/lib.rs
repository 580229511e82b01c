//! A local imitation of Zerodha's Kite Connect v3 for development, demos and tests
//! (`sharewise sandbox kite --listen ADDR`). Zerodha offers no sandbox; this one answers as Kite
//! does, closely enough that Zerodha's own client library works against it unchanged when pointed
//! at its address.
//!
//! What it serves so far (brokers.md §1 has the facts; recorded bodies in
//! `../shared/fixtures/kite/`):
//! - login and sessions ([`session`]): `GET /connect/login`, `POST /session/token` with the
//!   checksum, `DELETE /session/token`, the `Authorization: token api_key:access_token` header;
//! - `GET /user/profile` and `GET /user/margins` in Kite's shapes;
//! - Kite's envelopes and error types ([`envelope`]);
//! - faults on demand ([`faults`]): session expiry, and any error type for the next calls.
//!
//! Orders backed by the paper matching engine, the ticker WebSocket and order updates follow.

pub mod envelope;
pub mod faults;
pub mod session;
mod user;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::json;

use envelope::{ok, ErrorType, KiteError};
use faults::{FaultRequest, Faults};
use session::{Identity, Session, Sessions};

/// How the sandbox is set up.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The app and user it plays.
    pub identity: Identity,
    /// The user's cash, rupees.
    pub cash: u64,
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
        }
    }
}

/// The sandbox's state, shared by its handlers.
#[derive(Debug)]
pub struct Sandbox {
    config: SandboxConfig,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: Sessions,
    faults: Faults,
}

impl Sandbox {
    /// A sandbox with `config`.
    pub fn new(config: SandboxConfig) -> Arc<Sandbox> {
        Arc::new(Sandbox {
            config,
            inner: Mutex::new(Inner::default()),
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
        .route("/connect/login", get(login))
        .route("/session/token", post(session_token).delete(logout))
        .route("/user/profile", get(profile))
        .route("/user/margins", get(margins))
        .route("/__sandbox/faults", post(arm_faults))
        .with_state(sandbox)
}

/// Serves `sandbox` on `listener` until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    sandbox: Arc<Sandbox>,
) -> std::io::Result<()> {
    axum::serve(listener, router(sandbox)).await
}

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
        Ok(_) => ok(user::margins(sb.config.cash)),
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
        if let Err(e) = inner.faults.arm(fail) {
            return e.into_response();
        }
    }
    ok(json!({"sessions_expired": expired, "failing_next": inner.faults.pending()}))
}

//! `sharewise broker login|status|logout ACCOUNT`: a real broker account's day session.
//!
//! SEBI wants the account holder's own two-factor login once per trading day, so the daemon never
//! logs in by itself: `broker login` prints the broker's login page, catches the redirect on a
//! one-shot loopback listener, exchanges the request token for the day's access token and keeps
//! it sealed in the account's directory (`sharewise_brokers::vault`). `broker status` says, per
//! account, whether today's session exists and works (asking the broker); `broker logout` ends
//! it at the broker and forgets it. Kite and Upstox ([`venue`]).

mod redirect;
mod venue;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use sharewise_brokers::vault::{
    self, SessionKey, StoredSession, SESSION_KEY_ENV, SESSION_KEY_FILE,
};
use sharewise_brokers::ErrorKind;
use sharewise_config::{AccountPlan, BrokerKind, Settings};
use sharewise_engine::time::{format_ist, TimestampNs};
use sharewise_live::layout::AccountDir;
use venue::BrokerAccount;

/// `sharewise broker ...`.
#[derive(Args)]
pub struct BrokerArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Log in to the account's broker for the day: open the printed page, log in, and the
    /// session is caught and kept sealed under the data directory.
    Login(LoginArgs),
    /// Whether each broker account (or ACCOUNT) has a working session today; exit 1 if one
    /// needs a login.
    Status(StatusArgs),
    /// End the account's session at the broker and forget it.
    Logout(AccountArgs),
}

/// Where the settings and the data directory are.
#[derive(Args)]
struct Where {
    /// The daemon's settings file (its `[[accounts]]`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The daemon's data directory (sessions are kept in each account's folder).
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
}

#[derive(Args)]
struct LoginArgs {
    /// The `[[accounts]]` name.
    account: String,
    #[command(flatten)]
    place: Where,
    /// The request token (Kite) or code (Upstox) from the redirected address, for a machine
    /// whose browser cannot reach the redirect listener (copy it from the address bar).
    #[arg(long, alias = "code")]
    request_token: Option<String>,
    /// How long to wait for the login, seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

#[derive(Args)]
struct StatusArgs {
    /// One `[[accounts]]` name (default: every broker account).
    account: Option<String>,
    #[command(flatten)]
    place: Where,
}

#[derive(Args)]
struct AccountArgs {
    /// The `[[accounts]]` name.
    account: String,
    #[command(flatten)]
    place: Where,
}

/// Runs `sharewise broker ...`.
pub fn run(args: BrokerArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match args.action {
        Action::Login(a) => runtime.block_on(log_in(a)),
        Action::Status(a) => runtime.block_on(status(a)),
        Action::Logout(a) => runtime.block_on(log_out(a)),
    }
}

fn broker_accounts(place: &Where, only: Option<&str>) -> Result<Vec<BrokerAccount>> {
    let settings = Settings::load_layers(place.config.as_deref(), sharewise_config::env_vars())?;
    let plans = settings.account_plans();
    let pick = |plan: &AccountPlan| -> Option<BrokerAccount> {
        Some(BrokerAccount {
            name: plan.name.clone(),
            broker: plan.broker,
            section: plan.connection.clone()?,
            dir: AccountDir::new(&place.data_dir, &plan.name),
        })
    };
    match only {
        Some(name) => {
            let Some(plan) = plans.iter().find(|p| p.name == name) else {
                let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
                bail!("no account `{name}` in the settings (accounts: {}); add an [[accounts]] entry with broker = \"kite\" or \"upstox\" and its [accounts.<broker>] table", names.join(", "));
            };
            if plan.broker == BrokerKind::Paper {
                bail!("account `{name}` is a paper account: it needs no broker login");
            }
            Ok(vec![
                pick(plan).context("this account has no broker connection table")?
            ])
        }
        None => Ok(plans.iter().filter_map(pick).collect()),
    }
}

fn session_key(data_dir: &Path, create: bool) -> Result<SessionKey> {
    Ok(sharewise_live::real::session_key(data_dir, create)?)
}

fn now_ns() -> TimestampNs {
    sharewise_live::real::now_ns()
}

/// `2026-12-08 06:00 IST`.
fn ist_minute(ts: TimestampNs) -> String {
    let text = format_ist(ts);
    format!(
        "{} IST",
        text.get(..16).unwrap_or(&text).replacen('T', " ", 1)
    )
}

async fn log_in(args: LoginArgs) -> Result<()> {
    let account = broker_accounts(&args.place, Some(&args.account))?.remove(0);
    let title = account.broker.title();
    let secret = account
        .section
        .api_secret(account.broker)
        .map_err(anyhow::Error::msg)?;
    let key = session_key(&args.place.data_dir, true)?;
    let proof = match args.request_token {
        Some(token) => token,
        None => {
            let listen = account.section.redirect_listen();
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| {
                format!("cannot listen for the login redirect on {listen} (in use? set [accounts.{}] redirect_listen)", account.broker.as_str())
            })?;
            let state = redirect::new_state();
            let page = account.login_page(&state)?;
            say!("Open this page, log in to {title} as the account holder, and this command catches the redirect:\n  {page}\nWaiting on http://{listen}/ (the app's redirect URL must be {}); Ctrl-C gives up.", account.redirect_uri());
            let expect = redirect::Expect {
                param: account.redirect_param(),
                state: (account.broker == BrokerKind::Upstox).then_some(state.as_str()),
                broker: title,
            };
            redirect::catch(listener, Duration::from_secs(args.timeout), &expect).await?
        }
    };
    let now = now_ns();
    let session = account.exchange(&secret, &proof, now).await?;
    let stored = StoredSession {
        broker: account.broker.as_str().into(),
        user_id: session.user_id,
        access_token: session.access_token,
        login_time: session.login_time,
        expires_at: session.expires_at,
    };
    let path = account.dir.broker_session();
    vault::save(&path, &key, &account.name, &stored)?;
    say!(
        "Logged in to {title} as {} for account `{}`; the session is sealed in {} (key {}) and ends at {}.",
        stored.user_id,
        account.name,
        path.display(),
        key.id(),
        ist_minute(stored.expires_at)
    );
    Ok(())
}

async fn status(args: StatusArgs) -> Result<()> {
    let accounts = broker_accounts(&args.place, args.account.as_deref())?;
    if accounts.is_empty() {
        say!("No broker accounts in the settings: every account is paper.");
        return Ok(());
    }
    let key = session_key(&args.place.data_dir, false).ok();
    let mut needing = Vec::new();
    for account in &accounts {
        let line = match account_status(account, key.as_ref()).await {
            Ok(line) => line,
            Err(line) => {
                needing.push(account.name.clone());
                line
            }
        };
        say!("{:<16} {:<7} {line}", account.name, account.broker.as_str());
    }
    if !needing.is_empty() {
        bail!(
            "needs a login today: {} (sharewise broker login NAME)",
            needing.join(", ")
        );
    }
    Ok(())
}

/// One account's status line: `Ok` when it can trade, `Err` when it needs a login.
async fn account_status(
    account: &BrokerAccount,
    key: Option<&SessionKey>,
) -> Result<String, String> {
    let path = account.dir.broker_session();
    let Some(key) = key else {
        return Err(format!("needs login: no session key ({SESSION_KEY_ENV} unset, no {SESSION_KEY_FILE} in the data directory)"));
    };
    let stored = match vault::load(&path, key, &account.name) {
        Ok(Some(stored)) => stored,
        Ok(None) => return Err("needs login: no session yet".into()),
        Err(e) => return Err(format!("needs login: {e}")),
    };
    if stored.broker != account.broker.as_str() {
        // Its token must not reach this broker.
        return Err(format!(
            "needs login: the kept session is a {} session, and this account trades through {}",
            stored.broker,
            account.broker.as_str()
        ));
    }
    if now_ns() >= stored.expires_at {
        return Err(format!(
            "needs login: the session of {} ended at {}",
            stored.user_id,
            ist_minute(stored.expires_at)
        ));
    }
    let title = account.broker.title();
    match account.whoami(&stored.access_token).await {
        Ok(user) if user == stored.user_id => Ok(format!(
            "logged in as {user} (checked with {title}), until {}",
            ist_minute(stored.expires_at)
        )),
        Ok(user) => Err(format!(
            "needs login: the token is {user}'s, not {}'s",
            stored.user_id
        )),
        Err(e) if e.kind == ErrorKind::AuthExpired => Err(format!(
            "needs login: {title} refused the token ({})",
            e.message
        )),
        Err(e) => Ok(format!(
            "session of {} kept until {}, but {title} could not be asked: {e}",
            stored.user_id,
            ist_minute(stored.expires_at)
        )),
    }
}

async fn log_out(args: AccountArgs) -> Result<()> {
    let account = broker_accounts(&args.place, Some(&args.account))?.remove(0);
    let path = account.dir.broker_session();
    let key = session_key(&args.place.data_dir, false)?;
    let Some(stored) = vault::load(&path, &key, &account.name)? else {
        say!("Account `{}` has no session to end.", account.name);
        return Ok(());
    };
    let title = account.broker.title();
    if stored.broker != account.broker.as_str() {
        say!(
            "The kept session is a {} session, not {title}'s: forgetting it without sending it anywhere.",
            stored.broker
        );
    } else if let Err(e) = account.log_out(&stored.access_token).await {
        say!("{title} did not confirm the logout ({e}); forgetting the session anyway.");
    }
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    say!("Logged out of {title} for account `{}`.", account.name);
    Ok(())
}

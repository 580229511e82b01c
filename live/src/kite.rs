//! A Kite account in the daemon: where it connects (Kite itself, or a `sharewise sandbox kite`
//! named by `[accounts.kite] sandbox`), the day's session from the vault (`sharewise broker
//! login` put it there), and the adapter built from both.
//!
//! Without a usable session the account still opens (unless orders of the last run are still in
//! flight), but sends nothing: each order is refused before it leaves, saying a login is needed.
//! A session that appears later (the operator logs in while the daemon runs) is picked up by
//! [`watch_sessions`], and the order actor then checks its user, sweeps and compares the books.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sharewise_brokers::vault::{self, SessionKey, SESSION_KEY_ENV, SESSION_KEY_FILE};
use sharewise_config::{KiteSection, Settings};
use sharewise_engine::time::{format_ist, TimestampNs};
use sharewise_engine::types::Instrument;
use sharewise_kite::login::KITE_LOGIN;
use sharewise_kite::{kite_limits, Endpoint, KiteAccount, KiteConfig, OrderPolicy};

use crate::error::LiveError;
use crate::layout::AccountDir;

/// The account's REST and WebSocket addresses, bound to its egress IP.
pub fn endpoint(kite: &KiteSection) -> Endpoint {
    let mut endpoint = match &kite.sandbox {
        Some(addr) => Endpoint::sandbox(addr, kite.api_key.clone()),
        None => Endpoint::kite(kite.api_key.clone()),
    };
    endpoint.egress_ip = kite.egress_ip;
    endpoint
}

/// Where the account holder logs in: Kite's site, or the sandbox's page.
pub fn login_base(kite: &KiteSection) -> String {
    match &kite.sandbox {
        Some(addr) => format!("http://{addr}"),
        None => KITE_LOGIN.to_string(),
    }
}

/// The session key of data directory `root` (from [`SESSION_KEY_ENV`] or `root/session.key`).
pub fn session_key(root: &Path, create: bool) -> Result<SessionKey, vault::VaultError> {
    let env = std::env::var(SESSION_KEY_ENV).ok();
    SessionKey::resolve(env.as_deref(), &root.join(SESSION_KEY_FILE), create)
}

/// The wall clock, UTC ns.
pub fn now_ns() -> TimestampNs {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as TimestampNs)
}

/// The account's usable session today: its token and when it ends, or why there is none.
pub fn day_session(dir: &AccountDir) -> Result<(kiteconnect::AccessToken, SystemTime), String> {
    let key = session_key(&dir.root, false).map_err(|e| format!("no session key: {e}"))?;
    let stored = vault::load(&dir.broker_session(), &key, &dir.name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "no session yet".to_string())?;
    if now_ns() >= stored.expires_at {
        let ended = format_ist(stored.expires_at);
        return Err(format!(
            "the session of {} ended at {} IST",
            stored.user_id,
            ended.get(..16).unwrap_or(&ended).replacen('T', " ", 1)
        ));
    }
    let ends = UNIX_EPOCH + Duration::from_nanos(stored.expires_at.max(0) as u64);
    kiteconnect::AccessToken::new(stored.access_token)
        .map(|t| (t, ends))
        .map_err(|_| "the kept token is unusable".into())
}

/// The adapter of a Kite account trading `instruments` with `settings`, and why it needs a login
/// (`None`: it has today's session).
pub fn open(
    dir: &AccountDir,
    kite: &KiteSection,
    settings: &Settings,
    instruments: &[Instrument],
) -> Result<(KiteAccount, Option<String>), LiveError> {
    let policy = OrderPolicy {
        market_protection: kite.market_protection.unwrap_or(-1),
        algo_id: kite.algo_id.clone(),
        commission: settings.commission().map_err(LiveError::Settings)?,
    };
    let config = KiteConfig {
        endpoint: endpoint(kite),
        instruments: instruments.to_vec(),
        policy,
        gate: kite_limits(),
    };
    let (token, ends, needs_login) = match day_session(dir) {
        Ok((token, ends)) => (Some(token), Some(ends), None),
        Err(why) => (
            None,
            None,
            Some(format!(
                "needs login ({why}): run `sharewise broker login {}`",
                dir.name
            )),
        ),
    };
    let account = KiteAccount::new(config, token).map_err(LiveError::Broker)?;
    if let Some(ends) = ends {
        account.expire_at(ends);
    }
    Ok((account, needs_login))
}

/// [`open`], then the journal stamped with the Kite user the session belongs to (a journal of
/// another user's refuses it); a session Kite refuses is a login needed, a Kite that cannot be
/// asked refuses the start.
pub(crate) fn open_stamped(
    dir: &AccountDir,
    kite: &KiteSection,
    settings: &Settings,
    instruments: &[Instrument],
    journal: &mut sharewise_store::Journal,
    rt: &tokio::runtime::Runtime,
) -> Result<(KiteAccount, Option<String>), LiveError> {
    let (account, needs_login) = open(dir, kite, settings, instruments)?;
    if let Some(why) = needs_login {
        // Orders left in flight by the last run need the broker's books to settle: no start
        // without a session then (an account with none in flight starts and waits for it).
        let in_flight: Vec<String> = journal
            .orders()
            .into_iter()
            .filter(|o| !o.status.is_terminal())
            .map(|o| format!("{} ({})", o.client_id, o.status))
            .collect();
        if !in_flight.is_empty() {
            return Err(LiveError::Pairing(format!(
                "account {}: {} order(s) of the last run are still in flight ({}) and the account {why}: they can only be settled against Kite's books, so log in first",
                dir.name,
                in_flight.len(),
                in_flight.join(", ")
            )));
        }
        return Ok((account, Some(why)));
    }
    match rt.block_on(sharewise_brokers::Broker::account_id(&account)) {
        Ok(user) => {
            journal.stamp_account(&user)?;
            Ok((account, None))
        }
        Err(e) if e.kind == sharewise_brokers::ErrorKind::AuthExpired => {
            let why = format!(
                "needs login (Kite refused the kept session: {}): run `sharewise broker login {}`",
                e.message, dir.name
            );
            Ok((account, Some(why)))
        }
        Err(e) => Err(LiveError::Broker(sharewise_brokers::BrokerError::new(
            e.kind,
            format!(
                "account {}: Kite cannot be asked at start ({}); try again once it answers",
                dir.name, e.message
            ),
        ))),
    }
}

/// The Kite accounts among `opened` start pushing their order updates (subscribed before:
/// nothing is lost), and a login made while the daemon runs is picked up until `shutdown`.
pub(crate) fn start_accounts(
    opened: &[crate::startup::Opened],
    shutdown: &sharewise_actors::Shutdown,
) -> Result<Vec<(AccountDir, KiteAccount)>, LiveError> {
    let accounts: Vec<(AccountDir, KiteAccount)> = opened
        .iter()
        .filter_map(|a| match &a.broker {
            crate::broker::AccountBroker::Kite(k) => Some((a.dir.clone(), k.clone())),
            crate::broker::AccountBroker::Paper(_) => None,
        })
        .collect();
    for (_, kite) in &accounts {
        kite.start_updates();
    }
    if !accounts.is_empty() {
        let shutdown = shutdown.clone();
        watch_sessions(accounts.clone(), Duration::from_secs(2), move || {
            shutdown.is_triggered()
        })
        .map_err(|e| LiveError::io("cannot start the session watcher", e))?;
    }
    Ok(accounts)
}

/// Checks every `every` for a new session of each `(dir, account)` that needs one, and hands it
/// to the account (which says so to its order actor: it checks the user, sweeps the books for
/// what was missed, compares them, and orders go out again).
pub fn watch_sessions(
    accounts: Vec<(AccountDir, KiteAccount)>,
    every: Duration,
    stopping: impl Fn() -> bool + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("sw-kite-sessions".into())
        .spawn(move || {
            let mut seen: Vec<Option<SystemTime>> = vec![None; accounts.len()];
            while !stopping() {
                for (k, (dir, account)) in accounts.iter().enumerate() {
                    if account.current_token().is_some() {
                        continue;
                    }
                    let modified = session_file_time(&dir.broker_session());
                    if modified.is_none() || modified == seen[k] {
                        continue;
                    }
                    seen[k] = modified;
                    if let Ok((token, ends)) = day_session(dir) {
                        let account = account.clone();
                        sharewise_kite::io::handle().block_on(async move {
                            account.log_in(token).await;
                            account.expire_at(ends);
                        });
                    }
                }
                std::thread::sleep(every);
            }
        })
}

fn session_file_time(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The Kite feed of `symbols` (instrument id = index) through `kite`'s session: warmed up from
/// Kite's historical candles when the session is there, then Kite's live trades until the
/// daemon stops.
pub(crate) fn feed(
    opts: &crate::daemon::DaemonOptions,
    kite: &KiteAccount,
    symbols: &[String],
    interval: sharewise_engine::bars::BarInterval,
    warm_bars: usize,
    stats: &std::sync::Arc<crate::stats::LiveStats>,
) -> Result<crate::feed::TickStream, LiveError> {
    use sharewise_kite::account::market_data::KiteHistory;
    use sharewise_kite::feed::{FeedConfig, KiteFeed};

    let io = sharewise_kite::io::handle();
    let lookup = kite.clone();
    let wanted = symbols.to_vec();
    let tokens = io
        .block_on(async move { lookup.nse_tokens(&wanted).await })
        .map_err(|e| LiveError::Feed(format!("Kite's instrument list: {e}")))?;
    let endpoint = kite.endpoint().clone();
    let session = kite.clone();
    let live = KiteFeed::start(
        FeedConfig {
            ws_url: endpoint.ws_url.clone(),
            api_key: endpoint.api_key.clone(),
            egress_ip: endpoint.egress_ip,
            tokens: tokens.clone(),
            stale_after: Duration::from_secs(5),
            queue: 65_536,
        },
        std::sync::Arc::new(move || session.current_token()),
    )
    .map_err(|e| LiveError::Feed(e.to_string()))?;
    stats.set_kite_feed(live.stats());
    let ids: Vec<(sharewise_engine::types::InstrumentId, String)> = symbols
        .iter()
        .enumerate()
        .map(|(k, s)| (sharewise_engine::types::InstrumentId(k as u32), s.clone()))
        .collect();
    let warm = if kite.current_token().is_some() {
        let mut history =
            KiteHistory::new(kite.clone(), symbols.iter().cloned().zip(tokens).collect());
        let until = now_ns();
        let warm =
            crate::feed::warm::history_ticks(&mut history, &ids, interval, until, warm_bars)?;
        (opts.say)(&format!(
            "warm start: {} {interval} bars from Kite's historical candles ({warm_bars} per symbol at most)",
            warm.bars
        ));
        warm.ticks
    } else {
        (opts.say)("warm start skipped: the Kite session needs a login (the strategies warm up on live bars)");
        Vec::new()
    };
    (opts.say)(&format!(
        "feed: Kite's live trades of {} symbols over {}",
        symbols.len(),
        endpoint.ws_url
    ));
    let ticks = KiteTicks {
        feed: live,
        shutdown: opts.shutdown.clone(),
    };
    Ok(Box::new(warm.into_iter().map(Ok).chain(ticks)))
}

/// Kite's trades as the feed thread's stream: ends when the daemon stops.
struct KiteTicks {
    feed: sharewise_kite::feed::KiteFeed,
    shutdown: sharewise_actors::Shutdown,
}

impl Iterator for KiteTicks {
    type Item = Result<sharewise_engine::types::Tick, LiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::sync::mpsc::RecvTimeoutError;
        loop {
            if self.shutdown.is_triggered() {
                self.feed.stop();
                return None;
            }
            match self.feed.ticks().recv_timeout(Duration::from_millis(100)) {
                Ok(tick) => return Some(Ok(tick)),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return Some(Err(LiveError::Feed("the Kite feed stopped".into())))
                }
            }
        }
    }
}

//! A real broker's account in the daemon, whichever broker it is: the day's session from the
//! vault (`sharewise broker login` put it there), the journal stamped with the broker's user,
//! the push stream started, and a login made while the daemon runs picked up. The brokers' own
//! modules ([`crate::kite`], [`crate::upstox`]) say where each connects and build its adapter.
//!
//! Without a usable session the account still opens (unless orders of the last run are still in
//! flight), but sends nothing: each order is refused before it leaves, saying a login is needed.
//! A session that appears later is picked up by [`watch_sessions`], and the order actor then
//! checks its user, sweeps and compares the books.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sharewise_brokers::vault::{self, SessionKey, SESSION_KEY_ENV, SESSION_KEY_FILE};
use sharewise_brokers::{Broker, BrokerError, ErrorKind};
use sharewise_config::{BrokerKind, BrokerSection, Settings};
use sharewise_engine::time::{format_ist, TimestampNs};
use sharewise_engine::types::Instrument;

use crate::broker::AccountBroker;
use crate::error::LiveError;
use crate::layout::AccountDir;

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

/// The account's usable session today at `broker` (`kite`, `upstox`): its access token and when
/// it ends, or why there is none. A session kept for another broker (the account changed broker
/// under the same name) is never offered: its token must not reach this broker.
pub fn day_session(dir: &AccountDir, broker: &str) -> Result<(String, SystemTime), String> {
    let key = session_key(&dir.root, false).map_err(|e| format!("no session key: {e}"))?;
    let stored = vault::load(&dir.broker_session(), &key, &dir.name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "no session yet".to_string())?;
    if stored.broker != broker {
        return Err(format!(
            "the kept session is a {} session, and this account trades through {broker}",
            stored.broker
        ));
    }
    if now_ns() >= stored.expires_at {
        let ended = format_ist(stored.expires_at);
        return Err(format!(
            "the session of {} ended at {} IST",
            stored.user_id,
            ended.get(..16).unwrap_or(&ended).replacen('T', " ", 1)
        ));
    }
    let ends = UNIX_EPOCH + Duration::from_nanos(stored.expires_at.max(0) as u64);
    Ok((stored.access_token, ends))
}

/// Why an account without today's session needs a login, as the operator is told.
pub(crate) fn needs_login(dir: &AccountDir, why: &str) -> String {
    format!(
        "needs login ({why}): run `sharewise broker login {}`",
        dir.name
    )
}

/// The adapter of a `kind` account trading `instruments` with `settings`, then the journal
/// stamped with the broker's user the session belongs to (a journal of another user's refuses
/// it); a session the broker refuses is a login needed, a broker that cannot be asked refuses
/// the start.
pub(crate) fn open_stamped(
    kind: BrokerKind,
    dir: &AccountDir,
    section: &BrokerSection,
    settings: &Settings,
    instruments: &[Instrument],
    journal: &mut sharewise_store::Journal,
    rt: &tokio::runtime::Runtime,
) -> Result<(AccountBroker, Option<String>), LiveError> {
    let (account, needs) = match kind {
        BrokerKind::Kite => {
            let (account, needs) = crate::kite::open(dir, section, settings, instruments)?;
            (AccountBroker::Kite(account), needs)
        }
        BrokerKind::Upstox => {
            let (account, needs) = crate::upstox::open(dir, section, settings, instruments, rt)?;
            (AccountBroker::Upstox(account), needs)
        }
        BrokerKind::Paper | BrokerKind::Aliceblue => {
            return Err(LiveError::Settings(format!(
                "account {}: the {} adapter is not in this build",
                dir.name,
                kind.as_str()
            )))
        }
    };
    let title = kind.title();
    if let Some(why) = needs {
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
                "account {}: {} order(s) of the last run are still in flight ({}) and the account {why}: they can only be settled against {title}'s books, so log in first",
                dir.name,
                in_flight.len(),
                in_flight.join(", ")
            )));
        }
        return Ok((account, Some(why)));
    }
    match rt.block_on(account.account_id()) {
        Ok(user) => {
            journal.stamp_account(&user)?;
            Ok((account, None))
        }
        Err(e) if e.kind == ErrorKind::AuthExpired => {
            let why = needs_login(
                dir,
                &format!("{title} refused the kept session: {}", e.message),
            );
            Ok((account, Some(why)))
        }
        Err(e) => Err(LiveError::Broker(BrokerError::new(
            e.kind,
            format!(
                "account {}: {title} cannot be asked at start ({}); try again once it answers",
                dir.name, e.message
            ),
        ))),
    }
}

/// The real accounts among `opened` start pushing their order updates (subscribed before:
/// nothing is lost), and a login made while the daemon runs is picked up until `shutdown`.
pub(crate) fn start_accounts(
    opened: &[crate::startup::Opened],
    shutdown: &sharewise_actors::Shutdown,
) -> Result<Vec<(AccountDir, AccountBroker)>, LiveError> {
    let accounts: Vec<(AccountDir, AccountBroker)> = opened
        .iter()
        .filter(|a| a.broker.paper().is_none())
        .map(|a| (a.dir.clone(), a.broker.clone()))
        .collect();
    for (_, account) in &accounts {
        account.start_updates();
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
    accounts: Vec<(AccountDir, AccountBroker)>,
    every: Duration,
    stopping: impl Fn() -> bool + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("sw-sessions".into())
        .spawn(move || {
            let mut seen: Vec<Option<SystemTime>> = vec![None; accounts.len()];
            while !stopping() {
                for (k, (dir, account)) in accounts.iter().enumerate() {
                    if account.has_session() {
                        continue;
                    }
                    let modified = session_file_time(&dir.broker_session());
                    if modified.is_none() || modified == seen[k] {
                        continue;
                    }
                    seen[k] = modified;
                    if let Ok((token, ends)) = day_session(dir, account.kind()) {
                        let account = account.clone();
                        sharewise_broker_kit::io::handle().block_on(async move {
                            account.resume_session(&token, ends).await;
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

/// A broker's live feed as the feed thread reads it (Kite's, Upstox's).
pub(crate) trait LiveFeed: Send + 'static {
    /// Its trades.
    fn ticks(&self) -> &std::sync::mpsc::Receiver<sharewise_engine::types::Tick>;
    /// Stops its connections.
    fn stop(&self);
}

impl LiveFeed for sharewise_kite::feed::KiteFeed {
    fn ticks(&self) -> &std::sync::mpsc::Receiver<sharewise_engine::types::Tick> {
        sharewise_kite::feed::KiteFeed::ticks(self)
    }
    fn stop(&self) {
        sharewise_kite::feed::KiteFeed::stop(self);
    }
}

impl LiveFeed for sharewise_upstox::feed::UpstoxFeed {
    fn ticks(&self) -> &std::sync::mpsc::Receiver<sharewise_engine::types::Tick> {
        sharewise_upstox::feed::UpstoxFeed::ticks(self)
    }
    fn stop(&self) {
        sharewise_upstox::feed::UpstoxFeed::stop(self);
    }
}

/// Where a broker feed's ticks come from: `live`'s trades of `symbols` (instrument id = index)
/// after a warm start from `history` (`None`: the session needs a login, so the strategies warm
/// up on live bars), until the daemon stops. `title` names the broker in what is said.
pub(crate) fn broker_ticks<F: LiveFeed>(
    opts: &crate::daemon::DaemonOptions,
    title: &'static str,
    history: Option<&mut dyn sharewise_feeds::History>,
    symbols: &[String],
    interval: sharewise_engine::bars::BarInterval,
    warm_bars: usize,
    live: F,
) -> Result<crate::feed::TickStream, LiveError> {
    let ids: Vec<(sharewise_engine::types::InstrumentId, String)> = symbols
        .iter()
        .enumerate()
        .map(|(k, s)| (sharewise_engine::types::InstrumentId(k as u32), s.clone()))
        .collect();
    let warm = match history {
        Some(history) => {
            let warm =
                crate::feed::warm::history_ticks(history, &ids, interval, now_ns(), warm_bars)?;
            (opts.say)(&format!(
                "warm start: {} {interval} bars from {} ({warm_bars} per symbol at most)",
                warm.bars,
                history.describe()
            ));
            warm.ticks
        }
        None => {
            (opts.say)(&format!("warm start skipped: the {title} session needs a login (the strategies warm up on live bars)"));
            Vec::new()
        }
    };
    let ticks = BrokerTicks {
        feed: live,
        title,
        shutdown: opts.shutdown.clone(),
    };
    Ok(Box::new(warm.into_iter().map(Ok).chain(ticks)))
}

/// A broker's trades as the feed thread's stream: ends when the daemon stops.
struct BrokerTicks<F> {
    feed: F,
    title: &'static str,
    shutdown: sharewise_actors::Shutdown,
}

impl<F: LiveFeed> Iterator for BrokerTicks<F> {
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
                    return Some(Err(LiveError::Feed(format!(
                        "the {} feed stopped",
                        self.title
                    ))))
                }
            }
        }
    }
}

//! A Kite account in the daemon: where it connects (Kite itself, or a `sharewise sandbox kite`
//! named by `[accounts.kite] sandbox`), the adapter built from that and the day's session
//! ([`crate::real`] keeps what every real broker shares), and Kite's live feed.

use std::time::Duration;

use sharewise_config::{BrokerSection, Settings};
use sharewise_engine::types::Instrument;
use sharewise_kite::login::KITE_LOGIN;
use sharewise_kite::{kite_limits, Endpoint, KiteAccount, KiteConfig, OrderPolicy};

use crate::error::LiveError;
use crate::layout::AccountDir;

/// The account's REST and WebSocket addresses, bound to its egress IP.
pub fn endpoint(kite: &BrokerSection) -> Endpoint {
    let mut endpoint = match &kite.sandbox {
        Some(addr) => Endpoint::sandbox(addr, kite.api_key.clone()),
        None => Endpoint::kite(kite.api_key.clone()),
    };
    endpoint.egress_ip = kite.egress_ip;
    endpoint
}

/// Where the account holder logs in: Kite's site, or the sandbox's page.
pub fn login_base(kite: &BrokerSection) -> String {
    match &kite.sandbox {
        Some(addr) => format!("http://{addr}"),
        None => KITE_LOGIN.to_string(),
    }
}

pub use crate::real::{now_ns, session_key};

/// The adapter of a Kite account trading `instruments` with `settings`, and why it needs a login
/// (`None`: it has today's session).
pub fn open(
    dir: &AccountDir,
    kite: &BrokerSection,
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
    let session = crate::real::day_session(dir, "kite").and_then(|(token, ends)| {
        kiteconnect::AccessToken::new(token)
            .map(|t| (t, ends))
            .map_err(|_| "the kept token is unusable".to_string())
    });
    let (token, ends, needs_login) = match session {
        Ok((token, ends)) => (Some(token), Some(ends), None),
        Err(why) => (None, None, Some(crate::real::needs_login(dir, &why))),
    };
    let account = KiteAccount::new(config, token).map_err(LiveError::Broker)?;
    if let Some(ends) = ends {
        account.expire_at(ends);
    }
    Ok((account, needs_login))
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
    stats.set_broker_feed("kite", live.stats());
    (opts.say)(&format!(
        "feed: Kite's live trades of {} symbols over {}",
        symbols.len(),
        endpoint.ws_url
    ));
    let mut history = kite
        .current_token()
        .map(|_| KiteHistory::new(kite.clone(), symbols.iter().cloned().zip(tokens).collect()));
    crate::real::broker_ticks(
        opts,
        "Kite",
        history
            .as_mut()
            .map(|h| h as &mut dyn sharewise_feeds::History),
        symbols,
        interval,
        warm_bars,
        live,
    )
}

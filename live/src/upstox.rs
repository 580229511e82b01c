//! An Upstox account in the daemon: where it connects (Upstox itself, or a `sharewise sandbox
//! upstox` named by `[accounts.upstox] sandbox`), the adapter built from that and the day's
//! session ([`crate::real`] keeps what every real broker shares), and Upstox's live feed.
//!
//! Upstox names instruments by key (`NSE_EQ|<ISIN>`), not symbol: the keys of the account's
//! shares come from Upstox's instrument dump of the day, read when the account opens (a public
//! file: no session needed).

use std::time::Duration;

use sharewise_config::{BrokerSection, Settings};
use sharewise_engine::types::Instrument;
use sharewise_upstox::{upstox_limits, Endpoint, UpstoxAccount, UpstoxConfig, UpstoxToken};

use crate::error::LiveError;
use crate::layout::AccountDir;

/// The account's REST, order and dump addresses, bound to its egress IP.
pub fn endpoint(upstox: &BrokerSection) -> Endpoint {
    let mut endpoint = match &upstox.sandbox {
        Some(addr) => Endpoint::sandbox(addr, upstox.api_key.clone()),
        None => Endpoint::upstox(upstox.api_key.clone()),
    };
    endpoint.egress_ip = upstox.egress_ip;
    endpoint
}

/// The adapter of an Upstox account trading `instruments` with `settings` (their keys read from
/// the day's dump on `rt`), and why it needs a login (`None`: it has today's session).
pub fn open(
    dir: &AccountDir,
    upstox: &BrokerSection,
    settings: &Settings,
    instruments: &[Instrument],
    rt: &tokio::runtime::Runtime,
) -> Result<(UpstoxAccount, Option<String>), LiveError> {
    let policy = sharewise_broker_kit::OrderPolicy {
        market_protection: upstox.market_protection.unwrap_or(-1),
        algo_id: upstox.algo_id.clone(),
        commission: settings.commission().map_err(LiveError::Settings)?,
    };
    let session = crate::real::day_session(dir, "upstox").and_then(|(token, ends)| {
        UpstoxToken::new(token)
            .map(|t| (t, ends))
            .ok_or_else(|| "the kept token is empty".to_string())
    });
    let (token, ends, needs_login) = match session {
        Ok((token, ends)) => (Some(token), Some(ends), None),
        Err(why) => (None, None, Some(crate::real::needs_login(dir, &why))),
    };
    // The keys first, with an account that trades nothing yet: the dump is public.
    let lookup = UpstoxAccount::new(
        UpstoxConfig {
            endpoint: endpoint(upstox),
            instruments: Vec::new(),
            policy: policy.clone(),
            gate: upstox_limits(),
        },
        None,
    )
    .map_err(LiveError::Broker)?;
    let symbols: Vec<String> = instruments.iter().map(|i| i.symbol.clone()).collect();
    let keys = rt.block_on(lookup.nse_keys(&symbols)).map_err(|e| {
        LiveError::Broker(sharewise_brokers::BrokerError::new(
            e.kind,
            format!(
                "account {}: Upstox's instrument keys: {}",
                dir.name, e.message
            ),
        ))
    })?;
    let config = UpstoxConfig {
        endpoint: endpoint(upstox),
        instruments: instruments.iter().cloned().zip(keys).collect(),
        policy,
        gate: upstox_limits(),
    };
    let account = UpstoxAccount::new(config, token).map_err(LiveError::Broker)?;
    if let Some(ends) = ends {
        account.expire_at(ends);
    }
    Ok((account, needs_login))
}

/// The Upstox feed of `symbols` (instrument id = index) through `upstox`'s session: warmed up
/// from Upstox's candles when the session is there, then Upstox's live trades until the daemon
/// stops.
pub(crate) fn feed(
    opts: &crate::daemon::DaemonOptions,
    upstox: &UpstoxAccount,
    symbols: &[String],
    interval: sharewise_engine::bars::BarInterval,
    warm_bars: usize,
    stats: &std::sync::Arc<crate::stats::LiveStats>,
) -> Result<crate::feed::TickStream, LiveError> {
    use sharewise_upstox::account::market_data::UpstoxHistory;
    use sharewise_upstox::feed::{FeedConfig, UpstoxFeed};

    let io = sharewise_broker_kit::io::handle();
    let lookup = upstox.clone();
    let wanted = symbols.to_vec();
    let keys = io
        .block_on(async move { lookup.keys(&wanted).await })
        .map_err(|e| LiveError::Feed(format!("Upstox's instrument dump: {e}")))?;
    let endpoint = upstox.endpoint().clone();
    let session = upstox.clone();
    let live = UpstoxFeed::start(
        FeedConfig {
            base_url: endpoint.base_url.clone(),
            egress_ip: endpoint.egress_ip,
            keys: keys.clone(),
            stale_after: Duration::from_secs(5),
            queue: 65_536,
        },
        std::sync::Arc::new(move || session.current_token().map(|t| t.expose().to_string())),
    )
    .map_err(|e| LiveError::Feed(e.to_string()))?;
    stats.set_broker_feed("upstox", live.stats());
    (opts.say)(&format!(
        "feed: Upstox's live trades of {} symbols through {}",
        symbols.len(),
        endpoint.base_url
    ));
    let mut history = upstox
        .current_token()
        .map(|_| UpstoxHistory::new(upstox.clone(), symbols.iter().cloned().zip(keys).collect()));
    crate::real::broker_ticks(
        opts,
        "Upstox",
        history
            .as_mut()
            .map(|h| h as &mut dyn sharewise_feeds::History),
        symbols,
        interval,
        warm_bars,
        live,
    )
}

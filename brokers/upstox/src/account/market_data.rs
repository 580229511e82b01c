//! What an account reads of Upstox's market data: the day's instrument dump (symbol → Upstox's
//! instrument key, read fresh at every start) and candles — the v3 historical ones of past days
//! and the intraday ones of today — which are the daemon's warm start ([`UpstoxHistory`], a
//! [`History`]).

use std::collections::HashMap;

use serde_json::Value;
use sharewise_broker_kit::json::decimal_of;
use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{
    civil_from_days, ist_day, ist_midnight, weekdays_before, NANOS_PER_MINUTE,
};
use sharewise_engine::types::{Bar, Price};
use sharewise_feeds::{History, HistoryError, HistoryRequest};
use sharewise_instruments::{read_upstox_dump, Kind, Market};

use super::gate::Lane;
use super::UpstoxAccount;

/// Where Upstox's dump of NSE's instruments is, under the assets root.
pub const NSE_DUMP: &str = "/market-quote/instruments/exchange/NSE.json.gz";

/// Upstox's v3 unit and interval for `interval`.
pub fn upstox_interval(interval: BarInterval) -> (&'static str, u32) {
    match interval {
        BarInterval::M1 => ("minutes", 1),
        BarInterval::M5 => ("minutes", 5),
        BarInterval::M15 => ("minutes", 15),
        BarInterval::H1 => ("hours", 1),
        BarInterval::D1 => ("days", 1),
    }
}

/// The most days one v3 request may span for `interval` (1–15 minutes: a month; longer minutes
/// and hours: a quarter; days: a decade), less a margin.
fn max_span_days(interval: BarInterval) -> i64 {
    match interval {
        BarInterval::M1 | BarInterval::M5 | BarInterval::M15 => 28,
        BarInterval::H1 => 88,
        BarInterval::D1 => 3600,
    }
}

/// An instrument key as one path segment (`NSE_EQ|INE…` → `NSE_EQ%7CINE…`).
fn path_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `2026-12-07`, an IST day as Upstox's paths take it.
fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

impl UpstoxAccount {
    /// Upstox's instrument key of each NSE share in `symbols`: the account's own when it trades
    /// them all (read from the day's dump when it opened), else from the day's dump now.
    pub async fn keys(&self, symbols: &[String]) -> Result<Vec<String>, BrokerError> {
        let known: Option<Vec<String>> = symbols
            .iter()
            .map(|s| self.shared.listings.key_of(s).map(str::to_string))
            .collect();
        match known {
            Some(keys) => Ok(keys),
            None => self.nse_keys(symbols).await,
        }
    }

    /// Upstox's instrument key of each NSE share in `symbols`, from the day's instrument dump;
    /// an error names every symbol Upstox does not list.
    pub async fn nse_keys(&self, symbols: &[String]) -> Result<Vec<String>, BrokerError> {
        let dump = self.shared.transport.public(NSE_DUMP).await?;
        let read = read_upstox_dump(&dump, "Upstox's NSE.json.gz").map_err(|e| {
            BrokerError::new(
                ErrorKind::Unknown,
                format!("Upstox's instrument dump does not read: {e}"),
            )
        })?;
        let keys: HashMap<&str, &str> = read
            .listings
            .iter()
            .filter(|l| l.market == Market::Nse && l.kind == Kind::Equity)
            .filter_map(|l| Some((l.symbol.as_str(), l.ids.upstox_key.as_deref()?)))
            .collect();
        let missing: Vec<&str> = symbols
            .iter()
            .filter(|s| !keys.contains_key(s.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(BrokerError::invalid(format!(
                "Upstox lists no NSE share {}: check [run].symbols",
                missing.join(", ")
            )));
        }
        Ok(symbols
            .iter()
            .map(|s| keys[s.as_str()].to_string())
            .collect())
    }

    /// Candles of `key` from IST day `from_day` to today, oldest first: past days from the v3
    /// historical candles (in spans Upstox serves), today's from the intraday ones.
    pub async fn candles(
        &self,
        key: &str,
        interval: BarInterval,
        from_day: i64,
        today: i64,
    ) -> Result<Vec<Bar>, BrokerError> {
        let (unit, n) = upstox_interval(interval);
        let mut bars = Vec::new();
        let mut start = from_day;
        while start < today {
            let end = (start + max_span_days(interval)).min(today - 1);
            let path = format!(
                "/v3/historical-candle/{}/{unit}/{n}/{}/{}",
                path_key(key),
                date(end),
                date(start)
            );
            bars.extend(self.candle_rows(&path).await?);
            start = end + 1;
        }
        let path = format!(
            "/v3/historical-candle/intraday/{}/{unit}/{n}",
            path_key(key)
        );
        bars.extend(self.candle_rows(&path).await?);
        bars.sort_by_key(|b| b.ts);
        bars.dedup_by_key(|b| b.ts);
        Ok(bars)
    }

    async fn candle_rows(&self, path: &str) -> Result<Vec<Bar>, BrokerError> {
        let data: Value = self.read(Lane::History, path, &[]).await?;
        let rows = data["candles"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .map(|row| {
                candle(row).ok_or_else(|| {
                    BrokerError::new(
                        ErrorKind::Unknown,
                        format!("{path}: a candle does not read: {row}"),
                    )
                })
            })
            .collect()
    }
}

/// `["2025-01-02T09:15:00+05:30", open, high, low, close, volume, oi]`.
fn candle(row: &Value) -> Option<Bar> {
    let cells = row.as_array()?;
    let price = |k: usize| Price::from_decimal(decimal_of(cells.get(k)?)?);
    Some(Bar {
        ts: sharewise_broker_kit::json::ist_time(cells.first()?.as_str()?)?,
        open: price(1)?,
        high: price(2)?,
        low: price(3)?,
        close: price(4)?,
        volume: cells.get(5)?.as_i64()?,
    })
}

/// NSE's session, 09:15 to 15:30.
const SESSION_NS: i64 = 375 * NANOS_PER_MINUTE;

/// Weekday sessions to ask for `count` bars of `interval`, and four more for holidays.
fn sessions_for(count: usize, interval: BarInterval) -> u32 {
    let per_session: i64 = match interval {
        BarInterval::D1 => 1,
        _ => (SESSION_NS + interval.len_ns() - 1) / interval.len_ns(),
    };
    (count.div_ceil(per_session.max(1) as usize) as u32 + 4).min(2_000)
}

/// Upstox's candles as the daemon's warm-start [`History`]: blocks on the broker I/O runtime
/// (call it from a plain thread, as the daemon's start does).
pub struct UpstoxHistory {
    account: UpstoxAccount,
    keys: HashMap<String, String>,
}

impl UpstoxHistory {
    /// History of the instruments in `keys` (symbol → instrument key).
    pub fn new(account: UpstoxAccount, keys: HashMap<String, String>) -> UpstoxHistory {
        UpstoxHistory { account, keys }
    }
}

impl History for UpstoxHistory {
    fn describe(&self) -> String {
        "Upstox's historical candles".into()
    }

    fn bars(&mut self, req: &HistoryRequest<'_>) -> Result<Vec<Bar>, HistoryError> {
        let fail = |reason: String| HistoryError {
            symbol: req.symbol.to_string(),
            source_name: "upstox".into(),
            reason,
        };
        let key = self
            .keys
            .get(req.symbol)
            .cloned()
            .ok_or_else(|| fail("not among the feed's instruments".into()))?;
        let today = ist_day(req.until);
        let from_day = weekdays_before(today, sessions_for(req.count, req.interval));
        let account = self.account.clone();
        let interval = req.interval;
        let until = req.until;
        let bars = sharewise_broker_kit::io::handle()
            .block_on(async move { account.candles(&key, interval, from_day, today).await })
            .map_err(|e| fail(e.to_string()))?;
        let mut closed: Vec<Bar> = bars
            .into_iter()
            .filter(|b| b.ts >= ist_midnight(from_day) && interval.bucket_end(b.ts) <= until)
            .collect();
        let skip = closed.len().saturating_sub(req.count);
        closed.drain(..skip);
        Ok(closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_go_into_paths_encoded_and_days_as_dates() {
        assert_eq!(path_key("NSE_EQ|INE848E01016"), "NSE_EQ%7CINE848E01016");
        assert_eq!(path_key("NSE_INDEX|Nifty 50"), "NSE_INDEX%7CNifty%2050");
        assert_eq!(
            date(sharewise_engine::time::days_from_civil(2025, 1, 2)),
            "2025-01-02"
        );
    }

    #[test]
    fn a_candle_reads_as_upstox_writes_it() {
        let row: Value = serde_json::from_str(
            r#"["2023-10-19T15:15:00+05:30", 2305.3, 2307.05, 2301, 2304.65, 559982, 0]"#,
        )
        .unwrap();
        let bar = candle(&row).unwrap();
        assert_eq!(
            (bar.open.to_string(), bar.low.to_string(), bar.volume),
            ("2305.30".to_string(), "2301.00".to_string(), 559_982)
        );
        assert!(sharewise_engine::time::format_ist(bar.ts).starts_with("2023-10-19T15:15:00"));
    }

    #[test]
    fn enough_sessions_are_asked_for() {
        assert_eq!(sessions_for(32, BarInterval::M1), 5);
        assert_eq!(sessions_for(70, BarInterval::H1), 14);
        assert_eq!(sessions_for(200, BarInterval::D1), 204);
    }
}

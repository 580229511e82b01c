//! What an account reads of Kite's market data: the instrument dump (symbol → Kite's
//! `instrument_token`, read fresh at every start: Kite renumbers derivatives daily) and historical
//! candles, which are the daemon's warm start ([`KiteHistory`], a [`History`]).

use std::collections::HashMap;

use serde_json::Value;
use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{format_ist, ist_day, ist_midnight, weekdays_before, TimestampNs};
use sharewise_engine::types::{Bar, Price};
use sharewise_feeds::{History, HistoryError, HistoryRequest};
use sharewise_instruments::{read_kite_dump, Kind, Market};

use super::gate::Lane;
use super::KiteAccount;
use crate::rest::wire::{decimal_of, ist_time};

/// Kite's name for an interval in `/instruments/historical/{token}/{interval}`.
pub fn kite_interval(interval: BarInterval) -> &'static str {
    match interval {
        BarInterval::M1 => "minute",
        BarInterval::M5 => "5minute",
        BarInterval::M15 => "15minute",
        BarInterval::H1 => "60minute",
        BarInterval::D1 => "day",
    }
}

/// `2026-12-07 09:15:00`, as Kite takes times in queries (IST).
fn query_time(ts: TimestampNs) -> String {
    format_ist(ts)
        .get(..19)
        .unwrap_or_default()
        .replacen('T', " ", 1)
}

impl KiteAccount {
    /// Kite's `instrument_token` of each NSE share in `symbols`, from the day's instrument dump;
    /// an error names every symbol Kite does not list.
    pub async fn nse_tokens(&self, symbols: &[String]) -> Result<Vec<u32>, BrokerError> {
        let dump = self.shared.transport.public("/instruments/NSE").await?;
        let read = read_kite_dump(dump.as_slice(), "Kite's /instruments/NSE").map_err(|e| {
            BrokerError::new(
                ErrorKind::Unknown,
                format!("Kite's instrument dump does not read: {e}"),
            )
        })?;
        let tokens: HashMap<&str, u32> = read
            .listings
            .iter()
            .filter(|l| l.market == Market::Nse && l.kind == Kind::Equity)
            .filter_map(|l| Some((l.symbol.as_str(), l.ids.kite_token?)))
            .collect();
        let missing: Vec<&str> = symbols
            .iter()
            .filter(|s| !tokens.contains_key(s.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(BrokerError::invalid(format!(
                "Kite lists no NSE share {}: check [run].symbols",
                missing.join(", ")
            )));
        }
        Ok(symbols.iter().map(|s| tokens[s.as_str()]).collect())
    }

    /// Candles of `token` whose bucket opens in `[from, to)`, oldest first.
    pub async fn candles(
        &self,
        token: u32,
        interval: BarInterval,
        from: TimestampNs,
        to: TimestampNs,
    ) -> Result<Vec<Bar>, BrokerError> {
        let path = format!(
            "/instruments/historical/{token}/{}",
            kite_interval(interval)
        );
        let query = [("from", query_time(from)), ("to", query_time(to))];
        let data: Value = self.read(Lane::History, &path, &query).await?;
        let rows = data["candles"].as_array().cloned().unwrap_or_default();
        let mut bars = Vec::with_capacity(rows.len());
        for row in &rows {
            bars.push(candle(row).ok_or_else(|| {
                BrokerError::new(
                    ErrorKind::Unknown,
                    format!("{path}: a candle does not read: {row}"),
                )
            })?);
        }
        bars.sort_by_key(|b| b.ts);
        Ok(bars)
    }
}

/// NSE's session, 09:15 to 15:30.
const SESSION_NS: i64 = 375 * sharewise_engine::time::NANOS_PER_MINUTE;

/// Weekday sessions to ask for `count` bars of `interval`: enough for them and four more for
/// holidays, within the range Kite serves in one request (60 days of minutes, 100 of 5-minute,
/// 200 of 15-minute, 400 of hourly, 2000 of daily candles).
fn sessions_for(count: usize, interval: BarInterval) -> u32 {
    let per_session = SESSION_NS.div_euclid(interval.len_ns()).max(1) as usize;
    let per_session = if SESSION_NS % interval.len_ns() == 0 || interval == BarInterval::D1 {
        per_session
    } else {
        per_session + 1 // the day's last, shorter bucket (15:15–15:30 of the hourly bars)
    };
    let most = match interval {
        BarInterval::M1 => 40,
        BarInterval::M5 => 70,
        BarInterval::M15 => 140,
        BarInterval::H1 => 280,
        BarInterval::D1 => 1400,
    };
    (count.div_ceil(per_session) as u32 + 4).min(most)
}

/// `[time, open, high, low, close, volume(, oi)]`.
fn candle(row: &Value) -> Option<Bar> {
    let cells = row.as_array()?;
    let price = |k: usize| Price::from_decimal(decimal_of(cells.get(k)?)?);
    Some(Bar {
        ts: ist_time(cells.first()?.as_str()?)?,
        open: price(1)?,
        high: price(2)?,
        low: price(3)?,
        close: price(4)?,
        volume: cells.get(5)?.as_i64()?,
    })
}

/// Kite's historical candles as the daemon's warm-start [`History`]: blocks on the Kite I/O
/// runtime (call it from a plain thread, as the daemon's start does).
pub struct KiteHistory {
    account: KiteAccount,
    tokens: HashMap<String, u32>,
}

impl KiteHistory {
    /// History of the instruments in `tokens` (symbol → `instrument_token`).
    pub fn new(account: KiteAccount, tokens: HashMap<String, u32>) -> KiteHistory {
        KiteHistory { account, tokens }
    }
}

impl History for KiteHistory {
    fn describe(&self) -> String {
        "Kite's historical candles".into()
    }

    fn bars(&mut self, req: &HistoryRequest<'_>) -> Result<Vec<Bar>, HistoryError> {
        let fail = |reason: String| HistoryError {
            symbol: req.symbol.to_string(),
            source_name: "kite".into(),
            reason,
        };
        let token = *self
            .tokens
            .get(req.symbol)
            .ok_or_else(|| fail("not among the feed's instruments".into()))?;
        // Enough weekday sessions for `count` bars, and a few more for holidays.
        let sessions = sessions_for(req.count, req.interval);
        let from = ist_midnight(weekdays_before(ist_day(req.until), sessions));
        let account = self.account.clone();
        let interval = req.interval;
        let until = req.until;
        let bars = crate::io::handle()
            .block_on(async move { account.candles(token, interval, from, until).await })
            .map_err(|e| fail(e.to_string()))?;
        let mut closed: Vec<Bar> = bars
            .into_iter()
            .filter(|b| interval.bucket_end(b.ts) <= until)
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
    fn enough_sessions_are_asked_for_within_kites_ranges() {
        assert_eq!(sessions_for(32, BarInterval::M1), 5);
        assert_eq!(sessions_for(1_000, BarInterval::M1), 7); // 375 a session
        assert_eq!(sessions_for(70, BarInterval::H1), 14); // 7 a session, the last one short
        assert_eq!(sessions_for(200, BarInterval::D1), 204);
        assert_eq!(sessions_for(100_000, BarInterval::M1), 40);
    }
}

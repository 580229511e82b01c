//! v3 historical candles: `GET /v3/historical-candle/{instrument_key}/{unit}/{interval}/
//! {to_date}[/{from_date}]` and `GET /v3/historical-candle/intraday/{instrument_key}/{unit}/
//! {interval}`, from the instrument's own price path (the venue's bars: none from the future).
//!
//! `data.candles` holds arrays `[time, open, high, low, close, volume, oi]`, newest first, as
//! Upstox sends them; times are ISO-8601 IST (`2025-01-02T09:15:00+05:30`), day candles stamped
//! at midnight. Units served: `minutes` 1..300 and `hours` 1..5 (buckets counted from the 09:15
//! open, only closed ones) and `days` 1; `weeks` and `months` are refused as not served [U]. The
//! intraday call gives the live day so far; its `days` candle is the day's running one.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{
    days_from_civil, format_ist, ist_day, ist_midnight, TimestampNs, NANOS_PER_MINUTE,
    NSE_CLOSE_IST_NS, NSE_OPEN_IST_NS,
};
use sharewise_engine::types::{Bar, Price};
use sharewise_sandbox_venue::candles::bars;

use crate::envelope::{ok, UpstoxError};
use crate::orders::listed_index;
use crate::{Sandbox, Shared};

/// What one candle spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Span {
    /// `n` minutes from the open.
    Minutes(i64),
    /// One day.
    Day,
}

fn span_of(unit: &str, interval: &str) -> Result<Span, UpstoxError> {
    let n: Option<i64> = interval.parse().ok();
    let bad_interval = |why: &str| UpstoxError::invalid("interval", &json!(interval), why);
    match unit {
        "minutes" => n
            .filter(|n| (1..=300).contains(n))
            .map(Span::Minutes)
            .ok_or_else(|| bad_interval("must be 1 to 300 for minutes")),
        "hours" => n
            .filter(|n| (1..=5).contains(n))
            .map(|h| Span::Minutes(60 * h))
            .ok_or_else(|| bad_interval("must be 1 to 5 for hours")),
        "days" => (n == Some(1))
            .then_some(Span::Day)
            .ok_or_else(|| bad_interval("must be 1 for days")),
        _ => Err(UpstoxError::invalid(
            "unit",
            &json!(unit),
            "must be minutes, hours or days (the sandbox serves no weeks or months)",
        )),
    }
}

/// A `YYYY-MM-DD` date as an IST day number.
fn day_of(field: &str, text: &str) -> Result<i64, UpstoxError> {
    let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Some(y)), Some(Some(m @ 1..=12)), Some(Some(d @ 1..=31)), None) => {
            Ok(days_from_civil(y, m as u32, d as u32))
        }
        _ => Err(UpstoxError::invalid(
            field,
            &json!(text),
            "must be a date YYYY-MM-DD",
        )),
    }
}

/// `bars` (one-minute, oldest first) merged into buckets of `minutes` counted from each day's
/// open; a bucket still open at `now` is left out unless `running`.
fn group(bars: &[Bar], minutes: i64, now: TimestampNs, running: bool) -> Vec<Bar> {
    let span = minutes * NANOS_PER_MINUTE;
    let mut out: Vec<Bar> = Vec::new();
    for b in bars {
        let open = ist_midnight(ist_day(b.ts)) + NSE_OPEN_IST_NS;
        let start = open + (b.ts - open).max(0) / span * span;
        match out.last_mut() {
            Some(last) if last.ts == start => {
                last.high = last.high.max(b.high);
                last.low = last.low.min(b.low);
                last.close = b.close;
                last.volume += b.volume;
            }
            _ => out.push(Bar { ts: start, ..*b }),
        }
    }
    out.retain(|b| {
        let close = ist_midnight(ist_day(b.ts)) + NSE_CLOSE_IST_NS;
        running || (b.ts + span).min(close) <= now
    });
    out
}

fn candle(bar: &Bar, day: bool) -> Value {
    let ts = if day {
        ist_midnight(ist_day(bar.ts))
    } else {
        bar.ts
    };
    json!([
        format_ist(ts),
        bar.open.to_f64(),
        bar.high.to_f64(),
        bar.low.to_f64(),
        bar.close.to_f64(),
        bar.volume,
        0,
    ])
}

impl Sandbox {
    /// The candles of `key` in `span` starting in `[from, to]`, newest first.
    fn candles(
        &self,
        key: &str,
        span: Span,
        (from, to): (TimestampNs, TimestampNs),
        running: bool,
    ) -> Result<Value, UpstoxError> {
        let listing = &self.config.listing;
        let k = listed_index(listing, key).ok_or_else(|| {
            UpstoxError::new(
                StatusCode::BAD_REQUEST,
                "UDAPI100011",
                "Invalid Instrument key",
            )
            .at("instrument_key", Some(key.into()))
        })?;
        let (now, today) = {
            let inner = self.inner();
            (inner.venue.now(), inner.venue.quote(k).map(|q| q.today()))
        };
        let seed = (self.config.seed, self.first_day());
        let failed =
            |e: String| UpstoxError::new(StatusCode::INTERNAL_SERVER_ERROR, "UDAPI100500", e);
        let mut out = match span {
            Span::Day => {
                bars(listing, k, seed, BarInterval::D1, (from, to), now).map_err(failed)?
            }
            Span::Minutes(n) => {
                let minutes =
                    bars(listing, k, seed, BarInterval::M1, (from, to), now).map_err(failed)?;
                group(&minutes, n, now, running)
            }
        };
        // The intraday `days` candle: the live day so far, from the day's quote.
        if span == Span::Day && running && out.is_empty() {
            if let Some(t) = today.filter(|t| t.open > 0 && ist_day(t.ts) == ist_day(now)) {
                let rupees = |paise: u32| Price(i64::from(paise) * 100);
                out.push(Bar {
                    ts: t.ts,
                    open: rupees(t.open),
                    high: rupees(t.high),
                    low: rupees(t.low),
                    close: rupees(t.close),
                    volume: t.volume as i64,
                });
            }
        }
        let candles: Vec<Value> = out
            .iter()
            .rev()
            .map(|b| candle(b, span == Span::Day))
            .collect();
        Ok(json!({"candles": candles}))
    }

    fn answer(
        &self,
        headers: &HeaderMap,
        build: impl FnOnce() -> Result<Value, UpstoxError>,
    ) -> Response {
        if let Err(e) = self.authorized(headers, &Method::GET) {
            return e.into_response();
        }
        match build() {
            Ok(data) => ok(data),
            Err(e) => e.into_response(),
        }
    }
}

/// The range of dates `from`..=`to` in UTC ns.
fn date_range(from: i64, to: i64) -> Result<(TimestampNs, TimestampNs), UpstoxError> {
    if from > to {
        let why = "must not be after `to_date`";
        return Err(UpstoxError::invalid("from_date", &json!(from), why));
    }
    Ok((ist_midnight(from), ist_midnight(to + 1) - 1))
}

/// `GET /v3/historical-candle/{key}/{unit}/{interval}/{to_date}/{from_date}`.
pub(crate) async fn historical(
    State(sb): Shared,
    Path(p): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    sb.answer(&headers, || {
        let span = span_of(get("unit"), get("interval"))?;
        let range = date_range(
            day_of("from_date", get("from"))?,
            day_of("to_date", get("to"))?,
        )?;
        sb.candles(get("key"), span, range, false)
    })
}

/// `GET /v3/historical-candle/{key}/{unit}/{interval}/{to_date}`: from the first history day.
pub(crate) async fn historical_to(
    State(sb): Shared,
    Path(p): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    sb.answer(&headers, || {
        let span = span_of(get("unit"), get("interval"))?;
        let range = date_range(sb.first_day(), day_of("to_date", get("to"))?)?;
        sb.candles(get("key"), span, range, false)
    })
}

/// `GET /v3/historical-candle/intraday/{key}/{unit}/{interval}`: the live day so far.
pub(crate) async fn intraday(
    State(sb): Shared,
    Path(p): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    sb.answer(&headers, || {
        let span = span_of(get("unit"), get("interval"))?;
        let now = sb.inner().venue.now();
        let range = (ist_midnight(ist_day(now)), now);
        sb.candles(get("key"), span, range, span == Span::Day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_upstox_units_and_bounds() {
        assert_eq!(span_of("minutes", "300").unwrap(), Span::Minutes(300));
        assert_eq!(span_of("hours", "2").unwrap(), Span::Minutes(120));
        assert_eq!(span_of("days", "1").unwrap(), Span::Day);
        assert_eq!(
            span_of("minutes", "301").unwrap_err().property_path(),
            Some("interval")
        );
        assert_eq!(
            span_of("weeks", "1").unwrap_err().property_path(),
            Some("unit")
        );
    }
}

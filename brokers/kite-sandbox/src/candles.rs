//! `GET /instruments/historical/{token}/{interval}?from=..&to=..`: candles from the instruments'
//! own price path, in Kite's shape (`historical_minute.json`): `[time, open, high, low, close,
//! volume]` with times like `2017-12-15T09:15:00+0530`.
//!
//! The bars come from the venue's [`bars`]: the asked instrument's own path, only bars that closed
//! by the sandbox's current simulated time — no candle from the future. Intervals: `minute`, `5minute`, `15minute`, `60minute`, `day` (Kite's `3minute`,
//! `10minute` and `30minute` are refused as not served here).

use serde_json::{json, Value};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{
    days_from_civil, format_ist, ist_midnight, TimestampNs, NANOS_PER_SEC,
};
use sharewise_engine::types::Bar;

use sharewise_sandbox_venue::candles::bars;

use crate::envelope::{ErrorType, KiteError};
use crate::market::Listed;

fn bad(message: impl Into<String>) -> KiteError {
    KiteError::new(ErrorType::Input, message)
}

/// Kite's interval name → the engine's.
pub(crate) fn interval_of(name: &str) -> Result<BarInterval, KiteError> {
    match name {
        "minute" => Ok(BarInterval::M1),
        "5minute" => Ok(BarInterval::M5),
        "15minute" => Ok(BarInterval::M15),
        "60minute" => Ok(BarInterval::H1),
        "day" => Ok(BarInterval::D1),
        other => Err(bad(format!(
            "Invalid `interval`: {other}; the sandbox serves minute, 5minute, 15minute, 60minute \
             and day."
        ))),
    }
}

/// `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD` in IST → UTC nanoseconds.
pub(crate) fn ist_time(field: &str, text: &str) -> Result<TimestampNs, KiteError> {
    let invalid = || bad(format!("Invalid `{field}`: {text} (YYYY-MM-DD HH:MM:SS)."));
    let (date, time) = text
        .trim()
        .split_once([' ', 'T'])
        .unwrap_or((text.trim(), "00:00:00"));
    let num = |part: Option<&str>| part.and_then(|p| p.parse::<i64>().ok());
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()), num(d.next()), num(d.next()));
    let mut t = time.split(':');
    let (h, min, sec) = (num(t.next()), num(t.next()), num(t.next()).or(Some(0)));
    match (y, m, day, h, min, sec) {
        (
            Some(y),
            Some(m @ 1..=12),
            Some(day @ 1..=31),
            Some(h @ 0..=23),
            Some(min @ 0..=59),
            Some(sec @ 0..=59),
        ) => Ok(ist_midnight(days_from_civil(y, m as u32, day as u32))
            + (h * 3600 + min * 60 + sec) * NANOS_PER_SEC),
        _ => Err(invalid()),
    }
}

/// Kite's candle time: ISO-8601 IST with the offset written `+0530`.
fn candle_time(ts: TimestampNs) -> String {
    format_ist(ts).replacen("+05:30", "+0530", 1)
}

fn candle(bar: &Bar) -> Value {
    json!([
        candle_time(bar.ts),
        bar.open.to_f64(),
        bar.high.to_f64(),
        bar.low.to_f64(),
        bar.close.to_f64(),
        bar.volume,
    ])
}

/// The `interval` candles of instrument `k` that start in `[from, to]` and closed by `now`.
pub(crate) fn candles(
    listing: &[Listed],
    k: usize,
    seed: u64,
    first_day: i64,
    interval: BarInterval,
    range: (TimestampNs, TimestampNs),
    now: TimestampNs,
) -> Result<Value, KiteError> {
    let bars = bars(listing, k, (seed, first_day), interval, range, now)
        .map_err(|e| KiteError::new(ErrorType::General, e))?;
    let out: Vec<Value> = bars.iter().map(candle).collect();
    Ok(json!({"candles": out}))
}

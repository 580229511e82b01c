//! Reading brokers' JSON exactly: money amounts (JSON numbers or strings) into `Decimal` with
//! the digits the broker wrote, and IST wall-clock times into UTC nanoseconds.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use sharewise_engine::time::{days_from_civil, TimestampNs, IST_OFFSET_NS, NANOS_PER_SEC};

/// Reads a money amount from a JSON number or string exactly (null is zero).
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let value = Value::deserialize(d)?;
    decimal_of(&value).ok_or_else(|| serde::de::Error::custom(format!("not an amount: {value}")))
}

/// An amount from a JSON value: a number through its shortest decimal form, a decimal string, or
/// null as zero.
pub fn decimal_of(value: &Value) -> Option<Decimal> {
    match value {
        Value::Null => Some(Decimal::ZERO),
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// An IST time `YYYY-MM-DD HH:MM:SS` as Kite and Upstox write it (or with a `T`, or with a
/// `+0530` offset as candles have) as UTC nanoseconds; `None` for anything else.
pub fn ist_time(text: &str) -> Option<TimestampNs> {
    let text = text.trim();
    let b = text.as_bytes();
    if b.len() < 19 || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let seps = b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':';
    let rest = &text[19..];
    if !seps
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || s > 60
        || !(rest.is_empty() || rest == "+0530" || rest == "+05:30")
    {
        return None;
    }
    let day = days_from_civil(y, mo as u32, d as u32);
    let secs = day * 86_400 + h * 3600 + mi * 60 + s;
    Some(secs * NANOS_PER_SEC - IST_OFFSET_NS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::time::format_ist;

    #[test]
    fn ist_times_read_as_the_brokers_write_them() {
        let ts = ist_time("2021-05-31 09:18:57").unwrap();
        assert!(format_ist(ts).starts_with("2021-05-31T09:18:57"));
        assert_eq!(
            ist_time("2017-12-15T09:15:00+0530"),
            ist_time("2017-12-15 09:15:00")
        );
        for bad in [
            "09:16:39",
            "",
            "2021-13-01 00:00:00",
            "2021-05-31 25:00:00",
            "2021/05/31 09:18:57",
            "2021-05-31 09:18:57Z",
        ] {
            assert_eq!(ist_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_keep_the_digits_the_broker_wrote() {
        let v: Value =
            serde_json::from_str("[420.65, 72, 99725.05000000002, \"1573.15\", null]").unwrap();
        let got: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| decimal_of(x).unwrap().to_string())
            .collect();
        assert_eq!(got, ["420.65", "72", "99725.05000000002", "1573.15", "0"]);
        assert_eq!(decimal_of(&Value::Bool(true)), None);
    }
}

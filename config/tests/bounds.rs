//! Every numeric setting has bounds. Each numeric key of the defaults — `config/default.toml`,
//! `[runtime]` and `[risk]` as their types serialise them, and the optional keys the defaults leave
//! out — is set to absurd values (`i64::MAX`, `u32::MAX`, `-1`, `0` where 0 means nothing, NaN and infinity
//! for decimals and floats) and must be refused at load with its dotted key, its file line and the
//! value. A numeric key added later without bounds fails here.

use rust_decimal::Decimal;
use sharewise_config::{Settings, DEFAULT_TOML};
use toml::Value;

/// Keys where 0 is a meaningful value (no slippage, no delay, park at once, core 0, a rate of 0 %).
const ZERO_OK: &[&str] = &[
    "backtest.slippage_ticks",
    "paper.slippage_ticks",
    "paper.latency_ms",
    "run.compare_every_s",
    "run.demo_seed",
    "runtime.strategy_shards",
    "runtime.spin_iterations",
    "runtime.yield_us",
    "runtime.feed.core",
    "runtime.engine.core",
    "runtime.shard_cores[0]",
    "strategy.params.low",
    // 0 is in high's own range (0 to 100); it is refused only as the pair `low < high`.
    "strategy.params.high",
    "zerodha.brokerage_intraday_pct",
    "zerodha.brokerage_intraday_max",
    "zerodha.brokerage_delivery_pct",
    "zerodha.stt_intraday_sell_pct",
    "zerodha.stt_delivery_pct",
    "zerodha.exchange_nse_pct",
    "zerodha.exchange_bse_pct",
    "zerodha.sebi_pct",
    "zerodha.gst_pct",
    "zerodha.stamp_intraday_buy_pct",
    "zerodha.stamp_delivery_buy_pct",
];

/// Keys where every value of their type is valid: a random seed.
const ANY_VALUE: &[&str] = &["run.demo_seed"];

/// Numeric keys the defaults leave out, each with a sample value of its type and the TOML that
/// makes it apply (e.g. the strategy or sizing method that reads it).
fn optional_keys() -> Vec<(&'static str, Value, &'static str)> {
    let int = Value::Integer;
    let dec = |s: &str| Value::String(s.to_string());
    vec![
        ("backtest.limits.max_order_qty", int(1000), ""),
        ("backtest.limits.max_order_value", dec("500000"), ""),
        ("backtest.limits.short_margin_pct", dec("20"), ""),
        (
            "backtest.sizing.value",
            dec("50000"),
            "backtest.sizing.method = \"fixed_value\"",
        ),
        (
            "backtest.sizing.value",
            dec("10"),
            "backtest.sizing.method = \"percent_equity\"",
        ),
        (
            "backtest.sizing.value",
            dec("1"),
            "backtest.sizing.method = \"risk_per_trade\"",
        ),
        ("risk.price_band_pct", dec("5"), ""),
        ("risk.max_position_qty", int(1000), ""),
        ("risk.max_position_value", dec("500000"), ""),
        ("risk.max_gross_exposure", dec("2000000"), ""),
        ("risk.max_orders_per_second", int(10), ""),
        ("risk.max_orders_per_day", int(2000), ""),
        ("risk.daily_loss_limit", dec("25000"), ""),
        ("risk.tier_strategy_limits.elite", int(50), ""),
        ("run.trailing_stop_pct", dec("2"), ""),
        ("paper.max_fill_pct", int(50), ""),
        (
            "runtime.feed.core",
            int(0),
            "runtime.feed.name = \"sw-feed\"",
        ),
        (
            "runtime.engine.core",
            int(1),
            "runtime.engine.name = \"sw-engine\"",
        ),
        (
            "runtime.shard_cores[0]",
            int(0),
            "runtime.shard_cores = [0]",
        ),
        ("strategy.params.stop_pct", Value::Float(2.0), ""),
        ("strategy.params.target_pct", Value::Float(3.0), ""),
        (
            "strategy.params.signal",
            int(9),
            "strategy.name = \"macd_cross\"",
        ),
        (
            "strategy.params.k",
            Value::Float(2.0),
            "strategy.name = \"bollinger_breakout\"",
        ),
        (
            "strategy.params.low",
            Value::Float(30.0),
            "strategy.name = \"rsi_reversion\"",
        ),
        (
            "strategy.params.high",
            Value::Float(70.0),
            "strategy.name = \"rsi_reversion\"",
        ),
    ]
}

/// `run.strategies[1].params.period` → `[Key(run), Key(strategies), Index(1), …]`.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_key(key: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        out.push(Seg::Key(name.to_string()));
        for index in rest.split('[').filter_map(|i| i.strip_suffix(']')) {
            out.push(Seg::Index(index.parse().unwrap()));
        }
    }
    out
}

/// Every integer, float and decimal-string leaf under `value`, as `(dotted key, sample value)`.
fn numeric_leaves(value: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Table(t) => t.iter().for_each(|(k, v)| numeric_leaves(v, &join(k), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| numeric_leaves(v, &format!("{prefix}[{i}]"), out)),
        Value::Integer(_) | Value::Float(_) => out.push((prefix.to_string(), value.clone())),
        Value::String(s) if s.parse::<Decimal>().is_ok() => {
            out.push((prefix.to_string(), value.clone()))
        }
        _ => {}
    }
}

/// Every numeric key to try: `(key, sample, context TOML)`.
fn numeric_keys() -> Vec<(String, Value, String)> {
    let mut leaves = Vec::new();
    numeric_leaves(
        &toml::from_str::<Value>(DEFAULT_TOML).unwrap(),
        "",
        &mut leaves,
    );
    numeric_leaves(
        &Value::try_from(sharewise_actors::Placement::default()).unwrap(),
        "runtime",
        &mut leaves,
    );
    numeric_leaves(
        &Value::try_from(sharewise_risk::RiskConfig::default()).unwrap(),
        "risk",
        &mut leaves,
    );
    let mut keys: Vec<(String, Value, String)> = leaves
        .into_iter()
        .map(|(k, v)| (k, v, String::new()))
        .collect();
    keys.extend(
        optional_keys()
            .into_iter()
            .map(|(k, v, c)| (k.to_string(), v, c.to_string())),
    );
    keys
}

/// A user's file: `context`, plus `key = value`, copying from the defaults any array on the way
/// (an element can only be changed by writing its whole array).
fn file_with(key: &str, value: Value, context: &str) -> String {
    fn set(user: &mut Value, defaults: Option<&Value>, path: &[Seg], value: Value) {
        let Some((first, rest)) = path.split_first() else {
            *user = value;
            return;
        };
        match first {
            Seg::Key(k) => {
                let table = user.as_table_mut().expect("a table on the way");
                let below = defaults.and_then(|d| d.get(k));
                let entry = table
                    .entry(k.clone())
                    .or_insert_with(|| match (rest.first(), below) {
                        (Some(Seg::Index(_)), Some(array)) => array.clone(),
                        _ => Value::Table(toml::Table::new()),
                    });
                set(entry, below, rest, value);
            }
            Seg::Index(i) => {
                let below = defaults.and_then(|d| d.get(*i));
                set(
                    &mut user.as_array_mut().expect("an array on the way")[*i],
                    below,
                    rest,
                    value,
                );
            }
        }
    }
    let defaults: Value = toml::from_str(DEFAULT_TOML).unwrap();
    let mut user = Value::Table(toml::from_str(context).unwrap());
    set(&mut user, Some(&defaults), &parse_key(key), value);
    toml::to_string(&user).unwrap()
}

/// The absurd values to try on a key whose sample is `sample`, as `(value, text the error shows)`.
fn absurd_values(key: &str, sample: &Value) -> Vec<(Value, Option<String>)> {
    let zero_ok = ZERO_OK.contains(&key);
    let mut values = Vec::new();
    match sample {
        Value::Integer(_) => {
            if !ANY_VALUE.contains(&key) {
                // u32::MAX passes a u32 field's type, so only a bound refuses it.
                for n in [i64::MAX, i64::from(u32::MAX)] {
                    values.push((Value::Integer(n), Some(n.to_string())));
                }
            }
            values.push((Value::Integer(-1), Some("-1".into())));
            if !zero_ok {
                values.push((Value::Integer(0), Some("0".into())));
            }
        }
        Value::String(_) => {
            for text in ["9223372036854775807", "-1", "-0.5", "NaN", "inf", "1e400"] {
                values.push((Value::String(text.into()), Some(text.into())));
            }
            if !zero_ok {
                values.push((Value::String("0".into()), Some("0".into())));
            }
            values.push((Value::Float(f64::NAN), None));
            values.push((Value::Float(f64::INFINITY), None));
        }
        Value::Float(_) => {
            for f in [1e12, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                values.push((Value::Float(f), None));
            }
            if !zero_ok {
                values.push((Value::Float(0.0), None));
            }
        }
        other => panic!("{key}: not numeric: {other}"),
    }
    values
}

#[test]
fn every_numeric_key_refuses_absurd_values_naming_key_line_and_value() {
    let keys = numeric_keys();
    assert!(
        keys.len() > 50,
        "the walk found the numeric keys: {}",
        keys.len()
    );
    let mut failures = Vec::new();
    for (key, sample, context) in &keys {
        // The sample itself is accepted: the key is spelled right and applies.
        let good = file_with(key, sample.clone(), context);
        if let Err(e) = Settings::from_toml_str(&good, "u.toml") {
            failures.push(format!(
                "{key} = {sample}: a sensible value is refused: {e}"
            ));
            continue;
        }
        for (value, shown) in absurd_values(key, sample) {
            let text = file_with(key, value.clone(), context);
            let e = match Settings::from_toml_str(&text, "u.toml") {
                Ok(_) => {
                    failures.push(format!("{key} = {value}: accepted"));
                    continue;
                }
                Err(e) => e.to_string(),
            };
            let leaf = key.rsplit('.').next().unwrap().split('[').next().unwrap();
            let line = e
                .strip_prefix("u.toml:")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<usize>().ok());
            let on_line = line
                .and_then(|n| text.lines().nth(n - 1))
                .is_some_and(|l| l.contains(leaf));
            let names_key = e.contains(&format!("`{key}`"));
            let names_value = shown
                .as_ref()
                .is_none_or(|v| e.to_lowercase().contains(&v.to_lowercase()));
            if !(names_key && on_line && names_value) {
                failures.push(format!("{key} = {value}: names key {names_key}, line {line:?} shows the key {on_line}, value {names_value}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

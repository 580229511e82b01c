//! `SHAREWISE_*` environment overrides, the last layer over the defaults and the user's file.
//!
//! `SHAREWISE_<SECTION>__<KEY>[__<SUBKEY>…]=VALUE` sets `section.key.subkey`: segments are split
//! at double underscores (keys themselves contain single ones) and lower-cased. VALUE is read as a
//! TOML value (`600`, `true`, `["TCS", "INFY"]`, `{ fast = 5 }`), and as a plain string when it is
//! not one, so `SHAREWISE_BACKTEST__PRODUCT=MIS` needs no quotes. Arrays are replaced whole.

use crate::locate::{without, KeyPath, Seg};
use crate::ConfigError;

/// Prefix of every settings variable.
pub(crate) const PREFIX: &str = "SHAREWISE_";

/// The top-level sections a variable may name (the fields of `Settings`, kept in step by a test).
pub(crate) const SECTIONS: &[&str] = &[
    "backtest", "strategy", "zerodha", "risk", "run", "paper", "runtime", "accounts",
];

/// `SHAREWISE_` variables that are not settings and are left alone (a name ending in `_` is a
/// prefix): the benchmarks' inputs, and a log level and config path a front end may read itself.
const NOT_SETTINGS: &[&str] = &["SHAREWISE_BENCH_", "SHAREWISE_LOG", "SHAREWISE_CONFIG"];

/// An example for error messages.
const EXAMPLE: &str = "write SHAREWISE_<SECTION>__<KEY>=VALUE, e.g. SHAREWISE_RUN__DEMO_SPEED=600";

/// One override read from the environment.
#[derive(Clone, Debug)]
pub(crate) struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its raw value.
    pub value: String,
    /// The settings key it sets.
    pub path: KeyPath,
}

/// The overrides of one environment, as a TOML table to merge over the file.
#[derive(Clone, Debug, Default)]
pub(crate) struct EnvLayer {
    /// Every override, merged into one table.
    pub table: toml::Table,
    /// The variables behind `table`, in name order (to name the one an error comes from).
    pub vars: Vec<EnvVar>,
}

impl EnvLayer {
    /// Reads the `SHAREWISE_*` settings variables of `env`; other variables are ignored.
    pub fn parse(env: impl IntoIterator<Item = (String, String)>) -> Result<EnvLayer, ConfigError> {
        let mut vars: Vec<(String, String)> = env
            .into_iter()
            .filter(|(name, _)| is_setting(name))
            .collect();
        // Sorted so that the same environment always gives the same result and the same error.
        vars.sort();
        let mut layer = EnvLayer::default();
        for (name, value) in vars {
            let path = key_path(&name)?;
            insert(&mut layer.table, &path, parse_value(&value)).map_err(|message| {
                ConfigError::Env {
                    var: name.clone(),
                    value: None,
                    message,
                }
            })?;
            layer.vars.push(EnvVar { name, value, path });
        }
        Ok(layer)
    }

    /// The overrides without `var`'s (to test whether it is what breaks the settings).
    pub fn without(&self, var: &EnvVar) -> toml::Table {
        without(&self.table, &var.path)
    }
}

/// Whether `name` is a settings variable.
fn is_setting(name: &str) -> bool {
    let listed = |n: &&str| {
        if n.ends_with('_') {
            name.starts_with(*n)
        } else {
            name == *n
        }
    };
    name.starts_with(PREFIX) && !NOT_SETTINGS.iter().any(listed)
}

/// `SHAREWISE_RUN__DEMO_SPEED` → `run.demo_speed`, refusing empty keys and unknown sections.
fn key_path(name: &str) -> Result<KeyPath, ConfigError> {
    let refuse = |message: String| ConfigError::Env {
        var: name.to_string(),
        value: None,
        message,
    };
    let keys: Vec<String> = name[PREFIX.len()..]
        .split("__")
        .map(str::to_ascii_lowercase)
        .collect();
    if keys.iter().any(String::is_empty) {
        return Err(refuse(format!(
            "empty key (leading, trailing or doubled `__`); {EXAMPLE}"
        )));
    }
    let section = &keys[0];
    if !SECTIONS.contains(&section.as_str()) {
        let mut message = format!(
            "unknown section `{section}`; sections are {}",
            SECTIONS.join(", ")
        );
        // `SHAREWISE_RUN_DEMO_SPEED`: a single underscore after the section is the likely slip.
        if let Some(known) = SECTIONS
            .iter()
            .filter(|s| section.starts_with(&format!("{s}_")))
            .max_by_key(|s| s.len())
        {
            let rest = std::iter::once(&section[known.len() + 1..])
                .chain(keys[1..].iter().map(String::as_str));
            let fixed: Vec<String> = std::iter::once(known.to_string())
                .chain(rest.map(str::to_string))
                .collect();
            message.push_str(&format!(
                "; separate the section and key with a double underscore: {PREFIX}{}",
                fixed.join("__").to_ascii_uppercase()
            ));
        }
        return Err(refuse(message));
    }
    if section == "accounts" {
        return Err(refuse(
            "[[accounts]] is a list of tables: describe accounts in a config file (--config FILE)"
                .into(),
        ));
    }
    Ok(keys.into_iter().map(Seg::Key).collect())
}

/// `value` as a TOML value, or as a string when it is not one (`MIS`, `replay:/data/x.csv`).
fn parse_value(value: &str) -> toml::Value {
    match toml::from_str::<toml::Table>(&format!("v = {value}")) {
        // Exactly one key: text such as `1\nx = 2` must not smuggle in a second setting.
        Ok(mut t) if t.len() == 1 => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(value.to_string())),
        _ => toml::Value::String(value.to_string()),
    }
}

/// Sets `path` in `table`; two variables may not set the same key, or a key and its parent.
fn insert(table: &mut toml::Table, path: &[Seg], value: toml::Value) -> Result<(), String> {
    let clash = || {
        format!(
            "another {PREFIX}* variable already sets this key or a table containing it; keep one"
        )
    };
    let (last, parents) = path.split_last().expect("a key path has a section");
    let mut at = table;
    for seg in parents {
        let Seg::Key(key) = seg else {
            unreachable!("names give keys only")
        };
        let entry = at
            .entry(key.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        at = match entry {
            toml::Value::Table(t) => t,
            _ => return Err(clash()),
        };
    }
    let Seg::Key(key) = last else {
        unreachable!("names give keys only")
    };
    if at.contains_key(key) {
        return Err(clash());
    }
    at.insert(key.clone(), value);
    Ok(())
}

/// This process's environment as `(name, value)` text pairs, for [`crate::Settings::load_layers`].
///
/// Unlike `std::env::vars()` it does not panic on a variable that is not UTF-8 (some other
/// program's); such text is converted lossily.
pub fn env_vars() -> Vec<(String, String)> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(vars: &[(&str, &str)]) -> Result<EnvLayer, String> {
        EnvLayer::parse(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn names_become_nested_keys_and_values_toml_or_text() {
        let l = layer(&[
            ("SHAREWISE_RUN__DEMO_SPEED", "600"),
            ("SHAREWISE_BACKTEST__SIZING__VALUE", "5"),
            ("SHAREWISE_BACKTEST__PRODUCT", "MIS"),
            ("SHAREWISE_RUN__SYMBOLS", "[\"TCS\", \"INFY\"]"),
            ("SHAREWISE_RUN__FEED", "replay:/data/ticks.csv"),
            ("PATH", "/usr/bin"),
            ("SHAREWISE_BENCH_CSV", "/tmp/b.csv"),
        ])
        .unwrap();
        let expected: toml::Table = toml::from_str(
            "[run]\ndemo_speed = 600\nsymbols = [\"TCS\", \"INFY\"]\nfeed = \"replay:/data/ticks.csv\"\n[backtest]\nproduct = \"MIS\"\nsizing = { value = 5 }\n",
        )
        .unwrap();
        assert_eq!(l.table, expected);
        assert_eq!(
            l.vars.len(),
            5,
            "PATH and the benchmark's variable are not settings"
        );
        assert_eq!(
            parse_value("1\nx = 2"),
            toml::Value::String("1\nx = 2".into()),
            "one value only"
        );
    }

    #[test]
    fn bad_names_are_refused_with_the_variable_and_a_fix() {
        assert_eq!(
            layer(&[("SHAREWISE_RUNN__DEMO_SPEED", "5")]).unwrap_err(),
            "environment variable SHAREWISE_RUNN__DEMO_SPEED: unknown section `runn`; sections are backtest, strategy, zerodha, risk, run, paper, runtime, accounts"
        );
        let e = layer(&[("SHAREWISE_RUN_DEMO_SPEED", "5")]).unwrap_err();
        assert!(
            e.ends_with(
                "separate the section and key with a double underscore: SHAREWISE_RUN__DEMO_SPEED"
            ),
            "{e}"
        );
        let e = layer(&[("SHAREWISE_RUN____DEMO_SPEED", "5")]).unwrap_err();
        assert!(
            e.starts_with("environment variable SHAREWISE_RUN____DEMO_SPEED: empty key"),
            "{e}"
        );
        let e = layer(&[
            ("SHAREWISE_RUN", "{ demo_speed = 5 }"),
            ("SHAREWISE_RUN__DEMO_SPEED", "6"),
        ])
        .unwrap_err();
        assert!(
            e.starts_with(
                "environment variable SHAREWISE_RUN__DEMO_SPEED: another SHAREWISE_* variable"
            ),
            "{e}"
        );
    }
}

//! Strategy parameters as given on the command line (`--param fast=10`) or in TOML, with typed
//! getters whose errors name the parameter and what was expected.

use std::collections::BTreeMap;

/// The longest look-back a whole-number parameter (a period, in bars) may ask for: 10 000 bars is
/// 40 years of daily bars or 26 sessions of 1-minute bars; a strategy allocates its window up
/// front, so a larger one would exhaust memory instead of trading.
pub const MAX_PERIOD: usize = 10_000;

/// Why a parameter was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// `--param` text without `=`.
    #[error("parameter `{0}` must look like name=value, e.g. fast=10")]
    Malformed(String),
    /// A value that is not of the expected type or range.
    #[error("parameter `{name}` = `{value}`: {expected}")]
    Invalid {
        /// Parameter name.
        name: String,
        /// The text given.
        value: String,
        /// What was expected instead.
        expected: String,
    },
    /// A parameter this strategy does not have.
    #[error("strategy `{strategy}` has no parameter `{name}`; it takes: {allowed}")]
    Unknown {
        /// Strategy name.
        strategy: String,
        /// The unknown name.
        name: String,
        /// Comma-separated list of accepted names.
        allowed: String,
    },
}

/// Named parameter values, kept as text until a strategy reads them with a type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// Empty parameters: every strategy falls back to its defaults.
    pub fn new() -> Params {
        Params::default()
    }

    /// Parses `name=value` strings (the CLI's repeated `--param`).
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Params, ParamError> {
        let mut params = Params::new();
        for item in items {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| ParamError::Malformed(item.to_string()))?;
            params.set(name.trim(), value.trim());
        }
        Ok(params)
    }

    /// Sets (or replaces) one value.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Params {
        self.values.insert(name.to_string(), value.to_string());
        self
    }

    /// Iterates `(name, value)` in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Fails on any name not in `allowed` (typos must not silently fall back to a default).
    pub fn expect_only(&self, strategy: &str, allowed: &[&str]) -> Result<(), ParamError> {
        match self.values.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(name) => Err(ParamError::Unknown {
                strategy: strategy.to_string(),
                name: name.clone(),
                allowed: allowed.join(", "),
            }),
            None => Ok(()),
        }
    }

    /// A whole number from `min` to [`MAX_PERIOD`], or `default` when absent.
    pub fn usize_at_least(
        &self,
        name: &str,
        default: usize,
        min: usize,
    ) -> Result<usize, ParamError> {
        match self.values.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (min..=MAX_PERIOD).contains(n))
                .ok_or_else(|| ParamError::Invalid {
                    name: name.to_string(),
                    value: v.clone(),
                    expected: format!("expected a whole number from {min} to {MAX_PERIOD}"),
                }),
        }
    }

    /// A finite number in `[min, max]`, or `default` when absent.
    pub fn f64_in(&self, name: &str, default: f64, min: f64, max: f64) -> Result<f64, ParamError> {
        match self.values.get(name) {
            None => Ok(default),
            Some(v) => self.parse_f64(name, v, min, max),
        }
    }

    /// A finite number in `[min, max]`, or `None` when absent.
    pub fn optional_f64_in(
        &self,
        name: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, ParamError> {
        self.values
            .get(name)
            .map(|v| self.parse_f64(name, v, min, max))
            .transpose()
    }

    fn parse_f64(&self, name: &str, v: &str, min: f64, max: f64) -> Result<f64, ParamError> {
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= min && *x <= max)
            .ok_or_else(|| ParamError::Invalid {
                name: name.to_string(),
                value: v.to_string(),
                expected: format!("expected a number between {min} and {max}"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_getters_name_the_parameter() {
        let p = Params::parse(["fast=10", "slow = x", "low=-5"]).unwrap();
        assert_eq!(p.usize_at_least("fast", 5, 1).unwrap(), 10);
        assert_eq!(p.usize_at_least("missing", 7, 1).unwrap(), 7);
        let err = p.usize_at_least("slow", 30, 2).unwrap_err().to_string();
        assert_eq!(
            err,
            "parameter `slow` = `x`: expected a whole number from 2 to 10000"
        );
        assert!(
            p.usize_at_least("fast", 5, 11).is_err(),
            "below the minimum"
        );
        let huge = Params::parse(["slow=9223372036854775807"]).unwrap();
        assert!(
            huge.usize_at_least("slow", 30, 2).is_err(),
            "past MAX_PERIOD"
        );
        let err = p.f64_in("low", 30.0, 0.0, 100.0).unwrap_err().to_string();
        assert_eq!(
            err,
            "parameter `low` = `-5`: expected a number between 0 and 100"
        );
        assert_eq!(
            Params::parse(["fast"]).unwrap_err(),
            ParamError::Malformed("fast".into())
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_accepted_list() {
        let p = Params::parse(["fsat=10"]).unwrap();
        let err = p
            .expect_only("sma_cross", &["fast", "slow"])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "strategy `sma_cross` has no parameter `fsat`; it takes: fast, slow"
        );
    }
}

//! Indicator specs, the strings `sharewise indicators --set ...` takes, turned into
//! [`ColumnSource`]s.
//!
//! | spec | columns | defaults (TA-Lib's) |
//! | --- | --- | --- |
//! | `sma:N`, `ema:N`, `wma:N` | `sma_N`, `ema_N`, `wma_N` | N = 30 |
//! | `rsi:N` | `rsi_N` | 14 |
//! | `macd:F:S:G` | `macd_F_S_G`, `macdsignal_F_S_G`, `macdhist_F_S_G` | 12:26:9 |
//! | `bbands:N:U:D` | `bbupper_N_U_D`, `bbmiddle_N_U_D`, `bblower_N_U_D` | 5:2:2 |
//! | `atr:N` | `atr_N` | 14 |
//! | `stoch:K:SK:SD` | `stochk_K_SK_SD`, `stochd_K_SK_SD` | 5:3:3 |
//! | `obv` | `obv` | |
//! | `adx:N` | `adx_N`, `plusdi_N`, `minusdi_N` | 14 |
//! | `vwap` | `vwap` | |
//! | `cdl:NAME` | from [`crate::patterns::column_source`], e.g. `cdl_engulfing` | |
//!
//! Parameters are either all given or all omitted (`macd` means `macd:12:26:9`). Periods are
//! whole numbers; the Bollinger multipliers may be decimals (`bbands:20:2.5:2`) and keep their
//! text in the column names (`bbupper_20_2.5_2`). `adx_N` is empty until the ADX is ready (bar
//! `2N − 1`) while `plusdi_N`/`minusdi_N` start at bar `N`, as in TA-Lib.

use super::{
    Adx, Atr, BollingerBands, Candle, ColumnSource, Ema, Indicator, IndicatorError, Macd, Obv, Rsi,
    Sma, Stochastic, Vwap, Wma,
};

/// What `parse_spec` lists as valid indicator names.
const KNOWN: &str = "sma, ema, wma, rsi, macd, bbands, atr, stoch, obv, adx, vwap, cdl:NAME";

/// Why a spec string could not be turned into columns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// The spec was empty.
    #[error("empty indicator spec; expected one of {KNOWN}, e.g. `rsi:14`")]
    Empty,
    /// The indicator name is not one we know.
    #[error("unknown indicator `{name}` in `{spec}`; expected one of {KNOWN}")]
    UnknownIndicator {
        /// The name as given.
        name: String,
        /// The whole spec.
        spec: String,
    },
    /// The wrong number of parameters.
    #[error("`{spec}` needs {expected}")]
    WrongArity {
        /// The whole spec.
        spec: String,
        /// What it needs, e.g. `3 parameters (fast:slow:signal), or none for TA-Lib's defaults 12:26:9`.
        expected: String,
    },
    /// A parameter that does not parse.
    #[error("`{spec}`: {param} `{text}` is not {expected}")]
    BadNumber {
        /// The whole spec.
        spec: String,
        /// The parameter, e.g. `period`.
        param: &'static str,
        /// Its text.
        text: String,
        /// `a whole number` or `a number`.
        expected: &'static str,
    },
    /// Parameters the indicator rejects.
    #[error("`{spec}`: {source}")]
    Invalid {
        /// The whole spec.
        spec: String,
        /// The indicator's complaint.
        source: IndicatorError,
    },
    /// `cdl:NAME` with a pattern the patterns module does not know.
    #[error("unknown candlestick pattern `{name}` in `{spec}`")]
    UnknownPattern {
        /// The pattern name as given.
        name: String,
        /// The whole spec.
        spec: String,
    },
}

/// Builds the column source a spec such as `rsi:14`, `macd:12:26:9` or `cdl:engulfing` names.
pub fn parse_spec(spec: &str) -> Result<Box<dyn ColumnSource>, SpecError> {
    let text = spec.trim();
    if text.is_empty() {
        return Err(SpecError::Empty);
    }
    let mut parts = text.split(':');
    let given = parts.next().unwrap_or_default().trim();
    let name = given.to_ascii_lowercase();
    let args = Args {
        spec: text,
        params: parts.map(str::trim).collect(),
    };
    let invalid = |source| SpecError::Invalid {
        spec: text.to_string(),
        source,
    };
    Ok(match name.as_str() {
        "sma" | "ema" | "wma" | "rsi" | "atr" | "adx" => {
            let default = if matches!(name.as_str(), "sma" | "ema" | "wma") {
                30
            } else {
                14
            };
            let [n] = args.periods(["period"], [default])?;
            let col = |prefix: &str| format!("{prefix}_{n}");
            match name.as_str() {
                "sma" => boxed(vec![col("sma")], Sma::new(n).map_err(invalid)?),
                "ema" => boxed(vec![col("ema")], Ema::new(n).map_err(invalid)?),
                "wma" => boxed(vec![col("wma")], Wma::new(n).map_err(invalid)?),
                "rsi" => boxed(vec![col("rsi")], Rsi::new(n).map_err(invalid)?),
                "atr" => boxed(vec![col("atr")], Atr::new(n).map_err(invalid)?),
                _ => boxed(
                    vec![col("adx"), col("plusdi"), col("minusdi")],
                    Adx::new(n).map_err(invalid)?,
                ),
            }
        }
        "macd" => {
            let [f, s, g] = args.periods(["fast", "slow", "signal"], [12, 26, 9])?;
            let cols = ["macd", "macdsignal", "macdhist"].map(|p| format!("{p}_{f}_{s}_{g}"));
            boxed(cols.into(), Macd::new(f, s, g).map_err(invalid)?)
        }
        "stoch" => {
            let [k, sk, sd] = args.periods(["fastk", "slowk", "slowd"], [5, 3, 3])?;
            let cols = ["stochk", "stochd"].map(|p| format!("{p}_{k}_{sk}_{sd}"));
            boxed(cols.into(), Stochastic::new(k, sk, sd).map_err(invalid)?)
        }
        "bbands" => {
            let (n, up, dn) = args.bbands()?;
            let cols =
                ["bbupper", "bbmiddle", "bblower"].map(|p| format!("{p}_{n}_{}_{}", up.1, dn.1));
            boxed(
                cols.into(),
                BollingerBands::new(n, up.0, dn.0).map_err(invalid)?,
            )
        }
        "obv" => {
            args.periods([], [])?;
            boxed(vec!["obv".to_string()], Obv::new())
        }
        "vwap" => {
            args.periods([], [])?;
            boxed(vec!["vwap".to_string()], Vwap::new())
        }
        "cdl" => {
            let [pattern] = args.params[..] else {
                return Err(
                    args.arity("1 parameter (the pattern name), e.g. `cdl:engulfing`".to_string())
                );
            };
            crate::patterns::column_source(&pattern.to_ascii_lowercase()).ok_or_else(|| {
                SpecError::UnknownPattern {
                    name: pattern.to_string(),
                    spec: text.to_string(),
                }
            })?
        }
        _ => {
            return Err(SpecError::UnknownIndicator {
                name: given.to_string(),
                spec: text.to_string(),
            })
        }
    })
}

/// A Bollinger multiplier and its text as given (for the column name).
type Multiplier<'a> = (f64, &'a str);

/// A spec's parameters after the name.
struct Args<'a> {
    spec: &'a str,
    params: Vec<&'a str>,
}

impl Args<'_> {
    fn arity(&self, expected: String) -> SpecError {
        SpecError::WrongArity {
            spec: self.spec.to_string(),
            expected,
        }
    }

    fn arity_for(&self, names: &[&str], defaults: &[String]) -> SpecError {
        self.arity(match names.len() {
            0 => "no parameters".to_string(),
            1 => format!(
                "1 parameter ({}), or none for TA-Lib's default {}",
                names[0], defaults[0]
            ),
            n => format!(
                "{n} parameters ({}), or none for TA-Lib's defaults {}",
                names.join(":"),
                defaults.join(":")
            ),
        })
    }

    fn bad(&self, param: &'static str, text: &str, expected: &'static str) -> SpecError {
        SpecError::BadNumber {
            spec: self.spec.to_string(),
            param,
            text: text.to_string(),
            expected,
        }
    }

    /// `N` whole-number periods, or `defaults` when none are given.
    fn periods<const N: usize>(
        &self,
        names: [&'static str; N],
        defaults: [usize; N],
    ) -> Result<[usize; N], SpecError> {
        if self.params.is_empty() {
            return Ok(defaults);
        }
        if self.params.len() != N {
            return Err(self.arity_for(&names, &defaults.map(|d| d.to_string())));
        }
        let mut out = defaults;
        for ((slot, name), text) in out.iter_mut().zip(names).zip(&self.params) {
            *slot = text
                .parse()
                .map_err(|_| self.bad(name, text, "a whole number"))?;
        }
        Ok(out)
    }

    /// Bollinger `period:nbdev_up:nbdev_dn`, multipliers with their text; TA-Lib's 5:2:2 by default.
    fn bbands(&self) -> Result<(usize, Multiplier<'_>, Multiplier<'_>), SpecError> {
        let [period, up, dn] = match self.params[..] {
            [] => return Ok((5, (2.0, "2"), (2.0, "2"))),
            [p, u, d] => [p, u, d],
            _ => {
                let defaults = ["5", "2", "2"].map(String::from);
                return Err(self.arity_for(&["period", "nbdev_up", "nbdev_dn"], &defaults));
            }
        };
        let n = period
            .parse()
            .map_err(|_| self.bad("period", period, "a whole number"))?;
        let real = |name, text: &str| {
            text.parse::<f64>()
                .map_err(|_| self.bad(name, text, "a number"))
        };
        Ok((n, (real("nbdev_up", up)?, up), (real("nbdev_dn", dn)?, dn)))
    }
}

/// An indicator that writes its outputs for one bar into column slots.
trait Feed: Send + 'static {
    /// Consumes one bar and writes this indicator's columns into `out`.
    fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]);
}

/// Copies `values` into the leading slots of `out` (never panics on a short `out`).
#[inline]
fn put(out: &mut [Option<f64>], values: &[Option<f64>]) {
    for (slot, v) in out.iter_mut().zip(values) {
        *slot = *v;
    }
}

macro_rules! feed_close {
    ($($t:ty),*) => {$(
        impl Feed for $t {
            #[inline]
            fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
                put(out, &[self.next(c.close)]);
            }
        }
    )*};
}
feed_close!(Sma, Ema, Wma, Rsi);

macro_rules! feed_candle {
    ($($t:ty),*) => {$(
        impl Feed for $t {
            #[inline]
            fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
                put(out, &[self.next(*c)]);
            }
        }
    )*};
}
feed_candle!(Atr, Obv, Vwap);

impl Feed for Macd {
    fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
        let o = self.next(c.close);
        put(
            out,
            &[o.map(|o| o.macd), o.map(|o| o.signal), o.map(|o| o.hist)],
        );
    }
}

impl Feed for BollingerBands {
    fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
        let o = self.next(c.close);
        put(
            out,
            &[o.map(|o| o.upper), o.map(|o| o.middle), o.map(|o| o.lower)],
        );
    }
}

impl Feed for Stochastic {
    fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
        let o = self.next(*c);
        put(out, &[o.map(|o| o.k), o.map(|o| o.d)]);
    }
}

impl Feed for Adx {
    fn feed(&mut self, c: &Candle, out: &mut [Option<f64>]) {
        let adx = self.next(*c).map(|o| o.adx);
        put(out, &[adx, self.plus_di(), self.minus_di()]);
    }
}

/// An indicator plus its column names.
struct Columns<F> {
    names: Vec<String>,
    indicator: F,
}

impl<F: Feed> ColumnSource for Columns<F> {
    fn columns(&self) -> &[String] {
        &self.names
    }

    fn update(&mut self, candle: &Candle, out: &mut [Option<f64>]) {
        self.indicator.feed(candle, out);
    }
}

fn boxed<F: Feed>(names: Vec<String>, indicator: F) -> Box<dyn ColumnSource> {
    Box::new(Columns { names, indicator })
}

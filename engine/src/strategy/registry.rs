//! Builds a built-in strategy from its name and parameters (CLI `--strategy` / TOML `[strategy]`).

use super::{
    BollingerBreakout, EmaCross, MacdCross, ParamError, Params, RsiReversion, SmaCross, Strategy,
};

/// Names accepted by [`build`].
pub const STRATEGY_NAMES: &[&str] = &[
    "sma_cross",
    "ema_cross",
    "rsi_reversion",
    "macd_cross",
    "bollinger_breakout",
];

/// Why a strategy could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StrategyError {
    /// No built-in strategy has this name.
    #[error("unknown strategy `{0}`; choose one of: sma_cross, ema_cross, rsi_reversion, macd_cross, bollinger_breakout")]
    Unknown(String),
    /// A parameter was malformed, out of range or unknown.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// Parameters that are each valid but contradict each other.
    #[error("strategy `{strategy}`: {problem}")]
    Inconsistent {
        /// Strategy name.
        strategy: String,
        /// What is wrong, e.g. "fast (30) must be shorter than slow (10)".
        problem: String,
    },
}

/// Builds the named built-in strategy.
pub fn build(name: &str, params: &Params) -> Result<Box<dyn Strategy>, StrategyError> {
    Ok(match name {
        "sma_cross" => Box::new(SmaCross::from_params(params)?),
        "ema_cross" => Box::new(EmaCross::from_params(params)?),
        "rsi_reversion" => Box::new(RsiReversion::from_params(params)?),
        "macd_cross" => Box::new(MacdCross::from_params(params)?),
        "bollinger_breakout" => Box::new(BollingerBreakout::from_params(params)?),
        other => return Err(StrategyError::Unknown(other.to_string())),
    })
}

/// Error for a fast/slow pair in the wrong order.
pub(crate) fn require_fast_below_slow(
    strategy: &str,
    fast: usize,
    slow: usize,
) -> Result<(), StrategyError> {
    if fast < slow {
        Ok(())
    } else {
        Err(StrategyError::Inconsistent {
            strategy: strategy.to_string(),
            problem: format!("fast ({fast}) must be shorter than slow ({slow})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_builds_with_defaults() {
        for name in STRATEGY_NAMES {
            let s = build(name, &Params::new()).unwrap();
            assert!(s.name().starts_with(name), "{}", s.name());
        }
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            build("sma_crosss", &Params::new()).err().unwrap(),
            StrategyError::Unknown("sma_crosss".into())
        );
        let p = Params::parse(["fast=30", "slow=10"]).unwrap();
        let err = build("sma_cross", &p).err().unwrap().to_string();
        assert_eq!(
            err,
            "strategy `sma_cross`: fast (30) must be shorter than slow (10)"
        );
    }
}

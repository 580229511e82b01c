//! Position sizing: how many shares an entry gets.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How entries are sized; the result is rounded *down* to the instrument's lot size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", content = "value")]
pub enum Sizing {
    /// Always this many shares.
    FixedQty(i64),
    /// As many shares as this many rupees buy at the reference price.
    FixedValue(Decimal),
    /// This percent of current equity, in shares at the reference price.
    PercentEquity(Decimal),
    /// Lose at most this percent of equity if the stop is hit: `equity·pct / |entry − stop|`.
    RiskPerTrade(Decimal),
}

/// Why a sizing setting is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizingError {
    /// Zero or negative amount.
    #[error("sizing `{method}` needs a positive amount, got {value}")]
    NotPositive {
        /// Method name.
        method: &'static str,
        /// The value given.
        value: String,
    },
    /// A percentage over 100.
    #[error("sizing `{method}` is a percentage of equity and must be at most 100, got {value}")]
    OverHundred {
        /// Method name.
        method: &'static str,
        /// The value given.
        value: String,
    },
}

impl Sizing {
    /// Checks the amount is usable.
    pub fn validate(&self) -> Result<(), SizingError> {
        let (method, value, is_pct) = match *self {
            Sizing::FixedQty(q) => ("fixed_qty", Decimal::from(q), false),
            Sizing::FixedValue(v) => ("fixed_value", v, false),
            Sizing::PercentEquity(p) => ("percent_equity", p, true),
            Sizing::RiskPerTrade(p) => ("risk_per_trade", p, true),
        };
        if value <= Decimal::ZERO {
            return Err(SizingError::NotPositive {
                method,
                value: value.to_string(),
            });
        }
        if is_pct && value > Decimal::ONE_HUNDRED {
            return Err(SizingError::OverHundred {
                method,
                value: value.to_string(),
            });
        }
        Ok(())
    }

    /// Shares before lot rounding; `None` when risk sizing has no usable stop distance.
    pub fn raw_qty(
        &self,
        price: Decimal,
        stop_distance: Option<Decimal>,
        equity: Decimal,
    ) -> Option<i64> {
        // More shares than an i64 holds saturates, and the gate then refuses the order's value.
        let shares = |budget: Decimal, per_share: Decimal| {
            budget
                .checked_div(per_share)
                .and_then(|n| n.floor().to_i64())
                .unwrap_or(i64::MAX)
        };
        match *self {
            Sizing::FixedQty(q) => Some(q),
            Sizing::FixedValue(v) => Some(shares(v, price)),
            Sizing::PercentEquity(p) => Some(shares(equity * p / Decimal::ONE_HUNDRED, price)),
            Sizing::RiskPerTrade(p) => {
                let distance = stop_distance.filter(|d| *d > Decimal::ZERO)?;
                Some(shares(equity * p / Decimal::ONE_HUNDRED, distance))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_testkit::d;

    #[test]
    fn each_method_sizes_as_documented() {
        let (price, equity) = (d("1573.15"), d("1000000"));
        assert_eq!(Sizing::FixedQty(10).raw_qty(price, None, equity), Some(10));
        assert_eq!(
            Sizing::FixedValue(d("100000")).raw_qty(price, None, equity),
            Some(63)
        );
        assert_eq!(
            Sizing::PercentEquity(d("25")).raw_qty(price, None, equity),
            Some(158)
        );
        // Risk 1 % = 10,000 rupees with a 31.45 stop distance → 317 shares.
        assert_eq!(
            Sizing::RiskPerTrade(d("1")).raw_qty(price, Some(d("31.45")), equity),
            Some(317)
        );
        assert_eq!(
            Sizing::RiskPerTrade(d("1")).raw_qty(price, None, equity),
            None
        );
    }

    #[test]
    fn validation_names_the_method() {
        assert_eq!(
            Sizing::FixedQty(0).validate().unwrap_err().to_string(),
            "sizing `fixed_qty` needs a positive amount, got 0"
        );
        assert_eq!(
            Sizing::PercentEquity(d("150"))
                .validate()
                .unwrap_err()
                .to_string(),
            "sizing `percent_equity` is a percentage of equity and must be at most 100, got 150"
        );
    }
}

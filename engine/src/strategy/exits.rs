//! Stop-loss and take-profit placement shared by the built-in strategies (params `stop_pct`,
//! `target_pct`, in percent of the signal bar's close). Computed in integer basis points on the
//! fixed-point price; the engine snaps them to the instrument's tick size.

use super::{Params, StrategyError};
use crate::types::{Price, Side};

/// Distances for the protective stop and the profit target; `None` attaches nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExitRules {
    /// Stop distance, basis points (1/100 %) of the entry reference price.
    pub stop_bps: Option<i64>,
    /// Target distance, basis points of the entry reference price.
    pub target_bps: Option<i64>,
}

impl ExitRules {
    /// Reads the shared `stop_pct` / `target_pct` parameters (percent, up to two decimals).
    pub fn from_params(p: &Params) -> Result<ExitRules, StrategyError> {
        let bps = |pct: Option<f64>| pct.map(|pct| (pct * 100.0).round() as i64);
        Ok(ExitRules {
            stop_bps: bps(p.optional_f64_in("stop_pct", 0.01, 99.0)?),
            target_bps: bps(p.optional_f64_in("target_pct", 0.01, 1000.0)?),
        })
    }

    /// Stop and target for a position entered on `side` around `reference`.
    pub fn levels(&self, side: Side, reference: Price) -> (Option<Price>, Option<Price>) {
        let at = |bps: i64, direction: i64| {
            let scaled = reference.units() as i128 * (10_000 + direction * bps) as i128;
            // Round half away from zero to the fixed-point grid.
            Price(((scaled + 5_000 * scaled.signum()) / 10_000) as i64)
        };
        let sign = side.sign();
        (
            self.stop_bps.map(|b| at(b, -sign)),
            self.target_bps.map(|b| at(b, sign)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_stop_below_target_above_exactly() {
        let rules = ExitRules::from_params(&Params::parse(["stop_pct=2", "target_pct=3"]).unwrap())
            .unwrap();
        assert_eq!(
            rules,
            ExitRules {
                stop_bps: Some(200),
                target_bps: Some(300)
            }
        );
        let (sl, tp) = rules.levels(Side::Buy, Price::parse("1573.15").unwrap());
        assert_eq!(sl, Some(Price::parse("1541.687").unwrap()));
        assert_eq!(tp, Some(Price::parse("1620.3445").unwrap()));
        let (sl, tp) = rules.levels(Side::Sell, Price::parse("100").unwrap());
        assert_eq!(
            (sl, tp),
            (
                Some(Price::parse("102").unwrap()),
                Some(Price::parse("97").unwrap())
            )
        );
    }
}

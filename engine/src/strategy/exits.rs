//! Stop-loss and take-profit placement shared by the built-in strategies (params `stop_pct`,
//! `target_pct`, in percent of the signal bar's close, rounded to the instrument's tick).

use crate::types::{Price, Side};

/// Percent distances for the protective stop and the profit target; `None` attaches nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExitRules {
    /// Stop distance, percent of the entry reference price.
    pub stop_pct: Option<f64>,
    /// Target distance, percent of the entry reference price.
    pub target_pct: Option<f64>,
}

/// The exchange grid exit prices snap to (NSE cash equities).
const TICK: Price = Price::from_rupees_paise(0, 5);

impl ExitRules {
    /// Stop and target for a position entered on `side` around `reference`.
    pub fn levels(&self, side: Side, reference: Price) -> (Option<Price>, Option<Price>) {
        let at = |pct: f64, direction: f64| {
            Price::from_f64(reference.to_f64() * (1.0 + direction * pct / 100.0)).map(|p| p.round_to_tick(TICK))
        };
        let sign = side.sign() as f64;
        (self.stop_pct.and_then(|p| at(p, -sign)), self.target_pct.and_then(|p| at(p, sign)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_stop_below_target_above_on_tick_grid() {
        let rules = ExitRules { stop_pct: Some(2.0), target_pct: Some(3.0) };
        let (sl, tp) = rules.levels(Side::Buy, Price::parse("1573.15").unwrap());
        assert_eq!(sl, Some(Price::parse("1541.70").unwrap()));
        assert_eq!(tp, Some(Price::parse("1620.35").unwrap()));
        let (sl, tp) = rules.levels(Side::Sell, Price::parse("100").unwrap());
        assert_eq!((sl, tp), (Some(Price::parse("102").unwrap()), Some(Price::parse("97").unwrap())));
    }
}

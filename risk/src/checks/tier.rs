//! `TIER_STRATEGY_LIMIT` (`[risk.tier_strategy_limits]`): how many strategies a subscription tier
//! may run at once (BASIC 3, PRO 10, ELITE unlimited by default). Not an order check: the daemon
//! calls [`TierLimits::check_strategy_start`] (or [`crate::PreTradeRisk::check_strategy_start`])
//! before starting a strategy.

use serde::{Deserialize, Serialize};
use sharewise_engine::risk::Rejection;

use super::reject;
use crate::codes;

/// A subscription tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Tier {
    /// Entry tier.
    #[serde(alias = "basic")]
    Basic,
    /// Professional tier.
    #[serde(alias = "pro")]
    Pro,
    /// Top tier.
    #[serde(alias = "elite")]
    Elite,
}

/// Most open strategies per tier; `None` (key omitted) means unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierLimits {
    /// BASIC (default 3).
    pub basic: Option<u32>,
    /// PRO (default 10).
    pub pro: Option<u32>,
    /// ELITE (default unlimited).
    pub elite: Option<u32>,
}

impl Tier {
    /// The tier's name as configured and shown, e.g. `BASIC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Basic => "BASIC",
            Tier::Pro => "PRO",
            Tier::Elite => "ELITE",
        }
    }
}

impl Default for TierLimits {
    fn default() -> TierLimits {
        TierLimits {
            basic: Some(3),
            pro: Some(10),
            elite: None,
        }
    }
}

impl TierLimits {
    /// The limit for `tier`, `None` when unlimited.
    pub fn limit(&self, tier: Tier) -> Option<u32> {
        match tier {
            Tier::Basic => self.basic,
            Tier::Pro => self.pro,
            Tier::Elite => self.elite,
        }
    }

    /// Refuses starting one more strategy when `open` already run under `tier`.
    pub fn check_strategy_start(&self, tier: Tier, open: usize) -> Result<(), Rejection> {
        match self.limit(tier) {
            Some(max) if open >= max as usize => Err(reject(
                codes::TIER_STRATEGY_LIMIT,
                format!(
                    "{open} strategies already open; tier {} allows {max}",
                    tier.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::types::Product;

    #[test]
    fn the_fourth_basic_strategy_trips_and_elite_is_unlimited() {
        let gate =
            PreTradeRisk::with_config(Sizing::FixedQty(1), RiskConfig::default(), Product::Cnc);
        assert_eq!(gate.check_strategy_start(Tier::Basic, 2), Ok(()));
        let err = gate.check_strategy_start(Tier::Basic, 3).unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::TIER_STRATEGY_LIMIT,
                "3 strategies already open; tier BASIC allows 3"
            )
        );
        assert_eq!(
            gate.check_strategy_start(Tier::Pro, 10).unwrap_err().code,
            codes::TIER_STRATEGY_LIMIT
        );
        assert_eq!(gate.check_strategy_start(Tier::Elite, 10_000), Ok(()));
        let limits = TierLimits {
            pro: Some(20),
            ..TierLimits::default()
        };
        assert_eq!(limits.check_strategy_start(Tier::Pro, 10), Ok(()));
    }
}

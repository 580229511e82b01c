//! `[risk]`: every limit the gate enforces, in one serde type. Anything not configured is off,
//! so `RiskConfig::default()` behaves exactly like the original sizing + cash gate.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::MarketHours;
use crate::checks::tier::TierLimits;
use crate::checks::trading_state::TradingState;

/// Per-order limits; `None` means no limit (`[backtest.limits]` / `[risk.limits]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest quantity of one order.
    pub max_order_qty: Option<i64>,
    /// Largest value of one order, rupees.
    pub max_order_value: Option<Decimal>,
    /// Free cash a short entry needs, percent of its value (default 100: fully cash-covered;
    /// brokers' intraday margins are lower, e.g. 20).
    pub short_margin_pct: Option<Decimal>,
}

/// All pre-trade limits. See the crate docs for the table of checks, codes and keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskConfig {
    /// Per-order quantity/value limits and the short margin.
    #[serde(default)]
    pub limits: Limits,
    /// Refuse prices off the tick grid and quantities off the lot grid (`PRICE_OFF_TICK`, `QTY_OFF_LOT`).
    #[serde(default)]
    pub enforce_tick_and_lot: bool,
    /// Largest distance of the order price from the last trade, percent (`PRICE_BAND`).
    pub price_band_pct: Option<Decimal>,
    /// Largest absolute position per instrument after the order, shares (`MAX_POSITION`).
    pub max_position_qty: Option<i64>,
    /// Largest absolute position value per instrument after the order, rupees (`MAX_POSITION`).
    pub max_position_value: Option<Decimal>,
    /// Largest sum of `|position value|` over all instruments after the order, rupees (`MAX_GROSS_EXPOSURE`).
    pub max_gross_exposure: Option<Decimal>,
    /// Most orders accepted within any one second (`ORDER_RATE_SECOND`).
    pub max_orders_per_second: Option<u32>,
    /// Most orders accepted within one IST day (`ORDER_RATE_DAY`).
    pub max_orders_per_day: Option<u32>,
    /// Loss (positive rupees) at which today's realised + unrealised P&L trips the kill switch (`DAILY_LOSS`).
    pub daily_loss_limit: Option<Decimal>,
    /// State the kill switch enters on a daily-loss breach: `reducing` or `halted` (default).
    #[serde(default = "default_on_daily_loss")]
    pub on_daily_loss: TradingState,
    /// Market hours; absent means no market-hours check (`MARKET_CLOSED`).
    pub market_hours: Option<MarketHours>,
    /// Open strategies allowed per subscription tier (`TIER_STRATEGY_LIMIT`).
    #[serde(default)]
    pub tier_strategy_limits: TierLimits,
}

fn default_on_daily_loss() -> TradingState {
    TradingState::Halted
}

impl Default for RiskConfig {
    /// Everything off: only sizing, the per-order [`Limits`] and cash/margin apply.
    fn default() -> RiskConfig {
        RiskConfig {
            limits: Limits::default(),
            enforce_tick_and_lot: false,
            price_band_pct: None,
            max_position_qty: None,
            max_position_value: None,
            max_gross_exposure: None,
            max_orders_per_second: None,
            max_orders_per_day: None,
            daily_loss_limit: None,
            on_daily_loss: default_on_daily_loss(),
            market_hours: None,
            tier_strategy_limits: TierLimits::default(),
        }
    }
}

/// A configured value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskConfigError {
    /// A limit that must be positive was zero or negative.
    #[error("risk limit `{key}` must be > 0, got {value}")]
    NotPositive {
        /// Config key.
        key: &'static str,
        /// The value given.
        value: String,
    },
    /// `on_daily_loss` was `active`, which would not stop anything.
    #[error("risk `on_daily_loss` must be `reducing` or `halted`, got `active`")]
    ActiveOnLoss,
}

impl RiskConfig {
    /// Checks every configured limit is usable, naming the first bad key.
    pub fn validate(&self) -> Result<(), RiskConfigError> {
        let decimals = [
            ("max_order_value", self.limits.max_order_value),
            ("short_margin_pct", self.limits.short_margin_pct),
            ("price_band_pct", self.price_band_pct),
            ("max_position_value", self.max_position_value),
            ("max_gross_exposure", self.max_gross_exposure),
            ("daily_loss_limit", self.daily_loss_limit),
        ];
        let integers = [
            ("max_order_qty", self.limits.max_order_qty),
            ("max_position_qty", self.max_position_qty),
            (
                "max_orders_per_second",
                self.max_orders_per_second.map(i64::from),
            ),
            ("max_orders_per_day", self.max_orders_per_day.map(i64::from)),
        ];
        for (key, value) in decimals {
            if let Some(v) = value.filter(|v| *v <= Decimal::ZERO) {
                return Err(RiskConfigError::NotPositive {
                    key,
                    value: v.to_string(),
                });
            }
        }
        for (key, value) in integers {
            if let Some(v) = value.filter(|v| *v <= 0) {
                return Err(RiskConfigError::NotPositive {
                    key,
                    value: v.to_string(),
                });
            }
        }
        if self.on_daily_loss == TradingState::Active {
            return Err(RiskConfigError::ActiveOnLoss);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_all_off_and_validation_names_the_key() {
        let config = RiskConfig::default();
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(config.on_daily_loss, TradingState::Halted);
        let bad = RiskConfig {
            max_orders_per_second: Some(0),
            ..RiskConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "risk limit `max_orders_per_second` must be > 0, got 0"
        );
    }

    #[test]
    fn toml_parses_with_defaults_and_refuses_unknown_keys() {
        let config: RiskConfig =
            toml::from_str("price_band_pct = 3\nmax_orders_per_day = 2000").unwrap();
        assert_eq!(config.price_band_pct, Some(Decimal::from(3)));
        assert_eq!(config.on_daily_loss, TradingState::Halted);
        assert_eq!(config.tier_strategy_limits, TierLimits::default());
        assert_eq!(
            RiskConfig {
                price_band_pct: None,
                max_orders_per_day: None,
                ..config
            },
            RiskConfig::default()
        );
        let err = toml::from_str::<RiskConfig>("price_band = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `price_band`"), "{err}");
        let err = toml::from_str::<RiskConfig>("market_hours = { holidays = [\"2026-02-30\"] }")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("holiday `2026-02-30` is not a date; write it as YYYY-MM-DD"),
            "{err}"
        );
    }
}

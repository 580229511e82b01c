//! `HALTED` / `REDUCE_ONLY`: the kill switch. Trading is `active` (everything the other checks
//! allow), `reducing` (only orders that shrink a position: exits; entries and flips are refused
//! with `REDUCE_ONLY`) or `halted` (every order refused with `HALTED`, exits included: flatten by
//! hand or switch to `reducing`).
//!
//! An operator sets the state with [`crate::PreTradeRisk::set_trading_state`]; the daily loss
//! check ([`super::daily_loss`]) trips it automatically, and then refusals carry `DAILY_LOSS`.
//! The stricter of the two is in force; see [`KillSwitch`].

use serde::{Deserialize, Serialize};
use sharewise_engine::risk::Rejection;
use sharewise_engine::time::TimestampNs;

use super::reject;
use crate::codes::{self, ReasonCode};

/// What the kill switch lets through, from least to most restrictive.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TradingState {
    /// Normal trading.
    #[default]
    Active,
    /// Only orders that reduce a position.
    Reducing,
    /// No orders at all.
    Halted,
}

impl TradingState {
    /// The state as an operator reads it: `active`, `reducing (exits only)`, `halted (no orders)`.
    pub const fn describe(self) -> &'static str {
        match self {
            TradingState::Active => "active",
            TradingState::Reducing => "reducing (exits only)",
            TradingState::Halted => "halted (no orders)",
        }
    }
}

/// One reason for a state: the state, the code refusals carry, and the words for people.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Setting {
    state: TradingState,
    /// `None` while active.
    code: Option<ReasonCode>,
    reason: String,
}

/// The kill switch. Two sources set it: an operator (by hand, until set again) and automatic
/// trips such as the daily loss limit (until a given time). The stricter of the two is in force.
/// Setting the state by hand also overrides an automatic trip for the rest of its period, so an
/// operator can resume (or go reduce-only to flatten) after a daily-loss halt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KillSwitch {
    manual: Setting,
    auto: Setting,
    /// When the automatic trip clears itself.
    auto_clears_at: Option<TimestampNs>,
    /// Automatic trips are suppressed before this time (an operator overrode one).
    overridden_until: Option<TimestampNs>,
}

impl KillSwitch {
    fn in_force(&self) -> &Setting {
        if self.auto.state > self.manual.state {
            &self.auto
        } else {
            &self.manual
        }
    }

    /// The current state.
    pub fn state(&self) -> TradingState {
        self.in_force().state
    }

    /// Why the state was set (empty while active).
    pub fn reason(&self) -> &str {
        &self.in_force().reason
    }

    /// The code refusals carry: `HALTED`/`REDUCE_ONLY` when set by hand, `DAILY_LOSS` when
    /// tripped; `None` while active.
    pub fn code(&self) -> Option<ReasonCode> {
        self.in_force().code
    }

    /// Sets the state by hand; it stays until set again, and overrides an automatic trip.
    pub fn set(&mut self, state: TradingState, reason: String) {
        let code = match state {
            TradingState::Active => None,
            TradingState::Reducing => Some(codes::REDUCE_ONLY),
            TradingState::Halted => Some(codes::HALTED),
        };
        let reason = if state == TradingState::Active {
            String::new()
        } else {
            reason
        };
        if self.auto.state != TradingState::Active {
            self.overridden_until = self.auto_clears_at;
            self.auto = Setting::default();
            self.auto_clears_at = None;
        }
        self.manual = Setting {
            state,
            code,
            reason,
        };
    }

    /// Whether an automatic trip may happen at `ts` (none in force, none overridden by hand).
    pub(crate) fn can_trip(&self, ts: TimestampNs) -> bool {
        self.auto.state == TradingState::Active
            && self.overridden_until.is_none_or(|until| ts >= until)
    }

    /// Trips to `state` on behalf of check `code` until `clears_at`.
    pub(crate) fn trip(
        &mut self,
        state: TradingState,
        code: ReasonCode,
        reason: String,
        clears_at: TimestampNs,
    ) {
        self.auto = Setting {
            state,
            code: Some(code),
            reason,
        };
        self.auto_clears_at = Some(clears_at);
    }

    /// Clears an automatic trip (and an operator's override of one) whose time has come.
    pub(crate) fn expire(&mut self, ts: TimestampNs) {
        if self.auto_clears_at.is_some_and(|at| ts >= at) {
            self.auto = Setting::default();
            self.auto_clears_at = None;
        }
        if self.overridden_until.is_some_and(|until| ts >= until) {
            self.overridden_until = None;
        }
    }

    /// Refuses an order the state forbids; `reduces` says whether it only shrinks a position.
    pub fn check(&self, reduces: bool) -> Result<(), Rejection> {
        let setting = self.in_force();
        match setting.state {
            TradingState::Active => Ok(()),
            TradingState::Reducing if reduces => Ok(()),
            TradingState::Reducing => Err(reject(
                setting.code.unwrap_or(codes::REDUCE_ONLY),
                format!(
                    "trading is reduce-only ({}); the order would open or grow a position",
                    setting.reason
                ),
            )),
            TradingState::Halted => Err(reject(
                setting.code.unwrap_or(codes::HALTED),
                format!("trading halted: {}", setting.reason),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::TradingState;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::RiskGate;
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn reducing_allows_exits_only_and_halted_allows_nothing() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let account = view(&inst, "1000000");
        let mut gate =
            PreTradeRisk::with_config(Sizing::FixedQty(1), RiskConfig::default(), Product::Cnc);
        gate.set_trading_state(TradingState::Reducing, "operator: broker outage");
        let err = gate.review(&entry(Side::Buy, "100"), &account).unwrap_err();
        assert_eq!(err.code, codes::REDUCE_ONLY);
        assert_eq!(err.detail, "trading is reduce-only (operator: broker outage); the order would open or grow a position");
        assert_eq!(gate.review(&exit(Side::Sell, "100", 5), &account), Ok(5));
        gate.set_trading_state(TradingState::Halted, "operator: kill switch");
        let err = gate
            .review(&exit(Side::Sell, "100", 5), &account)
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (codes::HALTED, "trading halted: operator: kill switch")
        );
        assert_eq!(gate.kill_switch().state(), TradingState::Halted);
        gate.set_trading_state(TradingState::Active, "operator: resume");
        assert_eq!(gate.review(&entry(Side::Buy, "100"), &account), Ok(1));
        assert_eq!(gate.kill_switch().reason(), "");
    }
}

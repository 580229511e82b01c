//! `DAILY_LOSS` (`daily_loss_limit`, `on_daily_loss`): when today's realised + unrealised P&L
//! falls to −`daily_loss_limit` or below, the kill switch trips to `on_daily_loss` (`halted` by
//! default, or `reducing`) and stays there until the next IST session start (09:15 IST of the
//! next day), when it clears itself. A state an operator set by hand is never cleared here (the
//! stricter of the two is in force), and an operator who sets the state after a trip overrides
//! it for the rest of that session: the loss does not trip it again until the next session.
//!
//! P&L comes from the caller's [`AccountView`]: `realized_pnl_today` (reset by the caller at the
//! session start) plus `unrealized_pnl` of the open positions.

use rust_decimal::Decimal;
use sharewise_engine::risk::AccountView;
use sharewise_engine::time::{
    ist_day, ist_midnight, ist_time_of_day, TimestampNs, NSE_OPEN_IST_NS,
};

use super::trading_state::{KillSwitch, TradingState};
use crate::codes;

/// The first IST session start strictly after `ts`.
pub fn next_session_start(ts: TimestampNs) -> TimestampNs {
    let day = ist_day(ts);
    let day = if ist_time_of_day(ts) < NSE_OPEN_IST_NS {
        day
    } else {
        day + 1
    };
    ist_midnight(day) + NSE_OPEN_IST_NS
}

/// Trips `kill` to `on_breach` when the account's P&L today is at or below `-limit`.
pub fn check(
    account: &AccountView<'_>,
    limit: Decimal,
    on_breach: TradingState,
    ts: TimestampNs,
    kill: &mut KillSwitch,
) {
    let pnl = account.realized_pnl_today + account.unrealized_pnl;
    if pnl > -limit || !kill.can_trip(ts) {
        return;
    }
    let reason = format!(
        "today's P&L {pnl:.2} (realised {:.2}, unrealised {:.2}) reached the daily loss limit {limit}",
        account.realized_pnl_today, account.unrealized_pnl
    );
    kill.trip(on_breach, codes::DAILY_LOSS, reason, next_session_start(ts));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::trading_state::TradingState;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{AccountView, OrderRequest, RiskGate};
    use sharewise_engine::time::NANOS_PER_DAY;
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn a_loss_past_the_limit_halts_until_the_next_session() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            daily_loss_limit: Some(d("5000")),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config, Product::Cnc);
        let losing = AccountView {
            realized_pnl_today: d("-3000"),
            unrealized_pnl: d("-2200"),
            ..view(&inst, "1000000")
        };
        let err = gate.review(&entry(Side::Buy, "100"), &losing).unwrap_err();
        assert_eq!(err.code, codes::DAILY_LOSS);
        assert_eq!(err.detail, "trading halted: today's P&L -5200.00 (realised -3000.00, unrealised -2200.00) reached the daily loss limit 5000");
        // Still halted later that day, even once the loss shrinks; exits too.
        let flat = view(&inst, "1000000");
        assert_eq!(
            gate.review(&exit(Side::Sell, "100", 1), &flat)
                .unwrap_err()
                .code,
            codes::DAILY_LOSS
        );
        // 09:14 the next day: still halted; 09:15: cleared.
        let next = |h, m| OrderRequest {
            ts: monday(h, m, 0) + NANOS_PER_DAY,
            ..entry(Side::Buy, "100")
        };
        assert_eq!(
            gate.review(&next(9, 14), &flat).unwrap_err().code,
            codes::DAILY_LOSS
        );
        assert_eq!(gate.review(&next(9, 15), &flat), Ok(1));
        assert_eq!(gate.kill_switch().state(), TradingState::Active);
    }

    #[test]
    fn reducing_on_loss_still_lets_exits_out() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            daily_loss_limit: Some(d("5000")),
            on_daily_loss: TradingState::Reducing,
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config, Product::Cnc);
        let losing = AccountView {
            position_qty: 10,
            unrealized_pnl: d("-5000"),
            ..view(&inst, "1000000")
        };
        assert_eq!(gate.review(&exit(Side::Sell, "100", 10), &losing), Ok(10));
        assert_eq!(gate.kill_switch().state(), TradingState::Reducing);
        assert_eq!(
            gate.review(&entry(Side::Buy, "100"), &losing)
                .unwrap_err()
                .code,
            codes::DAILY_LOSS
        );
    }

    #[test]
    fn an_operator_override_holds_for_the_rest_of_the_session() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let config = RiskConfig {
            daily_loss_limit: Some(d("5000")),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config, Product::Cnc);
        let losing = AccountView {
            unrealized_pnl: d("-6000"),
            ..view(&inst, "1000000")
        };
        assert_eq!(
            gate.review(&entry(Side::Buy, "100"), &losing)
                .unwrap_err()
                .code,
            codes::DAILY_LOSS
        );
        gate.set_trading_state(TradingState::Reducing, "risk desk: flatten");
        assert_eq!(gate.review(&exit(Side::Sell, "100", 1), &losing), Ok(1));
        assert_eq!(
            gate.review(&entry(Side::Buy, "100"), &losing)
                .unwrap_err()
                .code,
            codes::REDUCE_ONLY
        );
        gate.set_trading_state(TradingState::Active, "risk desk: resume");
        assert_eq!(gate.review(&entry(Side::Buy, "100"), &losing), Ok(1));
        // Next session the limit applies again.
        let next_day = OrderRequest {
            ts: monday(10, 0, 0) + NANOS_PER_DAY,
            ..entry(Side::Buy, "100")
        };
        assert_eq!(
            gate.review(&next_day, &losing).unwrap_err().code,
            codes::DAILY_LOSS
        );
    }
}

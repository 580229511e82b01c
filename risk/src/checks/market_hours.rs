//! `MARKET_CLOSED` (`[risk.market_hours]`): orders only while the exchange session is open, by the
//! NSE calendar in [`crate::calendar`]. Without a `market_hours` section the check is off (the
//! backtester replays whatever timestamps its data carries); `mode = "always_open"` is the
//! explicit 24×7 demo mode.

use sharewise_engine::risk::Rejection;
use sharewise_engine::time::TimestampNs;

use super::reject;
use crate::calendar::NseCalendar;
use crate::codes;

/// Refuses an order at `ts` when `calendar` says the session is closed.
pub fn check(calendar: &NseCalendar, ts: TimestampNs) -> Result<(), Rejection> {
    match calendar.closed_reason(ts) {
        None => Ok(()),
        Some(why) => Err(reject(
            codes::MARKET_CLOSED,
            format!("market closed: {why}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::calendar::{IstDate, MarketHours, SessionMode};
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{OrderRequest, RiskGate};
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn orders_outside_the_session_trip() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let account = view(&inst, "1000000");
        let hours = MarketHours {
            mode: SessionMode::Nse,
            holidays: vec![IstDate::parse("2026-01-26").unwrap()],
        };
        let config = RiskConfig {
            market_hours: Some(hours),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config.clone(), Product::Cnc);
        let at = |ts| OrderRequest {
            ts,
            ..entry(Side::Buy, "100")
        };
        assert_eq!(gate.review(&at(monday(9, 15, 0)), &account), Ok(1));
        let err = gate.review(&at(monday(15, 30, 0)), &account).unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::MARKET_CLOSED,
                "market closed: 2026-01-05T15:30:00+05:30 is outside 09:15-15:30 IST"
            )
        );
        // Demo mode trades at night.
        let demo = RiskConfig {
            market_hours: Some(MarketHours {
                mode: SessionMode::AlwaysOpen,
                holidays: vec![],
            }),
            ..config
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), demo, Product::Cnc);
        assert_eq!(gate.review(&at(monday(23, 0, 0)), &account), Ok(1));
    }
}

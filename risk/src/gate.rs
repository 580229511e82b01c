//! The pre-trade gate: runs every check in a fixed order and returns the first refusal.

use rust_decimal::Decimal;
use sharewise_engine::risk::{AccountView, OrderRequest, Purpose, Rejection, RiskGate};
use sharewise_engine::types::{Product, Qty, Side};

use crate::calendar::NseCalendar;
use crate::checks::order_rate::OrderRate;
use crate::checks::tier::Tier;
use crate::checks::trading_state::{KillSwitch, TradingState};
use crate::checks::{
    daily_loss, gross_exposure, market_hours, max_position, price_band, reject, tick_lot,
};
use crate::{codes, Limits, RiskConfig, Sizing};

/// Sizes entries and checks every order request, in the order the crate docs list.
///
/// Holds the only mutable risk state: the kill switch and the order-rate counters. One owner
/// (the risk actor, or the backtester) calls [`RiskGate::review`] for every order.
#[derive(Clone, Debug)]
pub struct PreTradeRisk {
    sizing: Sizing,
    config: RiskConfig,
    product: Product,
    calendar: Option<NseCalendar>,
    rate: OrderRate,
    kill: KillSwitch,
}

impl PreTradeRisk {
    /// A gate with this sizing and per-order limits, every other check off, for orders of `product`.
    pub fn new(sizing: Sizing, limits: Limits, product: Product) -> PreTradeRisk {
        PreTradeRisk::with_config(
            sizing,
            RiskConfig {
                limits,
                ..RiskConfig::default()
            },
            product,
        )
    }

    /// A gate enforcing everything `config` configures, for orders of `product`.
    pub fn with_config(sizing: Sizing, config: RiskConfig, product: Product) -> PreTradeRisk {
        let calendar = config.market_hours.as_ref().map(NseCalendar::from_config);
        let rate = OrderRate::new(config.max_orders_per_second, config.max_orders_per_day);
        PreTradeRisk {
            sizing,
            config,
            product,
            calendar,
            rate,
            kill: KillSwitch::default(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &RiskConfig {
        &self.config
    }

    /// The kill switch: state, reason, and the code refusals carry.
    pub fn kill_switch(&self) -> &KillSwitch {
        &self.kill
    }

    /// The kill switch API: sets `active`, `reducing` or `halted` with a reason for the audit log.
    /// A state set here stays until set again, and overrides a daily-loss trip for the rest of
    /// that session (see [`KillSwitch`]).
    pub fn set_trading_state(&mut self, state: TradingState, reason: impl Into<String>) {
        self.kill.set(state, reason.into());
    }

    /// Whether a user on `tier` with `open` strategies running may start one more (`TIER_STRATEGY_LIMIT`).
    pub fn check_strategy_start(&self, tier: Tier, open: usize) -> Result<(), Rejection> {
        self.config
            .tier_strategy_limits
            .check_strategy_start(tier, open)
    }

    fn size_entry(
        &self,
        request: &OrderRequest,
        account: &AccountView<'_>,
    ) -> Result<Qty, Rejection> {
        if request.side == Side::Sell && self.product != Product::Mis {
            return Err(reject(
                codes::SHORT_NEEDS_MIS,
                format!(
                    "cannot open a short with product {:?}; use MIS",
                    self.product
                ),
            ));
        }
        let price = request.reference_price.to_decimal();
        let stop_distance = request.stop_loss.map(|s| (price - s.to_decimal()).abs());
        let Some(raw) = self.sizing.raw_qty(price, stop_distance, account.equity) else {
            return Err(reject(
                codes::NO_STOP_FOR_RISK_SIZING,
                "risk-per-trade sizing needs a stop-loss away from the entry price".into(),
            ));
        };
        let qty = account.instrument.round_down_to_lot(raw);
        if qty <= 0 {
            return Err(reject(
                codes::QTY_BELOW_LOT,
                format!(
                    "sized {raw} shares, below one lot of {}",
                    account.instrument.lot_size
                ),
            ));
        }
        Ok(qty)
    }

    /// Checks 2–7 of the crate docs: the ones every order passes, exits included.
    fn check_any_order(
        &mut self,
        request: &OrderRequest,
        account: &AccountView<'_>,
    ) -> Result<(), Rejection> {
        let ts = request.ts;
        if let Some(calendar) = &self.calendar {
            market_hours::check(calendar, ts)?;
        }
        self.kill.expire(ts);
        if let Some(limit) = self.config.daily_loss_limit {
            daily_loss::check(
                account,
                limit,
                self.config.on_daily_loss,
                ts,
                &mut self.kill,
            );
        }
        self.kill
            .check(matches!(request.purpose, Purpose::Exit { .. }))?;
        self.rate.check(ts)?;
        if self.config.enforce_tick_and_lot {
            tick_lot::check_price(request.reference_price, account.instrument)?;
            let stated = match request.purpose {
                Purpose::Exit { qty } => qty,
                Purpose::Enter { closing } => closing,
            };
            tick_lot::check_qty(stated, account.instrument)?;
        }
        if let Some(band) = self.config.price_band_pct {
            price_band::check(request.reference_price, account.last_trade_price, band)?;
        }
        Ok(())
    }

    /// Checks 8–12: sizing and the limits on what an entry may open.
    fn check_entry(
        &self,
        request: &OrderRequest,
        account: &AccountView<'_>,
        closing: Qty,
    ) -> Result<Qty, Rejection> {
        let opening = self.size_entry(request, account)?;
        let limits = &self.config.limits;
        let price = request.reference_price;
        // Order limits apply to the whole order, flips included.
        let qty = closing
            .checked_add(opening)
            .ok_or_else(|| value_overflow(price, opening))?;
        if let Some(max) = limits.max_order_qty.filter(|max| qty > *max) {
            return Err(reject(
                codes::MAX_ORDER_QTY,
                format!("qty {qty} exceeds max_order_qty {max}"),
            ));
        }
        let value = price
            .checked_notional(qty)
            .ok_or_else(|| value_overflow(price, qty))?;
        if let Some(max) = limits.max_order_value.filter(|max| value > *max) {
            return Err(reject(
                codes::MAX_ORDER_VALUE,
                format!("order value {value:.2} exceeds max_order_value {max}"),
            ));
        }
        let new_position = account
            .position_qty
            .checked_add(request.side.sign() * qty)
            .ok_or_else(|| value_overflow(price, qty))?;
        if self.config.max_position_qty.is_some() || self.config.max_position_value.is_some() {
            max_position::check(
                new_position,
                price,
                self.config.max_position_qty,
                self.config.max_position_value,
            )?;
        }
        if let Some(max) = self.config.max_gross_exposure {
            gross_exposure::check(account, new_position, price, max)?;
        }
        let opening_value = price.notional(opening);
        match request.side {
            Side::Buy => {
                // Covering a short first spends cash on the shares bought back.
                let free = account.cash - price.notional(closing);
                if opening_value > free {
                    return Err(reject(
                        codes::INSUFFICIENT_CASH,
                        format!("needs {opening_value:.2}, free cash {free:.2}"),
                    ));
                }
            }
            Side::Sell => {
                // Selling a long first frees its proceeds.
                let free = account.cash + price.notional(closing);
                let pct = limits.short_margin_pct.unwrap_or(Decimal::ONE_HUNDRED);
                let margin = opening_value * pct / Decimal::ONE_HUNDRED;
                if margin > free {
                    return Err(reject(codes::INSUFFICIENT_MARGIN, format!("short needs margin {margin:.2} ({pct} % of {opening_value:.2}), free cash {free:.2}")));
                }
            }
        }
        Ok(qty)
    }
}

/// `ORDER_VALUE_OVERFLOW` for `qty` shares at `price`.
fn value_overflow(price: sharewise_engine::types::Price, qty: Qty) -> Rejection {
    reject(
        codes::ORDER_VALUE_OVERFLOW,
        format!(
            "price {price} × qty {qty} exceeds the largest order value the engine represents ({:.2}); check the price data and the sizing",
            sharewise_engine::types::Price::MAX_VALUE
        ),
    )
}

impl RiskGate for PreTradeRisk {
    fn review(
        &mut self,
        request: &OrderRequest,
        account: &AccountView<'_>,
    ) -> Result<Qty, Rejection> {
        if request.reference_price.units() <= 0 {
            return Err(reject(
                codes::BAD_PRICE,
                format!(
                    "reference price {} is not positive",
                    request.reference_price
                ),
            ));
        }
        self.check_any_order(request, account)?;
        let qty = match request.purpose {
            // Closing a position only reduces risk: no sizing, order or exposure limits, but
            // its value must still be computable to be booked.
            Purpose::Exit { qty } => {
                let price = request.reference_price;
                price
                    .checked_notional(qty)
                    .ok_or_else(|| value_overflow(price, qty))?;
                qty
            }
            Purpose::Enter { closing } => self.check_entry(request, account, closing)?,
        };
        self.rate.record(request.ts);
        Ok(qty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::{Instrument, Price};
    use sharewise_testkit::d;

    fn entry(side: Side, price: &str, stop: Option<&str>) -> OrderRequest {
        OrderRequest {
            side,
            purpose: Purpose::Enter { closing: 0 },
            reference_price: Price::parse(price).unwrap(),
            stop_loss: stop.map(|s| Price::parse(s).unwrap()),
            ts: 0,
        }
    }

    fn view<'a>(instrument: &'a Instrument, cash: &str) -> AccountView<'a> {
        crate::checks::test_support::view(instrument, cash)
    }

    #[test]
    fn sizes_and_rounds_down_to_the_lot() {
        let mut inst = Instrument::nse_equity(0, "NIFTYBEES");
        inst.lot_size = 25;
        let mut gate = PreTradeRisk::new(
            Sizing::FixedValue(d("10000")),
            Limits::default(),
            Product::Cnc,
        );
        // 10000 / 150 = 66 shares → 50 (two lots of 25).
        assert_eq!(
            gate.review(&entry(Side::Buy, "150", None), &view(&inst, "1000000")),
            Ok(50)
        );
        let err = gate
            .review(&entry(Side::Buy, "500", None), &view(&inst, "1000000"))
            .unwrap_err();
        assert_eq!(err.code, codes::QTY_BELOW_LOT);
        assert_eq!(err.detail, "sized 20 shares, below one lot of 25");
    }

    #[test]
    fn each_check_trips_with_its_code() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let limits = Limits {
            max_order_qty: Some(100),
            max_order_value: Some(d("50000")),
            short_margin_pct: None,
        };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(200), limits, Product::Cnc);
        assert_eq!(
            gate.review(&entry(Side::Buy, "100", None), &view(&inst, "1000000"))
                .unwrap_err()
                .code,
            codes::MAX_ORDER_QTY
        );
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(100), limits, Product::Cnc);
        assert_eq!(
            gate.review(&entry(Side::Buy, "600", None), &view(&inst, "1000000"))
                .unwrap_err()
                .code,
            codes::MAX_ORDER_VALUE
        );
        let err = gate
            .review(&entry(Side::Buy, "400", None), &view(&inst, "1000"))
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::INSUFFICIENT_CASH,
                "needs 40000.00, free cash 1000.00"
            )
        );
        assert_eq!(
            gate.review(&entry(Side::Sell, "400", None), &view(&inst, "1000000"))
                .unwrap_err()
                .code,
            codes::SHORT_NEEDS_MIS
        );
        let mut gate = PreTradeRisk::new(
            Sizing::RiskPerTrade(d("1")),
            Limits::default(),
            Product::Cnc,
        );
        assert_eq!(
            gate.review(&entry(Side::Buy, "400", None), &view(&inst, "1000000"))
                .unwrap_err()
                .code,
            codes::NO_STOP_FOR_RISK_SIZING
        );
        assert_eq!(
            gate.review(
                &entry(Side::Buy, "400", Some("390")),
                &view(&inst, "1000000")
            ),
            Ok(1000)
        );
    }

    #[test]
    fn a_flip_is_checked_as_one_order_and_shorts_need_margin() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let flip = |closing| OrderRequest {
            purpose: Purpose::Enter { closing },
            ..entry(Side::Sell, "100", None)
        };
        let long_10 = |cash: &str| AccountView {
            position_qty: 10,
            ..view(&inst, cash)
        };
        // 10 to close + 10 to open = 20 > max 15, although each half alone fits.
        let limits = Limits {
            max_order_qty: Some(15),
            ..Limits::default()
        };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), limits, Product::Mis);
        let err = gate.review(&flip(10), &long_10("100000")).unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (codes::MAX_ORDER_QTY, "qty 20 exceeds max_order_qty 15")
        );
        // Short 10 at 100 needs 1000 of margin at 100 %; 500 cash + 1000 from selling the long is enough.
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Mis);
        assert_eq!(gate.review(&flip(10), &long_10("500")), Ok(20));
        let err = gate.review(&flip(0), &view(&inst, "500")).unwrap_err();
        assert_eq!(err.code, codes::INSUFFICIENT_MARGIN);
        assert_eq!(
            err.detail,
            "short needs margin 1000.00 (100 % of 1000.00), free cash 500.00"
        );
        // At a 20 % intraday margin, 500 covers the same short.
        let limits = Limits {
            short_margin_pct: Some(d("20")),
            ..Limits::default()
        };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(10), limits, Product::Mis);
        assert_eq!(gate.review(&flip(0), &view(&inst, "500")), Ok(10));
    }

    #[test]
    fn an_order_value_past_the_engine_range_is_refused_not_wrapped() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let huge = Price(i64::MAX / 100).to_string();
        let mut gate = PreTradeRisk::new(
            Sizing::FixedQty(1_000_000_000),
            Limits::default(),
            Product::Mis,
        );
        let err = gate
            .review(&entry(Side::Buy, &huge, None), &view(&inst, "1000000"))
            .unwrap_err();
        assert_eq!(err.code, codes::ORDER_VALUE_OVERFLOW, "{err}");
        // A flip whose closing and opening quantities add past i64::MAX.
        let mut gate =
            PreTradeRisk::new(Sizing::FixedQty(i64::MAX), Limits::default(), Product::Mis);
        let flip = OrderRequest {
            purpose: Purpose::Enter { closing: 10 },
            ..entry(Side::Sell, "100", None)
        };
        let long = AccountView {
            position_qty: 10,
            ..view(&inst, "1000000")
        };
        assert_eq!(
            gate.review(&flip, &long).unwrap_err().code,
            codes::ORDER_VALUE_OVERFLOW
        );
        let exit = OrderRequest {
            purpose: Purpose::Exit { qty: 1_000_000_000 },
            ..entry(Side::Sell, &huge, None)
        };
        assert_eq!(
            gate.review(&exit, &view(&inst, "0")).unwrap_err().code,
            codes::ORDER_VALUE_OVERFLOW
        );
    }

    #[test]
    fn exits_are_always_allowed() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let limits = Limits {
            max_order_qty: Some(1),
            ..Limits::default()
        };
        let mut gate = PreTradeRisk::new(Sizing::FixedQty(1), limits, Product::Cnc);
        let exit = OrderRequest {
            purpose: Purpose::Exit { qty: 500 },
            ..entry(Side::Sell, "400", None)
        };
        assert_eq!(gate.review(&exit, &view(&inst, "0")), Ok(500));
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        use crate::calendar::MarketHours;
        use crate::checks::test_support::monday;
        let inst = Instrument::nse_equity(0, "RELIANCE");
        // Closed market, halted, band breached, over max qty: the market check answers first.
        let config = RiskConfig {
            market_hours: Some(MarketHours::default()),
            price_band_pct: Some(d("1")),
            limits: Limits {
                max_order_qty: Some(1),
                ..Limits::default()
            },
            ..RiskConfig::default()
        };
        let account = AccountView {
            last_trade_price: Some(Price::parse("100").unwrap()),
            ..view(&inst, "1000000")
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(5), config, Product::Cnc);
        gate.set_trading_state(TradingState::Halted, "test");
        let at = |h| OrderRequest {
            ts: monday(h, 0, 0),
            ..entry(Side::Buy, "150", None)
        };
        assert_eq!(
            gate.review(&at(20), &account).unwrap_err().code,
            codes::MARKET_CLOSED
        );
        assert_eq!(
            gate.review(&at(10), &account).unwrap_err().code,
            codes::HALTED
        );
        gate.set_trading_state(TradingState::Active, "test");
        assert_eq!(
            gate.review(&at(10), &account).unwrap_err().code,
            codes::PRICE_BAND
        );
        let near = OrderRequest {
            reference_price: Price::parse("100.5").unwrap(),
            ..at(10)
        };
        assert_eq!(
            gate.review(&near, &account).unwrap_err().code,
            codes::MAX_ORDER_QTY
        );
    }
}

//! The valid ranges of the account, sizing, charge and risk settings (`[backtest]`, `[zerodha]`,
//! `[risk]`) and the checks that refuse a value outside them, naming the key, the value and the
//! range. The ranges of `[run]`, `[paper]` and `[runtime]` live with those sections in `run.rs`.
//!
//! The bounds are generous — far past anything an account trades — and exist to refuse slips
//! (`i64::MAX`, a negative amount, a rate written in the wrong unit) before they reach fixed-point
//! arithmetic that would overflow or a check that could never trip.

use rust_decimal::Decimal;
use sharewise_engine::backtest::ZerodhaRates;
use sharewise_risk::{Limits, RiskConfig};

use crate::run::Problem;
use crate::settings::MAX_CASH;

/// The largest quantity a setting may name (`max_order_qty`, `max_position_qty`, `fixed_qty`
/// sizing): 100 crore shares; at ₹1 lakh a share its value still fits the fixed-point `i64`.
pub const MAX_QTY: i64 = 1_000_000_000;

/// The largest percentage of a price or of an order's value (`price_band_pct`, `short_margin_pct`,
/// `percent_equity` and `risk_per_trade` sizing).
pub const MAX_PCT: i64 = 100;

/// The largest `risk.max_orders_per_second`: exchanges and brokers allow far fewer (Kite: 10).
pub const MAX_ORDERS_PER_SECOND: u32 = 10_000;

/// The largest `risk.max_orders_per_day`: a million orders is past any retail algo limit.
pub const MAX_ORDERS_PER_DAY: u32 = 1_000_000;

/// The most strategies a `[risk.tier_strategy_limits]` entry may allow (leave it out for no limit).
pub const MAX_TIER_STRATEGIES: u32 = 1_000;

/// The largest rate of turnover a `[zerodha]` `*_pct` charge may be: the highest real one (STT on
/// delivery) is 0.1 %, so 5 % is a rate written in the wrong unit.
pub const MAX_CHARGE_PCT: i64 = 5;

/// The largest `zerodha.gst_pct`: GST has never been above 28 %.
pub const MAX_GST_PCT: i64 = 50;

/// A range check's message: `must be {range}, got {value}`, then what to do.
fn out_of_range(range: &str, value: impl std::fmt::Display, hint: &str) -> String {
    format!("must be {range}, got {value}{hint}")
}

/// `value` in `(0, max]`, else the problem for `key`.
fn positive_up_to(
    key: &str,
    value: Decimal,
    max: Decimal,
    unit: &str,
    hint: &str,
) -> Result<(), Problem> {
    if value > Decimal::ZERO && value <= max {
        return Ok(());
    }
    Err((
        key.to_string(),
        out_of_range(&format!("more than 0 and at most {max}{unit}"), value, hint),
    ))
}

/// `value` in `[0, max]`, else the problem for `key`.
fn zero_up_to(key: &str, value: Decimal, max: Decimal, unit: &str) -> Result<(), Problem> {
    if value >= Decimal::ZERO && value <= max {
        return Ok(());
    }
    Err((
        key.to_string(),
        out_of_range(&format!("0 to {max}{unit}"), value, ""),
    ))
}

/// `value` in `1..=max`, else the problem for `key`.
fn count_up_to(key: &str, value: i64, max: i64, unit: &str, hint: &str) -> Result<(), Problem> {
    if (1..=max).contains(&value) {
        return Ok(());
    }
    Err((
        key.to_string(),
        out_of_range(&format!("1 to {max}{unit}"), value, hint),
    ))
}

/// Checks `[backtest.limits]` (`prefix` `backtest.limits`) or the per-order keys of `[risk]`.
pub(crate) fn check_limits(prefix: &str, limits: &Limits) -> Result<(), Problem> {
    let key = |k: &str| format!("{prefix}.{k}");
    const OFF: &str = "; leave it out for no limit";
    if let Some(q) = limits.max_order_qty {
        count_up_to(&key("max_order_qty"), q, MAX_QTY, " shares", OFF)?;
    }
    if let Some(v) = limits.max_order_value {
        positive_up_to(
            &key("max_order_value"),
            v,
            Decimal::from(MAX_CASH),
            " rupees",
            OFF,
        )?;
    }
    if let Some(p) = limits.short_margin_pct {
        positive_up_to(
            &key("short_margin_pct"),
            p,
            Decimal::from(MAX_PCT),
            " percent of the short's value",
            "; leave it out for 100 (fully cash-covered)",
        )?;
    }
    Ok(())
}

/// Checks the numeric keys of `[risk]` other than the per-order limits.
pub(crate) fn check_risk(risk: &RiskConfig) -> Result<(), Problem> {
    const OFF: &str = "; leave it out for no limit";
    let rupees = Decimal::from(MAX_CASH);
    if let Some(p) = risk.price_band_pct {
        positive_up_to(
            "risk.price_band_pct",
            p,
            Decimal::from(MAX_PCT),
            " percent from the last trade",
            "; leave it out for no band",
        )?;
    }
    if let Some(q) = risk.max_position_qty {
        count_up_to("risk.max_position_qty", q, MAX_QTY, " shares", OFF)?;
    }
    let amounts = [
        ("risk.max_position_value", risk.max_position_value),
        ("risk.max_gross_exposure", risk.max_gross_exposure),
        ("risk.daily_loss_limit", risk.daily_loss_limit),
    ];
    for (key, value) in amounts {
        if let Some(v) = value {
            positive_up_to(key, v, rupees, " rupees", OFF)?;
        }
    }
    if let Some(n) = risk.max_orders_per_second {
        count_up_to(
            "risk.max_orders_per_second",
            n.into(),
            MAX_ORDERS_PER_SECOND.into(),
            " orders",
            OFF,
        )?;
    }
    if let Some(n) = risk.max_orders_per_day {
        count_up_to(
            "risk.max_orders_per_day",
            n.into(),
            MAX_ORDERS_PER_DAY.into(),
            " orders",
            OFF,
        )?;
    }
    let tiers = &risk.tier_strategy_limits;
    for (key, value) in [
        ("basic", tiers.basic),
        ("pro", tiers.pro),
        ("elite", tiers.elite),
    ] {
        if let Some(n) = value {
            let key = format!("risk.tier_strategy_limits.{key}");
            count_up_to(
                &key,
                n.into(),
                MAX_TIER_STRATEGIES.into(),
                " strategies",
                "; leave it out for no limit",
            )?;
        }
    }
    Ok(())
}

/// Checks every rate of `[zerodha]` (also when `backtest.commission` does not use them: a slip is
/// a slip).
pub(crate) fn check_zerodha(z: &ZerodhaRates) -> Result<(), Problem> {
    let pct = Decimal::from(MAX_CHARGE_PCT);
    let rates = [
        ("brokerage_intraday_pct", z.brokerage_intraday_pct),
        ("brokerage_delivery_pct", z.brokerage_delivery_pct),
        ("stt_intraday_sell_pct", z.stt_intraday_sell_pct),
        ("stt_delivery_pct", z.stt_delivery_pct),
        ("exchange_nse_pct", z.exchange_nse_pct),
        ("exchange_bse_pct", z.exchange_bse_pct),
        ("sebi_pct", z.sebi_pct),
        ("stamp_intraday_buy_pct", z.stamp_intraday_buy_pct),
        ("stamp_delivery_buy_pct", z.stamp_delivery_buy_pct),
    ];
    for (key, rate) in rates {
        zero_up_to(
            &format!("zerodha.{key}"),
            rate,
            pct,
            " percent of turnover (0.1 means 0.1 %)",
        )?;
    }
    zero_up_to(
        "zerodha.gst_pct",
        z.gst_pct,
        Decimal::from(MAX_GST_PCT),
        " percent",
    )?;
    zero_up_to(
        "zerodha.brokerage_intraday_max",
        z.brokerage_intraday_max,
        Decimal::from(MAX_CASH),
        " rupees per order",
    )
}

/// Checks `backtest.sizing.value` against the range of its `method` (known to be valid).
pub(crate) fn check_sizing_value(method: &str, value: Decimal) -> Result<(), Problem> {
    let key = "backtest.sizing.value";
    match method {
        "fixed_qty" => count_up_to(
            key,
            value.try_into().unwrap_or(i64::MAX),
            MAX_QTY,
            " shares",
            "",
        )
        .map_err(|(k, _)| {
            (
                k,
                out_of_range(&format!("1 to {MAX_QTY} shares for fixed_qty"), value, ""),
            )
        }),
        "fixed_value" => positive_up_to(
            key,
            value,
            Decimal::from(MAX_CASH),
            " rupees for fixed_value",
            "",
        ),
        _ => positive_up_to(
            key,
            value,
            Decimal::from(MAX_PCT),
            &format!(" percent of equity for {method}"),
            "",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_range_the_value_and_the_way_out() {
        let limits = Limits {
            max_order_qty: Some(0),
            ..Limits::default()
        };
        assert_eq!(
            check_limits("backtest.limits", &limits).unwrap_err(),
            (
                "backtest.limits.max_order_qty".to_string(),
                "must be 1 to 1000000000 shares, got 0; leave it out for no limit".to_string()
            )
        );
        let risk = RiskConfig {
            price_band_pct: Some(Decimal::from(101)),
            ..RiskConfig::default()
        };
        assert_eq!(check_risk(&risk).unwrap_err().1, "must be more than 0 and at most 100 percent from the last trade, got 101; leave it out for no band");
        let z = ZerodhaRates {
            sebi_pct: Decimal::from(-1),
            ..ZerodhaRates::default()
        };
        assert_eq!(check_zerodha(&z).unwrap_err().0, "zerodha.sebi_pct");
        assert_eq!(
            check_sizing_value("fixed_qty", Decimal::from(i64::MAX))
                .unwrap_err()
                .1,
            "must be 1 to 1000000000 shares for fixed_qty, got 9223372036854775807"
        );
        assert!(check_sizing_value("fixed_qty", Decimal::from(MAX_QTY)).is_ok());
        assert!(check_sizing_value("percent_equity", Decimal::from(100)).is_ok());
    }
}

//! The closed set of reason codes a refusal carries: stable names operators grep for and
//! dashboards count (`INSUFFICIENT_CASH`, `HALTED`, ...). The names never change; new codes are
//! added at the end.

use serde::{Serialize, Serializer};

/// Why an order request was refused (see the module docs); `Display` and JSON give its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonCode {
    /// The computed quantity rounds down to zero lots.
    QtyBelowLot,
    /// The order's value exceeds the free cash.
    InsufficientCash,
    /// The order's quantity exceeds `max_order_qty`.
    MaxOrderQty,
    /// The order's value exceeds `max_order_value`.
    MaxOrderValue,
    /// Risk-per-trade sizing needs a stop-loss and the signal had none (or it sat at the entry).
    NoStopForRiskSizing,
    /// A short entry's margin exceeds the free cash.
    InsufficientMargin,
    /// Short positions need the intraday (MIS) product; delivery (CNC) cannot be sold short.
    ShortNeedsMis,
    /// The reference price is not positive.
    BadPrice,
    /// An explicit price is not on the instrument's tick grid (`enforce_tick_and_lot`).
    PriceOffTick,
    /// An explicit quantity is not a whole number of lots (`enforce_tick_and_lot`).
    QtyOffLot,
    /// The price is further from the last trade than `price_band_pct`.
    PriceBand,
    /// The resulting position would exceed `max_position_qty` or `max_position_value`.
    MaxPosition,
    /// The resulting gross exposure would exceed `max_gross_exposure`.
    MaxGrossExposure,
    /// More than `max_orders_per_second` orders within one second.
    OrderRateSecond,
    /// More than `max_orders_per_day` orders within one IST day.
    OrderRateDay,
    /// Today's realised + unrealised P&L reached −`daily_loss_limit`; the kill switch tripped.
    DailyLoss,
    /// Trading is reduce-only: the order would open or grow a position.
    ReduceOnly,
    /// Trading is halted by the kill switch.
    Halted,
    /// The exchange session is closed (weekend, holiday, or outside 09:15–15:30 IST).
    MarketClosed,
    /// Starting one more strategy would exceed the subscription tier's limit.
    TierStrategyLimit,
    /// An intraday (MIS) entry at or after the 15:20 IST square-off: it would be closed at once.
    MisCutoff,
    /// The instrument was stopped by supervision after its strategy failed (flattened or frozen).
    InstrumentStopped,
    /// The daemon is shutting down gracefully: no new orders.
    ShuttingDown,
    /// The order actor's queue is full: back-pressure, the signal is refused instead of queued without bound.
    OrderQueueFull,
    /// The journal and the broker disagree on this symbol's position or P&L: no orders in it until they agree.
    BooksDiffer,
    /// The order's value (price × quantity) exceeds what the engine represents, about ₹9.2 × 10¹⁴.
    OrderValueOverflow,
    /// A fill price moved by slippage would overflow or not be positive: the order is cancelled.
    PriceOutOfRange,
}

impl ReasonCode {
    /// Every code, in declaration order.
    pub const ALL: [ReasonCode; 27] = [
        ReasonCode::QtyBelowLot,
        ReasonCode::InsufficientCash,
        ReasonCode::MaxOrderQty,
        ReasonCode::MaxOrderValue,
        ReasonCode::NoStopForRiskSizing,
        ReasonCode::InsufficientMargin,
        ReasonCode::ShortNeedsMis,
        ReasonCode::BadPrice,
        ReasonCode::PriceOffTick,
        ReasonCode::QtyOffLot,
        ReasonCode::PriceBand,
        ReasonCode::MaxPosition,
        ReasonCode::MaxGrossExposure,
        ReasonCode::OrderRateSecond,
        ReasonCode::OrderRateDay,
        ReasonCode::DailyLoss,
        ReasonCode::ReduceOnly,
        ReasonCode::Halted,
        ReasonCode::MarketClosed,
        ReasonCode::TierStrategyLimit,
        ReasonCode::MisCutoff,
        ReasonCode::InstrumentStopped,
        ReasonCode::ShuttingDown,
        ReasonCode::OrderQueueFull,
        ReasonCode::BooksDiffer,
        ReasonCode::OrderValueOverflow,
        ReasonCode::PriceOutOfRange,
    ];

    /// The stable name, e.g. `INSUFFICIENT_CASH`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonCode::QtyBelowLot => "QTY_BELOW_LOT",
            ReasonCode::InsufficientCash => "INSUFFICIENT_CASH",
            ReasonCode::MaxOrderQty => "MAX_ORDER_QTY",
            ReasonCode::MaxOrderValue => "MAX_ORDER_VALUE",
            ReasonCode::NoStopForRiskSizing => "NO_STOP_FOR_RISK_SIZING",
            ReasonCode::InsufficientMargin => "INSUFFICIENT_MARGIN",
            ReasonCode::ShortNeedsMis => "SHORT_NEEDS_MIS",
            ReasonCode::BadPrice => "BAD_PRICE",
            ReasonCode::PriceOffTick => "PRICE_OFF_TICK",
            ReasonCode::QtyOffLot => "QTY_OFF_LOT",
            ReasonCode::PriceBand => "PRICE_BAND",
            ReasonCode::MaxPosition => "MAX_POSITION",
            ReasonCode::MaxGrossExposure => "MAX_GROSS_EXPOSURE",
            ReasonCode::OrderRateSecond => "ORDER_RATE_SECOND",
            ReasonCode::OrderRateDay => "ORDER_RATE_DAY",
            ReasonCode::DailyLoss => "DAILY_LOSS",
            ReasonCode::ReduceOnly => "REDUCE_ONLY",
            ReasonCode::Halted => "HALTED",
            ReasonCode::MarketClosed => "MARKET_CLOSED",
            ReasonCode::TierStrategyLimit => "TIER_STRATEGY_LIMIT",
            ReasonCode::MisCutoff => "MIS_CUTOFF",
            ReasonCode::InstrumentStopped => "INSTRUMENT_STOPPED",
            ReasonCode::ShuttingDown => "SHUTTING_DOWN",
            ReasonCode::OrderQueueFull => "ORDER_QUEUE_FULL",
            ReasonCode::BooksDiffer => "BOOKS_DIFFER",
            ReasonCode::OrderValueOverflow => "ORDER_VALUE_OVERFLOW",
            ReasonCode::PriceOutOfRange => "PRICE_OUT_OF_RANGE",
        }
    }

    /// The code named `name`, if there is one.
    pub fn parse(name: &str) -> Option<ReasonCode> {
        ReasonCode::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for ReasonCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_name_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for code in ReasonCode::ALL {
            assert_eq!(ReasonCode::parse(code.as_str()), Some(code));
            assert!(names.insert(code.as_str()), "{code} twice");
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
        assert_eq!(ReasonCode::parse("NOT_A_CODE"), None);
    }
}

//! Stable rejection reason codes: operators grep for them and dashboards count them.

/// The computed quantity rounds down to zero lots.
pub const QTY_BELOW_LOT: &str = "QTY_BELOW_LOT";
/// The order's value exceeds the free cash.
pub const INSUFFICIENT_CASH: &str = "INSUFFICIENT_CASH";
/// The order's quantity exceeds `max_order_qty`.
pub const MAX_ORDER_QTY: &str = "MAX_ORDER_QTY";
/// The order's value exceeds `max_order_value`.
pub const MAX_ORDER_VALUE: &str = "MAX_ORDER_VALUE";
/// Risk-per-trade sizing needs a stop-loss and the signal had none (or it sat at the entry).
pub const NO_STOP_FOR_RISK_SIZING: &str = "NO_STOP_FOR_RISK_SIZING";
/// A short entry's margin exceeds the free cash.
pub const INSUFFICIENT_MARGIN: &str = "INSUFFICIENT_MARGIN";
/// Short positions need the intraday (MIS) product; delivery (CNC) cannot be sold short.
pub const SHORT_NEEDS_MIS: &str = "SHORT_NEEDS_MIS";
/// The reference price is not positive.
pub const BAD_PRICE: &str = "BAD_PRICE";

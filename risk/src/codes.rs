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
/// An explicit price is not on the instrument's tick grid (`enforce_tick_and_lot`).
pub const PRICE_OFF_TICK: &str = "PRICE_OFF_TICK";
/// An explicit quantity is not a whole number of lots (`enforce_tick_and_lot`).
pub const QTY_OFF_LOT: &str = "QTY_OFF_LOT";
/// The price is further from the last trade than `price_band_pct`.
pub const PRICE_BAND: &str = "PRICE_BAND";
/// The resulting position would exceed `max_position_qty` or `max_position_value`.
pub const MAX_POSITION: &str = "MAX_POSITION";
/// The resulting gross exposure would exceed `max_gross_exposure`.
pub const MAX_GROSS_EXPOSURE: &str = "MAX_GROSS_EXPOSURE";
/// More than `max_orders_per_second` orders within one second.
pub const ORDER_RATE_SECOND: &str = "ORDER_RATE_SECOND";
/// More than `max_orders_per_day` orders within one IST day.
pub const ORDER_RATE_DAY: &str = "ORDER_RATE_DAY";
/// Today's realised + unrealised P&L reached −`daily_loss_limit`; the kill switch tripped.
pub const DAILY_LOSS: &str = "DAILY_LOSS";
/// Trading is reduce-only: the order would open or grow a position.
pub const REDUCE_ONLY: &str = "REDUCE_ONLY";
/// Trading is halted by the kill switch.
pub const HALTED: &str = "HALTED";
/// The exchange session is closed (weekend, holiday, or outside 09:15–15:30 IST).
pub const MARKET_CLOSED: &str = "MARKET_CLOSED";
/// Starting one more strategy would exceed the subscription tier's limit.
pub const TIER_STRATEGY_LIMIT: &str = "TIER_STRATEGY_LIMIT";
/// An intraday (MIS) entry at or after the 15:20 IST square-off: it would be closed at once.
pub const MIS_CUTOFF: &str = "MIS_CUTOFF";
/// The instrument was stopped by supervision after its strategy failed (flattened or frozen).
pub const INSTRUMENT_STOPPED: &str = "INSTRUMENT_STOPPED";
/// The daemon is shutting down gracefully: no new orders.
pub const SHUTTING_DOWN: &str = "SHUTTING_DOWN";
/// The order actor's queue is full (orders are arriving faster than the broker takes them):
/// back-pressure, the signal is refused instead of queued without bound.
pub const ORDER_QUEUE_FULL: &str = "ORDER_QUEUE_FULL";
/// The journal and the broker disagree on this symbol's position or P&L: no orders in it (not
/// even exits, which would be sized from a position the broker contradicts) until they agree.
pub const BOOKS_DIFFER: &str = "BOOKS_DIFFER";
/// The order's value (price × quantity) exceeds what the engine represents, about ₹9.2 × 10¹⁴.
pub const ORDER_VALUE_OVERFLOW: &str = sharewise_engine::risk::ORDER_VALUE_OVERFLOW;
/// A fill price moved by slippage would overflow or not be positive: the order is cancelled.
pub const PRICE_OUT_OF_RANGE: &str = sharewise_engine::risk::PRICE_OUT_OF_RANGE;

//! Stable rejection reason codes, by their names: operators grep for them and dashboards count
//! them. The set is closed: [`ReasonCode`] (in `sharewise-engine`, beside [`Rejection`]), whose
//! docs say what each means.
//!
//! [`Rejection`]: sharewise_engine::risk::Rejection

pub use sharewise_engine::risk::ReasonCode;

/// The computed quantity rounds down to zero lots.
pub const QTY_BELOW_LOT: ReasonCode = ReasonCode::QtyBelowLot;
/// The order's value exceeds the free cash.
pub const INSUFFICIENT_CASH: ReasonCode = ReasonCode::InsufficientCash;
/// The order's quantity exceeds `max_order_qty`.
pub const MAX_ORDER_QTY: ReasonCode = ReasonCode::MaxOrderQty;
/// The order's value exceeds `max_order_value`.
pub const MAX_ORDER_VALUE: ReasonCode = ReasonCode::MaxOrderValue;
/// Risk-per-trade sizing needs a stop-loss and the signal had none (or it sat at the entry).
pub const NO_STOP_FOR_RISK_SIZING: ReasonCode = ReasonCode::NoStopForRiskSizing;
/// A short entry's margin exceeds the free cash.
pub const INSUFFICIENT_MARGIN: ReasonCode = ReasonCode::InsufficientMargin;
/// Short positions need the intraday (MIS) product; delivery (CNC) cannot be sold short.
pub const SHORT_NEEDS_MIS: ReasonCode = ReasonCode::ShortNeedsMis;
/// The reference price is not positive.
pub const BAD_PRICE: ReasonCode = ReasonCode::BadPrice;
/// An explicit price is not on the instrument's tick grid (`enforce_tick_and_lot`).
pub const PRICE_OFF_TICK: ReasonCode = ReasonCode::PriceOffTick;
/// An explicit quantity is not a whole number of lots (`enforce_tick_and_lot`).
pub const QTY_OFF_LOT: ReasonCode = ReasonCode::QtyOffLot;
/// The price is further from the last trade than `price_band_pct`.
pub const PRICE_BAND: ReasonCode = ReasonCode::PriceBand;
/// The resulting position would exceed `max_position_qty` or `max_position_value`.
pub const MAX_POSITION: ReasonCode = ReasonCode::MaxPosition;
/// The resulting gross exposure would exceed `max_gross_exposure`.
pub const MAX_GROSS_EXPOSURE: ReasonCode = ReasonCode::MaxGrossExposure;
/// More than `max_orders_per_second` orders within one second.
pub const ORDER_RATE_SECOND: ReasonCode = ReasonCode::OrderRateSecond;
/// More than `max_orders_per_day` orders within one IST day.
pub const ORDER_RATE_DAY: ReasonCode = ReasonCode::OrderRateDay;
/// Today's realised + unrealised P&L reached −`daily_loss_limit`; the kill switch tripped.
pub const DAILY_LOSS: ReasonCode = ReasonCode::DailyLoss;
/// Trading is reduce-only: the order would open or grow a position.
pub const REDUCE_ONLY: ReasonCode = ReasonCode::ReduceOnly;
/// Trading is halted by the kill switch.
pub const HALTED: ReasonCode = ReasonCode::Halted;
/// The exchange session is closed (weekend, holiday, or outside 09:15–15:30 IST).
pub const MARKET_CLOSED: ReasonCode = ReasonCode::MarketClosed;
/// Starting one more strategy would exceed the subscription tier's limit.
pub const TIER_STRATEGY_LIMIT: ReasonCode = ReasonCode::TierStrategyLimit;
/// An intraday (MIS) entry at or after the 15:20 IST square-off: it would be closed at once.
pub const MIS_CUTOFF: ReasonCode = ReasonCode::MisCutoff;
/// The instrument was stopped by supervision after its strategy failed (flattened or frozen).
pub const INSTRUMENT_STOPPED: ReasonCode = ReasonCode::InstrumentStopped;
/// The daemon is shutting down gracefully: no new orders.
pub const SHUTTING_DOWN: ReasonCode = ReasonCode::ShuttingDown;
/// The order actor's queue is full: back-pressure, the signal is refused instead of queued without bound.
pub const ORDER_QUEUE_FULL: ReasonCode = ReasonCode::OrderQueueFull;
/// The journal and the broker disagree on this symbol's position or P&L: no orders in it until they agree.
pub const BOOKS_DIFFER: ReasonCode = ReasonCode::BooksDiffer;
/// The order's value (price × quantity) exceeds what the engine represents, about ₹9.2 × 10¹⁴.
pub const ORDER_VALUE_OVERFLOW: ReasonCode = sharewise_engine::risk::ORDER_VALUE_OVERFLOW;
/// A fill price moved by slippage would overflow or not be positive: the order is cancelled.
pub const PRICE_OUT_OF_RANGE: ReasonCode = sharewise_engine::risk::PRICE_OUT_OF_RANGE;

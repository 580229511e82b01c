//! Domain types: fixed-point prices, instruments, market data, orders, fills, positions and the
//! portfolio.
//!
//! | type | representation | why |
//! | --- | --- | --- |
//! | [`Price`] | `i64` in 1/10 000 rupee | exact tick arithmetic on the hot path |
//! | [`Qty`] | `i64` shares (signed for positions) | whole units, lot size checked separately |
//! | cash, P&L, fees | [`rust_decimal::Decimal`] | exact accounting, never `f64` |
//! | time | [`crate::time::TimestampNs`] | UTC nanoseconds |

mod instrument;
mod market;
mod order;
mod portfolio;
mod position;
mod price;

pub use instrument::{Exchange, Instrument, InstrumentId};
pub use market::{Bar, Tick};
pub use order::{ClientOrderId, Fill, Order, OrderType, Product, Side, Validity};
pub use portfolio::Portfolio;
pub use position::Position;
pub use price::{Price, PriceError, PRICE_SCALE};

/// A quantity of shares; signed where it is a position (negative = short).
pub type Qty = i64;

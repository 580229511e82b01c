//! The seam between signals and orders: what the engine asks the risk layer before any order.
//!
//! The engine turns a [`crate::strategy::Signal`] into an [`OrderRequest`] (enter, or exit the
//! position it holds) and asks a [`RiskGate`] for a verdict: a quantity to send, or a
//! [`Rejection`] with a stable reason code. The `sharewise-risk` crate implements the gate
//! (sizing, lot rounding, cash and limit checks); the backtester and the live daemon call the same
//! implementation, which is what keeps them in agreement. The [`AccountView`] carries what the
//! checks need beyond cash: the last trade (price band), today's P&L (daily loss limit) and the
//! gross exposure.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::time::TimestampNs;
use crate::types::{Instrument, Price, Qty, Side};

mod reason;

pub use reason::ReasonCode;

/// Reason code: the order's value (price × quantity) exceeds what the engine represents
/// ([`Price::MAX_VALUE`]); re-exported by `sharewise-risk` with the other codes.
pub const ORDER_VALUE_OVERFLOW: ReasonCode = ReasonCode::OrderValueOverflow;
/// Reason code: a fill price moved by slippage would leave the price range or not be positive,
/// so the order is cancelled rather than filled at a wrapped (favourable) price.
pub const PRICE_OUT_OF_RANGE: ReasonCode = ReasonCode::PriceOutOfRange;

/// Why an order request is being made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Purpose {
    /// Open a position; the gate decides the size. When `closing` > 0 the same order first
    /// closes that many shares of the opposite position (a flip), and the gate returns the total.
    Enter {
        /// Shares of the opposite position this order closes before opening the new one.
        closing: Qty,
    },
    /// Close the whole open position of this many shares.
    Exit {
        /// Shares to close (positive).
        qty: Qty,
    },
}

/// An order the engine would like to send, before sizing and checks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OrderRequest {
    /// Buy or sell.
    pub side: Side,
    /// Enter or exit.
    pub purpose: Purpose,
    /// Price the order is expected to fill near (the signal bar's close, or the limit price).
    pub reference_price: Price,
    /// Protective stop attached to an entry (risk-per-trade sizing needs it).
    pub stop_loss: Option<Price>,
    /// Time of the decision, UTC ns.
    pub ts: TimestampNs,
}

/// The account as the gate sees it at decision time.
#[derive(Clone, Copy, Debug)]
pub struct AccountView<'a> {
    /// The instrument (tick and lot size).
    pub instrument: &'a Instrument,
    /// Signed open quantity in this instrument.
    pub position_qty: Qty,
    /// Free cash, rupees.
    pub cash: Decimal,
    /// Cash plus positions marked at the last close, rupees.
    pub equity: Decimal,
    /// Last traded price of this instrument (the price-band check's anchor); `None` when unknown.
    pub last_trade_price: Option<Price>,
    /// P&L realised since the start of today's IST session, all instruments, before fees, rupees.
    pub realized_pnl_today: Decimal,
    /// Unrealised P&L of all open positions at their last prices, rupees.
    pub unrealized_pnl: Decimal,
    /// Sum of `|market value|` of all open positions at their last prices, rupees.
    pub gross_exposure: Decimal,
}

/// A refused request: a stable machine-readable code plus a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// Stable reason code, e.g. `INSUFFICIENT_CASH`, `QTY_BELOW_LOT`.
    pub code: ReasonCode,
    /// What was wrong, with the numbers, e.g. `needs 15731.50, free cash 1200.00`.
    pub detail: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

/// Pre-trade risk: sizes entries and approves or rejects every order request.
pub trait RiskGate {
    /// The quantity to send for `request` (positive, on the lot grid), or why not.
    fn review(
        &mut self,
        request: &OrderRequest,
        account: &AccountView<'_>,
    ) -> Result<Qty, Rejection>;
}

//! From a signal to an order intent: the one decision the backtester and the live daemon share.
//!
//! A [`crate::strategy::Signal`] says which way a strategy wants to be. [`purpose`] compares that
//! with the position held and answers what order, if any, it implies: nothing (already there),
//! an exit, an entry, or a flip (exit plus entry in one order). [`review`] asks the
//! [`RiskGate`] for the size; when the gate refuses the entry part of a flip, the order still
//! closes the position it was reversing (an exit is never blocked by an entry's limits).
//!
//! Both engines call these two functions, so for the same signals, positions and account they
//! create the same orders — what the backtest/live parity test checks.

use crate::risk::{AccountView, OrderRequest, Purpose, Rejection, RiskGate};
use crate::types::{Qty, Side};

/// The order purpose a signal on `side` implies for a signed `position`, or `None` when the
/// position already points that way (or the signal would open a short and shorting is off).
#[inline]
pub fn purpose(side: Side, position: Qty, allow_short: bool) -> Option<Purpose> {
    let wants_long = side == Side::Buy;
    let (exit_qty, enter) = match (wants_long, position.signum()) {
        (true, 1) | (false, -1) => (0, false),
        (true, 0) => (0, true),
        (false, 0) => (0, allow_short),
        (_, _) => (position.abs(), wants_long || allow_short),
    };
    match (exit_qty, enter) {
        (0, false) => None,
        (closing, true) => Some(Purpose::Enter { closing }),
        (qty, false) => Some(Purpose::Exit { qty }),
    }
}

/// What the gate approved for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved {
    /// Shares to send (positive).
    pub qty: Qty,
    /// For a flip whose entry the gate refused: why. The order then only closes the position.
    pub entry_rejected: Option<Rejection>,
}

impl Approved {
    /// Whether the order opens (part of) a new position, given the shares it closes first.
    pub fn enters(&self, request: &OrderRequest) -> bool {
        match request.purpose {
            Purpose::Enter { closing } => self.qty > closing,
            Purpose::Exit { .. } => false,
        }
    }
}

/// Sizes and checks `request`; a refused flip falls back to its exit alone.
pub fn review<R: RiskGate + ?Sized>(
    risk: &mut R,
    request: &OrderRequest,
    account: &AccountView<'_>,
) -> Result<Approved, Rejection> {
    match risk.review(request, account) {
        Ok(qty) => Ok(Approved {
            qty,
            entry_rejected: None,
        }),
        Err(rejection) => match request.purpose {
            Purpose::Enter { closing } if closing > 0 => {
                let exit = OrderRequest {
                    purpose: Purpose::Exit { qty: closing },
                    stop_loss: None,
                    ..*request
                };
                let qty = risk.review(&exit, account)?;
                Ok(Approved {
                    qty,
                    entry_rejected: Some(rejection),
                })
            }
            _ => Err(rejection),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_by_position_and_side() {
        assert_eq!(
            purpose(Side::Buy, 0, false),
            Some(Purpose::Enter { closing: 0 })
        );
        assert_eq!(purpose(Side::Buy, 5, false), None);
        assert_eq!(
            purpose(Side::Sell, 5, false),
            Some(Purpose::Exit { qty: 5 })
        );
        assert_eq!(
            purpose(Side::Sell, 5, true),
            Some(Purpose::Enter { closing: 5 })
        );
        assert_eq!(purpose(Side::Sell, 0, false), None);
        assert_eq!(
            purpose(Side::Sell, 0, true),
            Some(Purpose::Enter { closing: 0 })
        );
        assert_eq!(purpose(Side::Sell, -3, true), None);
        assert_eq!(
            purpose(Side::Buy, -3, false),
            Some(Purpose::Enter { closing: 3 })
        );
    }
}

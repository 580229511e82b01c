//! One file per pre-trade check. Each exposes small functions the gate calls in its fixed order
//! (see the crate docs); each file's tests trip its check through [`crate::PreTradeRisk`] and read
//! the reason code.

pub mod daily_loss;
pub mod gross_exposure;
pub mod market_hours;
pub mod max_position;
pub mod order_rate;
pub mod price_band;
pub mod tick_lot;
pub mod tier;
pub mod trading_state;

use sharewise_engine::risk::Rejection;

/// A refusal with `code` and `detail`.
#[inline]
pub(crate) fn reject(code: crate::codes::ReasonCode, detail: String) -> Rejection {
    Rejection { code, detail }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builders shared by the checks' tests, on the workspace's test kit.
    use rust_decimal::Decimal;
    use sharewise_engine::risk::{AccountView, OrderRequest, Purpose};
    use sharewise_engine::types::{Instrument, Price, Side};
    /// 2026-01-05 (a Monday) at `hh:mm:ss` IST: the kit's `at`.
    pub use sharewise_testkit::at as monday;
    pub use sharewise_testkit::d;

    /// An entry at `price`, no stop, at Monday 10:00 IST.
    pub fn entry(side: Side, price: &str) -> OrderRequest {
        OrderRequest {
            side,
            purpose: Purpose::Enter { closing: 0 },
            reference_price: Price::parse(price).unwrap(),
            stop_loss: None,
            ts: monday(10, 0, 0),
        }
    }

    /// An exit of `qty` shares at `price`, Monday 10:00 IST.
    pub fn exit(side: Side, price: &str, qty: i64) -> OrderRequest {
        OrderRequest {
            purpose: Purpose::Exit { qty },
            ..entry(side, price)
        }
    }

    /// A flat account with this much cash and nothing else known.
    pub fn view<'a>(instrument: &'a Instrument, cash: &str) -> AccountView<'a> {
        AccountView {
            instrument,
            position_qty: 0,
            cash: d(cash),
            equity: d(cash),
            last_trade_price: None,
            realized_pnl_today: Decimal::ZERO,
            unrealized_pnl: Decimal::ZERO,
            gross_exposure: Decimal::ZERO,
        }
    }
}

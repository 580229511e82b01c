//! Round-trip trades built from fills: a trade opens when a position leaves zero and closes when it
//! returns to zero (a flip closes one trade and opens the next). P&L is net of the fees of both legs.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::time::TimestampNs;
use crate::types::{Fill, Side};

/// One round trip (or a still-open position at the end of the data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trade {
    /// Time of the bar whose price filled the entry, UTC ns.
    pub entry_ts: TimestampNs,
    /// Time of the bar whose price filled the exit; `None` while open.
    pub exit_ts: Option<TimestampNs>,
    /// `BUY` for a long trade, `SELL` for a short one.
    pub side: Side,
    /// Shares.
    pub qty: i64,
    /// Average entry price, rupees.
    pub entry_price: Decimal,
    /// Average exit price, rupees; `None` while open.
    pub exit_price: Option<Decimal>,
    /// Fees of both legs, rupees.
    pub fees: Decimal,
    /// Net P&L (after fees), rupees; `None` while open.
    pub pnl: Option<Decimal>,
}

/// Builds [`Trade`]s from a stream of fills of one instrument.
#[derive(Clone, Debug, Default)]
pub struct TradeBook {
    open: Option<Trade>,
    closed: Vec<Trade>,
}

impl TradeBook {
    /// Records a fill; `position_before` is the signed position before it.
    pub fn record(&mut self, fill: &Fill, position_before: i64) {
        let signed = fill.side.sign() * fill.qty;
        let price = fill.price.to_decimal();
        let mut remaining = fill.qty;
        let mut fees_left = fill.fees;
        if position_before != 0 && position_before.signum() != signed.signum() {
            let closing = remaining.min(position_before.abs());
            // Split the fill's fees between the closed trade and any new one (no division in
            // the common whole-fill case).
            let exit_fees = if closing == fill.qty || fill.fees.is_zero() {
                fill.fees
            } else {
                fill.fees * Decimal::from(closing) / Decimal::from(fill.qty)
            };
            fees_left -= exit_fees;
            remaining -= closing;
            if let Some(mut trade) = self.open.take() {
                let direction = Decimal::from(trade.side.sign());
                if closing < trade.qty {
                    // Partial close: split the open trade in two.
                    let entry_fees = if trade.fees.is_zero() {
                        Decimal::ZERO
                    } else {
                        trade.fees * Decimal::from(closing) / Decimal::from(trade.qty)
                    };
                    let mut rest = trade.clone();
                    rest.qty -= closing;
                    rest.fees -= entry_fees;
                    trade.qty = closing;
                    trade.fees = entry_fees;
                    self.open = Some(rest);
                }
                trade.exit_ts = Some(fill.ts);
                trade.exit_price = Some(price);
                trade.fees += exit_fees;
                trade.pnl = Some(
                    (price - trade.entry_price) * direction * Decimal::from(closing) - trade.fees,
                );
                self.closed.push(trade);
            }
        }
        if remaining > 0 {
            match &mut self.open {
                Some(trade) => {
                    let total = trade.qty + remaining;
                    trade.entry_price = (trade.entry_price * Decimal::from(trade.qty)
                        + price * Decimal::from(remaining))
                        / Decimal::from(total);
                    trade.qty = total;
                    trade.fees += fees_left;
                }
                None => {
                    self.open = Some(Trade {
                        entry_ts: fill.ts,
                        exit_ts: None,
                        side: fill.side,
                        qty: remaining,
                        entry_price: price,
                        exit_price: None,
                        fees: fees_left,
                        pnl: None,
                    })
                }
            }
        }
    }

    /// Closed trades so far, in order.
    pub fn closed(&self) -> &[Trade] {
        &self.closed
    }

    /// The trade still open, if any.
    pub fn open(&self) -> Option<&Trade> {
        self.open.as_ref()
    }

    /// All trades: closed ones, then the open one.
    pub fn into_all(self) -> Vec<Trade> {
        let mut all = self.closed;
        all.extend(self.open);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ClientOrderId, InstrumentId, Price};

    fn fill(ts: i64, side: Side, qty: i64, price: &str, fees: &str) -> Fill {
        Fill {
            client_id: ClientOrderId(ts as u64),
            instrument: InstrumentId(0),
            side,
            qty,
            price: Price::parse(price).unwrap(),
            ts,
            fees: fees.parse().unwrap(),
        }
    }

    #[test]
    fn round_trip_then_flip() {
        let mut book = TradeBook::default();
        book.record(&fill(1, Side::Buy, 10, "100", "1"), 0);
        book.record(&fill(2, Side::Sell, 15, "110", "3"), 10);
        let t = &book.closed()[0];
        assert_eq!((t.entry_ts, t.exit_ts, t.qty), (1, Some(2), 10));
        assert_eq!(t.fees, "3".parse::<Decimal>().unwrap()); // 1 entry + 2 of the 3 exit
        assert_eq!(t.pnl, Some("97".parse().unwrap()));
        let open = book.open().unwrap();
        assert_eq!(
            (open.side, open.qty, open.entry_price),
            (Side::Sell, 5, Decimal::from(110))
        );
        assert_eq!(open.fees, Decimal::from(1));
    }

    #[test]
    fn partial_close_splits_the_trade() {
        let mut book = TradeBook::default();
        book.record(&fill(1, Side::Buy, 10, "100", "0"), 0);
        book.record(&fill(2, Side::Sell, 4, "90", "0"), 10);
        assert_eq!(book.closed()[0].pnl, Some(Decimal::from(-40)));
        assert_eq!(book.open().unwrap().qty, 6);
        book.record(&fill(3, Side::Sell, 6, "120", "0"), 6);
        assert_eq!(book.closed()[1].pnl, Some(Decimal::from(120)));
        assert!(book.open().is_none());
    }
}

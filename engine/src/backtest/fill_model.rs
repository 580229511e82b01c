//! The simulated exchange's fill rules for bar data.
//!
//! - A **market** order decided at bar *t*'s close fills at bar *t+1*'s open, moved against the
//!   trader by `slippage_ticks` ticks.
//! - A **limit** order fills when the price trades *through* the limit: a buy when the bar's low is
//!   below it (at the limit), or at the open if the bar opens at or below it; sells mirror this.
//!   No slippage on limits.
//! - A **stop-loss** on a position triggers when the bar reaches the stop: a long's stop fills at
//!   the stop, or at the open if the bar gapped through it, less slippage.
//! - A **take-profit** fills at the target (or the better open) when the bar reaches it.
//! - When one bar touches both the stop and the target, the stop is assumed to have been hit first
//!   (the conservative choice: intrabar order is unknown).
//! - On the bar where a *limit* entry fills, the position starts at the limit price, part-way
//!   through the bar: its stop is checked from that price on, its target only from the next bar
//!   (the bar's high or low may have come before the fill).
//! - A new signal cancels an order still resting from an earlier signal.

use crate::types::{Bar, Price, Side};

/// Fill rules with their slippage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FillModel {
    /// Ticks of adverse slippage on market and stop fills.
    pub slippage_ticks: i64,
    /// The instrument's tick size.
    pub tick: Price,
}

impl FillModel {
    /// `price` moved `slippage_ticks` ticks against `side`, or `None` when the result would leave
    /// the `i64` range or not be positive (never a wrapped, favourable price).
    #[inline]
    fn slip(&self, side: Side, price: Price) -> Option<Price> {
        let moved = self
            .slippage_ticks
            .max(0)
            .checked_mul(self.tick.0)?
            .checked_mul(side.sign())?;
        price.0.checked_add(moved).filter(|p| *p > 0).map(Price)
    }

    /// Fill price of a market order at `bar`'s open; `None` when slippage takes it out of range
    /// (the order is then cancelled with `PRICE_OUT_OF_RANGE`).
    #[inline]
    pub fn market(&self, side: Side, bar: &Bar) -> Option<Price> {
        self.slip(side, bar.open)
    }

    /// Fill price of a limit order in `bar`, if the price traded through the limit.
    #[inline]
    pub fn limit(&self, side: Side, limit: Price, bar: &Bar) -> Option<Price> {
        match side {
            Side::Buy if bar.open <= limit => Some(bar.open),
            Side::Buy if bar.low < limit => Some(limit),
            Side::Sell if bar.open >= limit => Some(bar.open),
            Side::Sell if bar.high > limit => Some(limit),
            _ => None,
        }
    }

    /// Fill price of the stop protecting a position entered on `position_side`, if `bar` hit it:
    /// `Some(None)` when it was hit but slippage takes the fill price out of range.
    #[inline]
    pub fn stop(&self, position_side: Side, stop: Price, bar: &Bar) -> Option<Option<Price>> {
        let exit = position_side.opposite();
        match position_side {
            Side::Buy if bar.low <= stop => Some(self.slip(exit, bar.open.min(stop))),
            Side::Sell if bar.high >= stop => Some(self.slip(exit, bar.open.max(stop))),
            _ => None,
        }
    }

    /// Fill price of the target of a position entered on `position_side`, if `bar` reached it.
    #[inline]
    pub fn target(&self, position_side: Side, target: Price, bar: &Bar) -> Option<Price> {
        match position_side {
            Side::Buy if bar.high >= target => Some(bar.open.max(target)),
            Side::Sell if bar.low <= target => Some(bar.open.min(target)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }

    fn bar(o: &str, h: &str, l: &str, c: &str) -> Bar {
        Bar {
            ts: 0,
            open: p(o),
            high: p(h),
            low: p(l),
            close: p(c),
            volume: 100,
        }
    }

    const MODEL: FillModel = FillModel {
        slippage_ticks: 2,
        tick: Price(500),
    };

    #[test]
    fn market_fills_at_open_with_adverse_slippage() {
        let b = bar("100", "101", "99", "100.5");
        assert_eq!(MODEL.market(Side::Buy, &b), Some(p("100.10")));
        assert_eq!(MODEL.market(Side::Sell, &b), Some(p("99.90")));
        let wild = FillModel {
            slippage_ticks: i64::MAX,
            ..MODEL
        };
        assert_eq!(
            wild.market(Side::Buy, &b),
            None,
            "overflow is no price, not a wrapped one"
        );
        assert_eq!(
            wild.market(Side::Sell, &b),
            None,
            "a sell slipped below zero is no price"
        );
    }

    #[test]
    fn limit_needs_the_price_to_trade_through() {
        let b = bar("100", "101", "99", "100.5");
        assert_eq!(
            MODEL.limit(Side::Buy, p("99"), &b),
            None,
            "touching the low is not trading through"
        );
        assert_eq!(MODEL.limit(Side::Buy, p("99.5"), &b), Some(p("99.5")));
        assert_eq!(
            MODEL.limit(Side::Buy, p("100.5"), &b),
            Some(p("100")),
            "opens below the limit: filled at the open"
        );
        assert_eq!(MODEL.limit(Side::Sell, p("101"), &b), None);
        assert_eq!(MODEL.limit(Side::Sell, p("100.9"), &b), Some(p("100.9")));
    }

    #[test]
    fn stops_fill_at_the_stop_or_the_gap_open() {
        let b = bar("100", "101", "97", "98");
        assert_eq!(MODEL.stop(Side::Buy, p("98"), &b), Some(Some(p("97.90"))));
        assert_eq!(
            MODEL.stop(Side::Buy, p("102"), &b),
            Some(Some(p("99.90"))),
            "gapped through: open less slippage"
        );
        assert_eq!(MODEL.stop(Side::Buy, p("96.95"), &b), None);
        assert_eq!(
            MODEL.stop(Side::Sell, p("101"), &b),
            Some(Some(p("101.10")))
        );
        assert_eq!(MODEL.target(Side::Buy, p("101"), &b), Some(p("101")));
        assert_eq!(MODEL.target(Side::Buy, p("99"), &b), Some(p("100")));
        assert_eq!(MODEL.target(Side::Sell, p("97"), &b), Some(p("97")));
    }
}

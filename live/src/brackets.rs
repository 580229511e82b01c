//! Engine-managed exits of an open position: stop-loss, take-profit and trailing stop.
//!
//! They live in the engine, not at the broker: when one is reached the engine sends a market
//! exit and drops the others (one fills, the rest are cancelled — nothing rests at the broker to
//! cancel). Checked on every tick of the instrument with a few comparisons.

use sharewise_engine::types::{Price, Qty, Side};

/// Which exit was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// The protective stop.
    StopLoss,
    /// The profit target.
    TakeProfit,
    /// The trailing stop (a fixed distance behind the best price since entry).
    TrailingStop,
}

/// The exits attached to one instrument's position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bracket {
    stop: Option<Price>,
    target: Option<Price>,
    armed: bool,
    /// Best price since entry (highest for a long, lowest for a short).
    best: Price,
}

impl Bracket {
    /// The exits for a position entered on `side` (prices already on the tick grid).
    pub fn armed(_side: Side, stop: Option<Price>, target: Option<Price>) -> Bracket {
        Bracket {
            stop,
            target,
            armed: true,
            best: Price::ZERO,
        }
    }

    /// The stop-loss and take-profit prices.
    pub fn levels(&self) -> (Option<Price>, Option<Price>) {
        (self.stop, self.target)
    }

    /// Whether this bracket watches a position.
    pub fn is_armed(&self) -> bool {
        self.armed
    }

    /// Starts watching from the entry fill price.
    pub fn start(&mut self, entry: Price) {
        self.best = entry;
    }

    /// Checks a trade at `price` against the exits of a `held` position (signed); `trailing_bps`
    /// is the trailing distance, if any. Returns the exit reached, if any.
    #[inline]
    pub fn on_price(
        &mut self,
        held: Qty,
        price: Price,
        trailing_bps: Option<i64>,
    ) -> Option<ExitReason> {
        if !self.armed || held == 0 {
            return None;
        }
        let long = held > 0;
        let (hit_stop, hit_target) = if long {
            (
                self.stop.is_some_and(|s| price <= s),
                self.target.is_some_and(|t| price >= t),
            )
        } else {
            (
                self.stop.is_some_and(|s| price >= s),
                self.target.is_some_and(|t| price <= t),
            )
        };
        if hit_stop {
            return Some(ExitReason::StopLoss);
        }
        if hit_target {
            return Some(ExitReason::TakeProfit);
        }
        let bps = trailing_bps?;
        if self.best == Price::ZERO || (long && price > self.best) || (!long && price < self.best) {
            self.best = price;
        }
        let distance = (self.best.units() as i128 * bps as i128 / 10_000) as i64;
        let trail = if long {
            Price(self.best.units() - distance)
        } else {
            Price(self.best.units() + distance)
        };
        let reached = if long { price <= trail } else { price >= trail };
        reached.then_some(ExitReason::TrailingStop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }

    #[test]
    fn long_stop_wins_over_target_and_target_fires() {
        let mut b = Bracket::armed(Side::Buy, Some(p("95")), Some(p("110")));
        b.start(p("100"));
        assert_eq!(b.on_price(10, p("100"), None), None);
        assert_eq!(b.on_price(10, p("110"), None), Some(ExitReason::TakeProfit));
        assert_eq!(b.on_price(10, p("95"), None), Some(ExitReason::StopLoss));
    }

    #[test]
    fn short_exits_mirror() {
        let mut b = Bracket::armed(Side::Sell, Some(p("105")), Some(p("90")));
        b.start(p("100"));
        assert_eq!(b.on_price(-10, p("104.95"), None), None);
        assert_eq!(b.on_price(-10, p("105"), None), Some(ExitReason::StopLoss));
        assert_eq!(b.on_price(-10, p("90"), None), Some(ExitReason::TakeProfit));
    }

    #[test]
    fn trailing_stop_follows_the_best_price() {
        let mut b = Bracket::armed(Side::Buy, None, None);
        b.start(p("100"));
        // 2 % trail: 98 at entry, 107.80 after a high of 110.
        assert_eq!(b.on_price(10, p("98.05"), Some(200)), None);
        assert_eq!(b.on_price(10, p("110"), Some(200)), None);
        assert_eq!(b.on_price(10, p("107.85"), Some(200)), None);
        assert_eq!(
            b.on_price(10, p("107.80"), Some(200)),
            Some(ExitReason::TrailingStop)
        );
        let mut flat = Bracket::default();
        assert_eq!(
            flat.on_price(10, p("1"), Some(200)),
            None,
            "unarmed brackets never fire"
        );
    }
}

//! Engine-managed exits of an open position: stop-loss, take-profit and trailing stop.
//!
//! They live in the engine, not at the broker: when one is reached the engine exits and drops
//! the others (one fills, the rest are cancelled — nothing rests at the broker to cancel). Live,
//! [`Bracket::on_price`] checks every trade of the instrument with a few comparisons and the
//! account sends a market exit; the backtester asks for the protective level a bar is checked
//! against ([`Bracket::protective_level`]), fills at it (or the gap open), and moves the
//! trailing stop after the bar ([`Bracket::note_bar`]). One bracket, one trailing rule, in both.

use crate::types::{Price, Qty};

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
    /// The exits for a position being entered (prices already on the tick grid).
    pub fn armed(stop: Option<Price>, target: Option<Price>) -> Bracket {
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

    /// Whether a `held` position has anything to watch: a stop, a target or a trailing stop.
    #[inline]
    pub fn watches(&self, held: Qty, trailing_bps: Option<i64>) -> bool {
        self.armed
            && held != 0
            && (self.stop.is_some() || self.target.is_some() || trailing_bps.is_some())
    }

    /// The trailing stop's level for a `held` position, `trailing_bps` behind the best price
    /// since entry (`None`: no trailing stop, or not started).
    pub fn trail(&self, held: Qty, trailing_bps: Option<i64>) -> Option<Price> {
        let bps = trailing_bps?;
        if self.best == Price::ZERO || held == 0 {
            return None;
        }
        let distance = (self.best.units() as i128 * bps as i128 / 10_000) as i64;
        Some(if held > 0 {
            Price(self.best.units() - distance)
        } else {
            Price(self.best.units() + distance)
        })
    }

    /// The level a protective exit of a `held` position triggers at now, and which exit it is:
    /// the stop-loss, or the trailing stop where that is tighter.
    pub fn protective_level(
        &self,
        held: Qty,
        trailing_bps: Option<i64>,
    ) -> Option<(Price, ExitReason)> {
        let stop = self.stop.map(|s| (s, ExitReason::StopLoss));
        let trail = self
            .trail(held, trailing_bps)
            .map(|t| (t, ExitReason::TrailingStop));
        match (stop, trail) {
            (Some(s), Some(t)) => {
                let tighter = if held > 0 { t.0 > s.0 } else { t.0 < s.0 };
                Some(if tighter { t } else { s })
            }
            (s, t) => s.or(t),
        }
    }

    /// After a bar the position lived through: the best price moves to the bar's extreme in the
    /// position's favour (its high for a long, its low for a short).
    pub fn note_bar(&mut self, held: Qty, high: Price, low: Price) {
        if held > 0 && high > self.best {
            self.best = high;
        } else if held < 0 && (self.best == Price::ZERO || low < self.best) {
            self.best = low;
        }
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
        trailing_bps?;
        if self.best == Price::ZERO || (long && price > self.best) || (!long && price < self.best) {
            self.best = price;
        }
        let trail = self.trail(held, trailing_bps)?;
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
        let mut b = Bracket::armed(Some(p("95")), Some(p("110")));
        b.start(p("100"));
        assert_eq!(b.on_price(10, p("100"), None), None);
        assert_eq!(b.on_price(10, p("110"), None), Some(ExitReason::TakeProfit));
        assert_eq!(b.on_price(10, p("95"), None), Some(ExitReason::StopLoss));
    }

    #[test]
    fn short_exits_mirror() {
        let mut b = Bracket::armed(Some(p("105")), Some(p("90")));
        b.start(p("100"));
        assert_eq!(b.on_price(-10, p("104.95"), None), None);
        assert_eq!(b.on_price(-10, p("105"), None), Some(ExitReason::StopLoss));
        assert_eq!(b.on_price(-10, p("90"), None), Some(ExitReason::TakeProfit));
    }

    #[test]
    fn the_protective_level_is_the_tighter_of_stop_and_trail_and_moves_after_bars() {
        let mut b = Bracket::armed(Some(p("95")), None);
        b.start(p("100"));
        // 2 % behind 100 is 98: tighter than the 95 stop.
        assert_eq!(
            b.protective_level(10, Some(200)),
            Some((p("98"), ExitReason::TrailingStop))
        );
        assert_eq!(
            b.protective_level(10, None),
            Some((p("95"), ExitReason::StopLoss))
        );
        b.note_bar(10, p("110"), p("99"));
        assert_eq!(b.trail(10, Some(200)), Some(p("107.80")));
        let mut short = Bracket::armed(None, None);
        short.start(p("100"));
        short.note_bar(-10, p("101"), p("90"));
        assert_eq!(short.trail(-10, Some(200)), Some(p("91.80")));
        assert!(!Bracket::default().watches(10, Some(200)));
        assert!(!Bracket::armed(None, None).watches(10, None));
    }

    #[test]
    fn trailing_stop_follows_the_best_price() {
        let mut b = Bracket::armed(None, None);
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

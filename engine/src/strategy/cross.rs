//! Crossing detection shared by the crossover strategies.
//!
//! A cross is a change of sign of `fast − slow`, judged against the last *non-zero* sign: when the
//! two lines touch (exactly equal) and part again on the same side, nothing crossed; when they touch
//! and continue to the other side, the cross is reported on the bar where they part. This is
//! backtrader's `CrossOver` convention; with exact integer sums (see [`super::SmaCross`]) ties are
//! decided without float noise.

use std::cmp::Ordering;

/// Which way the fast line crossed the slow one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cross {
    /// Fast went from below to above slow.
    Above,
    /// Fast went from above to below slow.
    Below,
}

/// Remembers the last non-zero ordering of two lines and reports crossings.
#[derive(Clone, Copy, Debug, Default)]
pub struct CrossDetector {
    last: Option<Ordering>,
}

impl CrossDetector {
    /// Feeds the current ordering of fast versus slow; returns a cross if one happened.
    #[inline]
    pub fn update(&mut self, fast_vs_slow: Ordering) -> Option<Cross> {
        if fast_vs_slow == Ordering::Equal {
            return None;
        }
        let previous = self.last.replace(fast_vs_slow);
        match (previous, fast_vs_slow) {
            (Some(Ordering::Less), Ordering::Greater) => Some(Cross::Above),
            (Some(Ordering::Greater), Ordering::Less) => Some(Cross::Below),
            _ => None,
        }
    }

    /// Forgets the last ordering.
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn ties_do_not_cross_unless_the_lines_part_on_the_other_side() {
        let mut d = CrossDetector::default();
        let seq = [Less, Equal, Less, Equal, Greater, Greater, Less];
        let got: Vec<_> = seq.iter().map(|o| d.update(*o)).collect();
        assert_eq!(
            got,
            [
                None,
                None,
                None,
                None,
                Some(Cross::Above),
                None,
                Some(Cross::Below)
            ]
        );
    }

    #[test]
    fn the_first_ordering_is_not_a_cross() {
        let mut d = CrossDetector::default();
        assert_eq!(d.update(Greater), None);
        d.reset();
        assert_eq!(d.update(Less), None);
    }
}

//! Input the daemon did not trade on, counted by reason, so nothing is lost without a word.
//!
//! | reason | counted by | why |
//! | --- | --- | --- |
//! | before the open / after the close | the strategy stage | stamped outside 09:15–15:30 IST: in no bar |
//! | late | the strategy stage | older than the bar being built (out of order) |
//! | unknown instrument | the strategy stage | an instrument id the daemon has no bars for |
//! | bad rows, by kind | the replay | skipped under `--skip-bad` (see [`SkipReport`]) |
//!
//! Ticks conflated or dropped by the feed → engine link under overload are counted by the link
//! itself ([`sharewise_actors::LinkSnapshot`]). The counters are relaxed atomics written only
//! when something is dropped, so a clean tick costs nothing here. The status line shows
//! [`Drops::status_note`], the final summary [`Drops::summary_lines`], and a replay that drops
//! most of its ticks is warned about once ([`DropCounters::warning`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sharewise_engine::bars::Ignored;
use sharewise_feeds::SkipReport;

/// Ticks after which a replay that dropped most of them is warned about (it is also checked at
/// the end of the feed, for shorter files).
pub const WARN_AFTER_TICKS: u64 = 1_000;

/// The live drop counters (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct DropCounters {
    /// Ticks stamped before the 09:15 IST open.
    pub before_open: AtomicU64,
    /// Ticks stamped at or after the 15:30 IST close.
    pub after_close: AtomicU64,
    /// Ticks older than the bar being built.
    pub late: AtomicU64,
    /// Ticks of an instrument id the strategy stage has no bars for.
    pub unknown_instrument: AtomicU64,
    /// Rows a replay skipped under `--skip-bad`, by kind, in [`SkipReport`]'s field order.
    pub bad_rows: [AtomicU64; 6],
    /// Whether [`DropCounters::warning`] may warn (replays only: a live feed started before the
    /// open rightly drops its pre-open ticks).
    watch: AtomicBool,
    /// Whether the warning was given.
    warned: AtomicBool,
}

/// A snapshot of [`DropCounters`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drops {
    /// Ticks in no bar: before the open, after the close, late.
    pub ignored: Ignored,
    /// Ticks of unknown instruments.
    pub unknown_instrument: u64,
    /// Rows skipped under `--skip-bad`.
    pub skipped: SkipReport,
}

impl DropCounters {
    /// Counts what a bar aggregator ignored between its counts `before` and `after` one tick.
    #[inline]
    pub fn note_ignored(&self, before: Ignored, after: Ignored) {
        for (counter, (a, b)) in [
            (&self.before_open, (before.before_open, after.before_open)),
            (&self.after_close, (before.after_close, after.after_close)),
            (&self.late, (before.late, after.late)),
        ] {
            if b > a {
                counter.fetch_add(b - a, Ordering::Relaxed);
            }
        }
    }

    /// Counts one tick of an unknown instrument.
    #[inline]
    pub fn note_unknown(&self) {
        self.unknown_instrument.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a reader's skipped rows so far.
    pub fn set_skipped(&self, report: &SkipReport) {
        let counts = [
            report.bad_field,
            report.high_below_body,
            report.low_above_body,
            report.negative_volume,
            report.time_backwards,
            report.time_repeat,
        ];
        for (counter, n) in self.bad_rows.iter().zip(counts) {
            counter.store(n, Ordering::Relaxed);
        }
    }

    /// Lets [`DropCounters::warning`] warn: call for replays.
    pub fn watch(&self) {
        self.watch.store(true, Ordering::Relaxed);
    }

    /// The counts now.
    pub fn snapshot(&self) -> Drops {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let [bad_field, high_below_body, low_above_body, negative_volume, time_backwards, time_repeat] =
            self.bad_rows.each_ref().map(get);
        Drops {
            ignored: Ignored {
                before_open: get(&self.before_open),
                after_close: get(&self.after_close),
                late: get(&self.late),
            },
            unknown_instrument: get(&self.unknown_instrument),
            skipped: SkipReport {
                bad_field,
                high_below_body,
                low_above_body,
                negative_volume,
                time_backwards,
                time_repeat,
            },
        }
    }

    /// The one warning about a replay that dropped more than half of its `ticks`: given once,
    /// after [`WARN_AFTER_TICKS`] ticks or, when `finished`, at the end of the feed.
    pub fn warning(&self, ticks: u64, finished: bool) -> Option<String> {
        if !self.watch.load(Ordering::Relaxed)
            || self.warned.load(Ordering::Relaxed)
            || ticks == 0
            || (ticks < WARN_AFTER_TICKS && !finished)
        {
            return None;
        }
        let drops = self.snapshot();
        let dropped = drops.ticks();
        if dropped * 2 <= ticks || self.warned.swap(true, Ordering::Relaxed) {
            return None;
        }
        let of = if finished {
            format!("{ticks}")
        } else {
            format!("the first {ticks}")
        };
        Some(format!(
            "warning: {dropped} of {of} ticks were dropped, {}",
            drops.why()
        ))
    }
}

impl Drops {
    /// Ticks dropped for any reason.
    pub const fn ticks(&self) -> u64 {
        self.ignored.total() + self.unknown_instrument
    }

    /// Whether nothing was dropped or skipped.
    pub const fn is_empty(&self) -> bool {
        self.ticks() == 0 && self.skipped.total() == 0
    }

    /// ` | dropped: 30 outside session, 2 late, 1 bad row` for the status line; empty when nothing
    /// was dropped.
    pub fn status_note(&self) -> String {
        let outside = self.ignored.before_open + self.ignored.after_close;
        let bad = self.skipped.total();
        let parts: Vec<String> = [
            (outside, "outside session", "outside session"),
            (self.ignored.late, "late", "late"),
            (
                self.unknown_instrument,
                "unknown instrument",
                "unknown instrument",
            ),
            (bad, "bad row", "bad rows"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" | dropped: {}", parts.join(", "))
        }
    }

    /// One line per reason for the final summary (none when nothing was dropped), e.g.
    /// `dropped 32 ticks outside 09:15–15:30 IST: 2 before the open, 30 after the close`.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let ignored = self.ignored;
        if ignored.total() > 0 {
            let parts: Vec<String> = [
                (ignored.before_open, "before the open"),
                (ignored.after_close, "after the close"),
                (ignored.late, "late (older than a bar already built)"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            let which = if ignored.late == 0 {
                "outside 09:15–15:30 IST"
            } else {
                "outside 09:15–15:30 IST or late"
            };
            lines.push(format!(
                "dropped {} {which}: {}",
                plural(ignored.total(), "tick"),
                parts.join(", ")
            ));
        }
        if self.unknown_instrument > 0 {
            lines.push(format!(
                "dropped {} of instruments the daemon does not know",
                plural(self.unknown_instrument, "tick")
            ));
        }
        if self.skipped.total() > 0 {
            lines.push(self.skipped.to_string());
        }
        lines
    }

    /// The main reason ticks were dropped and what to do about it.
    fn why(&self) -> String {
        let Ignored {
            before_open,
            after_close,
            late,
        } = self.ignored;
        if before_open + after_close >= late.max(self.unknown_instrument) {
            let sides: Vec<String> = [
                (before_open, "before the open"),
                (after_close, "after the close"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, side)| format!("{n} {side}"))
            .collect();
            format!(
                "stamped outside the 09:15–15:30 IST session ({}), so no bar or signal comes of them. \
                 Are the timestamps IST? Epoch milliseconds are UTC and ISO-8601 needs its offset (e.g. +05:30); \
                 daily bars are replayed as their day's session when they are at least 20 hours apart (or run.bar_interval = \"1d\")",
                sides.join(", ")
            )
        } else if late >= self.unknown_instrument {
            format!("{late} of them older than the bar already built: the ticks are out of order; sort the file by time")
        } else {
            format!(
                "{} of them for instruments the daemon does not know",
                self.unknown_instrument
            )
        }
    }
}

/// `1 tick`, `2 ticks`.
fn plural(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_counted_from_the_aggregator_and_reported_by_reason() {
        let counters = DropCounters::default();
        assert!(counters.snapshot().is_empty());
        assert_eq!(counters.snapshot().status_note(), "");
        counters.note_ignored(
            Ignored::default(),
            Ignored {
                before_open: 2,
                after_close: 0,
                late: 0,
            },
        );
        counters.note_ignored(
            Ignored {
                before_open: 2,
                after_close: 0,
                late: 0,
            },
            Ignored {
                before_open: 2,
                after_close: 30,
                late: 1,
            },
        );
        counters.note_unknown();
        counters.set_skipped(&SkipReport {
            high_below_body: 1,
            ..SkipReport::default()
        });
        let drops = counters.snapshot();
        assert_eq!(drops.ticks(), 34);
        assert_eq!(
            drops.status_note(),
            " | dropped: 32 outside session, 1 late, 1 unknown instrument, 1 bad row"
        );
        assert_eq!(
            drops.summary_lines(),
            [
                "dropped 33 ticks outside 09:15–15:30 IST or late: 2 before the open, 30 after the close, 1 late (older than a bar already built)",
                "dropped 1 tick of instruments the daemon does not know",
                "skipped 1 row: 1 high below max(open, close)",
            ]
        );
    }

    #[test]
    fn a_replay_that_drops_most_ticks_is_warned_about_once() {
        let counters = DropCounters::default();
        counters.note_ignored(
            Ignored::default(),
            Ignored {
                before_open: 0,
                after_close: 600,
                late: 0,
            },
        );
        assert_eq!(
            counters.warning(1_000, false),
            None,
            "only replays are watched"
        );
        counters.watch();
        assert_eq!(counters.warning(999, false), None, "too early to tell");
        let warning = counters.warning(1_000, false).unwrap();
        assert!(warning.starts_with("warning: 600 of the first 1000 ticks were dropped, stamped outside the 09:15–15:30 IST session (600 after the close), so no bar"), "{warning}");
        assert_eq!(counters.warning(2_000, true), None, "once");

        let short = DropCounters::default();
        short.watch();
        short.note_ignored(
            Ignored::default(),
            Ignored {
                before_open: 0,
                after_close: 0,
                late: 3,
            },
        );
        assert_eq!(short.warning(5, false), None);
        assert_eq!(short.warning(7, true), None, "3 of 7 is not most");
        assert!(short
            .warning(5, true)
            .unwrap()
            .contains("3 of them older than the bar already built"));
    }
}

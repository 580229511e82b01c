//! Replaying a recorded CSV: ticks (`ts,price,qty`) as they are, bars
//! (`ts,open,high,low,close,volume`) as four ticks each.
//!
//! A bar becomes open, then the extreme nearer the open's direction of travel (low first for an
//! up bar, high first for a down bar), the other extreme, then close, one second apart from the
//! bar's time, with its volume split across them. Aggregated again at the file's interval they
//! give back the same bar, so the strategies see exactly the bars a backtest of the same file
//! shows them, and the paper broker fills a market order decided on a bar's close at the next
//! bar's open — the backtester's rule.
//!
//! **Daily bars** are that IST trading day's session whatever their clock time (Kite and most
//! sources stamp them at 00:00): a file whose first bars are at least [`DAILY_GAP_NS`] apart (or
//! that has a single bar while `run.bar_interval` is `1d`) is played with each bar's ticks at
//! 09:15 (open), 11:15 and 13:15 (the extremes) and 15:29 IST (close) of its IST day, and the
//! strategies see `1d` bars — the backtester's bars, one day each.
//!
//! Bad rows stop the replay with `file:line: field ...` and a hint at `--skip-bad`; with it they
//! are skipped and counted in [`crate::drops::DropCounters`] by kind.

use std::collections::VecDeque;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::{TimestampNs, NANOS_PER_MINUTE, NANOS_PER_SEC};
use sharewise_engine::types::{Bar, InstrumentId, Tick};
use sharewise_feeds::{is_tick_csv, BarReader, FeedError, ReadOptions, SkipReport, TickReader};

use super::TickStream;
use crate::error::LiveError;
use crate::stats::LiveStats;

/// Bars at least this far apart are daily (or longer): 20 hours rather than 24, so a source
/// stamping local midnight across a daylight-saving change still counts.
pub const DAILY_GAP_NS: i64 = 20 * 60 * NANOS_PER_MINUTE;

/// How many bars are read ahead to tell daily bars from intraday ones.
const SNIFF_BARS: usize = 16;

/// Where in its day's session each tick of a daily bar is stamped, after the 09:15 IST open.
const DAILY_TICK_OFFSETS: [i64; 4] = [
    0,
    120 * NANOS_PER_MINUTE,
    240 * NANOS_PER_MINUTE,
    374 * NANOS_PER_MINUTE,
];

/// How to open a replay.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// The instrument the file's ticks are stamped with.
    pub instrument: InstrumentId,
    /// Skip bad rows (counted by kind) instead of stopping at the first.
    pub skip_bad: bool,
    /// `run.bar_interval`, which decides a one-bar file.
    pub configured: BarInterval,
}

/// An opened replay.
pub struct Replay {
    /// The ticks.
    pub ticks: TickStream,
    /// Whether the file holds daily bars (then the strategies need `1d` bars).
    pub daily: bool,
}

/// The trading symbol a replay file stands for: the file name up to its first `_` or `.`
/// (`RELIANCE_1m.csv` → `RELIANCE`), upper-cased.
pub fn symbol_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split(['_', '.'])
        .next()
        .unwrap_or("REPLAY")
        .to_ascii_uppercase()
}

/// Opens `path` as ticks (bar files are expanded, see the module docs); skipped rows are counted
/// in `stats`.
pub fn open(
    path: &Path,
    options: &ReplayOptions,
    stats: Arc<LiveStats>,
) -> Result<Replay, LiveError> {
    let read = if options.skip_bad {
        ReadOptions::SKIP_BAD
    } else {
        ReadOptions::STRICT
    };
    if is_tick_csv(path).map_err(feed_error)? {
        let reader = TickReader::open(path, options.instrument, read).map_err(feed_error)?;
        return Ok(Replay {
            ticks: Box::new(Counted {
                reader,
                stats,
                seen: 0,
            }),
            daily: false,
        });
    }
    let mut bars = Counted {
        reader: BarReader::open(path, read).map_err(feed_error)?,
        stats,
        seen: 0,
    };
    let ahead: VecDeque<Result<Bar, LiveError>> = bars.by_ref().take(SNIFF_BARS).collect();
    let sniffed: Vec<TimestampNs> = ahead
        .iter()
        .filter_map(|b| b.as_ref().ok().map(|b| b.ts))
        .collect();
    let daily = is_daily(&sniffed, options.configured);
    let instrument = options.instrument;
    let ticks =
        ahead
            .into_iter()
            .chain(bars)
            .flat_map(move |bar| -> Vec<Result<Tick, LiveError>> {
                match bar {
                    Ok(bar) if daily => daily_bar_ticks(instrument, &bar)
                        .into_iter()
                        .map(Ok)
                        .collect(),
                    Ok(bar) => bar_ticks(instrument, &bar).into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                }
            });
    Ok(Replay {
        ticks: Box::new(ticks),
        daily,
    })
}

/// Whether bars stamped `ts` (the first few of a file) are daily: consecutive ones at least
/// [`DAILY_GAP_NS`] apart; with fewer than two, whether `configured` is `1d`.
pub fn is_daily(ts: &[TimestampNs], configured: BarInterval) -> bool {
    match ts {
        [] | [_] => configured == BarInterval::D1,
        _ => ts.windows(2).all(|w| w[1] - w[0] >= DAILY_GAP_NS),
    }
}

/// A feed error for the daemon; a bad row also says how to get past it.
fn feed_error(e: FeedError) -> LiveError {
    match e {
        FeedError::BadRow { .. } => LiveError::Feed(format!(
            "{e}; run with --skip-bad to skip bad rows (each is counted and reported)"
        )),
        e => LiveError::Feed(e.to_string()),
    }
}

/// A reader whose skipped rows are copied into the drop counters as they happen.
struct Counted<R> {
    reader: R,
    stats: Arc<LiveStats>,
    seen: u64,
}

/// Readers that count skipped rows.
trait Skips {
    fn skipped(&self) -> &SkipReport;
}

impl Skips for BarReader<File> {
    fn skipped(&self) -> &SkipReport {
        BarReader::skipped(self)
    }
}

impl Skips for TickReader<File> {
    fn skipped(&self) -> &SkipReport {
        TickReader::skipped(self)
    }
}

impl<T, R: Iterator<Item = Result<T, FeedError>> + Skips> Iterator for Counted<R> {
    type Item = Result<T, LiveError>;

    fn next(&mut self) -> Option<Result<T, LiveError>> {
        let item = self.reader.next();
        let report = self.reader.skipped();
        if report.total() != self.seen {
            self.seen = report.total();
            self.stats.drops.set_skipped(report);
        }
        item.map(|r| r.map_err(feed_error))
    }
}

/// The four ticks standing for `bar`, one second apart from its time.
pub fn bar_ticks(instrument: InstrumentId, bar: &Bar) -> [Tick; 4] {
    ticks_at(
        instrument,
        bar,
        [0, NANOS_PER_SEC, 2 * NANOS_PER_SEC, 3 * NANOS_PER_SEC].map(|k| bar.ts + k),
    )
}

/// The four ticks standing for daily `bar`, spread over its IST day's session (see the module
/// docs).
pub fn daily_bar_ticks(instrument: InstrumentId, bar: &Bar) -> [Tick; 4] {
    let open = BarInterval::session_open(bar.ts);
    ticks_at(instrument, bar, DAILY_TICK_OFFSETS.map(|k| open + k))
}

/// Open, the nearer extreme, the other extreme, close of `bar`, stamped `ts`.
fn ticks_at(instrument: InstrumentId, bar: &Bar, ts: [TimestampNs; 4]) -> [Tick; 4] {
    let (first, second) = if bar.close >= bar.open {
        (bar.low, bar.high)
    } else {
        (bar.high, bar.low)
    };
    let q = bar.volume / 4;
    let prices = [
        (bar.open, q),
        (first, q),
        (second, q),
        (bar.close, bar.volume - 3 * q),
    ];
    let mut ticks = [Tick {
        ts: bar.ts,
        instrument,
        price: bar.open,
        qty: 0,
    }; 4];
    for (k, (price, qty)) in prices.into_iter().enumerate() {
        ticks[k] = Tick {
            ts: ts[k],
            instrument,
            price,
            qty,
        };
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::bars::BarAggregator;
    use sharewise_engine::types::Price;

    #[test]
    fn bar_ticks_aggregate_back_to_the_bar() {
        let ts = 1_767_584_700_000_000_000; // 2026-01-05 09:15 IST
        let p = |s| Price::parse(s).unwrap();
        for bar in [
            Bar {
                ts,
                open: p("100"),
                high: p("103"),
                low: p("99"),
                close: p("102"),
                volume: 1001,
            },
            Bar {
                ts,
                open: p("100"),
                high: p("101"),
                low: p("97"),
                close: p("98"),
                volume: 3,
            },
        ] {
            let mut agg = BarAggregator::new(BarInterval::M1);
            for t in bar_ticks(InstrumentId(0), &bar) {
                assert_eq!(agg.push(t), None);
            }
            assert_eq!(agg.flush(), Some(bar));
        }
    }

    #[test]
    fn a_daily_bar_stamped_at_midnight_is_its_ist_days_session() {
        let p = |s| Price::parse(s).unwrap();
        let open_ist = 1_767_584_700_000_000_000; // 2026-01-05 09:15 IST
                                                  // 00:00 UTC and 00:00 IST of 2026-01-05 both fall on that IST day.
        for ts in [1_767_571_200_000_000_000, 1_767_551_400_000_000_000] {
            let bar = Bar {
                ts,
                open: p("100"),
                high: p("103"),
                low: p("99"),
                close: p("102"),
                volume: 1001,
            };
            let ticks = daily_bar_ticks(InstrumentId(0), &bar);
            assert_eq!(ticks[0].ts, open_ist);
            assert_eq!(
                ticks[3].ts,
                open_ist + 374 * NANOS_PER_MINUTE,
                "close at 15:29 IST"
            );
            let mut agg = BarAggregator::new(BarInterval::D1);
            for t in ticks {
                assert_eq!(agg.push(t), None);
            }
            assert_eq!(
                agg.flush(),
                Some(Bar {
                    ts: open_ist,
                    ..bar
                })
            );
            assert_eq!(agg.ignored().total(), 0);
        }
    }

    #[test]
    fn daily_files_are_told_apart_by_their_gaps() {
        let day = 24 * 60 * NANOS_PER_MINUTE;
        let (monday, friday) = (
            1_767_571_200_000_000_000,
            1_767_571_200_000_000_000 + 4 * day,
        );
        assert!(is_daily(
            &[monday, monday + day, monday + 3 * day],
            BarInterval::M1
        ));
        assert!(
            is_daily(
                &[monday, monday + 23 * 60 * NANOS_PER_MINUTE],
                BarInterval::M1
            ),
            "a daylight-saving day"
        );
        assert!(
            !is_daily(
                &[monday, monday + NANOS_PER_MINUTE, friday],
                BarInterval::D1
            ),
            "minute bars"
        );
        assert!(
            is_daily(&[monday], BarInterval::D1)
                && !is_daily(&[monday], BarInterval::M1)
                && !is_daily(&[], BarInterval::H1)
        );
    }

    #[test]
    fn symbols_come_from_file_names() {
        assert_eq!(symbol_of(Path::new("data/RELIANCE_1m.csv")), "RELIANCE");
        assert_eq!(symbol_of(Path::new("infy.csv")), "INFY");
    }
}

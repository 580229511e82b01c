//! Bars from ticks: time-bar aggregation aligned to the IST trading session.
//!
//! Buckets start at the NSE/BSE session open, 09:15 IST, and the last bucket of a day is cut at the
//! 15:30 close, so 1h bars are 09:15–10:15, …, 14:15–15:15 and a partial 15:15–15:30; a `1d` bar
//! covers one IST trading day. A bar's `ts` is the start of its bucket.
//!
//! - [`BarInterval`] names the bucket length (`"1m"`, `"5m"`, `"15m"`, `"1h"`, `"1d"`) and maps a
//!   timestamp to its bucket start.
//! - [`BarAggregator`] turns one instrument's ticks into bars, one `push` per tick, no allocation.
//! - [`BarCoarsener`] and [`coarsen`] turn finer bars (e.g. 1m) into coarser ones (e.g. 5m) with the
//!   same alignment.
//!
//! **Out-of-session data.** Ticks (and bars) stamped before 09:15 IST — the 09:00–09:08 pre-open
//! auction — or at/after 15:30 IST — the closing session — belong to no continuous-session bar. They
//! are ignored and counted ([`Ignored::before_open`], [`Ignored::after_close`]); so are ticks older
//! than the bar being built ([`Ignored::late`]), which would otherwise rewrite a bar already emitted.
//!
//! ```
//! use sharewise_engine::bars::{BarAggregator, BarInterval};
//! use sharewise_engine::time::{days_from_civil, ist_midnight, NANOS_PER_MINUTE, NSE_OPEN_IST_NS};
//! use sharewise_engine::types::{InstrumentId, Price, Tick};
//!
//! let open = ist_midnight(days_from_civil(2026, 1, 5)) + NSE_OPEN_IST_NS;
//! let tick = |min: i64, p: &str| Tick {
//!     ts: open + min * NANOS_PER_MINUTE,
//!     instrument: InstrumentId(0),
//!     price: Price::parse(p).unwrap(),
//!     qty: 10,
//! };
//! let mut agg = BarAggregator::new("5m".parse::<BarInterval>().unwrap());
//! assert_eq!(agg.push(tick(0, "100.00")), None);
//! assert_eq!(agg.push(tick(3, "101.50")), None);
//! let bar = agg.push(tick(5, "100.50")).unwrap(); // 09:20 opens a new bucket
//! assert_eq!((bar.ts, bar.high, bar.volume), (open, Price::parse("101.5").unwrap(), 20));
//! ```

mod aggregator;
mod builder;
mod coarsen;
mod interval;

pub use aggregator::{BarAggregator, Ignored};
pub use coarsen::{coarsen, BarCoarsener, Coarsen};
pub use interval::{BarInterval, ParseIntervalError};

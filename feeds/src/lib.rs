//! ShareWise market-data sources: streaming CSV and Kite JSON readers with validation, fast CSV
//! writers, and a deterministic synthetic generator.
//!
//! | module | what |
//! | --- | --- |
//! | [`csv_bars`] | [`BarReader`]: `ts,open,high,low,close,volume` CSV → [`Bar`]s, one at a time |
//! | [`csv_ticks`] | [`TickReader`]: `ts,price,qty` CSV → [`Tick`]s |
//! | [`kite`] | [`KiteCandleReader`]: Kite historical-candles JSON → [`Bar`]s |
//! | [`validate`] | the row checks, strict vs skip-bad ([`ReadOptions`]), [`SkipReport`] |
//! | [`timefmt`] | epoch-ms / ISO-8601 timestamps and the per-file [`TimeFormat`] |
//! | [`csv_write`] | [`write_bars_csv`], [`write_ticks_csv`] and their streaming writers |
//! | [`synthetic`] | seeded GBM ticks and bars across NSE sessions |
//! | [`history`] | [`History`]: bars before the live start, for warm starts |
//! | [`error`] | [`FeedError`] with source, line, field and value |
//!
//! Prices are exact fixed point ([`sharewise_engine::types::Price`]); timestamps are UTC
//! nanoseconds inside, written back in the input's [`TimeFormat`].
//!
//! [`Bar`]: sharewise_engine::types::Bar
//! [`Tick`]: sharewise_engine::types::Tick

pub mod csv_bars;
pub mod csv_ticks;
pub mod csv_write;
pub mod error;
pub mod history;
pub mod kite;
mod rows;
pub mod synthetic;
pub mod timefmt;
pub mod validate;

pub use csv_bars::BarReader;
pub use csv_ticks::{is_tick_csv, TickReader};
pub use csv_write::{write_bars_csv, write_ticks_csv, BarCsvWriter, TickCsvWriter};
pub use error::{BadRowKind, FeedError, Location, RowAt, RowProblem};
pub use history::{bars_from_ticks, History, HistoryError, HistoryRequest};
pub use kite::KiteCandleReader;
pub use timefmt::{parse_timestamp, parse_timestamp_bytes, TimeError, TimeFormat};
pub use validate::{ReadOptions, SkipReport};

//! Backtest reports: the summary table on the terminal and the files in `--out DIR`
//! (`report.json`, `trades.csv`, `equity.csv`, `equity.svg`), and how their numbers are written.

mod chart;
mod files;
pub mod format;
mod summary;

pub use chart::render_equity_svg;
pub use files::{metrics_json, write_report_dir, RunInfo};
pub use format::money;
pub use summary::summary_table;

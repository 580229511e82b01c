//! Backtest reports: the summary table on the terminal and the files in `--out DIR`
//! (`report.json`, `trades.csv`, `equity.csv`, `equity.svg`).

mod chart;
mod files;
mod summary;

pub use chart::render_equity_svg;
pub use files::{metrics_json, write_report_dir, RunInfo};
pub use summary::summary_table;

use rust_decimal::Decimal;

/// Rupees with at least two decimals, rounded half away from zero: `1573.15`, `-20.00`.
pub fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

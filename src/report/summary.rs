//! The summary table printed after a backtest.

use sharewise_engine::backtest::BacktestResult;

use super::format::{money, money_or_na, pct, pct_or_na, ratio_or_na};

/// A two-column table of the headline numbers.
pub fn summary_table(result: &BacktestResult, elapsed_s: f64) -> String {
    let m = &result.metrics;
    let bars = result.bars();
    let duration = m.max_drawdown_duration_s;
    let rows: Vec<(&str, String)> = vec![
        (
            "strategy",
            format!("{} on {}", result.strategy, result.instrument.symbol),
        ),
        ("bars", bars.to_string()),
        ("trading days", m.days.to_string()),
        ("initial cash", money(result.config.initial_cash)),
        ("final equity", money(result.final_equity)),
        ("total return", pct(m.total_return)),
        ("CAGR", pct_or_na(m.cagr)),
        ("annual volatility", pct_or_na(m.annual_volatility)),
        ("Sharpe", ratio_or_na(m.sharpe, 3)),
        ("Sortino", ratio_or_na(m.sortino, 3)),
        ("Calmar", ratio_or_na(m.calmar, 3)),
        (
            "max drawdown",
            format!("{} ({})", pct(m.max_drawdown), money(m.max_drawdown_value)),
        ),
        (
            "max drawdown duration",
            format!(
                "{}d {}h {}m ({} bars)",
                duration / 86_400,
                duration / 3600 % 24,
                duration / 60 % 60,
                m.max_drawdown_duration_bars
            ),
        ),
        ("trades", m.trade_count.to_string()),
        ("win rate", pct_or_na(m.win_rate)),
        ("profit factor", ratio_or_na(m.profit_factor, 3)),
        ("average win", money_or_na(m.avg_win)),
        ("average loss", money_or_na(m.avg_loss)),
        ("exposure", pct(m.exposure)),
        ("fees", money(result.fees_paid)),
        (
            "elapsed",
            format!(
                "{elapsed_s:.3} s ({:.0} bars/s)",
                if elapsed_s > 0.0 {
                    bars as f64 / elapsed_s
                } else {
                    0.0
                }
            ),
        ),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&format!("  {k:<width$}  {v}\n"));
    }
    out
}

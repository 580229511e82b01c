//! The summary table printed after a backtest.

use sharewise_engine::backtest::BacktestResult;

use super::money;

fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "n/a".to_string(), f)
}

/// A two-column table of the headline numbers.
pub fn summary_table(result: &BacktestResult, elapsed_s: f64) -> String {
    let m = &result.metrics;
    let bars = result.bars();
    let duration = m.max_drawdown_duration_s;
    let rows: Vec<(&str, String)> = vec![
        ("strategy", format!("{} on {}", result.strategy, result.instrument.symbol)),
        ("bars", bars.to_string()),
        ("trading days", m.days.to_string()),
        ("initial cash", money(result.config.initial_cash)),
        ("final equity", money(result.final_equity)),
        ("total return", pct(m.total_return)),
        ("CAGR", opt(m.cagr, pct)),
        ("annual volatility", opt(m.annual_volatility, pct)),
        ("Sharpe", opt(m.sharpe, |x| format!("{x:.3}"))),
        ("Sortino", opt(m.sortino, |x| format!("{x:.3}"))),
        ("Calmar", opt(m.calmar, |x| format!("{x:.3}"))),
        ("max drawdown", format!("{} ({})", pct(m.max_drawdown), money(m.max_drawdown_value))),
        ("max drawdown duration", format!("{}d {}h {}m ({} bars)", duration / 86_400, duration / 3600 % 24, duration / 60 % 60, m.max_drawdown_duration_bars)),
        ("trades", m.trade_count.to_string()),
        ("win rate", opt(m.win_rate, pct)),
        ("profit factor", opt(m.profit_factor, |x| format!("{x:.3}"))),
        ("average win", m.avg_win.map_or("n/a".into(), money)),
        ("average loss", m.avg_loss.map_or("n/a".into(), money)),
        ("exposure", pct(m.exposure)),
        ("fees", money(result.fees_paid)),
        ("elapsed", format!("{elapsed_s:.3} s ({:.0} bars/s)", if elapsed_s > 0.0 { bars as f64 / elapsed_s } else { 0.0 })),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&format!("  {k:<width$}  {v}\n"));
    }
    out
}

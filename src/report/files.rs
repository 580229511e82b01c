//! Writes a run's files into the output directory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use sharewise_engine::backtest::metrics::drawdown_series;
use sharewise_engine::backtest::{BacktestResult, Decision, Metrics};
use sharewise_engine::bars::Ignored;
use sharewise_feeds::TimeFormat;

use super::{money, render_equity_svg};

/// Facts about the run that the engine does not know.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Data file read.
    pub data: String,
    /// How the input wrote timestamps (outputs use the same unit).
    pub time_format: TimeFormat,
    /// Wall time of the whole run (read + backtest), seconds.
    pub elapsed_s: f64,
    /// Rows skipped by `--skip-bad`, by kind.
    pub skipped: BTreeMap<String, u64>,
    /// Ticks that fell in no bar, when the input held ticks (`null` in report.json otherwise).
    pub dropped_ticks: Option<Ignored>,
}

/// The metrics as `report.json` spells them: ratios as numbers (`null` when undefined), money
/// as two-decimal strings.
pub fn metrics_json(m: &Metrics) -> Map<String, Value> {
    let value = json!({
        "total_return": m.total_return,
        "cagr": m.cagr,
        "annual_volatility": m.annual_volatility,
        "sharpe": m.sharpe,
        "sortino": m.sortino,
        "calmar": m.calmar,
        "max_drawdown": m.max_drawdown,
        "max_drawdown_value": money(m.max_drawdown_value),
        "max_drawdown_duration_s": m.max_drawdown_duration_s,
        "max_drawdown_duration_bars": m.max_drawdown_duration_bars,
        "win_rate": m.win_rate,
        "profit_factor": m.profit_factor,
        "avg_win": m.avg_win.map(money),
        "avg_loss": m.avg_loss.map(money),
        "exposure": m.exposure,
        "days": m.days,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The `report.json` object.
pub fn report_json(result: &BacktestResult, info: &RunInfo) -> Value {
    let rejections: BTreeMap<&str, u64> = result
        .counts
        .rejections
        .iter()
        .map(|&(code, n)| (code.as_str(), n))
        .collect();
    let bars = result.bars();
    let mut report = json!({
        "strategy": result.strategy,
        "symbol": result.instrument.symbol,
        "data": info.data,
        "bars": bars,
        "trades": result.metrics.trade_count,
        "open_trades": result.trades.iter().filter(|t| t.exit_ts.is_none()).count(),
        "initial_cash": money(result.config.initial_cash),
        "final_equity": money(result.final_equity),
    });
    let tail = json!({
        "signals": result.counts.signals,
        "orders": result.counts.orders,
        "fills": result.fill_count,
        "fees": money(result.fees_paid),
        "rejections": rejections,
        "expired_orders": result.expired_orders,
        "cancelled_orders": result.cancelled_orders,
        "skipped_rows": info.skipped,
        "dropped_ticks": info.dropped_ticks.map(|d| json!({"before_open": d.before_open, "after_close": d.after_close, "late": d.late})),
        "commission": result.config.commission,
        "slippage_ticks": result.config.slippage_ticks,
        "elapsed_s": info.elapsed_s,
        "bars_per_s": if info.elapsed_s > 0.0 { bars as f64 / info.elapsed_s } else { 0.0 },
    });
    if let (Value::Object(map), Value::Object(tail)) = (&mut report, tail) {
        map.extend(metrics_json(&result.metrics));
        map.extend(tail);
    }
    report
}

/// `text` as one CSV field (quoted when it holds a comma or quote).
fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Writes `report.json`, `trades.csv`, `equity.csv`, `signals.csv` and `equity.svg` into `dir` (created if needed).
pub fn write_report_dir(dir: &Path, result: &BacktestResult, info: &RunInfo) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let create = |name: &str| -> Result<BufWriter<File>> {
        let path = dir.join(name);
        Ok(BufWriter::new(File::create(&path).with_context(|| {
            format!("cannot write {}", path.display())
        })?))
    };

    let mut out = create("report.json")?;
    serde_json::to_writer_pretty(&mut out, &report_json(result, info))?;
    writeln!(out)?;
    out.flush()?;

    let fmt = info.time_format;
    let mut out = create("trades.csv")?;
    writeln!(out, "entry_ts,exit_ts,side,qty,entry_price,exit_price,pnl")?;
    for t in &result.trades {
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            fmt.format(t.entry_ts),
            t.exit_ts.map(|ts| fmt.format(ts)).unwrap_or_default(),
            t.side,
            t.qty,
            money(t.entry_price),
            t.exit_price.map(money).unwrap_or_default(),
            t.pnl.map(money).unwrap_or_default(),
        )?;
    }
    out.flush()?;

    let mut out = create("equity.csv")?;
    writeln!(out, "ts,equity,drawdown")?;
    let mut line = Vec::with_capacity(64);
    for (point, dd) in result.curve.iter().zip(drawdown_series(&result.curve)) {
        line.clear();
        fmt.write_to(point.ts, &mut line);
        let units = point.equity;
        // Equity is on the 1/10 000 grid; print rupees with two decimals, rounding the paisa half up.
        let paise = (units + units.signum() * 50) / 100;
        write!(
            line,
            ",{}{}.{:02},{:.6}",
            if paise < 0 { "-" } else { "" },
            (paise / 100).abs(),
            (paise % 100).abs(),
            dd
        )?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()?;

    let mut out = create("signals.csv")?;
    writeln!(out, "ts,side,confidence,decision,qty,detail,reason")?;
    for record in &result.signals {
        let s = &record.signal;
        let (decision, qty, detail) = match &record.decision {
            Decision::Order { order } => {
                ("order", order.qty.to_string(), order.client_id.to_string())
            }
            Decision::Rejected { rejection } => ("rejected", String::new(), format!("{rejection}")),
            Decision::NoChange => ("no_change", String::new(), String::new()),
        };
        writeln!(
            out,
            "{},{},{:.3},{decision},{qty},{},{}",
            fmt.format(s.ts),
            s.side,
            s.confidence,
            csv_text(&detail),
            csv_text(&s.reason.to_string())
        )?;
    }
    out.flush()?;

    let svg = render_equity_svg(result);
    std::fs::write(dir.join("equity.svg"), svg)
        .with_context(|| format!("cannot write {}", dir.join("equity.svg").display()))?;
    Ok(())
}

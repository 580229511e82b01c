//! Writes a run's files into the output directory.
//!
//! The CSV files are built row by row in a reused byte buffer with the allocation-free writers of
//! [`super::format`] and handed to the OS a megabyte at a time. A 1M-bar run's `equity.csv` is
//! 33 MB, most of what `backtest --out` writes: it is written on a second thread while this one
//! writes the other files. The bytes are the same as the `format!`-based writers produced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use sharewise_engine::backtest::metrics::drawdown_series;
use sharewise_engine::backtest::{BacktestResult, Metrics, SignalDecision};
use sharewise_engine::bars::Ignored;
use sharewise_engine::strategy::{Piece, Reason};
use sharewise_engine::time::{TimestampNs, NANOS_PER_MILLI};
use sharewise_feeds::TimeFormat;

use super::format::{push_fixed, push_i64, push_money, push_u64, push_units_as_rupees};
use super::{money, render_equity_svg};

/// Bytes gathered in the buffer before they are written out in one call.
const CHUNK: usize = 1 << 20;

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

/// Appends `text` as one CSV field (quoted when it holds a comma, quote or newline).
fn push_csv_text(out: &mut Vec<u8>, text: &str) {
    if !text.contains([',', '"', '\n']) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for byte in text.bytes() {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out.push(b'"');
}

/// Appends `ts` as `fmt` writes it (epoch milliseconds through the pairwise integer writer).
#[inline]
fn push_time(out: &mut Vec<u8>, fmt: TimeFormat, ts: TimestampNs) {
    match fmt {
        TimeFormat::EpochMillis if ts >= 0 => push_u64(out, (ts / NANOS_PER_MILLI) as u64),
        _ => fmt.write_to(ts, out),
    }
}

/// One report file, filled through a reused byte buffer and written out a chunk at a time.
struct ChunkedFile<'b> {
    path: PathBuf,
    file: File,
    buf: &'b mut Vec<u8>,
}

impl<'b> ChunkedFile<'b> {
    /// Creates (or truncates) `dir/name`; `buf` is emptied and collects its bytes.
    fn create(dir: &Path, name: &str, buf: &'b mut Vec<u8>) -> Result<Self> {
        let path = dir.join(name);
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        buf.clear();
        Ok(ChunkedFile { path, file, buf })
    }

    /// Writes the buffer out once it holds a chunk.
    #[inline]
    fn flush_if_full(&mut self) -> Result<()> {
        if self.buf.len() >= CHUNK {
            self.write_out()?;
        }
        Ok(())
    }

    /// Writes the buffer out and empties it.
    fn write_out(&mut self) -> Result<()> {
        self.file
            .write_all(self.buf)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.buf.clear();
        Ok(())
    }

    /// Writes what is left.
    fn finish(mut self) -> Result<()> {
        self.write_out()
    }
}

/// Writes `report.json`, `trades.csv`, `equity.csv`, `signals.csv` and `equity.svg` into `dir` (created if needed).
pub fn write_report_dir(dir: &Path, result: &BacktestResult, info: &RunInfo) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    let fmt = info.time_format;
    // equity.csv (one row per bar) is most of the bytes: a second thread writes it meanwhile.
    std::thread::scope(|scope| {
        let equity = scope.spawn(|| {
            let mut buf = Vec::with_capacity(CHUNK + 64 * 1024);
            write_equity(
                ChunkedFile::create(dir, "equity.csv", &mut buf)?,
                result,
                fmt,
            )
        });
        let rest = write_small_files(dir, result, info);
        let equity = equity
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        rest.and(equity)
    })
}

/// Every file but `equity.csv`: `report.json`, `trades.csv`, `signals.csv` and `equity.svg`.
fn write_small_files(dir: &Path, result: &BacktestResult, info: &RunInfo) -> Result<()> {
    let mut buf = Vec::with_capacity(CHUNK + 64 * 1024);
    let out = ChunkedFile::create(dir, "report.json", &mut buf)?;
    serde_json::to_writer_pretty(&mut *out.buf, &report_json(result, info))?;
    out.buf.push(b'\n');
    out.finish()?;
    let fmt = info.time_format;
    write_trades(
        ChunkedFile::create(dir, "trades.csv", &mut buf)?,
        result,
        fmt,
    )?;
    write_signals(
        ChunkedFile::create(dir, "signals.csv", &mut buf)?,
        result,
        fmt,
    )?;
    let svg = render_equity_svg(result);
    std::fs::write(dir.join("equity.svg"), svg)
        .with_context(|| format!("cannot write {}", dir.join("equity.svg").display()))
}

/// `trades.csv`: one row per round trip, open ones with empty exit cells.
fn write_trades(mut out: ChunkedFile, result: &BacktestResult, fmt: TimeFormat) -> Result<()> {
    out.buf
        .extend_from_slice(b"entry_ts,exit_ts,side,qty,entry_price,exit_price,pnl\n");
    for t in &result.trades {
        let row = &mut *out.buf;
        push_time(row, fmt, t.entry_ts);
        row.push(b',');
        if let Some(ts) = t.exit_ts {
            push_time(row, fmt, ts);
        }
        row.push(b',');
        row.extend_from_slice(t.side.as_str().as_bytes());
        row.push(b',');
        push_i64(row, t.qty);
        row.push(b',');
        push_money(row, t.entry_price);
        row.push(b',');
        if let Some(price) = t.exit_price {
            push_money(row, price);
        }
        row.push(b',');
        if let Some(pnl) = t.pnl {
            push_money(row, pnl);
        }
        row.push(b'\n');
        out.flush_if_full()?;
    }
    out.finish()
}

/// `equity.csv`: time, equity (rupees, two decimals) and drawdown (six decimals) of every bar.
fn write_equity(mut out: ChunkedFile, result: &BacktestResult, fmt: TimeFormat) -> Result<()> {
    out.buf.extend_from_slice(b"ts,equity,drawdown\n");
    // While flat the equity repeats bar after bar, and so does the drawdown (the peak cannot
    // move): the cells after the time are then the previous row's, copied.
    let mut cells = Vec::with_capacity(64);
    let mut cells_of = None;
    for (point, dd) in result.curve.iter().zip(drawdown_series(&result.curve)) {
        let row = &mut *out.buf;
        push_time(row, fmt, point.ts);
        if cells_of != Some(point.equity) {
            cells.clear();
            cells.push(b',');
            // Equity is on the 1/10 000 grid; rupees with two decimals, the paisa rounded half up.
            push_units_as_rupees(&mut cells, point.equity);
            cells.push(b',');
            push_fixed(&mut cells, dd, 6);
            cells.push(b'\n');
            cells_of = Some(point.equity);
        }
        row.extend_from_slice(&cells);
        out.flush_if_full()?;
    }
    out.finish()
}

/// `signals.csv`: every signal with what the engine decided about it.
fn write_signals(mut out: ChunkedFile, result: &BacktestResult, fmt: TimeFormat) -> Result<()> {
    out.buf
        .extend_from_slice(b"ts,side,confidence,decision,qty,detail,reason\n");
    let mut text = String::with_capacity(128);
    for record in &result.signals {
        let s = &record.signal;
        let row = &mut *out.buf;
        push_time(row, fmt, s.ts);
        row.push(b',');
        row.extend_from_slice(s.side.as_str().as_bytes());
        row.push(b',');
        push_fixed(row, s.confidence, 3);
        text.clear();
        match &record.decision {
            SignalDecision::Order { order } => {
                row.extend_from_slice(b",order,");
                push_i64(row, order.qty);
                let _ = write!(text, "{}", order.client_id);
            }
            SignalDecision::Rejected { rejection } => {
                row.extend_from_slice(b",rejected,");
                let _ = write!(text, "{rejection}");
            }
            SignalDecision::NoChange => row.extend_from_slice(b",no_change,"),
        }
        row.push(b',');
        push_csv_text(row, &text);
        row.push(b',');
        push_reason(row, &s.reason, &mut text);
        row.push(b'\n');
        out.flush_if_full()?;
    }
    out.finish()
}

/// Appends `reason` as a CSV field: the sentence of [`Reason::pieces`], as its `Display` writes
/// it, with the numbers written by [`push_fixed`] (the float formatter was most of
/// `signals.csv`'s time). A sentence that needs CSV quoting goes through `Display` into `text`
/// (scratch) and is quoted.
fn push_reason(out: &mut Vec<u8>, reason: &Reason, text: &mut String) {
    let mut needs_quoting = false;
    reason.pieces(|piece| {
        if let Piece::Text(words) = piece {
            needs_quoting |= words.contains([',', '"', '\n']);
        }
    });
    if needs_quoting {
        text.clear();
        let _ = write!(text, "{reason}");
        push_csv_text(out, text);
        return;
    }
    reason.pieces(|piece| match piece {
        Piece::Text(words) => out.extend_from_slice(words.as_bytes()),
        Piece::Int(n) => push_u64(out, u64::from(n)),
        Piece::Fixed { value, decimals } => push_fixed(out, value, decimals),
        Piece::Plain(value) => {
            let _ = write!(out, "{value}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old cell: the reason's `Display`, quoted as a CSV field when needed.
    fn reason_reference(reason: &Reason) -> String {
        let text = reason.to_string();
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }

    #[test]
    fn reasons_read_as_their_display() {
        let values = [
            0.0, -0.0, 1573.145, 1571.4, 0.125, -0.00005, 0.00015, 2.675, 1e15, -3.3e-9, 1e300,
        ];
        let mut reasons = vec![
            Reason::Text("plain".into()),
            Reason::Text("has, comma and \"quotes\"".into()),
        ];
        for (k, (&a, &b)) in values.iter().zip(values.iter().rev()).enumerate() {
            let flag = k % 2 == 0;
            reasons.extend([
                Reason::LinesCrossed {
                    line: "SMA",
                    fast_period: 10,
                    fast: a,
                    slow_period: 300,
                    slow: b,
                    above: flag,
                },
                Reason::LinesCrossed {
                    line: "E,MA",
                    fast_period: 1,
                    fast: a,
                    slow_period: 2,
                    slow: b,
                    above: flag,
                },
                Reason::MacdCrossed {
                    macd: a,
                    signal: b,
                    above: flag,
                },
                Reason::RsiZone {
                    period: 14,
                    rsi: a,
                    threshold: 30.5,
                    oversold: flag,
                },
                Reason::BandBreak {
                    close: a,
                    band: b,
                    upper: flag,
                },
            ]);
        }
        let mut text = String::new();
        for reason in &reasons {
            let mut out = Vec::new();
            push_reason(&mut out, reason, &mut text);
            assert_eq!(String::from_utf8_lossy(&out), reason_reference(reason));
        }
    }
}

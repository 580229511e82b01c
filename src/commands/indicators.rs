//! `sharewise indicators`: computes indicator and pattern columns over a bar file into a CSV with
//! `ts` plus one column per output; cells stay empty until an indicator is ready.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use sharewise_engine::bars::BarInterval;
use sharewise_engine::indicators::spec::parse_spec;
use sharewise_engine::indicators::{Candle, ColumnSource};
use sharewise_engine::patterns::detector_source;

use crate::data::{dropped_ticks_line, BarSource};

/// `sharewise indicators` arguments.
#[derive(Args, Debug)]
pub struct IndicatorsArgs {
    /// Bar file: CSV `ts,open,high,low,close,volume` or Kite candles `.json`.
    #[arg(long)]
    pub data: PathBuf,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
    /// An indicator spec (repeatable): sma:20, ema:20, wma:20, rsi:14, macd:12:26:9,
    /// bbands:20:2:2, atr:14, stoch:14:3:3, obv, adx:14, vwap, cdl:NAME, volspike:20:3, breakout:20.
    #[arg(long = "set", value_name = "SPEC", required = true)]
    pub sets: Vec<String>,
    /// Skip bad rows (and report them) instead of stopping at the first.
    #[arg(long)]
    pub skip_bad: bool,
    /// Bar interval when --data holds ticks (`ts,price,qty`): 1m, 5m, 15m, 1h, 1d.
    #[arg(long, default_value = "1m")]
    pub bar_interval: BarInterval,
}

fn build(spec: &str) -> Result<Box<dyn ColumnSource>> {
    if let Some(source) = detector_source(spec).map_err(|e| anyhow::anyhow!("--set {spec}: {e}"))? {
        return Ok(source);
    }
    parse_spec(spec).map_err(|e| anyhow::anyhow!("--set {spec}: {e}"))
}

/// Runs `sharewise indicators`.
pub fn run(args: IndicatorsArgs) -> Result<()> {
    let mut sources = args
        .sets
        .iter()
        .map(|s| build(s))
        .collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = sources.iter().flat_map(|s| s.columns().to_vec()).collect();
    if let Some(dup) = names
        .iter()
        .enumerate()
        .find_map(|(i, n)| names[..i].contains(n).then_some(n))
    {
        bail!("column `{dup}` is requested twice; drop the repeated --set");
    }
    let mut source = BarSource::open(&args.data, args.skip_bad, args.bar_interval)?;
    // Write beside the target and rename at the end, so a bad row never leaves half a file.
    let mut partial = args.out.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = write_columns(&mut source, &mut sources, &names, &partial, &args.data);
    let rows = match written {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let skipped = source.skipped();
    say!(
        "wrote {rows} rows × {} columns to {}",
        names.len(),
        args.out.display()
    );
    if skipped.total() > 0 {
        say!("{skipped}");
    }
    if let Some(line) = source.dropped_ticks().as_ref().and_then(dropped_ticks_line) {
        say!("{line}");
    }
    Ok(())
}

/// Streams every bar of `source` through `sources` into a CSV at `path`; returns the row count.
fn write_columns(
    source: &mut BarSource,
    sources: &mut [Box<dyn ColumnSource>],
    names: &[String],
    path: &Path,
    data: &Path,
) -> Result<u64> {
    let file = File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "ts,{}", names.join(","))?;
    let mut values: Vec<Option<f64>> = vec![None; names.len()];
    let mut line = String::with_capacity(256);
    let mut ts_buf = Vec::with_capacity(32);
    let mut rows = 0u64;
    let mut time_format = None;
    while let Some(bar) = source.next() {
        let bar = bar.with_context(|| format!("reading {}", data.display()))?;
        let fmt = *time_format.get_or_insert_with(|| source.time_format());
        let candle = Candle::from(&bar);
        let mut at = 0;
        for s in sources.iter_mut() {
            let n = s.columns().len();
            s.update(&candle, &mut values[at..at + n]);
            at += n;
        }
        ts_buf.clear();
        fmt.write_to(bar.ts, &mut ts_buf);
        line.clear();
        line.push_str(std::str::from_utf8(&ts_buf).unwrap_or_default());
        for v in &values {
            line.push(',');
            if let Some(v) = v {
                let _ = write!(line, "{v}");
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        rows += 1;
    }
    out.flush()?;
    Ok(rows)
}

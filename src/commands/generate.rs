//! `sharewise generate bars|ticks`: deterministic synthetic market data (GBM on the 5-paise grid,
//! NSE session hours, U-shaped intraday volume).

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::time::days_from_civil;
use sharewise_engine::types::Price;
use sharewise_feeds::synthetic::{generate_bars, generate_ticks, GenSpec};
use sharewise_feeds::{write_bars_csv, write_ticks_csv, TimeFormat};

/// `sharewise generate` arguments.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand, Debug)]
enum What {
    /// OHLCV bars: `ts,open,high,low,close,volume`.
    Bars(GenOptions),
    /// Trades: `ts,price,qty`.
    Ticks(GenOptions),
}

/// How timestamps are written.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TsFormat {
    /// Epoch milliseconds (UTC).
    Ms,
    /// ISO-8601 in IST, e.g. 2026-01-05T09:15:00+05:30.
    Iso,
}

/// Options shared by bars and ticks.
#[derive(Args, Debug, Clone)]
pub struct GenOptions {
    /// Trading symbol (also mixed into the seed).
    #[arg(long, default_value = "RELIANCE")]
    pub symbol: String,
    /// Trading days (weekdays) to generate.
    #[arg(long, default_value_t = 250)]
    pub days: u32,
    /// Random seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First day, YYYY-MM-DD (a weekend moves to Monday).
    #[arg(long, default_value = "2026-01-05")]
    pub start: String,
    /// First price in rupees.
    #[arg(long, default_value = "1500")]
    pub price: String,
    /// Annual volatility.
    #[arg(long, default_value_t = 0.25)]
    pub vol: f64,
    /// Annual drift.
    #[arg(long, default_value_t = 0.10)]
    pub drift: f64,
    /// Bar interval (bars only): 1m, 5m, 15m, 1h, 1d.
    #[arg(long, default_value = "1m")]
    pub interval: String,
    /// Timestamp format.
    #[arg(long, value_enum, default_value_t = TsFormat::Ms)]
    pub ts: TsFormat,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
}

impl GenOptions {
    /// The generator spec these options describe.
    pub fn spec(&self) -> Result<GenSpec> {
        if self.days == 0 {
            bail!("--days must be at least 1");
        }
        let mut spec = GenSpec::new(&self.symbol, self.days, self.seed);
        spec.start_day = parse_date(&self.start)?;
        spec.start_price =
            Price::parse(&self.price).with_context(|| format!("--price `{}`", self.price))?;
        spec.vol = self.vol;
        spec.drift = self.drift;
        spec.interval = self
            .interval
            .parse::<BarInterval>()
            .map_err(|e| anyhow::anyhow!("--interval: {e}"))?;
        spec.validate()?;
        Ok(spec)
    }

    fn time_format(&self) -> TimeFormat {
        match self.ts {
            TsFormat::Ms => TimeFormat::EpochMillis,
            TsFormat::Iso => TimeFormat::IST,
        }
    }
}

fn parse_date(text: &str) -> Result<i64> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts[..] else {
        bail!("--start `{text}` must be YYYY-MM-DD")
    };
    let (y, m, d) = match (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(y), Ok(m), Ok(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => (y, m, d),
        _ => bail!("--start `{text}` must be YYYY-MM-DD"),
    };
    Ok(days_from_civil(y, m, d))
}

/// Creates `path` for writing, and its folder if needed.
fn create_out(path: &std::path::Path) -> Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    File::create(path).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `days` of synthetic 1-minute bars to `out` (used by `run` and `bench` too).
pub fn write_bars(options: &GenOptions) -> Result<u64> {
    let spec = options.spec()?;
    let file = create_out(&options.out)?;
    let rows = write_bars_csv(
        generate_bars(&spec)?,
        BufWriter::with_capacity(1 << 20, file),
        options.time_format(),
    )
    .with_context(|| format!("writing {}", options.out.display()))?;
    Ok(rows)
}

/// Runs `sharewise generate`.
pub fn run(args: GenerateArgs) -> Result<()> {
    match args.what {
        What::Bars(o) => {
            let rows = write_bars(&o)?;
            say!(
                "wrote {rows} {} bars of {} to {}",
                o.interval,
                o.symbol,
                o.out.display()
            );
        }
        What::Ticks(o) => {
            let spec = o.spec()?;
            let file = create_out(&o.out)?;
            let rows = write_ticks_csv(
                generate_ticks(&spec)?,
                BufWriter::with_capacity(1 << 20, file),
                o.time_format(),
            )?;
            say!("wrote {rows} ticks of {} to {}", o.symbol, o.out.display());
        }
    }
    Ok(())
}

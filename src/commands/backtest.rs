//! `sharewise backtest`: one run, a parameter sweep (`--sweep`), or walk-forward (`--walk-forward`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use rust_decimal::Decimal;
use sharewise_config::{cash_too_large, Settings, MAX_CASH, MAX_SLIPPAGE_TICKS};
use sharewise_engine::backtest::{BacktestConfig, BacktestResult, Backtester};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::strategy::{self, Params};
use sharewise_engine::types::{Bar, Instrument, Price, Product};
use sharewise_risk::{PreTradeRisk, RiskConfig, Sizing};

use super::{sweep, walk_forward};
use crate::data::{dropped_ticks_line, skip_counts, BarSource};
use crate::report::{summary_table, write_report_dir, RunInfo};

/// Options of `sharewise backtest`; each overrides the `--config` file (or the defaults).
#[derive(Args, Clone, Debug)]
pub struct BacktestArgs {
    /// Bar file: CSV `ts,open,high,low,close,volume` or Kite candles `.json`.
    #[arg(long)]
    pub data: PathBuf,
    /// TOML settings merged over the defaults (see config/default.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Strategy: sma_cross, ema_cross, rsi_reversion, macd_cross, bollinger_breakout.
    #[arg(long)]
    pub strategy: Option<String>,
    /// Strategy parameter `name=value` (repeatable), e.g. `--param fast=10`.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Size every entry at this many shares.
    #[arg(long, conflicts_with_all = ["value", "pct_equity", "risk_pct"])]
    pub qty: Option<i64>,
    /// Size every entry at this many rupees.
    #[arg(long, conflicts_with_all = ["pct_equity", "risk_pct"])]
    pub value: Option<Decimal>,
    /// Size every entry at this percent of equity.
    #[arg(long, conflicts_with = "risk_pct")]
    pub pct_equity: Option<Decimal>,
    /// Risk this percent of equity per trade, sized from the stop distance (needs stop_pct).
    #[arg(long)]
    pub risk_pct: Option<Decimal>,
    /// Starting cash in rupees.
    #[arg(long)]
    pub cash: Option<Decimal>,
    /// Commission model: none or zerodha.
    #[arg(long)]
    pub commission: Option<String>,
    /// Adverse slippage on market and stop fills, in ticks.
    #[arg(long)]
    pub slippage_ticks: Option<i64>,
    /// Product: cnc (delivery) or mis (intraday).
    #[arg(long)]
    pub product: Option<String>,
    /// Let SELL signals open short positions (needs --product mis).
    #[arg(long)]
    pub allow_short: bool,
    /// Symbol for reports (default: the data file's name).
    #[arg(long)]
    pub symbol: Option<String>,
    /// Instrument tick size in rupees.
    #[arg(long, default_value = "0.05")]
    pub tick_size: String,
    /// Instrument lot size in shares.
    #[arg(long, default_value_t = 1)]
    pub lot_size: i64,
    /// Skip bad rows (and report how many of each kind) instead of stopping at the first.
    #[arg(long)]
    pub skip_bad: bool,
    /// Bar interval when --data holds ticks (`ts,price,qty`): 1m, 5m, 15m, 1h, 1d.
    #[arg(long, default_value = "1m")]
    pub bar_interval: BarInterval,
    /// Sweep a parameter over `start:end:step` (repeatable); runs the grid on all cores.
    #[arg(long = "sweep", value_name = "NAME=START:END:STEP")]
    pub sweeps: Vec<String>,
    /// Walk-forward: re-optimise the --sweep grid on `train` bars, test on the next `test` bars.
    #[arg(long, value_name = "train=N,test=M")]
    pub walk_forward: Option<String>,
    /// Output directory for report.json, trades.csv, equity.csv, equity.svg.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Everything a run needs, resolved from defaults, `--config` and flags.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Strategy name.
    pub strategy: String,
    /// Strategy parameters (without swept ones).
    pub params: Params,
    /// Entry sizing.
    pub sizing: Sizing,
    /// Pre-trade risk configuration (per-order limits included).
    pub risk: RiskConfig,
    /// Account and exchange settings.
    pub config: BacktestConfig,
    /// The instrument traded.
    pub instrument: Instrument,
}

impl Plan {
    /// Resolves the plan from the arguments.
    pub fn from_args(args: &BacktestArgs) -> Result<Plan> {
        let mut settings = match &args.config {
            Some(path) => Settings::load(path)?,
            None => Settings::defaults(),
        };
        let mut params = settings.strategy_params().map_err(anyhow::Error::msg)?;
        if let Some(name) = &args.strategy {
            if *name != settings.strategy.name {
                params = Params::new(); // the config's params belong to another strategy
            }
            settings.strategy.name = name.clone();
        }
        for (name, value) in Params::parse(args.params.iter().map(String::as_str))?.iter() {
            params.set(name, value);
        }
        if let Some(cash) = args.cash {
            settings.backtest.cash = cash;
        }
        if let Some(c) = &args.commission {
            settings.backtest.commission = c.clone();
        }
        if let Some(s) = args.slippage_ticks {
            settings.backtest.slippage_ticks = s;
        }
        if let Some(p) = &args.product {
            settings.backtest.product = match p.to_ascii_lowercase().as_str() {
                "cnc" => Product::Cnc,
                "mis" => Product::Mis,
                "nrml" => bail!("--product nrml: NRML is a derivatives product; equity backtests use cnc (delivery) or mis (intraday)"),
                other => bail!("unknown --product `{other}`; use cnc (delivery) or mis (intraday)"),
            };
        }
        settings.backtest.allow_short |= args.allow_short;
        if settings.backtest.allow_short && settings.backtest.product != Product::Mis {
            bail!("--allow-short needs --product mis: delivery (CNC) positions cannot be sold short in India");
        }
        let sizing = match (args.qty, args.value, args.pct_equity, args.risk_pct) {
            (Some(q), ..) => Sizing::FixedQty(q),
            (_, Some(v), ..) => Sizing::FixedValue(v),
            (_, _, Some(p), _) => Sizing::PercentEquity(p),
            (_, _, _, Some(r)) => Sizing::RiskPerTrade(r),
            _ => settings.sizing().map_err(anyhow::Error::msg)?,
        };
        sizing.validate()?;
        let swept = |name: &str| {
            args.sweeps
                .iter()
                .any(|s| s.split_once('=').is_some_and(|(k, _)| k.trim() == name))
        };
        if matches!(sizing, Sizing::RiskPerTrade(_))
            && !params.iter().any(|(k, _)| k == "stop_pct")
            && !swept("stop_pct")
        {
            bail!("risk-per-trade sizing sizes each entry from its stop distance: add a stop, e.g. --param stop_pct=2");
        }
        let cash = settings.backtest.cash;
        if cash <= Decimal::ZERO {
            bail!("--cash must be positive, got {cash}");
        }
        if cash > Decimal::from(MAX_CASH) {
            bail!("--cash {}", cash_too_large(cash));
        }
        if !(0..=MAX_SLIPPAGE_TICKS).contains(&settings.backtest.slippage_ticks) {
            bail!(
                "--slippage-ticks must be 0 to {MAX_SLIPPAGE_TICKS}, got {}",
                settings.backtest.slippage_ticks
            );
        }
        let config = settings
            .backtest_config()
            .map_err(|e| anyhow::anyhow!("--commission: {e}"))?;
        // Fail early on an unknown strategy or bad parameter, before reading any data.
        strategy::build(&settings.strategy.name, &params)?;
        let tick_size = Price::parse(&args.tick_size)
            .with_context(|| format!("--tick-size `{}`", args.tick_size))?;
        if tick_size.units() <= 0 || args.lot_size <= 0 {
            bail!("--tick-size and --lot-size must be positive");
        }
        let symbol = args
            .symbol
            .clone()
            .unwrap_or_else(|| symbol_from_path(&args.data));
        let mut instrument = Instrument::nse_equity(0, &symbol);
        instrument.tick_size = tick_size;
        instrument.lot_size = args.lot_size;
        let risk = settings.risk_config();
        Ok(Plan {
            strategy: settings.strategy.name,
            params,
            sizing,
            risk,
            config,
            instrument,
        })
    }

    /// A fresh backtester for these parameters (the plan's, overridden by `overrides`).
    pub fn backtester(
        &self,
        overrides: &Params,
    ) -> Result<Backtester<Box<dyn strategy::Strategy>, PreTradeRisk>> {
        self.backtester_with_cash(overrides, self.config.initial_cash)
    }

    /// [`Plan::backtester`] starting from `cash` instead of the plan's cash (walk-forward windows
    /// start from the previous window's final equity).
    pub fn backtester_with_cash(
        &self,
        overrides: &Params,
        cash: Decimal,
    ) -> Result<Backtester<Box<dyn strategy::Strategy>, PreTradeRisk>> {
        let mut params = self.params.clone();
        for (k, v) in overrides.iter() {
            params.set(k, v);
        }
        let strategy = strategy::build(&self.strategy, &params)?;
        let risk = PreTradeRisk::with_config(self.sizing, self.risk.clone(), self.config.product);
        let config = BacktestConfig {
            initial_cash: cash,
            ..self.config.clone()
        };
        Ok(Backtester::new(
            config,
            self.instrument.clone(),
            strategy,
            risk,
        ))
    }

    /// Runs over in-memory bars, keeping only metrics and trades (sweeps run many of these).
    pub fn run_on(&self, overrides: &Params, bars: &[Bar]) -> Result<BacktestResult> {
        let bt = self
            .backtester(overrides)?
            .record_curve(false)
            .record_signals(false);
        Ok(bt.run_slice(bars))
    }
}

/// `RELIANCE` from `data/RELIANCE_1m.csv`.
fn symbol_from_path(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("DATA");
    stem.split(['_', '.', '-'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(stem)
        .to_ascii_uppercase()
}

/// Runs `sharewise backtest`.
pub fn run(args: BacktestArgs) -> Result<()> {
    let plan = Plan::from_args(&args)?;
    if let Some(spec) = &args.walk_forward {
        return walk_forward::run(&args, &plan, spec);
    }
    if !args.sweeps.is_empty() {
        return sweep::run(&args, &plan);
    }
    let started = Instant::now();
    let mut source = BarSource::open(&args.data, args.skip_bad, args.bar_interval)?;
    // The equity curve and signal log only feed the files of --out.
    let recording = args.out.is_some();
    let mut bt = plan
        .backtester(&Params::new())?
        .record_curve(recording)
        .record_signals(recording);
    if let (true, Some(bars)) = (recording, source.estimated_bars()) {
        // Reserve the equity curve once instead of regrowing it.
        bt.reserve(bars);
    }
    for bar in source.by_ref() {
        bt.on_bar(&bar.with_context(|| format!("reading {}", args.data.display()))?);
    }
    let result = bt.finish();
    let elapsed_s = started.elapsed().as_secs_f64();
    if result.bars() == 0 {
        bail!("{} holds no bars", args.data.display());
    }
    let skipped = source.skipped();
    let dropped_ticks = source.dropped_ticks();
    // Files first: they are the durable result, the terminal summary is a courtesy.
    if let Some(dir) = &args.out {
        let info = RunInfo {
            data: args.data.display().to_string(),
            time_format: source.time_format(),
            elapsed_s,
            skipped: skip_counts(&skipped),
            dropped_ticks,
        };
        write_report_dir(dir, &result, &info)?;
    }
    say!("{}", summary_table(&result, elapsed_s).trim_end());
    if skipped.total() > 0 {
        say!("  skipped rows           {skipped}");
    }
    if let Some(line) = dropped_ticks.as_ref().and_then(dropped_ticks_line) {
        say!("  {line}");
    }
    if let Some(dir) = &args.out {
        say!(
            "wrote {}",
            dir.join("{report.json, trades.csv, equity.csv, signals.csv, equity.svg}")
                .display()
        );
    }
    Ok(())
}

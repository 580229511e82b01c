//! `sharewise run`: the main job with embedded defaults. Until the live daemon lands this is the
//! backtest demo: synthetic RELIANCE minute bars (generated once into `./data/`), the default
//! strategy from `config/default.toml`, and a report in `./data/report/`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::backtest::{self, BacktestArgs};
use super::generate::{write_bars, GenOptions, TsFormat};

/// `sharewise run` arguments.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Where data and reports live.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// TOML settings merged over the defaults.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Runs the demo.
pub fn run(args: RunArgs) -> Result<()> {
    let data = args.data_dir.join("RELIANCE_1m.csv");
    if !data.exists() {
        let options = GenOptions {
            symbol: "RELIANCE".into(),
            days: 250,
            seed: 1,
            start: "2026-01-05".into(),
            price: "1500".into(),
            vol: 0.25,
            drift: 0.10,
            interval: "1m".into(),
            ts: TsFormat::Ms,
            out: data.clone(),
        };
        let rows = write_bars(&options)?;
        say!("generated {rows} synthetic minute bars (250 NSE sessions, seed 1) into {}", data.display());
    }
    say!("ShareWise demo: backtest of the default strategy on {} (the live daemon comes next)", data.display());
    let out = args.data_dir.join("report");
    backtest::run(BacktestArgs {
        data,
        config: args.config,
        strategy: None,
        params: Vec::new(),
        qty: None,
        value: None,
        pct_equity: None,
        risk_pct: None,
        cash: None,
        commission: None,
        slippage_ticks: None,
        product: None,
        allow_short: false,
        symbol: None,
        tick_size: "0.05".into(),
        lot_size: 1,
        skip_bad: false,
        bar_interval: sharewise_engine::bars::BarInterval::M1,
        sweeps: Vec::new(),
        walk_forward: None,
        out: Some(out),
    })
}

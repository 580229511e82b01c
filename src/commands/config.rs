//! `sharewise config check FILE`: validates a settings file, with this process's `SHAREWISE_*`
//! environment overrides on top, without running anything; names the key and line (or the
//! variable) of the first mistake.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use sharewise_config::Settings;

/// `sharewise config` arguments.
#[derive(Args, Debug)]
pub struct ConfigArgs {
    #[command(subcommand)]
    what: ConfigWhat,
}

#[derive(Subcommand, Debug)]
enum ConfigWhat {
    /// Check FILE merged over the defaults, SHAREWISE_<SECTION>__<KEY> environment overrides on
    /// top; exits 1 with `FILE:LINE: ...` (or the variable) on the first mistake.
    Check {
        /// The TOML file to check.
        file: PathBuf,
    },
    /// Print the built-in defaults (config/default.toml).
    Defaults,
}

/// Runs `sharewise config`.
pub fn run(args: ConfigArgs) -> Result<()> {
    match args.what {
        ConfigWhat::Check { file } => {
            // Check what a run in this environment would get: the file with SHAREWISE_* overrides on top.
            let settings = Settings::load_layers(Some(&file), sharewise_config::env_vars())?;
            let run = &settings.run;
            let count = run.strategies.len();
            let strategies = format!(
                "{count} {}",
                if count == 1 { "strategy" } else { "strategies" }
            );
            // A replayed file brings its own symbols; run.symbols is the synthetic feed's.
            let symbols = if run.replay_path().is_none() {
                format!(" on {} symbols", run.symbols.len())
            } else {
                String::new()
            };
            say!(
                "{}: ok (strategy {}, commission {}, cash {}; run: {strategies}{symbols}, feed {})",
                file.display(),
                settings.strategy.name,
                settings.backtest.commission,
                settings.backtest.cash,
                run.feed
            );
        }
        ConfigWhat::Defaults => say!("{}", sharewise_config::DEFAULT_TOML.trim_end()),
    }
    Ok(())
}

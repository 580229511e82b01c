//! `sharewise config check FILE`: validates a settings file without running anything, naming the
//! key and line of the first mistake.

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
    /// Check FILE merged over the defaults; exits 1 with `FILE:LINE: ...` on the first mistake.
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
            let settings = Settings::load(&file)?;
            say!("{}: ok (strategy {}, commission {}, cash {})", file.display(), settings.strategy.name, settings.backtest.commission, settings.backtest.cash);
        }
        ConfigWhat::Defaults => say!("{}", sharewise_config::DEFAULT_TOML.trim_end()),
    }
    Ok(())
}

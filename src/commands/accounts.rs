//! `--account NAME` for the commands that read a data directory: which accounts they look at,
//! and the settings each trades with.

use std::path::Path;

use anyhow::{bail, Result};
use sharewise_config::Settings;
use sharewise_live::layout::{accounts_in, AccountDir};

/// The accounts a command looks at: `account` when named (it must have files in `root`), else
/// every account with files in `root` (`main` when there is none, so the command can say what
/// is missing).
pub fn chosen(root: &Path, account: Option<&str>) -> Result<Vec<AccountDir>> {
    let present = accounts_in(root)?;
    let names = || {
        let names: Vec<&str> = present.iter().map(|a| a.name.as_str()).collect();
        if names.is_empty() {
            "no account".to_string()
        } else {
            names.join(", ")
        }
    };
    match account {
        Some(name) => match present.iter().find(|a| a.name == name) {
            Some(found) => Ok(vec![found.clone()]),
            None => bail!(
                "no account `{name}` in {} (it holds {}); accounts are named by `[[accounts]] name` in the daemon's settings",
                root.display(),
                names()
            ),
        },
        None if present.is_empty() => Ok(vec![AccountDir::new(
            root,
            sharewise_config::DEFAULT_ACCOUNT,
        )]),
        None => Ok(present),
    }
}

/// The one account a command that changes files works on: `account`, or the only account in
/// `root`; several without `--account` is an error naming them.
pub fn one(root: &Path, account: Option<&str>) -> Result<AccountDir> {
    let mut found = chosen(root, account)?;
    if found.len() > 1 {
        let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
        bail!(
            "{} holds several accounts ({}): name one with --account NAME",
            root.display(),
            names.join(", ")
        );
    }
    Ok(found.remove(0))
}

/// The settings account `name` trades with (`[[accounts]]`), or the daemon's own when the
/// settings do not name it.
pub fn settings_for(settings: &Settings, name: &str) -> Settings {
    settings
        .account_plans()
        .into_iter()
        .find(|plan| plan.name == name)
        .map_or_else(|| settings.clone(), |plan| plan.settings)
}

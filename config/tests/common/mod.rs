//! Shared by the config crate's tests: the error a settings file gives.

use sharewise_config::Settings;

/// The error `text`, read as the file `u.toml`, gives (panics if it loads).
#[track_caller]
pub fn err(text: &str) -> String {
    Settings::from_toml_str(text, "u.toml")
        .map(|_| ())
        .unwrap_err()
        .to_string()
}

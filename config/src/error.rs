//! Configuration errors that say where the mistake is and what to write instead.

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// Path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TOML syntax or a key/type mistake, located by line (and key) where the file shows it.
    #[error("{path}{}: {}{message}", at(*line), key.as_ref().map_or_else(String::new, |k| format!("`{k}`: ")))]
    Invalid {
        /// Path (or name) of the file.
        path: String,
        /// 1-based line of the mistake (or of its table's header); `None` when the file does not
        /// show it (e.g. a value the defaults needed and the file replaced).
        line: Option<usize>,
        /// Dotted key at fault, e.g. `run.strategies[1].mode`, when the mistake is one key's
        /// (`None` for a TOML syntax error).
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A value that parses but cannot be used, e.g. one outside its range.
    #[error("{path}{}: `{key}`: {message}", at(*line))]
    Value {
        /// Path (or name) of the file.
        path: String,
        /// 1-based line where the file sets the key (or its table); `None` when the value is not
        /// the file's.
        line: Option<usize>,
        /// Dotted key, e.g. `backtest.sizing.value`.
        key: String,
        /// What is wrong: the value, its valid range and what to write instead.
        message: String,
    },
    /// A `SHAREWISE_*` environment override that is malformed or sets an unusable value.
    #[error("environment variable {var}{}: {message}", value.as_ref().map_or_else(String::new, |v| format!("={v}")))]
    Env {
        /// The variable's name, e.g. `SHAREWISE_RUN__DEMO_SPEED`.
        var: String,
        /// Its value, when the value (not the name) is at fault.
        value: Option<String>,
        /// What is wrong.
        message: String,
    },
}

/// `:12` for line 12, nothing without a line.
fn at(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(":{l}"))
}

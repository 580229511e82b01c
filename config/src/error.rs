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
    /// TOML syntax or a key/type mistake, located by line.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// Path (or name) of the file.
        path: String,
        /// 1-based line of the mistake.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A value that parses but cannot be used.
    #[error("{path}: `{key}`: {message}")]
    Value {
        /// Path (or name) of the file.
        path: String,
        /// Dotted key, e.g. `backtest.sizing.value`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

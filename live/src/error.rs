//! Why the daemon stopped or could not start.

use sharewise_brokers::{BrokerError, ErrorKind};
use sharewise_store::StoreError;

/// A failure of the live daemon, saying what to do about it where there is something to do.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The order journal could not be read or written (no order is sent without it).
    #[error("order journal: {0}")]
    Journal(StoreError),
    /// The broker refused in a way that stops the daemon (e.g. its book cannot be read).
    #[error("{}", broker_text(.0))]
    Broker(BrokerError),
    /// A feed could not be opened or read.
    #[error("feed: {0}")]
    Feed(String),
    /// A file or thread could not be created.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The settings cannot run a daemon.
    #[error("settings: {0}")]
    Settings(String),
    /// The journal and the broker book do not belong together (see [`crate::pairing`]).
    #[error("{0}")]
    Pairing(String),
    /// A runtime thread died.
    #[error("{0}")]
    Thread(String),
}

// Not `#[from]`: that would also make the inner error the `source`, and `{:#}` would print its
// message twice.
impl From<StoreError> for LiveError {
    fn from(e: StoreError) -> LiveError {
        LiveError::Journal(e)
    }
}

impl From<BrokerError> for LiveError {
    fn from(e: BrokerError) -> LiveError {
        LiveError::Broker(e)
    }
}

/// `broker: Kind: message`, or just the message for the adapter's own files (it names the file
/// and what to do; the kind would only add noise).
fn broker_text(e: &BrokerError) -> String {
    match e.kind {
        ErrorKind::Storage => e.message.clone(),
        _ => format!("broker: {e}"),
    }
}

impl LiveError {
    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> LiveError {
        LiveError::Io {
            what: what.into(),
            source,
        }
    }
}

//! Why a call to a broker got no usable answer, told apart by what matters for an order: whether
//! the request may have reached the broker and been acted on.

use sharewise_brokers::{BrokerError, ErrorKind};

/// Why a call got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallFailure {
    /// The broker answered with an error (mapped onto the common table) or an unreadable body.
    Answered(BrokerError),
    /// The request never left: no connection could be made (refused, unreachable, the egress
    /// address not configured on this host). Sending it again is safe.
    NotSent(String),
    /// The request may have reached the broker but no answer came (timeout, connection
    /// dropped): an order it carried may exist.
    NoAnswer(String),
    /// Held back before sending by the account itself (a session that needs a login, an open
    /// circuit breaker, a spent rate limit).
    Held(BrokerError),
}

impl CallFailure {
    /// The failure as a [`BrokerError`]: transport failures are `Upstream`.
    pub fn into_error(self) -> BrokerError {
        match self {
            CallFailure::Answered(e) | CallFailure::Held(e) => e,
            CallFailure::NotSent(m) => BrokerError::new(ErrorKind::Upstream, m),
            CallFailure::NoAnswer(m) => BrokerError::new(ErrorKind::Upstream, m),
        }
    }

    /// Whether the request may have been acted on without us hearing the outcome: a missing
    /// answer, or a 5xx (or an unknown error) after sending.
    pub fn maybe_acted(&self) -> bool {
        match self {
            CallFailure::Answered(e) => matches!(e.kind, ErrorKind::Upstream | ErrorKind::Unknown),
            CallFailure::NotSent(_) | CallFailure::Held(_) => false,
            CallFailure::NoAnswer(_) => true,
        }
    }

    /// Whether sending the same read again is safe and may help.
    pub fn retry_safe(&self) -> bool {
        match self {
            CallFailure::NotSent(_) | CallFailure::NoAnswer(_) => true,
            CallFailure::Answered(e) => e.retry_safe(),
            CallFailure::Held(_) => false,
        }
    }

    /// A transport error of a call to `venue`'s `path`, told apart by whether the request can
    /// have left (the URL is dropped from the message: its query may carry tokens).
    pub fn from_transport(venue: &str, path: &str, e: reqwest::Error) -> CallFailure {
        let e = e.without_url();
        if e.is_connect() {
            CallFailure::NotSent(format!(
                "{path}: cannot connect to {venue}: {}",
                source_chain(&e)
            ))
        } else if e.is_timeout() {
            CallFailure::NoAnswer(format!("{path}: no answer from {venue} in time"))
        } else {
            CallFailure::NoAnswer(format!("{path}: {}", source_chain(&e)))
        }
    }
}

/// An error and its causes on one line.
pub fn source_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

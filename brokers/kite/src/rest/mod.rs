//! Kite's REST API for one account: the transport ([`transport`]: egress-bound connections,
//! headers, the envelope, failures told apart by whether the request may have reached Kite),
//! the payloads ([`wire`]) and their translation to and from the common types ([`convert`]).

pub mod convert;
pub mod transport;
pub mod wire;

pub use transport::{envelope, CallFailure, Endpoint, Transport, CALL_TIMEOUT, KITE_API};

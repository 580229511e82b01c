//! Upstox's REST API: the transport ([`transport`]), its payloads as they come ([`wire`]), and
//! their translation to and from the common types ([`convert`]).

pub mod convert;
pub mod transport;
pub mod wire;

pub use transport::{envelope, Endpoint, Transport, UpstoxToken, CALL_TIMEOUT, UPSTOX_API};

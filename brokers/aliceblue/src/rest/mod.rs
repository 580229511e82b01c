//! AliceBlue's v2 REST API: the transport ([`transport`]), its payloads as they come ([`wire`]),
//! and their translation to and from the common types ([`convert`]).

pub mod convert;
pub mod transport;
pub mod wire;

pub use transport::{
    envelope, AliceToken, Endpoint, Request, Transport, ALICEBLUE_API, CALL_TIMEOUT,
};

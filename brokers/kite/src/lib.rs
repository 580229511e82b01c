//! ShareWise's adapter for Zerodha's Kite Connect v3.
//!
//! - [`account`]: [`KiteAccount`], one Kite account as a [`sharewise_brokers::Broker`]: place,
//!   modify, cancel, the day's books, positions and funds, through a gate that holds every call
//!   on a refused session, an open circuit breaker or a spent rate limit.
//! - [`feed`]: the live market feed, KiteTicker packets read into engine ticks (trades by the
//!   volume's rise), reconnected, resubscribed, watched for silence, conflated when behind.
//! - [`login`]: the daily login through Zerodha's `kiteconnect` crate (login page, request token
//!   → access token), its errors in the common table.
//! - [`postback`]: Kite's postbacks read and their checksum verified.
//! - [`rest`]: the REST transport (bound to the account's egress IP), Kite's payloads, and
//!   their translation to the common types.
//! - [`ticker`]: the KiteTicker binary protocol, decoded byte-exact with no allocation and no
//!   float.
//! - [`ws`]: one WebSocket connection to Kite, from the account's egress address.
//! - [`io`]: the one runtime every broker connection lives on, whoever awaits it (the kit's).
//!
//! The facts all this rests on are in `../shared/docs/brokers.md` §1; the sandbox it is tested
//! against is `sharewise-kite-sandbox`.

pub mod account;
pub mod feed;
pub mod login;
pub mod postback;
pub mod rest;
pub mod ticker;
pub mod ws;

pub use account::gate::{kite_limits, GateConfig, Lane};
pub use account::{KiteAccount, KiteConfig};
pub use rest::convert::{Listings, OrderPolicy};
pub use rest::{Endpoint, KITE_API};
pub use sharewise_broker_kit::io;

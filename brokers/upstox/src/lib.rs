//! ShareWise's adapter for Upstox (API v2, v3 order calls and the v3 market data feed).
//!
//! - [`account`]: [`UpstoxAccount`], one Upstox account as a [`sharewise_brokers::Broker`]:
//!   place (v3), modify, cancel, the day's books, positions, holdings and funds, through the
//!   shared gate (session, breaker, Upstox's rate limits).
//! - [`feed`]: [`feed::UpstoxFeed`], the live market feed (v3, protobuf) read into engine ticks:
//!   authorised per connection, subscribed in `full` mode, trades from the day's volume.
//! - [`login`]: the daily OAuth login (login page with a `state`, the redirect's one-use
//!   `code` exchanged for the day's token from the egress IP), `whoami`, logout, 03:30 IST expiry.
//! - [`rest`]: Upstox's transport (bound to the account's egress IP, `Authorization: Bearer`,
//!   `Api-Version: 2.0`), its envelope and error codes mapped onto the common table, and its
//!   payloads read into the common types.
//!
//! The facts all this rests on are in `../shared/docs/brokers.md` §2 and the recorded bodies in
//! `../shared/fixtures/upstox/`; the sandbox it is tested against is `sharewise-upstox-sandbox`.

pub mod account;
pub mod feed;
pub mod login;
pub mod rest;

pub use account::gate::upstox_limits;
pub use account::{UpstoxAccount, UpstoxConfig};
pub use rest::{Endpoint, UpstoxToken};

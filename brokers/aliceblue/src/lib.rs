//! ShareWise's adapter for AliceBlue (ANT, Codifi-based "Open API" v2).
//!
//! - [`account`]: [`AliceBlueAccount`], one AliceBlue account as a
//!   [`sharewise_brokers::Broker`]: place, modify, cancel, the day's books, positions, holdings
//!   and limits, through the shared gate (session, breaker, rate limits: other calls 1800 per 15
//!   min [U], orders SEBI's 10/s); the push side polls the order book ([`account::poll`]).
//! - [`login`]: the daily login (`/?appcode=`, the redirect's `authCode` and `userId`, the
//!   `getUserDetails` checksum exchange from the egress IP), `whoami`.
//! - [`rest`]: the transport (egress IP, `Authorization: Bearer <userSession>`), the envelope
//!   with its empty-book EC codes, the payloads and their translation.
//!
//! Where the facts come from, in falling confidence: brokers.md §3 and §4 (the flow, the paths,
//! the envelope, the EC codes, the limits: itself from third-party client code, no official page
//! was retrieved); public client code for AliceBlue's v2 API read for field names (several
//! independent clients agree on `brokerOrderId`, `orderStatus`, `filledQuantity`,
//! `averageTradedPrice`, `rejectionReason`, `orderTag`, `marketProtectionPercent`, `algoId`,
//! `tradingLimit`, `openingCashLimit`, the contract master's CSV columns); and the adapter's own
//! guesses, each marked [U] where it is made (the trade, position and holding field names, the
//! time format, the session's length, the meaning of each EC code of a pair). There are no
//! recorded AliceBlue bodies: the sandbox it is tested against (`sharewise-aliceblue-sandbox`)
//! shares these guesses, so a first run against AliceBlue itself must check them.

pub mod account;
pub mod login;
pub mod rest;

pub use account::gate::aliceblue_limits;
pub use account::{AliceBlueAccount, AliceBlueConfig};
pub use rest::{AliceToken, Endpoint};

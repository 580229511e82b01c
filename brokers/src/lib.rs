//! ShareWise brokers: the [`Broker`] trait every broker account implements, the common error
//! and status vocabulary, and the [`PaperBroker`] simulated exchange.
//!
//! - [`error`]: [`BrokerError`] and its [`ErrorKind`]s, with the Kite mapping table and
//!   [`BrokerError::retry_safe`].
//! - [`order`]: [`VenueStatus`] (with the Kite/Upstox status table), [`BrokerOrder`],
//!   [`PlaceOutcome`] (including `Unresolved`), [`Modify`], [`Funds`].
//! - [`broker`]: the async [`Broker`] trait.
//! - [`update`]: what a broker pushes ([`BrokerUpdate`]: trades, order changes, the
//!   [`SessionState`]).
//! - [`vault`]: broker sessions sealed at rest (AES-256-GCM, the account name as associated
//!   data), with the operator's session key.
//! - [`paper`]: [`PaperBroker`] (synchronous, deterministic, fed ticks and a clock, optionally
//!   persisted) and [`SharedPaper`] (its async [`Broker`] face).
//!
//! Our [`ClientOrderId`](sharewise_engine::types::ClientOrderId) travels as the broker's `tag`
//! (`SW0000000042`, 12 characters, within Kite's 20), so an ambiguous placement is resolved by
//! looking the tag up, never by sending again.

pub mod broker;
pub mod error;
pub mod order;
pub mod paper;
pub mod update;
pub mod vault;

pub use broker::Broker;
pub use error::{BrokerError, ErrorKind};
pub use order::{BrokerOrder, BrokerTrade, Funds, Holding, Modify, PlaceOutcome, VenueStatus};
pub use paper::{PaperBroker, PaperConfig, SharedPaper};
pub use update::{BrokerUpdate, SessionState, UpdateReceiver, UPDATE_QUEUE};

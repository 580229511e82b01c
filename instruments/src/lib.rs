//! ShareWise's instrument master: one table of every instrument we may trade or watch — symbol ↔
//! each broker's token or key ↔ tick size ↔ lot size ↔ freeze quantity — built from the brokers'
//! daily dumps. Risk checks an order's price and quantity against it; the feeds turn a broker's
//! token back into our symbol with it.
//!
//! | module | what |
//! | --- | --- |
//! | [`listing`] | [`Listing`]: one instrument, its [`Market`], [`Kind`], grid and [`BrokerIds`] |
//! | [`kite`] | Kite's `GET /instruments` CSV dump → listings ([`read_kite_dump`]) |
//! | [`upstox`] | Upstox's daily JSON dump → listings with instrument keys ([`read_upstox_dump`]) |
//! | [`aliceblue`] | AliceBlue's contract master CSV → listings with its tokens ([`read_aliceblue_master`]) |
//! | [`master`] | [`InstrumentMaster`]: merge dumps, look up by symbol or token, grid checks |

pub mod aliceblue;
pub mod kite;
pub mod listing;
pub mod master;
pub mod upstox;

pub use aliceblue::{read_aliceblue_master, AliceBlueMaster};
pub use kite::{read_kite_dump, KiteDump};
pub use listing::{BrokerIds, Kind, Listing, Market};
pub use master::{GridError, InstrumentMaster};
pub use upstox::{read_upstox_dump, UpstoxDump};

/// Why a dump could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum MasterError {
    /// The file could not be read, or its CSV is broken.
    #[error("{source_name}: {reason}")]
    Read {
        /// The dump's name.
        source_name: String,
        /// What failed.
        reason: String,
    },
    /// The header lacks a column every dump of this broker has: this is not the broker's dump.
    #[error("{source_name}: no `{column}` column: is this the broker's instrument dump?")]
    MissingColumn {
        /// The dump's name.
        source_name: String,
        /// The column.
        column: String,
    },
}

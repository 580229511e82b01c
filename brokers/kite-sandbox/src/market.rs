//! The sandbox's market: the instruments it lists and the synthetic price path that moves them
//! (the broker-neutral [`sharewise_sandbox_venue::market`], re-exported here).
//!
//! Instruments carry Kite's token scheme (`instrument_token = exchange_token × 256 + segment`,
//! segment 1 = NSE), so clients that derive one from the other get the same answer as from Kite.
//! Every live trade goes through the paper matching engine, which fills resting orders on it; the
//! `history_sessions` before the live day are the instruments' history (their candles, the
//! previous close), played at once before the live open.

pub use sharewise_sandbox_venue::market::{
    default_listing, instrument_path, instruments, price_path, Listed,
};

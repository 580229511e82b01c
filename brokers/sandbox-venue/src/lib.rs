//! The broker-neutral half of ShareWise's broker sandboxes (`sharewise-kite-sandbox`,
//! `sharewise-upstox-sandbox`): what a local imitation of any Indian broker needs beneath the
//! broker's own paths, envelopes and words.
//!
//! - [`market`]: the instruments listed (symbol, ISIN, exchange token) and the seeded synthetic
//!   price path that moves them, played on a simulated clock;
//! - [`venue`]: the paper venue that keeps and fills orders on that path, the day's quote of each
//!   instrument and the simulated clock;
//! - [`quote`]: one instrument's day so far (last trade, OHLC, volume, current minute, made-up depth);
//! - [`candles`]: bars of the price path, none from the future;
//! - [`positions`]: the day's trades netted per instrument and product;
//! - [`faults`]: faults armed on demand (`POST /__sandbox/faults`) in a broker's own errors;
//! - [`source_allowed`]: SEBI's static-IP rule on order requests.
//!
//! Each broker's sandbox turns these into its broker's shapes; nothing here knows a broker's JSON.

pub mod candles;
pub mod faults;
pub mod market;
pub mod positions;
pub mod quote;
pub mod venue;

use std::net::IpAddr;

/// Whether an order request from `peer` passes the static-IP whitelist `allowed` (any address
/// when the whitelist is empty; an unknown peer never passes a non-empty one).
pub fn source_allowed(allowed: &[IpAddr], peer: Option<IpAddr>) -> bool {
    allowed.is_empty() || peer.is_some_and(|ip| allowed.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_whitelist_lets_anyone_through_and_a_full_one_only_its_addresses() {
        let home: IpAddr = [127, 0, 0, 1].into();
        let away: IpAddr = [10, 0, 0, 9].into();
        assert!(source_allowed(&[], None));
        assert!(source_allowed(&[home], Some(home)));
        assert!(!source_allowed(&[home], Some(away)));
        assert!(!source_allowed(&[home], None));
    }
}

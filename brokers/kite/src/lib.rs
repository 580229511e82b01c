//! ShareWise's adapter for Zerodha's Kite Connect v3.
//!
//! Today: the KiteTicker binary protocol ([`ticker`]), decoded byte-exact with no allocation and
//! no float. The REST client, login and session, order-update stream and the Kite sandbox follow
//! (issue 9); the facts they rest on are in `../shared/docs/brokers.md` §1.

pub mod ticker;

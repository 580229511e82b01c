//! KiteTicker, Kite's market-data WebSocket: its binary messages decoded byte-exact into integers.
//!
//! - [`frame`]: one binary message → its packets (heartbeats, truncation, trailing bytes);
//! - [`packet`]: one packet → a [`KiteTick`] (LTP, index quote/full, quote, full with depth), prices
//!   as the integers Kite sent and exact conversions to the engine's [`Price`](sharewise_engine::types::Price);
//! - [`json`]: a tick as the JSON object Zerodha's clients produce, for `sharewise feeds decode kite`.
//!
//! ```
//! use sharewise_kite::ticker::{Frame, KiteTick};
//!
//! // One message with one LTP packet: INFY (token 408065) at ₹1573.15.
//! let mut message = vec![0, 1, 0, 8];
//! message.extend_from_slice(&408065u32.to_be_bytes());
//! message.extend_from_slice(&157315u32.to_be_bytes());
//! let frame = Frame::parse(&message).unwrap();
//! let ticks: Vec<KiteTick> = frame.into_iter().collect::<Result<_, _>>().unwrap();
//! assert_eq!(ticks[0].token, 408065);
//! assert_eq!(ticks[0].decimal(ticks[0].last_price).to_string(), "1573.15");
//! ```

pub mod frame;
pub mod json;
pub mod packet;

pub use frame::{write_message, Frame, FrameError};
pub use json::TickJson;
pub use packet::{Depth, KiteTick, Layout, Level, Ohlc, PacketError, Segment};

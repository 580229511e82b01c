//! What every live broker adapter (Kite, Upstox, AliceBlue) shares, none of it knowing a broker's
//! payloads:
//!
//! | module | what |
//! | --- | --- |
//! | [`call`] | [`CallFailure`]: why a call got no usable answer, told apart by whether it may have acted |
//! | [`feed`] | a live market feed's connection loop, its queue to the feed thread (conflating when full) and counters |
//! | [`gate`] | [`Gate`]: what a call passes first — the session, the circuit breaker, the rate limits |
//! | [`io`] | the one process-wide runtime every broker connection lives on |
//! | [`policy`] | [`OrderPolicy`]: market protection, algo id, fee estimate |
//! | [`positions`] | product legs netted into one position per instrument |
//! | [`pushed`] | what an update stream has pushed: each trade and order change once, trades first |
//! | [`memory`] | [`OrderMemory`]: an account's orders by tag and id, unsettled placements, the lookup by tag |
//! | [`subscriber`] | [`Subscriber`]: where an account's pushed updates go |
//! | [`json`] | money read exactly into `Decimal`, IST times into UTC nanoseconds |
//! | [`ws`] | a WebSocket opened from the account's egress address |
//! | [`trades`] | [`TradeTracker`]: trades from snapshots of the day's volume (the feeds) |

pub mod call;
pub mod feed;
pub mod gate;
pub mod io;
pub mod json;
pub mod memory;
pub mod policy;
pub mod positions;
pub mod pushed;
pub mod subscriber;
pub mod trades;
pub mod ws;

pub use call::CallFailure;
pub use gate::{Admit, Gate, GateConfig, Lane, Venue};
pub use memory::{OrderMemory, OurOrders};
pub use policy::OrderPolicy;
pub use subscriber::Subscriber;
pub use trades::{Reading, Snapshot, TradeTracker};

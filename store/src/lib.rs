//! ShareWise persistence: the redb order journal.
//!
//! - [`status`] defines the order lifecycle ([`OrderStatus`]) and its legal transitions;
//! - [`event`] defines what is journalled ([`OrderEvent`], [`JournalEntry`]);
//! - [`journal`] is the writer ([`Journal`]): every transition committed durably before it is
//!   acted on;
//! - [`state`] rebuilds orders, positions and cash from the events ([`JournalState`]);
//! - [`reader`] reads the journal from another process while the daemon writes it;
//! - [`views`] renders the JSON that `sharewise orders` / `positions` print;
//! - [`files`] writes small state files (the paper book, `feed.json`) atomically and durably.
//!
//! ```no_run
//! use sharewise_engine::types::{ClientOrderId, InstrumentId, Order, Product, Side};
//! use sharewise_store::{Journal, JournalReader, OrderEvent, Recorded};
//! # fn main() -> Result<(), sharewise_store::StoreError> {
//! // The daemon's order actor:
//! let mut journal = Journal::open("data/journal.redb")?;
//! let id = journal.next_client_id();
//! let order = Order::market(id, InstrumentId(0), Side::Buy, 10, Product::Mis, 0);
//! let created = OrderEvent::Created { order, symbol: "INFY".into(), strategy: "ema_cross".into(), stop_loss: None, take_profit: None };
//! if let Recorded::Appended(_seq) = journal.record(&created)? {
//!     // committed durably: only now may the order be sent
//! }
//! // `sharewise orders`, in another process, while the daemon runs:
//! let orders = JournalReader::open("data/journal.redb")?.state()?.orders();
//! # let _ = orders;
//! # Ok(()) }
//! ```

pub mod error;
pub mod event;
pub mod files;
mod guard;
pub mod journal;
pub mod reader;
pub mod state;
pub mod status;
pub mod views;

pub use error::StoreError;
pub use event::{Applied, JournalEntry, OrderEvent, Recorded};
pub use journal::Journal;
pub use reader::{read_state, JournalReader};
pub use state::{JournalState, OrderRecord, PositionRecord};
pub use status::OrderStatus;
pub use views::{orders_view, positions_view, OrderView, PositionView};

//! What an account remembers of its own orders between calls, whichever the broker: the latest
//! state of each by tag, each broker order id's tag and instrument, and placements that got no
//! clear answer — and the lookup of a tag after such a placement ([`order_by_tag`]).
//!
//! Brokers do not refuse a second order with the same tag, so the memory is what makes a known
//! tag placed once: a placement of a tag it holds returns that order instead.

use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

use sharewise_brokers::{BrokerError, BrokerOrder, ErrorKind};
use sharewise_engine::types::{ClientOrderId, InstrumentId};

/// Each of our orders by the broker's order id: its tag and instrument.
pub type OurOrders = HashMap<String, (ClientOrderId, InstrumentId)>;

/// How long after an unanswered placement a missing tag still means "not yet", not "never".
pub const UNSETTLED_FOR: Duration = Duration::from_secs(30);

/// Extra reads of the book for a tag placed without a clear answer.
pub const UNSETTLED_LOOKS: u32 = 3;

/// An account's memory of its orders (kept under the account's lock, never across an await).
#[derive(Debug, Default)]
pub struct OrderMemory {
    /// The latest known state of each of our orders, by tag.
    by_tag: HashMap<ClientOrderId, BrokerOrder>,
    /// Broker order id → our tag and instrument.
    ours: OurOrders,
    /// Placements that got no clear answer, and when.
    unsettled: HashMap<ClientOrderId, Instant>,
}

impl OrderMemory {
    /// Remembers `order` as the broker now shows it.
    pub fn remember(&mut self, order: &BrokerOrder) {
        self.ours.insert(
            order.order_id.clone(),
            (order.tag(), order.request.instrument),
        );
        self.by_tag.insert(order.tag(), order.clone());
    }

    /// Remembers a placement's acknowledgement, unless the book or the stream already told of
    /// the order (with a newer state: that is kept).
    pub fn placed(&mut self, order: &BrokerOrder) {
        self.ours.insert(
            order.order_id.clone(),
            (order.tag(), order.request.instrument),
        );
        self.by_tag
            .entry(order.tag())
            .or_insert_with(|| order.clone());
    }

    /// Our order tagged `tag`, as last seen.
    pub fn get(&self, tag: ClientOrderId) -> Option<&BrokerOrder> {
        self.by_tag.get(&tag)
    }

    /// Every order id of ours seen so far.
    pub fn ours(&self) -> &OurOrders {
        &self.ours
    }

    /// Whether broker order `order_id` is one we know.
    pub fn knows(&self, order_id: &str) -> bool {
        self.ours.contains_key(order_id)
    }

    /// A placement of `tag` got no clear answer now.
    pub fn unsettled(&mut self, tag: ClientOrderId) {
        self.unsettled.insert(tag, Instant::now());
    }

    /// When a placement of `tag` got no clear answer, if one did and it is not found yet.
    pub fn unsettled_since(&self, tag: ClientOrderId) -> Option<Instant> {
        self.unsettled.get(&tag).copied()
    }

    /// `tag` was found in the book: no longer unsettled.
    pub fn settled(&mut self, tag: ClientOrderId) {
        self.unsettled.remove(&tag);
    }
}

/// The order tagged `tag` in the book `read_book` returns, for `venue`'s account whose memory
/// `with_memory` lends. A placement that got no clear answer may reach the book a moment later:
/// for [`UNSETTLED_FOR`] after it the book is read again a few times, and a tag still missing is
/// an error (still ambiguous), never "not there".
pub async fn order_by_tag<M, B, F>(
    venue: &str,
    tag: ClientOrderId,
    with_memory: M,
    mut read_book: B,
) -> Result<Option<BrokerOrder>, BrokerError>
where
    M: Fn(&mut dyn FnMut(&mut OrderMemory)),
    B: FnMut() -> F,
    F: Future<Output = Result<Vec<BrokerOrder>, BrokerError>>,
{
    for look in 0..=UNSETTLED_LOOKS {
        let book = read_book().await?;
        if let Some(found) = book.into_iter().rev().find(|o| o.tag() == tag) {
            with_memory(&mut |m| m.settled(tag));
            return Ok(Some(found));
        }
        let mut since = None;
        with_memory(&mut |m| since = m.unsettled_since(tag));
        match since {
            Some(at) if at.elapsed() < UNSETTLED_FOR => {
                if look == UNSETTLED_LOOKS {
                    return Err(BrokerError::new(
                        ErrorKind::Upstream,
                        format!(
                            "order {tag} is not in {venue}'s book yet, {:.1} s after its placement got no clear answer: still unsettled",
                            at.elapsed().as_secs_f64()
                        ),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
            _ => return Ok(None),
        }
    }
    Ok(None)
}

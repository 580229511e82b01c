//! Upstox's feed updates read into what the trade tracker needs: rupee `f64`s converted to the
//! engine's fixed-point [`Price`] (to the nearest paisa), epoch milliseconds to nanoseconds, and
//! anything that does not make sense refused rather than guessed at.

use sharewise_broker_kit::trades::Snapshot;
use sharewise_engine::types::{Price, PRICE_SCALE};
use sharewise_upstox_proto::feed::FeedUnion;
use sharewise_upstox_proto::full_feed::FullFeedUnion;
use sharewise_upstox_proto::{Feed, Ltpc};

/// The highest price believed, in rupees: above it a value is a corrupt frame, not a share.
/// (India's dearest listed share trades near ₹1.5 lakh; this leaves room for a lot more.)
pub(crate) const MAX_RUPEES: f64 = 10_000_000.0;

const NANOS_PER_MILLI: i64 = 1_000_000;

/// What one instrument's update is to the trade tracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Update {
    /// A traded instrument's state: the day's volume and the last trade.
    Snapshot(Snapshot),
    /// Nothing to read for trades: an index, or a mode without the day's volume.
    Skip,
    /// A value that cannot be right (price, quantity, volume or time): counted, not read.
    Bad,
}

/// Reads one instrument's update. Only `full` mode's market feed carries the day's volume that
/// trades are told by; an index has none, and `ltpc` mode has none either.
pub(crate) fn update(feed: &Feed) -> Update {
    let Some(FeedUnion::FullFeed(full)) = &feed.feed_union else {
        return Update::Skip;
    };
    let Some(FullFeedUnion::MarketFf(market)) = &full.full_feed_union else {
        return Update::Skip;
    };
    let Some(ltpc) = &market.ltpc else {
        return Update::Skip;
    };
    let Ok(volume) = u64::try_from(market.vtt) else {
        return Update::Bad;
    };
    snapshot(ltpc, volume).map_or(Update::Bad, Update::Snapshot)
}

/// The snapshot of `ltpc` with the day's `volume`; `None` when a value cannot be right.
fn snapshot(ltpc: &Ltpc, volume: u64) -> Option<Snapshot> {
    // No trade yet today: no price (the tracker refuses a volume rise without one).
    let price = if ltpc.ltp == 0.0 {
        None
    } else {
        Some(price(ltpc.ltp)?)
    };
    let last_qty = u64::try_from(ltpc.ltq).ok()?;
    let trade_ts = match ltpc.ltt {
        0 => None,
        ms if ms > 0 => Some(ms.checked_mul(NANOS_PER_MILLI)?),
        _ => return None,
    };
    Some(Snapshot {
        volume,
        price,
        last_qty,
        trade_ts,
    })
}

/// `rupees` as the engine's price, rounded to the nearest paisa; `None` for NaN, infinities,
/// zero or less, and anything above [`MAX_RUPEES`].
pub(crate) fn price(rupees: f64) -> Option<Price> {
    if !rupees.is_finite() || rupees <= 0.0 || rupees > MAX_RUPEES {
        return None;
    }
    // In range, so the cast cannot saturate; rounding takes f64's noise (1573.2 × 100 is
    // 157320.00000000003) off the paisa.
    let paise = (rupees * 100.0).round() as i64;
    Some(Price(paise * (PRICE_SCALE / 100)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sharewise_upstox_proto::{FullFeed, IndexFullFeed, MarketFullFeed};

    pub(crate) fn market(ltp: f64, ltt: i64, ltq: i64, vtt: i64) -> Feed {
        Feed {
            feed_union: Some(FeedUnion::FullFeed(FullFeed {
                full_feed_union: Some(FullFeedUnion::MarketFf(MarketFullFeed {
                    ltpc: Some(Ltpc {
                        ltp,
                        ltt,
                        ltq,
                        cp: 1500.0,
                    }),
                    vtt,
                    ..Default::default()
                })),
            })),
            request_mode: 1,
        }
    }

    #[test]
    fn rupees_become_engine_units_to_the_paisa() {
        assert_eq!(price(1573.2), Some(Price(15_732_000)));
        assert_eq!(price(0.05), Some(Price(500)));
        assert_eq!(price(2_450.155_000_1), Some(Price(24_501_600)));
        assert_eq!(price(99.994), Some(Price(999_900)));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, 1e12] {
            assert_eq!(price(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_full_market_feed_is_a_snapshot_with_exact_values() {
        let feed = market(1573.2, 1_765_000_000_123, 25, 1_234_567);
        assert_eq!(
            update(&feed),
            Update::Snapshot(Snapshot {
                volume: 1_234_567,
                price: Some(Price(15_732_000)),
                last_qty: 25,
                trade_ts: Some(1_765_000_000_123_000_000),
            })
        );
    }

    #[test]
    fn impossible_values_are_bad_and_indices_and_ltpc_are_skipped() {
        assert_eq!(update(&market(f64::NAN, 1, 1, 10)), Update::Bad);
        assert_eq!(update(&market(-3.0, 1, 1, 10)), Update::Bad);
        assert_eq!(update(&market(1e9, 1, 1, 10)), Update::Bad);
        assert_eq!(update(&market(10.0, 1, -1, 10)), Update::Bad);
        assert_eq!(update(&market(10.0, 1, 1, -10)), Update::Bad);
        assert_eq!(update(&market(10.0, -5, 1, 10)), Update::Bad);
        assert_eq!(update(&market(10.0, i64::MAX, 1, 10)), Update::Bad);
        // Not traded yet: no price, no time; a baseline for the tracker.
        let Update::Snapshot(s) = update(&market(0.0, 0, 0, 0)) else {
            panic!()
        };
        assert_eq!((s.price, s.trade_ts), (None, None));
        let index = Feed {
            feed_union: Some(FeedUnion::FullFeed(FullFeed {
                full_feed_union: Some(FullFeedUnion::IndexFf(IndexFullFeed {
                    ltpc: Some(Ltpc {
                        ltp: 24_000.5,
                        ltt: 1,
                        ltq: 0,
                        cp: 0.0,
                    }),
                    market_ohlc: None,
                })),
            })),
            request_mode: 1,
        };
        assert_eq!(update(&index), Update::Skip);
        let ltpc = Feed {
            feed_union: Some(FeedUnion::Ltpc(Ltpc {
                ltp: 10.0,
                ltt: 1,
                ltq: 1,
                cp: 9.0,
            })),
            request_mode: 0,
        };
        assert_eq!(update(&ltpc), Update::Skip);
        assert_eq!(update(&Feed::default()), Update::Skip);
    }
}

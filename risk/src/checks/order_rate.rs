//! `ORDER_RATE_SECOND` / `ORDER_RATE_DAY` (`max_orders_per_second`, `max_orders_per_day`): how
//! many orders the gate accepts, counted from the requests' own timestamps (so a backtest and a
//! live run count alike). A day is an IST calendar day.
//!
//! The per-second limit keeps the last `max_orders_per_second` accepted timestamps in a ring sized
//! once at construction; checking and recording never allocate. Only accepted orders are counted.

use sharewise_engine::risk::Rejection;
use sharewise_engine::time::{ist_day, TimestampNs, NANOS_PER_SEC};

use super::reject;
use crate::codes;

/// Counts accepted orders per second (sliding window) and per IST day.
#[derive(Clone, Debug)]
pub struct OrderRate {
    per_second: Option<u32>,
    per_day: Option<u32>,
    /// The last `per_second` accepted timestamps; `next` is the oldest once the ring is full.
    ring: Box<[TimestampNs]>,
    next: usize,
    len: usize,
    day: i64,
    day_count: u32,
}

impl OrderRate {
    /// A counter for these limits (`None`: unlimited).
    pub fn new(per_second: Option<u32>, per_day: Option<u32>) -> OrderRate {
        let cap = per_second.unwrap_or(0) as usize;
        OrderRate {
            per_second,
            per_day,
            ring: vec![0; cap].into_boxed_slice(),
            next: 0,
            len: 0,
            day: i64::MIN,
            day_count: 0,
        }
    }

    /// Refuses an order at `ts` that would exceed either limit.
    pub fn check(&self, ts: TimestampNs) -> Result<(), Rejection> {
        if let Some(max) = self.per_second {
            // Full ring and its oldest entry less than a second old: `max` orders in (ts − 1 s, ts].
            let full = self.len == self.ring.len();
            if full && (self.ring.is_empty() || ts - self.ring[self.next] < NANOS_PER_SEC) {
                return Err(reject(codes::ORDER_RATE_SECOND, format!("{max} orders already accepted in the last second, max_orders_per_second {max}")));
            }
        }
        if let Some(max) = self.per_day {
            let today = if ist_day(ts) == self.day {
                self.day_count
            } else {
                0
            };
            if today >= max {
                return Err(reject(
                    codes::ORDER_RATE_DAY,
                    format!(
                        "{today} orders already accepted today (IST), max_orders_per_day {max}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Counts an accepted order at `ts`.
    pub fn record(&mut self, ts: TimestampNs) {
        if !self.ring.is_empty() {
            self.ring[self.next] = ts;
            self.next = (self.next + 1) % self.ring.len();
            self.len = (self.len + 1).min(self.ring.len());
        }
        if self.per_day.is_some() {
            let day = ist_day(ts);
            if day != self.day {
                self.day = day;
                self.day_count = 0;
            }
            self.day_count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::{codes, PreTradeRisk, RiskConfig, Sizing};
    use sharewise_engine::risk::{OrderRequest, RiskGate};
    use sharewise_engine::time::{NANOS_PER_DAY, NANOS_PER_MILLI};
    use sharewise_engine::types::{Instrument, Product, Side};

    #[test]
    fn orders_per_second_slide_and_orders_per_day_reset_at_ist_midnight() {
        let inst = Instrument::nse_equity(0, "RELIANCE");
        let account = view(&inst, "1000000");
        let config = RiskConfig {
            max_orders_per_second: Some(2),
            max_orders_per_day: Some(3),
            ..RiskConfig::default()
        };
        let mut gate = PreTradeRisk::with_config(Sizing::FixedQty(1), config, Product::Cnc);
        let at = |ts| OrderRequest {
            ts,
            ..entry(Side::Buy, "100")
        };
        let t0 = monday(10, 0, 0);
        assert_eq!(gate.review(&at(t0), &account), Ok(1));
        assert_eq!(
            gate.review(&at(t0 + 400 * NANOS_PER_MILLI), &account),
            Ok(1)
        );
        let err = gate
            .review(&at(t0 + 999 * NANOS_PER_MILLI), &account)
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::ORDER_RATE_SECOND,
                "2 orders already accepted in the last second, max_orders_per_second 2"
            )
        );
        assert_eq!(
            gate.review(&at(t0 + 1000 * NANOS_PER_MILLI), &account),
            Ok(1)
        );
        let err = gate
            .review(&at(t0 + 5000 * NANOS_PER_MILLI), &account)
            .unwrap_err();
        assert_eq!(
            (err.code, err.detail.as_str()),
            (
                codes::ORDER_RATE_DAY,
                "3 orders already accepted today (IST), max_orders_per_day 3"
            )
        );
        assert_eq!(gate.review(&at(t0 + NANOS_PER_DAY), &account), Ok(1));
    }
}

//! Matching paper orders against ticks (the rules are in the parent module's docs).

use sharewise_engine::types::{Fill, OrderType, Price, Side, Tick, Validity};

use super::{PaperBroker, PaperOrder};
use crate::{BrokerError, VenueStatus};

/// What one tick does to one order.
struct Exec {
    /// Fill price, if the tick executes the order; `Some(Err)` when the slipped price is out of
    /// range (the order is then cancelled, with the reason).
    price: Option<Result<Price, String>>,
    /// Whether this was the order's IOC window (arrival, or trigger for stops).
    ioc_window: bool,
}

/// A price moved against the trader by `ticks` ticks of `tick_size`, or why it cannot be: it
/// would leave the fixed-point range or not be positive. Never a wrapped, favourable price.
fn slip(side: Side, price: Price, ticks: i64, tick_size: Price) -> Result<Price, String> {
    let moved = ticks
        .max(0)
        .checked_mul(tick_size.0)
        .and_then(|m| m.checked_mul(side.sign()));
    moved
        .and_then(|m| price.0.checked_add(m))
        .filter(|p| *p > 0)
        .map(Price)
        .ok_or_else(|| {
            format!("{price} moved {ticks} ticks of {tick_size} against a {side} is out of range; lower [paper] slippage_ticks")
        })
}

/// Limit rule: a first tick fills if marketable, at its price; later ticks must trade through.
fn limit_fill(side: Side, limit: Price, p: Price, first: bool) -> Option<Price> {
    match side {
        Side::Buy if first && p <= limit => Some(p),
        Side::Buy if p < limit => Some(limit),
        Side::Sell if first && p >= limit => Some(p),
        Side::Sell if p > limit => Some(limit),
        _ => None,
    }
}

/// Whether `p` reaches a stop's `trigger` for an order on `side`.
fn reaches(side: Side, trigger: Price, p: Price) -> bool {
    match side {
        Side::Buy => p >= trigger,
        Side::Sell => p <= trigger,
    }
}

/// Applies one live tick to `o`'s trigger and first-tick state and prices the fill.
fn execute(o: &mut PaperOrder, p: Price, slippage_ticks: i64, tick_size: Price) -> Exec {
    let r = &o.book.request;
    let first = !o.seen;
    o.seen = true;
    let (limit, trigger) = (
        r.limit_price.unwrap_or_default(),
        r.trigger_price.unwrap_or_default(),
    );
    match r.order_type {
        OrderType::Market => Exec {
            price: Some(slip(r.side, p, slippage_ticks, tick_size)),
            ioc_window: first,
        },
        OrderType::Limit => Exec {
            price: limit_fill(r.side, limit, p, first).map(Ok),
            ioc_window: first,
        },
        OrderType::StopLoss | OrderType::StopLossMarket => {
            let just_triggered = !o.triggered && reaches(r.side, trigger, p);
            if !o.triggered && !just_triggered {
                return Exec {
                    price: None,
                    ioc_window: false,
                };
            }
            o.triggered = true;
            let price = match r.order_type {
                // A resting triggered SL that was modified re-enters like a new limit order.
                OrderType::StopLoss => {
                    limit_fill(r.side, limit, p, just_triggered || first).map(Ok)
                }
                _ => Some(slip(r.side, p, slippage_ticks, tick_size)),
            };
            Exec {
                price,
                ioc_window: just_triggered,
            }
        }
    }
}

/// `price` if `qty` shares at it have a value the books can hold, else why not.
fn fill_value_ok(price: Price, qty: i64) -> Result<Price, String> {
    match price.checked_notional(qty) {
        Some(_) => Ok(price),
        None => Err(format!(
            "the fill value {price} × {qty} exceeds {:.2}, the largest value the books hold",
            Price::MAX_VALUE
        )),
    }
}

/// Cancels `o` instead of filling it at a price or value out of range, saying why.
fn refuse(o: &mut PaperOrder, why: String, ts: sharewise_engine::time::TimestampNs) {
    o.book.status = VenueStatus::Cancelled;
    o.book.status_message = Some(format!("Cancelled by the paper broker: {why}."));
    o.book.updated_ts = ts;
}

impl PaperBroker {
    /// Feeds one trade print: moves the clock to `tick.ts`, makes due orders live, fills what
    /// the tick executes and returns those fills (oldest order first).
    pub fn on_tick(&mut self, tick: &Tick) -> Result<Vec<Fill>, BrokerError> {
        self.set_clock(tick.ts)?;
        let Some((tick_size, exchange)) = self
            .instruments
            .get(&tick.instrument)
            .map(|i| (i.tick_size, i.exchange))
        else {
            return Ok(Vec::new());
        };
        let mut budget = match self.cfg.max_fill_pct {
            Some(pct) => tick.qty.max(0).saturating_mul(i64::from(pct)) / 100,
            None => i64::MAX,
        };
        let mut due: Vec<&mut PaperOrder> = self
            .state
            .orders
            .values_mut()
            .filter(|o| {
                o.book.request.instrument == tick.instrument
                    && !o.book.status.is_terminal()
                    && tick.ts >= o.live_at
            })
            .collect();
        due.sort_by_key(|o| o.seq);
        let mut fills = Vec::new();
        let mut changed = false;
        for o in due {
            if o.book.status == VenueStatus::Pending {
                o.book.status = VenueStatus::Open;
                o.book.updated_ts = tick.ts;
                changed = true;
            }
            let before = (o.seen, o.triggered);
            let exec = execute(o, tick.price, self.cfg.slippage_ticks, tick_size);
            changed |= before != (o.seen, o.triggered);
            let qty = (o.book.request.qty - o.book.filled_qty).min(budget);
            let price = match exec.price.map(|p| p.and_then(|p| fill_value_ok(p, qty))) {
                Some(Err(why)) if qty > 0 => {
                    refuse(o, why, tick.ts);
                    changed = true;
                    continue;
                }
                Some(Ok(price)) => Some(price),
                _ => None,
            };
            if let (Some(price), true) = (price, qty > 0) {
                budget -= qty;
                let r = o.book.request;
                let fill = Fill {
                    client_id: r.client_id,
                    instrument: r.instrument,
                    side: r.side,
                    qty,
                    price,
                    ts: tick.ts,
                    fees: self
                        .cfg
                        .commission
                        .charges(r.side, r.product, exchange, price, qty)
                        .total,
                };
                o.book.filled_qty += qty;
                o.notional += price.notional(qty);
                o.book.avg_price = o.notional / rust_decimal::Decimal::from(o.book.filled_qty);
                o.book.status = if o.book.filled_qty == r.qty {
                    VenueStatus::Filled
                } else {
                    VenueStatus::PartiallyFilled
                };
                o.book.updated_ts = tick.ts;
                fills.push(fill);
            }
            if exec.ioc_window
                && o.book.request.validity == Validity::Ioc
                && !o.book.status.is_terminal()
            {
                o.book.status = VenueStatus::Cancelled;
                o.book.status_message = Some("IOC order: unfilled quantity cancelled.".to_string());
                o.book.updated_ts = tick.ts;
            }
        }
        for fill in &fills {
            let pos = self
                .state
                .positions
                .entry(fill.instrument)
                .or_insert_with(|| sharewise_engine::types::Position::flat(fill.instrument));
            pos.apply(fill);
            self.state.cash -= fill.price.notional(fill.side.sign() * fill.qty) + fill.fees;
            self.state.trades.push(*fill);
        }
        if changed || !fills.is_empty() {
            self.save()?;
        }
        Ok(fills)
    }
}

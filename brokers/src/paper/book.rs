//! Placing, modifying and cancelling paper orders, with Kite-like validation messages.

use rust_decimal::Decimal;
use sharewise_engine::types::{ClientOrderId, Instrument, Order, OrderType, Price, Side};

use super::{PaperBroker, PaperOrder};
use crate::{BrokerError, BrokerOrder, ErrorKind, Modify, VenueStatus};

/// Kite's limit on modifications of one order.
pub const MAX_MODIFICATIONS: u32 = 25;

/// Checks a price against the instrument's tick grid.
fn check_tick(name: &str, price: Price, inst: &Instrument) -> Result<(), BrokerError> {
    if price.0 <= 0 {
        return Err(BrokerError::invalid(format!("Invalid `{name}`.")));
    }
    if !price.is_on_tick(inst.tick_size) {
        return Err(BrokerError::invalid(format!(
            "Tick size for this script is {}. Kindly enter {name} in the multiple of tick size for this script.",
            inst.tick_size
        )));
    }
    Ok(())
}

/// Validates an order (new or modified) the way Kite's OMS would.
fn validate(order: &Order, inst: &Instrument) -> Result<(), BrokerError> {
    if order.qty <= 0 {
        return Err(BrokerError::invalid(
            "Invalid `quantity`. Quantity should be greater than zero.",
        ));
    }
    if order.qty % inst.lot_size.max(1) != 0 {
        return Err(BrokerError::invalid(format!(
            "Quantity should be in multiples of lot size ({}).",
            inst.lot_size
        )));
    }
    let needs_price = matches!(order.order_type, OrderType::Limit | OrderType::StopLoss);
    let needs_trigger = matches!(
        order.order_type,
        OrderType::StopLoss | OrderType::StopLossMarket
    );
    match order.limit_price {
        Some(p) if needs_price => check_tick("price", p, inst)?,
        None if needs_price => {
            return Err(BrokerError::invalid(
                "Invalid `price`. Price is required for LIMIT and SL orders.",
            ))
        }
        _ => {}
    }
    match order.trigger_price {
        Some(t) if needs_trigger => check_tick("trigger_price", t, inst)?,
        None if needs_trigger => {
            return Err(BrokerError::invalid(
                "Invalid `trigger_price`. Trigger price is required for SL and SL-M orders.",
            ))
        }
        _ => {}
    }
    if let (OrderType::StopLoss, Some(p), Some(t)) =
        (order.order_type, order.limit_price, order.trigger_price)
    {
        match order.side {
            Side::Buy if t > p => {
                return Err(BrokerError::invalid(
                    "Trigger price for stoploss buy orders should be lower than the order price.",
                ))
            }
            Side::Sell if t < p => {
                return Err(BrokerError::invalid(
                    "Trigger price for stoploss sell orders should be higher than the order price.",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

impl PaperBroker {
    fn instrument(&self, order: &Order) -> Result<&Instrument, BrokerError> {
        self.instruments.get(&order.instrument).ok_or_else(|| {
            BrokerError::invalid(format!(
                "Invalid `tradingsymbol`: instrument {} is not listed.",
                order.instrument.0
            ))
        })
    }

    fn open_order(
        &mut self,
        tag: ClientOrderId,
        action: &str,
    ) -> Result<&mut PaperOrder, BrokerError> {
        let o = self.state.orders.get_mut(&tag).ok_or_else(|| {
            BrokerError::invalid(format!("Invalid `order_id`: no order tagged {tag}."))
        })?;
        if o.book.status.is_terminal() {
            let status = match o.book.status {
                VenueStatus::Filled => "COMPLETE",
                VenueStatus::Cancelled => "CANCELLED",
                _ => "REJECTED",
            };
            return Err(BrokerError::new(
                ErrorKind::Rejected,
                format!("Order cannot be {action} as it is in {status} state."),
            ));
        }
        Ok(o)
    }

    /// Places `order` at the clock's time. A tag already in the book returns that order
    /// unchanged and counts a duplicate placement; bad input is an `InvalidInput` error.
    pub fn place(&mut self, order: &Order) -> Result<BrokerOrder, BrokerError> {
        if let Some(existing) = self.state.orders.get(&order.client_id) {
            let book = existing.book.clone();
            self.state.duplicate_placements += 1;
            self.save()?;
            return Ok(book);
        }
        if self.state.archived_tags.contains(&order.client_id) {
            self.state.duplicate_placements += 1;
            self.save()?;
            return Err(BrokerError::new(
                ErrorKind::InvalidInput,
                format!(
                    "Tag {} was used by an order of an earlier day.",
                    order.client_id
                ),
            ));
        }
        validate(order, self.instrument(order)?)?;
        let now = self.state.now;
        let live_at = now + self.cfg.latency_ns.max(0);
        let seq = self.state.next_seq;
        self.state.next_seq += 1;
        let book = BrokerOrder {
            order_id: format!("PAPER{:010}", seq + 1),
            request: *order,
            status: if live_at > now {
                VenueStatus::Pending
            } else {
                VenueStatus::Open
            },
            filled_qty: 0,
            avg_price: Decimal::ZERO,
            status_message: None,
            updated_ts: now,
        };
        let paper = PaperOrder {
            seq,
            book: book.clone(),
            live_at,
            triggered: false,
            seen: false,
            notional: Decimal::ZERO,
            modifications: 0,
        };
        self.state.orders.insert(order.client_id, paper);
        self.save()?;
        Ok(book)
    }

    /// Applies `change` to the open order tagged `tag`; its next live tick counts as a first tick.
    pub fn modify(
        &mut self,
        tag: ClientOrderId,
        change: Modify,
    ) -> Result<BrokerOrder, BrokerError> {
        let now = self.state.now;
        let current = self.open_order(tag, "modified")?.clone();
        if current.modifications >= MAX_MODIFICATIONS {
            return Err(BrokerError::invalid(
                "Maximum allowed order modifications exceeded.",
            ));
        }
        let mut next = current.book.request;
        next.qty = change.qty.unwrap_or(next.qty);
        next.order_type = change.order_type.unwrap_or(next.order_type);
        next.limit_price = change.limit_price.or(next.limit_price);
        next.trigger_price = change.trigger_price.or(next.trigger_price);
        validate(&next, self.instrument(&next)?)?;
        if next.qty <= current.book.filled_qty {
            return Err(BrokerError::invalid(format!(
                "Invalid `quantity`. Quantity should be greater than the filled quantity ({}).",
                current.book.filled_qty
            )));
        }
        let o = self.open_order(tag, "modified")?;
        o.book.request = next;
        o.book.updated_ts = now;
        o.modifications += 1;
        o.seen = false;
        let book = o.book.clone();
        self.save()?;
        Ok(book)
    }

    /// Cancels the unfilled remainder of the open order tagged `tag`.
    pub fn cancel(&mut self, tag: ClientOrderId) -> Result<BrokerOrder, BrokerError> {
        let now = self.state.now;
        let o = self.open_order(tag, "cancelled")?;
        o.book.status = VenueStatus::Cancelled;
        o.book.status_message = Some("Cancelled by user.".to_string());
        o.book.updated_ts = now;
        let book = o.book.clone();
        self.save()?;
        Ok(book)
    }
}

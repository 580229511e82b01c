//! The account actor's side of [`crate::control`]: commands applied between two ticks, and the
//! snapshot taken from its own state (so it is consistent).

use rust_decimal::Decimal;
use sharewise_actors::{Ctx, EventKind};
use sharewise_config::StrategyMode;
use sharewise_engine::strategy::{Reason, Signal};
use sharewise_engine::time::ist_day;
use sharewise_engine::types::{ClientOrderId, Price, Side};
use sharewise_risk::TradingState;
use tokio::sync::mpsc::error::TrySendError;

use super::AccountActor;
use crate::control::{
    Ack, Command, CommandRequest, Counters, PositionSnapshot, Refusal, Snapshot, StrategySnapshot,
    WorkingSnapshot,
};
use crate::messages::{OrderCommand, OrderMsg};
use crate::stats::LiveStats;

/// A manual order's terms (see [`Command::PlaceOrder`]).
struct ManualOrder<'a> {
    symbol: &'a str,
    side: Side,
    stop_loss: Option<Price>,
    take_profit: Option<Price>,
}

impl AccountActor {
    /// Carries out `request` (or refuses it) and publishes the outcome as a `command` event.
    pub(super) fn on_control(
        &mut self,
        request: CommandRequest,
        ctx: &mut Ctx<'_, ()>,
    ) -> Result<Ack, Refusal> {
        let outcome = if request.account != self.name {
            Err(Refusal::new(
                "UNKNOWN_ACCOUNT",
                format!(
                    "no account `{}` here (this one is `{}`)",
                    request.account, self.name
                ),
            ))
        } else {
            match &request.command {
                Command::SetTradingState { state, reason } => {
                    self.set_trading_state(*state, format!("{reason} (by {})", request.by), ctx);
                    Ok(Ack {
                        message: format!("account {} is now {}", self.name, state.describe()),
                    })
                }
                Command::Flatten { symbol } => self.flatten(symbol.as_deref(), ctx),
                Command::PlaceOrder {
                    symbol,
                    side,
                    stop_loss,
                    take_profit,
                } => {
                    let order = ManualOrder {
                        symbol,
                        side: *side,
                        stop_loss: *stop_loss,
                        take_profit: *take_profit,
                    };
                    self.place_manual(order, &request.by, ctx)
                }
                Command::SetStrategy { strategy, mode } => self.set_strategy(strategy, *mode),
                Command::CancelOrder { client_order_id } => self.cancel(*client_order_id),
            }
        };
        ctx.publish(EventKind::Command {
            by: request.by.clone(),
            command: request.command.describe(),
            ok: outcome.is_ok(),
            outcome: match &outcome {
                Ok(ack) => ack.message.clone(),
                Err(refusal) => refusal.to_string(),
            },
        });
        outcome
    }

    /// Market orders closing the position in `symbol` (every position when `None`).
    fn flatten(&mut self, symbol: Option<&str>, ctx: &mut Ctx<'_, ()>) -> Result<Ack, Refusal> {
        if self.risk.kill_switch().state() == TradingState::Halted {
            return Err(Refusal::new("HALTED", "the account is halted: no orders at all, exits included; set it to reducing first, then flatten"));
        }
        let targets: Vec<usize> = match symbol {
            Some(s) => vec![self.index_of(s)?],
            None => (0..self.instruments.len()).collect(),
        };
        let before = LiveStats::get(&self.stats.orders);
        for i in targets {
            let position = self.portfolio.positions[i].qty + self.working_qty[i];
            if position != 0 {
                self.exit(i, position, ctx.ts, "command:flatten", ctx);
            }
        }
        let sent = LiveStats::get(&self.stats.orders) - before;
        Ok(Ack {
            message: format!("{sent} exit order(s) sent"),
        })
    }

    /// A manual order through the same sizing and risk gate as a signal.
    fn place_manual(
        &mut self,
        order: ManualOrder<'_>,
        by: &str,
        ctx: &mut Ctx<'_, ()>,
    ) -> Result<Ack, Refusal> {
        let i = self.index_of(order.symbol)?;
        if self.risk.kill_switch().state() == TradingState::Halted {
            return Err(Refusal::new(
                "HALTED",
                format!(
                    "the account is halted ({}): no orders at all",
                    self.risk.kill_switch().reason()
                ),
            ));
        }
        if ctx.ts <= self.warm_until {
            return Err(Refusal::new(
                "WARMING_UP",
                "the strategies are still warming up on history; try again once live ticks flow",
            ));
        }
        let price = self.marks[i];
        if price == Price::ZERO {
            return Err(Refusal::new(
                "NO_PRICE",
                format!(
                    "no trade seen yet in {}: nothing to size the order at",
                    order.symbol
                ),
            ));
        }
        let signal = Signal {
            ts: ctx.ts,
            instrument: self.instruments[i].id,
            side: order.side,
            entry: None,
            stop_loss: order.stop_loss,
            take_profit: order.take_profit,
            confidence: 1.0,
            reason: Reason::Text(format!("manual order by {by}")),
        };
        match self.trade(i, format!("manual:{by}"), &signal, price, ctx) {
            Ok(Some(placed)) => Ok(Ack {
                message: format!(
                    "{} {} {} sent as order {}",
                    placed.side, placed.qty, order.symbol, placed.client_id
                ),
            }),
            Ok(None) => Err(Refusal::new(
                "NOTHING_TO_DO",
                format!(
                    "a {} in {} would neither open nor close a position here (shorts are off, or the position is already on its way out)",
                    order.side, order.symbol
                ),
            )),
            Err(rejection) => {
                self.reject(i, order.side, rejection.clone(), ctx);
                Err(Refusal::new(rejection.code.as_str(), rejection.detail))
            }
        }
    }

    /// Follows the strategy `which` (an id, or one instance's name) in `mode` (`None`: not at all).
    fn set_strategy(&mut self, which: &str, mode: Option<StrategyMode>) -> Result<Ack, Refusal> {
        let mut changed = 0;
        for info in self
            .strategies
            .iter_mut()
            .filter(|s| s.id == which || s.name == which)
        {
            info.mode = mode;
            changed += 1;
        }
        if changed == 0 {
            let mut ids: Vec<&str> = self.strategies.iter().map(|s| s.id.as_str()).collect();
            ids.dedup();
            return Err(Refusal::new(
                "UNKNOWN_STRATEGY",
                format!(
                    "no strategy `{which}` runs here; ids are {} (or name one instance, e.g. {})",
                    ids.join(", "),
                    self.strategies.first().map_or("-", |s| s.name.as_str())
                ),
            ));
        }
        Ok(Ack {
            message: format!(
                "{changed} instance(s) of {which} now {}",
                crate::control::mode_name(mode)
            ),
        })
    }

    /// Asks the order actor to cancel the unfilled rest of a working order.
    fn cancel(&mut self, id: u64) -> Result<Ack, Refusal> {
        let client_id = ClientOrderId(id);
        if !self.working.contains_key(&client_id) {
            return Err(Refusal::new(
                "UNKNOWN_ORDER",
                format!(
                    "{client_id} is not working in this account (filled, closed, or never placed)"
                ),
            ));
        }
        match self
            .orders
            .try_send(OrderMsg::Command(OrderCommand::Cancel { client_id }))
        {
            Ok(()) => Ok(Ack {
                message: format!("cancel of {client_id} sent"),
            }),
            Err(TrySendError::Full(_)) => Err(Refusal::new(
                "ORDER_QUEUE_FULL",
                "the order actor's queue is full; try again in a moment",
            )),
            Err(TrySendError::Closed(_)) => Err(Refusal::new(
                "DAEMON_STOPPED",
                "the order actor has stopped",
            )),
        }
    }

    /// The instrument index of `symbol`, or the refusal naming it.
    fn index_of(&self, symbol: &str) -> Result<usize, Refusal> {
        self.instruments
            .iter()
            .position(|inst| inst.symbol == symbol)
            .ok_or_else(|| {
                Refusal::new(
                    "UNKNOWN_SYMBOL",
                    format!("`{symbol}` is not traded by this account"),
                )
            })
    }

    /// The account as this actor holds it now.
    pub(super) fn snapshot(&self) -> Snapshot {
        let mut realized = Decimal::ZERO;
        let mut unrealized = Decimal::ZERO;
        let mut positions = Vec::new();
        for (i, p) in self.portfolio.positions.iter().enumerate() {
            if p.qty == 0 && p.realized_pnl.is_zero() {
                continue;
            }
            let mark = (self.marks[i] != Price::ZERO).then_some(self.marks[i]);
            let open = mark.map_or(Decimal::ZERO, |m| p.unrealized(m));
            realized += p.realized_pnl;
            unrealized += open;
            positions.push(PositionSnapshot {
                symbol: self.symbol(i).to_string(),
                qty: p.qty,
                avg_price: p.avg_price,
                mark,
                realized_pnl: p.realized_pnl,
                unrealized_pnl: open,
            });
        }
        let mut working_orders: Vec<WorkingSnapshot> = self
            .working
            .values()
            .map(|w| WorkingSnapshot {
                client_order_id: w.order.client_id.0,
                symbol: self.symbol(w.order.instrument.0 as usize).to_string(),
                side: w.order.side,
                qty: w.order.qty,
                remaining: w.remaining,
            })
            .collect();
        working_orders.sort_by_key(|w| w.client_order_id);
        let get = LiveStats::get;
        Snapshot {
            account: self.name.clone(),
            ts: self
                .live
                .last_tick_ts
                .load(std::sync::atomic::Ordering::Relaxed),
            trading_state: self.risk.kill_switch().state(),
            trading_reason: self.risk.kill_switch().reason().to_string(),
            cash: self.portfolio.cash,
            realized_pnl: realized,
            unrealized_pnl: unrealized,
            // Today's, by the engine's clock (a figure from an earlier day counts nothing).
            day_realized_pnl: if self.realized_day
                == ist_day(
                    self.live
                        .last_tick_ts
                        .load(std::sync::atomic::Ordering::Relaxed),
                ) {
                self.realized_today
            } else {
                Decimal::ZERO
            },
            positions,
            working_orders,
            strategies: self
                .strategies
                .iter()
                .map(|s| StrategySnapshot {
                    name: s.name.clone(),
                    mode: crate::control::mode_name(s.mode),
                })
                .collect(),
            disputed: (0..self.instruments.len())
                .filter(|&i| self.disputed[i])
                .map(|i| self.symbol(i).to_string())
                .collect(),
            counters: Counters {
                ticks: self.ticks,
                signals: get(&self.stats.signals),
                orders: get(&self.stats.orders),
                rejections: get(&self.stats.rejections),
                fills: get(&self.stats.fills),
                hop_p99_ns: get(&self.live.hop_p99_ns),
                chain_p99_ns: get(&self.live.chain_p99_ns),
            },
        }
    }
}

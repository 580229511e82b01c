//! The account actor's side of [`crate::control`]: commands applied between two ticks, and the
//! snapshot taken from its own state (so it is consistent).

use rust_decimal::Decimal;
use sharewise_actors::{Ctx, EventKind};
use sharewise_engine::time::ist_day;
use sharewise_engine::types::Price;
use sharewise_risk::TradingState;

use super::AccountActor;
use crate::control::{
    Ack, Command, CommandRequest, Counters, PositionSnapshot, Refusal, Snapshot, StrategySnapshot,
    WorkingSnapshot,
};
use crate::stats::LiveStats;

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
            Some(s) => vec![self
                .instruments
                .iter()
                .position(|inst| inst.symbol == s)
                .ok_or_else(|| {
                    Refusal::new(
                        "UNKNOWN_SYMBOL",
                        format!("`{s}` is not traded by this account"),
                    )
                })?],
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
                .stats
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
                    self.stats
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
                    mode: if s.auto { "auto" } else { "manual" },
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
                hop_p99_ns: get(&self.stats.hop_p99_ns),
                chain_p99_ns: get(&self.stats.chain_p99_ns),
            },
        }
    }
}

//! Steering a running daemon: the commands a [`crate::handle::DaemonHandle`] takes, their
//! answers, and the snapshot of an account.
//!
//! A command names the account it is for and who asked (`by`: `cli`, `gateway:<user>`, ...). It
//! goes to the account's owning actor on the engine thread, which applies it between two ticks
//! and answers [`Ack`] or [`Refusal`]; either way the outcome is published as a `command` event,
//! for the audit log. A snapshot is taken by the same actor, so it is consistent: no tick or
//! fill lands halfway through it.

use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_config::StrategyMode;
use sharewise_engine::time::TimestampNs;
use sharewise_engine::types::{ClientOrderId, Price, Qty, Side};
use sharewise_risk::TradingState;

/// What an operator (or the gateway, on a user's behalf) asks of a running daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// The kill switch: `active`, `reducing` (exits only) or `halted` (no orders at all), until
    /// set again.
    SetTradingState {
        /// The state to put the account in.
        state: TradingState,
        /// Why, for the audit log and the refusals that follow.
        reason: String,
    },
    /// Closes the position in `symbol` (every position when `None`) with market orders; the
    /// trading state is left as it is.
    Flatten {
        /// One instrument, or all.
        symbol: Option<String>,
    },
    /// How the account follows a strategy: `strategy` is a `[[run.strategies]]` id (every
    /// instrument it runs on) or one instance's name (`sma_cross(10,30)@INFY`); `mode` `None`
    /// stops following it (its signals are ignored; positions it opened stay, with their exits).
    SetStrategy {
        /// The id or instance name.
        strategy: String,
        /// `auto`, `manual`, or `None` (off).
        mode: Option<StrategyMode>,
    },
    /// Cancels the unfilled rest of a working order (allowed in every trading state: it only
    /// takes risk off).
    CancelOrder {
        /// Its client order id (the number of `SW0000000042`).
        client_order_id: u64,
    },
    /// A manual order, as if a strategy had signalled it: a market order sized by the
    /// account's sizing and checked by its risk gate (a SELL closes a long; it opens a short
    /// only where the account allows shorts). Stop-loss and take-profit arm an engine-managed
    /// bracket, as a signal's do.
    PlaceOrder {
        /// The instrument.
        symbol: String,
        /// Buy or sell.
        side: Side,
        /// Stop-loss for the position it opens (also what `risk_per_trade` sizing risks).
        stop_loss: Option<Price>,
        /// Profit target for the position it opens.
        take_profit: Option<Price>,
    },
}

impl Command {
    /// The command in a few words, e.g. `set trading state halted`.
    pub fn describe(&self) -> String {
        match self {
            Command::SetTradingState { state, reason } => {
                format!("set trading state {} ({reason})", state.describe())
            }
            Command::Flatten {
                symbol: Some(symbol),
            } => format!("flatten {symbol}"),
            Command::Flatten { symbol: None } => "flatten every position".to_string(),
            Command::PlaceOrder { symbol, side, .. } => format!("place a {side} order in {symbol}"),
            Command::SetStrategy { strategy, mode } => {
                format!("set strategy {strategy} {}", mode_name(*mode))
            }
            Command::CancelOrder { client_order_id } => {
                format!("cancel order {}", ClientOrderId(*client_order_id))
            }
        }
    }
}

/// `auto`, `manual` or `off`.
pub fn mode_name(mode: Option<StrategyMode>) -> &'static str {
    match mode {
        Some(StrategyMode::Auto) => "auto",
        Some(StrategyMode::Manual) => "manual",
        None => "off",
    }
}

/// A command for one account, from someone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRequest {
    /// The account it is for.
    pub account: String,
    /// Who asked, for the audit log (`cli`, `gateway:<user id>`, ...).
    pub by: String,
    /// What.
    pub command: Command,
}

/// A command carried out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ack {
    /// What was done, in words (e.g. `2 exit orders sent`).
    pub message: String,
}

/// A command not carried out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Refusal {
    /// Stable code: `UNKNOWN_ACCOUNT`, `UNKNOWN_SYMBOL`, `DAEMON_STOPPED`, `NO_ANSWER`, or a risk
    /// code such as `HALTED`.
    pub code: &'static str,
    /// What was wrong and what to do.
    pub message: String,
}

impl Refusal {
    /// A refusal with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

/// One position in a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PositionSnapshot {
    /// Trading symbol.
    pub symbol: String,
    /// Signed shares: positive long, negative short.
    pub qty: Qty,
    /// Average entry price of the open quantity, rupees.
    pub avg_price: Decimal,
    /// The last trade price seen (`None`: no tick yet).
    pub mark: Option<Price>,
    /// P&L realised by closing fills, rupees.
    pub realized_pnl: Decimal,
    /// P&L of the open quantity at `mark`, rupees (zero without a mark).
    pub unrealized_pnl: Decimal,
}

/// One order of ours still working, in a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkingSnapshot {
    /// Client order id (the broker's tag).
    pub client_order_id: u64,
    /// Trading symbol.
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// Ordered quantity.
    pub qty: Qty,
    /// Shares still to fill.
    pub remaining: Qty,
}

/// One strategy instance and how the account follows it, in a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrategySnapshot {
    /// Name, e.g. `sma_cross(10,30)`.
    pub name: String,
    /// `auto` (orders go out), `manual` (signals only) or `off` (not followed).
    pub mode: &'static str,
}

/// An account as its owning actor sees it at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// The account.
    pub account: String,
    /// The engine's clock: the last tick's time, UTC ns (0 before the first).
    pub ts: TimestampNs,
    /// The trading state in force.
    pub trading_state: TradingState,
    /// Why (empty while active).
    pub trading_reason: String,
    /// Free cash, rupees.
    pub cash: Decimal,
    /// Realised P&L of every position, rupees.
    pub realized_pnl: Decimal,
    /// Unrealised P&L at the marks, rupees.
    pub unrealized_pnl: Decimal,
    /// P&L realised today (IST), rupees: what the daily loss limit counts.
    pub day_realized_pnl: Decimal,
    /// Positions, flat ones with realised P&L included.
    pub positions: Vec<PositionSnapshot>,
    /// Orders still working.
    pub working_orders: Vec<WorkingSnapshot>,
    /// Strategies and their modes.
    pub strategies: Vec<StrategySnapshot>,
    /// Symbols where the journal and the broker disagree (no orders in them).
    pub disputed: Vec<String>,
    /// Ticks, signals, orders, refusals and fills so far, and latency.
    pub counters: Counters,
}

/// Counters in a [`Snapshot`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Ticks the account saw.
    pub ticks: u64,
    /// Signals from strategies.
    pub signals: u64,
    /// Orders created.
    pub orders: u64,
    /// Orders risk refused.
    pub rejections: u64,
    /// Fills booked.
    pub fills: u64,
    /// Feed → engine hop p99, ns.
    pub hop_p99_ns: u64,
    /// Strategy and risk chain p99 per tick, ns.
    pub chain_p99_ns: u64,
}

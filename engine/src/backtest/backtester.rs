//! The backtest loop: one instrument, bars in time order, a simulated clock (the bars' own
//! timestamps) and a simulated exchange ([`FillModel`]).
//!
//! For each bar *t*: day-validity limits from an earlier IST day expire; the pending order (decided
//! at *t−1*'s close) fills per the fill model; the open position's stop-loss and take-profit are
//! checked against the bar's range; equity is marked at the close; the strategy sees the bar, and
//! its signal goes through the [`RiskGate`] to become the pending order for *t+1*. A signal on the
//! last bar never fills. Nothing here allocates per bar except the equity curve's amortised push.

use rust_decimal::Decimal;
use serde::Serialize;

use super::metrics::MetricsAccumulator;
use super::{BacktestConfig, BacktestResult, Charges, FillModel, TradeBook};
use crate::account::{intraday, Bracket};
use crate::intent;
use crate::risk::{self, AccountView, OrderRequest, ReasonCode, Rejection, RiskGate};
use crate::strategy::{Signal, Strategy};
use crate::time::{ist_day, TimestampNs};
use crate::types::{
    Bar, ClientOrderId, Fill, Instrument, Order, OrderType, Portfolio, Price, Product, Side,
    Validity,
};

/// One point of the equity curve: mark-to-market equity at a bar's close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EquityPoint {
    /// Bar time, UTC ns.
    pub ts: TimestampNs,
    /// Equity in fixed-point units (1/10 000 rupee; see [`crate::types::PRICE_SCALE`]).
    pub equity: i64,
}

/// What the engine decided about a signal (kept for reports and the backtest/live parity test).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum SignalDecision {
    /// An order was created.
    Order {
        /// The order.
        order: Order,
    },
    /// Risk refused it.
    Rejected {
        /// Why.
        rejection: Rejection,
    },
    /// The position already points the signal's way (or shorting is off): nothing to do.
    NoChange,
}

/// How many signals led to each decision, kept even when the signal log is off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionCounts {
    /// Signals received.
    pub signals: u64,
    /// Orders created.
    pub orders: u64,
    /// Signals that changed nothing.
    pub no_change: u64,
    /// Rejections by reason code, in first-seen order.
    pub rejections: Vec<(ReasonCode, u64)>,
}

impl DecisionCounts {
    fn count(&mut self, decision: &SignalDecision) {
        self.signals += 1;
        match decision {
            SignalDecision::Order { .. } => self.orders += 1,
            SignalDecision::NoChange => self.no_change += 1,
            SignalDecision::Rejected { rejection } => self.count_rejection(rejection.code),
        }
    }

    fn count_rejection(&mut self, code: ReasonCode) {
        match self.rejections.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => self.rejections.push((code, 1)),
        }
    }
}

/// A signal and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalRecord {
    /// The signal.
    pub signal: Signal,
    /// What the engine did with it.
    pub decision: SignalDecision,
    /// For a flip (exit plus new entry in one order) whose entry risk refused: why. The order
    /// then only closes the position.
    pub entry_rejected: Option<Rejection>,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    order: Order,
    stop_loss: Option<Price>,
    take_profit: Option<Price>,
    entering: bool,
    /// IST day of the first bar the order could fill on (DAY validity ends with it).
    day: Option<i64>,
}

/// The backtester, generic over the strategy and the risk gate so tests and benchmarks get
/// static dispatch and the CLI can pass boxed ones.
pub struct Backtester<S: Strategy, R: RiskGate> {
    config: BacktestConfig,
    instrument: Instrument,
    fill_model: FillModel,
    strategy: S,
    risk: R,
    portfolio: Portfolio,
    /// `portfolio.cash` in price units, so marking to market per bar stays integer.
    cash_units: i64,
    pending: Option<Pending>,
    bracket: Bracket,
    next_client_id: u64,
    trades: TradeBook,
    /// Signed position, mirrored from the portfolio for the per-bar path.
    qty: i64,
    metrics: MetricsAccumulator,
    record_curve: bool,
    curve: Vec<EquityPoint>,
    record_signals: bool,
    signals: Vec<SignalRecord>,
    counts: DecisionCounts,
    fills: Vec<Fill>,
    fill_count: u64,
    last_close: Price,
    expired_orders: u64,
    cancelled_orders: u64,
    /// Whether orders are intraday (MIS): square-off rules apply.
    intraday: bool,
    square_offs: u64,
    /// P&L realised net of fees on IST day `realized_day` (the daily loss limit's input).
    realized_today: Decimal,
    realized_day: i64,
}

impl<S: Strategy, R: RiskGate> Backtester<S, R> {
    /// A backtester for `instrument` starting with `config.initial_cash`.
    pub fn new(
        config: BacktestConfig,
        instrument: Instrument,
        strategy: S,
        risk: R,
    ) -> Backtester<S, R> {
        let portfolio = Portfolio::new(config.initial_cash, instrument.id.0 as usize + 1);
        let cash_units = to_units(config.initial_cash);
        let config_cash = config.initial_cash;
        let intraday = config.product == Product::Mis;
        let fill_model = FillModel {
            slippage_ticks: config.slippage_ticks,
            tick: instrument.tick_size,
        };
        Backtester {
            config,
            instrument,
            fill_model,
            strategy,
            risk,
            portfolio,
            cash_units,
            pending: None,
            bracket: Bracket::default(),
            next_client_id: 1,
            trades: TradeBook::default(),
            qty: 0,
            metrics: MetricsAccumulator::new(config_cash),
            record_curve: true,
            curve: Vec::new(),
            record_signals: true,
            signals: Vec::new(),
            counts: DecisionCounts::default(),
            fills: Vec::new(),
            fill_count: 0,
            last_close: Price::ZERO,
            expired_orders: 0,
            cancelled_orders: 0,
            intraday,
            square_offs: 0,
            realized_today: Decimal::ZERO,
            realized_day: i64::MIN,
        }
    }

    /// Reserves room for `bars` equity points (avoids regrowing the curve on big files).
    pub fn reserve(&mut self, bars: usize) {
        if self.record_curve {
            self.curve.reserve(bars);
        }
    }

    /// Whether to keep the per-bar equity curve (on by default). Metrics never need it; only
    /// `equity.csv` and the chart do, so sweeps turn it off and save 16 bytes per bar per run.
    pub fn record_curve(mut self, record: bool) -> Self {
        self.record_curve = record;
        self
    }

    /// Whether to keep every signal with its decision, and every fill (on by default;
    /// `signals.csv` and the backtest/live parity test read them). Counts and fees are kept
    /// either way.
    pub fn record_signals(mut self, record: bool) -> Self {
        self.record_signals = record;
        self
    }

    /// Runs every bar of `bars` and returns the result.
    pub fn run(mut self, bars: impl IntoIterator<Item = Bar>) -> BacktestResult {
        for bar in bars {
            self.on_bar(&bar);
        }
        self.finish()
    }

    /// Runs every bar of an in-memory slice (sweeps, benchmarks): the same as [`Backtester::run`],
    /// with the next bars requested from memory ahead of use, since a long slice does not fit in cache.
    pub fn run_slice(mut self, bars: &[Bar]) -> BacktestResult {
        const AHEAD: usize = 16;
        for (i, bar) in bars.iter().enumerate() {
            if let Some(next) = bars.get(i + AHEAD) {
                prefetch(next);
            }
            self.on_bar(bar);
        }
        self.finish()
    }

    /// Processes one bar (bars must come in time order; the readers validate that).
    ///
    /// Kept small enough to inline into callers' loops: everything that happens on a minority of
    /// bars (fills, brackets, signals) lives in out-of-line functions.
    #[inline(always)]
    pub fn on_bar(&mut self, bar: &Bar) {
        if self.intraday && (self.qty != 0 || self.pending.is_some()) {
            self.enforce_intraday(bar);
        }
        let limit_entry = if self.pending.is_some() {
            self.fill_pending(bar)
        } else {
            None
        };
        if self
            .bracket
            .watches(self.qty, self.config.trailing_stop_bps)
        {
            match limit_entry {
                // The position began inside this bar at the limit: nothing before that counts.
                Some(fill) => self.check_bracket(&Bar { open: fill, ..*bar }, false),
                None => self.check_bracket(bar, true),
            }
        }
        let qty = self.qty;
        self.last_close = bar.close;
        let equity = mark_units(self.cash_units, qty, bar.close);
        self.metrics.on_bar(bar.ts, equity, qty != 0);
        if self.record_curve {
            self.curve.push(EquityPoint { ts: bar.ts, equity });
        }
        if let Some(signal) = self.strategy.on_bar(self.instrument.id, bar) {
            self.on_signal(signal, bar);
        }
    }

    /// Squares off any open position at the last bar's close (a market exit through the
    /// commission model), e.g. at the end of a walk-forward window.
    pub fn close_out(&mut self) {
        if self.qty == 0 {
            return;
        }
        self.square_off(self.last_close, self.metrics.last_ts());
        self.metrics.restate_last(self.cash_units);
        if let Some(last) = self.curve.last_mut() {
            last.equity = self.cash_units;
        }
    }

    /// Shows `bar` to the strategy only, to warm up its indicators before the traded period
    /// (walk-forward test windows); signals are discarded and nothing is traded or recorded.
    pub fn warm_up(&mut self, bar: &Bar) {
        let _ = self.strategy.on_bar(self.instrument.id, bar);
    }

    /// Ends the run: a pending order is dropped (there is no next bar to fill it).
    pub fn finish(self) -> BacktestResult {
        let final_equity = self.portfolio.equity(&self.marks());
        let fees_paid = self.portfolio.fees_paid;
        let trades = self.trades.into_all();
        let bars = self.metrics.bars() as usize;
        BacktestResult {
            metrics: self.metrics.finish(&trades),
            bars,
            instrument: self.instrument,
            strategy: self.strategy.name(),
            config: self.config,
            curve: self.curve,
            trades,
            signals: self.signals,
            counts: self.counts,
            fills: self.fills,
            fill_count: self.fill_count,
            fees_paid,
            final_equity,
            expired_orders: self.expired_orders,
            cancelled_orders: self.cancelled_orders,
            square_offs: self.square_offs,
        }
    }

    #[inline]
    fn position_qty(&self) -> i64 {
        self.qty
    }

    fn marks(&self) -> Vec<Price> {
        vec![self.last_close; self.portfolio.positions.len()]
    }

    /// Intraday (MIS) rules: a position still open from an earlier IST day is squared off at that
    /// day's last close; from 15:20 IST the position is squared off at the bar's open and no
    /// entry fills.
    #[inline(never)]
    fn enforce_intraday(&mut self, bar: &Bar) {
        let last_ts = self.metrics.last_ts();
        if self.qty != 0 && self.metrics.bars() > 0 && ist_day(bar.ts) != ist_day(last_ts) {
            self.square_off(self.last_close, last_ts);
        }
        if intraday::entries_closed(bar.ts) {
            if self.qty != 0 {
                let exit_side = if self.qty > 0 { Side::Sell } else { Side::Buy };
                match self.fill_model.market(exit_side, bar) {
                    Some(price) => self.square_off(price, bar.ts),
                    None => self.counts.count_rejection(risk::PRICE_OUT_OF_RANGE),
                }
            }
            if self.pending.is_some_and(|p| p.entering) {
                self.pending = None;
                self.expired_orders += 1;
            }
        }
    }

    /// Closes the whole position at `price` with a market order, dropping its bracket and any
    /// resting order.
    fn square_off(&mut self, price: Price, ts: TimestampNs) {
        let qty = self.qty;
        let exit_side = if qty > 0 { Side::Sell } else { Side::Buy };
        let order = self.new_order(exit_side, qty.abs(), ts);
        if !self.execute(order, price, ts) {
            return; // refused: the position stays, with its bracket
        }
        self.bracket = Bracket::default();
        if self.pending.take().is_some() {
            self.cancelled_orders += 1;
        }
        self.square_offs += 1;
    }

    /// Fills the pending order if `bar` reaches it; returns the price when a *limit* order
    /// opened a position inside the bar (the bracket check must then start from that price).
    #[inline(never)]
    fn fill_pending(&mut self, bar: &Bar) -> Option<Price> {
        let p = self.pending?;
        let price = match p.order.order_type {
            OrderType::Market => match self.fill_model.market(p.order.side, bar) {
                Some(price) => Some(price),
                None => {
                    self.refuse_pending(risk::PRICE_OUT_OF_RANGE);
                    return None;
                }
            },
            OrderType::Limit => {
                let today = ist_day(bar.ts);
                // DAY validity runs from the first bar the order could fill on.
                let day = p.day.unwrap_or(today);
                if let Some(pending) = self.pending.as_mut() {
                    pending.day = Some(day);
                }
                if p.order.validity == Validity::Day && today != day {
                    self.pending = None;
                    self.expired_orders += 1;
                    return None;
                }
                p.order
                    .limit_price
                    .and_then(|limit| self.fill_model.limit(p.order.side, limit, bar))
            }
            // Signals create only market and limit entries; stops live in the bracket.
            OrderType::StopLoss | OrderType::StopLossMarket => None,
        };
        let price = price?;
        self.pending = None;
        if !self.execute(p.order, price, bar.ts) {
            self.cancelled_orders += 1;
            return None;
        }
        self.bracket = if p.entering {
            let mut bracket = Bracket::armed(p.stop_loss, p.take_profit);
            bracket.start(price);
            bracket
        } else {
            Bracket::default()
        };
        (p.entering && p.order.order_type == OrderType::Limit).then_some(price)
    }

    /// Exits the position if `bar` reached its stop or (when `target_allowed`) its target.
    #[inline(never)]
    fn check_bracket(&mut self, bar: &Bar, target_allowed: bool) {
        let qty = self.position_qty();
        if qty == 0 {
            self.bracket = Bracket::default();
            return;
        }
        let side = if qty > 0 { Side::Buy } else { Side::Sell };
        let trailing = self.config.trailing_stop_bps;
        let stop = self
            .bracket
            .protective_level(qty, trailing)
            .and_then(|(level, _)| self.fill_model.stop(side, level, bar));
        let target = self.bracket.levels().1.filter(|_| target_allowed);
        if stop == Some(None) {
            // Hit, but slippage takes the fill out of range: the stop stays for the next bar.
            return self.counts.count_rejection(risk::PRICE_OUT_OF_RANGE);
        }
        let stop = stop.flatten();
        let exit = stop.or_else(|| target.and_then(|t| self.fill_model.target(side, t, bar)));
        if let Some(price) = exit {
            let order_type = if stop.is_some() {
                OrderType::StopLossMarket
            } else {
                OrderType::Limit
            };
            let mut order = self.new_order(side.opposite(), qty.abs(), bar.ts);
            order.order_type = order_type;
            if !self.execute(order, price, bar.ts) {
                return; // refused: the bracket stays for the next bar
            }
            self.bracket = Bracket::default();
            // A pending entry/exit decided earlier no longer matches the position.
            if self.pending.take().is_some() {
                self.cancelled_orders += 1;
            }
        } else {
            // The position lived through the bar: a trailing stop follows its best price.
            self.bracket.note_bar(qty, bar.high, bar.low);
        }
    }

    #[inline(never)]
    fn on_signal(&mut self, signal: Signal, bar: &Bar) {
        // A new signal supersedes any order still resting from an earlier one.
        if self.pending.take().is_some() {
            self.cancelled_orders += 1;
        }
        let qty = self.position_qty();
        let Some(purpose) = intent::purpose(signal.side, qty, self.config.allow_short) else {
            self.record(signal, SignalDecision::NoChange);
            return;
        };
        let reference_price = signal.entry.unwrap_or(bar.close);
        let equity = Decimal::new(mark_units(self.cash_units, qty, bar.close), 4);
        let position = self.portfolio.position(self.instrument.id);
        let account = AccountView {
            instrument: &self.instrument,
            position_qty: qty,
            cash: self.portfolio.cash,
            equity,
            last_trade_price: Some(bar.close),
            realized_pnl_today: self.realized_on(ist_day(bar.ts)),
            unrealized_pnl: position.unrealized(bar.close),
            gross_exposure: bar.close.notional(qty.abs()),
        };
        // One order: an entry (which may first close the opposite position), or an exit alone.
        let request = OrderRequest {
            side: signal.side,
            purpose,
            reference_price,
            stop_loss: signal.stop_loss,
            ts: signal.ts,
        };
        let approved = match intent::review(&mut self.risk, &request, &account) {
            Ok(approved) => approved,
            Err(rejection) => return self.reject(signal, rejection),
        };
        let entering = approved.enters(&request);
        let intent::Approved {
            qty: total,
            entry_rejected,
        } = approved;
        let mut order = self.new_order(signal.side, total, bar.ts);
        if let Some(limit) = signal.entry {
            order.order_type = OrderType::Limit;
            order.limit_price = Some(limit);
        }
        let tick = self.instrument.tick_size;
        self.pending = Some(Pending {
            order,
            stop_loss: signal.stop_loss.map(|p| p.round_to_tick(tick)),
            take_profit: signal.take_profit.map(|p| p.round_to_tick(tick)),
            entering,
            day: None,
        });
        if let Some(rejection) = &entry_rejected {
            self.counts.count_rejection(rejection.code);
        }
        self.counts.count(&SignalDecision::Order { order });
        if self.record_signals {
            self.signals.push(SignalRecord {
                signal,
                decision: SignalDecision::Order { order },
                entry_rejected,
            });
        }
    }

    fn reject(&mut self, signal: Signal, rejection: Rejection) {
        self.record(signal, SignalDecision::Rejected { rejection });
    }

    fn record(&mut self, signal: Signal, decision: SignalDecision) {
        self.counts.count(&decision);
        if self.record_signals {
            self.signals.push(SignalRecord {
                signal,
                decision,
                entry_rejected: None,
            });
        }
    }

    fn new_order(&mut self, side: Side, qty: i64, ts: TimestampNs) -> Order {
        let id = ClientOrderId(self.next_client_id);
        self.next_client_id += 1;
        Order::market(id, self.instrument.id, side, qty, self.config.product, ts)
    }

    /// P&L realised (net of fees) on IST day `day`, for the daily loss limit.
    fn realized_on(&self, day: i64) -> Decimal {
        if day == self.realized_day {
            self.realized_today
        } else {
            Decimal::ZERO
        }
    }

    /// Drops the pending order as cancelled and counts why.
    fn refuse_pending(&mut self, code: ReasonCode) {
        self.pending = None;
        self.cancelled_orders += 1;
        self.counts.count_rejection(code);
    }

    /// Books `order` filled at `price`; `false` (nothing booked, `ORDER_VALUE_OVERFLOW` counted)
    /// when its value or the cash after it leaves the fixed-point range.
    fn execute(&mut self, order: Order, price: Price, ts: TimestampNs) -> bool {
        let value_units = price.0.checked_mul(order.side.sign() * order.qty);
        let Some(cash_after) = value_units.and_then(|v| self.cash_units.checked_sub(v)) else {
            self.counts.count_rejection(risk::ORDER_VALUE_OVERFLOW);
            return false;
        };
        let Charges { total: fees, .. } = self.config.commission.charges(
            order.side,
            order.product,
            self.instrument.exchange,
            price,
            order.qty,
        );
        let fill = Fill {
            client_id: order.client_id,
            instrument: order.instrument,
            side: order.side,
            qty: order.qty,
            price,
            ts,
            fees,
        };
        let before = self.position_qty();
        let realized = self.portfolio.apply(&fill) - fees;
        let day = ist_day(ts);
        self.realized_today = self.realized_on(day) + realized;
        self.realized_day = day;
        self.qty = self.portfolio.positions[self.instrument.id.0 as usize].qty;
        // Integer mirror of the cash: exact, because fees are whole paise.
        let fee_units = if fees.is_zero() { 0 } else { to_units(fees) };
        self.cash_units = cash_after.saturating_sub(fee_units);
        debug_assert_eq!(self.cash_units, to_units(self.portfolio.cash));
        self.trades.record(&fill, before);
        self.fill_count += 1;
        if self.record_signals {
            self.fills.push(fill);
        }
        true
    }
}

/// Hints the CPU to start loading `bar` into cache.
#[inline(always)]
fn prefetch(bar: &Bar) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults or changes memory, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            (bar as *const Bar).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bar;
}

/// Cash plus `qty` shares at `close`, in fixed-point units, clamped to the `i64` range: a mark
/// beyond it (absurd prices on a large position) reports the bound rather than overflowing.
#[inline]
fn mark_units(cash_units: i64, qty: i64, close: Price) -> i64 {
    let exact = i128::from(cash_units) + i128::from(qty) * i128::from(close.0);
    exact.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Rupees to fixed-point units; cash stays on the 1/10 000 grid because fees are whole paise.
fn to_units(rupees: Decimal) -> i64 {
    Price::from_decimal(rupees).map_or(i64::MAX, |p| p.0)
}

//! Performance statistics of a backtest, with their formulas.
//!
//! Let `E₀` be the initial cash, `E_T` the final equity, and `r_d` the daily returns: the equity at
//! the last bar of each IST trading day over the previous day's (the first day over `E₀`).
//! `N = 252` trading days per year; the risk-free rate is 0.
//!
//! | metric | formula |
//! | --- | --- |
//! | `total_return` | `E_T / E₀ − 1` |
//! | `cagr` | `(E_T / E₀)^(1 / years) − 1`, years = (last bar − first bar) / 365.25 days |
//! | `annual_volatility` | `stdev(r_d) · √N` (sample standard deviation) |
//! | `sharpe` | `mean(r_d) / stdev(r_d) · √N` |
//! | `sortino` | `mean(r_d) / √(mean(min(r_d, 0)²)) · √N` |
//! | `max_drawdown` | `max over bars of (peak − E_t) / peak`, peak = highest equity so far |
//! | `max_drawdown_value` | rupee depth `peak − E_t` at that deepest point |
//! | `max_drawdown_duration_*` | longest stretch from a peak to the last bar before equity regains it (or the last bar) |
//! | `calmar` | `cagr / max_drawdown` |
//! | `win_rate` | closed trades with net P&L > 0 / closed trades |
//! | `profit_factor` | Σ winning P&L / \|Σ losing P&L\| |
//! | `avg_win`, `avg_loss` | mean net P&L of winning / losing closed trades |
//! | `exposure` | bars ending with an open position / bars |
//!
//! A metric that is undefined (no trades, zero volatility, fewer than two days of data) is `null`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::result::units_to_rupees;
use super::{EquityPoint, Trade};
use crate::time::{ist_day, ist_midnight, TimestampNs, NANOS_PER_DAY, NANOS_PER_SEC};
use crate::types::PRICE_SCALE;

/// Trading days per year used for annualising.
pub const TRADING_DAYS_PER_YEAR: f64 = 252.0;

/// The statistics of one run (see the module docs for formulas).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Final over initial equity, minus one.
    pub total_return: f64,
    /// Compound annual growth rate.
    pub cagr: Option<f64>,
    /// Annualised volatility of daily returns.
    pub annual_volatility: Option<f64>,
    /// Annualised Sharpe ratio of daily returns (risk-free 0).
    pub sharpe: Option<f64>,
    /// Annualised Sortino ratio of daily returns.
    pub sortino: Option<f64>,
    /// CAGR over maximum drawdown.
    pub calmar: Option<f64>,
    /// Deepest peak-to-trough fall, as a fraction of the peak.
    pub max_drawdown: f64,
    /// Rupee depth of that fall.
    pub max_drawdown_value: Decimal,
    /// Longest time under water, seconds.
    pub max_drawdown_duration_s: i64,
    /// Longest time under water, bars.
    pub max_drawdown_duration_bars: u64,
    /// Fraction of closed trades that made money.
    pub win_rate: Option<f64>,
    /// Gross profit over gross loss.
    pub profit_factor: Option<f64>,
    /// Mean P&L of winning trades, rupees.
    pub avg_win: Option<Decimal>,
    /// Mean P&L of losing trades, rupees.
    pub avg_loss: Option<Decimal>,
    /// Fraction of bars with a position.
    pub exposure: f64,
    /// Closed trades.
    pub trade_count: usize,
    /// Trading days in the data.
    pub days: usize,
}

impl Metrics {
    /// Computes every metric from a recorded curve and the trades.
    pub fn compute(
        curve: &[EquityPoint],
        trades: &[Trade],
        initial_cash: Decimal,
        bars_in_market: u64,
    ) -> Metrics {
        let mut acc = MetricsAccumulator::new(initial_cash);
        for p in curve {
            acc.on_bar(p.ts, p.equity, false);
        }
        acc.bars_in_market = bars_in_market;
        acc.finish(trades)
    }
}

/// Metrics computed on the fly, bar by bar, so a run needs no stored curve: integer comparisons
/// per bar, one push per IST day.
#[derive(Clone, Debug)]
pub struct MetricsAccumulator {
    initial: Decimal,
    bars: u64,
    bars_in_market: u64,
    first_ts: TimestampNs,
    last_ts: TimestampNs,
    last_equity: i64,
    /// Equity at the last bar of each finished IST day.
    day_closes: Vec<i64>,
    /// UTC ns at which the current IST day ends.
    day_end: TimestampNs,
    peak: i64,
    peak_ts: TimestampNs,
    peak_bar: u64,
    /// Deepest drawdown as the fraction `depth_num / depth_den` (kept exact, compared by
    /// cross-multiplication so no division happens per bar).
    depth_num: i64,
    depth_den: i64,
    duration_ns: i64,
    duration_bars: u64,
}

impl MetricsAccumulator {
    /// An empty accumulator for an account starting with `initial_cash`.
    pub fn new(initial_cash: Decimal) -> MetricsAccumulator {
        MetricsAccumulator {
            initial: initial_cash,
            bars: 0,
            bars_in_market: 0,
            first_ts: 0,
            last_ts: 0,
            last_equity: 0,
            day_closes: Vec::new(),
            day_end: TimestampNs::MIN,
            peak: i64::MIN,
            peak_ts: 0,
            peak_bar: 0,
            depth_num: 0,
            depth_den: 1,
            duration_ns: 0,
            duration_bars: 0,
        }
    }

    /// Records equity (fixed-point units) at a bar's close.
    #[inline]
    pub fn on_bar(&mut self, ts: TimestampNs, equity: i64, in_market: bool) {
        if ts >= self.day_end {
            if self.bars > 0 {
                self.day_closes.push(self.last_equity);
            } else {
                self.first_ts = ts;
            }
            self.day_end = ist_midnight(ist_day(ts) + 1);
        }
        self.bars += 1;
        self.bars_in_market += in_market as u64;
        self.last_ts = ts;
        self.track(ts, equity);
    }

    /// Replaces the last bar's equity (a position squared off at that bar's close after it was
    /// recorded, e.g. at the end of a walk-forward window).
    pub fn restate_last(&mut self, equity: i64) {
        self.track(self.last_ts, equity);
    }

    /// Time of the last bar recorded.
    pub fn last_ts(&self) -> TimestampNs {
        self.last_ts
    }

    #[inline(always)]
    fn track(&mut self, ts: TimestampNs, equity: i64) {
        self.last_equity = equity;
        if equity >= self.peak {
            self.peak = equity;
            self.peak_ts = ts;
            self.peak_bar = self.bars;
            return;
        }
        let fall = self.peak - equity;
        if self.peak > 0
            && (fall as i128) * (self.depth_den as i128)
                > (self.depth_num as i128) * (self.peak as i128)
        {
            self.depth_num = fall;
            self.depth_den = self.peak;
        }
        self.duration_ns = self.duration_ns.max(ts - self.peak_ts);
        self.duration_bars = self.duration_bars.max(self.bars - self.peak_bar);
    }

    /// Bars recorded so far.
    pub fn bars(&self) -> u64 {
        self.bars
    }

    /// The metrics of everything recorded, with `trades` for the trade statistics.
    pub fn finish(mut self, trades: &[Trade]) -> Metrics {
        if self.bars == 0 {
            return Metrics::default();
        }
        self.day_closes.push(self.last_equity);
        let initial = self.initial.to_f64().unwrap_or(0.0);
        let rupees = |units: i64| units as f64 / PRICE_SCALE as f64;
        let final_equity = rupees(self.last_equity);
        let total_return = if initial > 0.0 {
            final_equity / initial - 1.0
        } else {
            0.0
        };
        let years = (self.last_ts - self.first_ts) as f64 / (365.25 * NANOS_PER_DAY as f64);
        // Annualising less than two days of data gives meaningless numbers: leave CAGR undefined.
        let enough = self.day_closes.len() >= 2;
        let cagr = (enough && years > 0.0 && initial > 0.0 && final_equity > 0.0)
            .then(|| (final_equity / initial).powf(1.0 / years) - 1.0);

        let mut previous = initial;
        let mut daily = Vec::with_capacity(self.day_closes.len());
        for close in &self.day_closes {
            let equity = rupees(*close);
            if previous > 0.0 {
                daily.push(equity / previous - 1.0);
            }
            previous = equity;
        }
        let (vol, sharpe, sortino) = annualised(&daily);
        let depth = self.depth_num as f64 / self.depth_den as f64;
        let calmar = cagr.filter(|_| depth > 0.0).map(|c| c / depth);

        let closed: Vec<Decimal> = trades.iter().filter_map(|t| t.pnl).collect();
        let wins: Vec<Decimal> = closed
            .iter()
            .copied()
            .filter(|p| *p > Decimal::ZERO)
            .collect();
        let losses: Vec<Decimal> = closed
            .iter()
            .copied()
            .filter(|p| *p < Decimal::ZERO)
            .collect();
        let sum = |v: &[Decimal]| v.iter().copied().sum::<Decimal>();
        let mean = |v: &[Decimal]| {
            (!v.is_empty()).then(|| {
                (sum(v) / Decimal::from(v.len()))
                    .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            })
        };
        Metrics {
            total_return,
            cagr,
            annual_volatility: vol,
            sharpe,
            sortino,
            calmar,
            max_drawdown: depth,
            max_drawdown_value: units_to_rupees(self.depth_num),
            max_drawdown_duration_s: self.duration_ns / NANOS_PER_SEC,
            max_drawdown_duration_bars: self.duration_bars,
            win_rate: (!closed.is_empty()).then(|| wins.len() as f64 / closed.len() as f64),
            profit_factor: (!losses.is_empty())
                .then(|| (sum(&wins) / -sum(&losses)).to_f64().unwrap_or(0.0)),
            avg_win: mean(&wins),
            avg_loss: mean(&losses),
            exposure: self.bars_in_market as f64 / self.bars as f64,
            trade_count: closed.len(),
            days: self.day_closes.len(),
        }
    }
}

/// (volatility, Sharpe, Sortino), annualised; `None` where undefined.
fn annualised(daily: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    if daily.len() < 2 {
        return (None, None, None);
    }
    let n = daily.len() as f64;
    let mean = daily.iter().sum::<f64>() / n;
    let var = daily.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let sd = var.sqrt();
    let downside = (daily.iter().map(|r| r.min(0.0).powi(2)).sum::<f64>() / n).sqrt();
    let ann = TRADING_DAYS_PER_YEAR.sqrt();
    (
        Some(sd * ann),
        (sd > 0.0).then(|| mean / sd * ann),
        (downside > 0.0).then(|| mean / downside * ann),
    )
}

/// The running drawdown fraction at every point of a recorded curve (for `equity.csv` and the chart).
pub fn drawdown_series(curve: &[EquityPoint]) -> impl Iterator<Item = f64> + '_ {
    let mut peak = i64::MIN;
    curve.iter().map(move |p| {
        peak = peak.max(p.equity);
        if peak > 0 {
            (peak - p.equity) as f64 / peak as f64
        } else {
            0.0
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_MINUTE;

    fn curve(values: &[i64], step: i64) -> Vec<EquityPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| EquityPoint {
                ts: i as i64 * step,
                equity: v * 10_000,
            })
            .collect()
    }

    #[test]
    fn drawdown_depth_value_and_duration() {
        let c = curve(&[100, 120, 90, 110, 125, 100, 100], NANOS_PER_MINUTE);
        let m = Metrics::compute(&c, &[], Decimal::from(100), 0);
        assert_eq!(m.max_drawdown, 0.25);
        assert_eq!(m.max_drawdown_value, Decimal::from(30));
        // Under water from bar 1 (peak 120) to bar 3, and from bar 4 (peak 125) to the end (bar 6).
        assert_eq!(m.max_drawdown_duration_bars, 2);
        assert_eq!(m.max_drawdown_duration_s, 120);
        let series: Vec<f64> = drawdown_series(&c).collect();
        assert_eq!(series[2], 0.25);
        assert_eq!(series[4], 0.0);
    }

    #[test]
    fn daily_figures_follow_the_documented_formulas() {
        // Three days, one bar each: 100 → 110 → 99 from initial 100.
        let c = curve(&[100, 110, 99], NANOS_PER_DAY);
        let m = Metrics::compute(&c, &[], Decimal::from(100), 2);
        assert!((m.total_return - (-0.01)).abs() < 1e-15);
        assert_eq!(m.days, 3);
        let r = [0.0, 0.1, 99.0 / 110.0 - 1.0];
        let mean = r.iter().sum::<f64>() / 3.0;
        let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        assert!((m.sharpe.unwrap() - mean / sd * 252f64.sqrt()).abs() < 1e-12);
        let downside = ((99.0f64 / 110.0 - 1.0).powi(2) / 3.0).sqrt();
        assert!((m.sortino.unwrap() - mean / downside * 252f64.sqrt()).abs() < 1e-12);
        assert!((m.exposure - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(m.win_rate, None);
        let years = 2.0 / 365.25;
        assert!((m.cagr.unwrap() - (0.99f64.powf(1.0 / years) - 1.0)).abs() < 1e-12);
    }
}

//! What the benchmark's engine thread does per tick, the same for the runtime and the baseline:
//! per-instrument SMA(10)/SMA(30) on 1-tick "bars", a [`PreTradeRisk`] review on a signal (fixed 10
//! shares, default limits, long-only CNC; an approved review counts as an order intent), then the
//! tick → decision latency into a histogram. Also the synthetic feed it runs on.

use hdrhistogram::Histogram;
use sharewise_actors::{Actor, Ctx, MonoClock};
use sharewise_engine::risk::{AccountView, OrderRequest, Purpose, RiskGate};
use sharewise_engine::strategy::{ExitRules, SmaCross, Strategy};
use sharewise_engine::types::{Bar, Instrument, InstrumentId, Price, Product, Side, Tick};
use sharewise_engine::Decimal;
use sharewise_risk::{Limits, PreTradeRisk, Sizing};

use super::Latency;

/// Instruments in the synthetic feed.
pub const INSTRUMENTS: usize = 10;

/// 60 s: larger samples are clamped.
const MAX_NS: u64 = 60_000_000_000;

/// The synthetic feed: `n` ticks round-robin over [`INSTRUMENTS`] instruments, each a random walk
/// on the 0.05 grid (xorshift, fixed seed). `ts` is overwritten with the send stamp.
pub fn synthetic_ticks(n: usize) -> Vec<Tick> {
    let grid = Price::from_rupees_paise(0, 5).units();
    let mut prices: Vec<i64> = (0..INSTRUMENTS as i64)
        .map(|i| Price::from_rupees_paise(100 + 50 * i, 0).units())
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut ticks = Vec::with_capacity(n);
    for i in 0..n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let k = i % INSTRUMENTS;
        let step = (state % 5) as i64 - 2; // −2 … +2 grid steps
        prices[k] = (prices[k] + step * grid).max(20 * grid);
        ticks.push(Tick {
            ts: 0,
            instrument: InstrumentId(k as u32),
            price: Price(prices[k]),
            qty: 1 + (state >> 40) as i64 % 100,
        });
    }
    ticks
}

/// An empty latency histogram with every page already touched, so that recording never takes a
/// page fault in the middle of a measurement.
pub(crate) fn histogram() -> Histogram<u64> {
    let mut h = Histogram::new_with_bounds(1, MAX_NS, 3)
        .unwrap_or_else(|e| panic!("histogram bounds: {e}"));
    h.reset();
    h
}

/// The engine-thread work: per-instrument SmaCross(10,30) → PreTradeRisk review → intent count,
/// plus the latency histograms and the span of the ticks it saw.
pub struct DecisionChain {
    clock: MonoClock,
    strategies: Vec<SmaCross>,
    instruments: Vec<Instrument>,
    positions: Vec<i64>,
    risk: PreTradeRisk,
    cash: Decimal,
    pub(crate) decision: Histogram<u64>,
    pub(crate) intent: Histogram<u64>,
    pub(crate) signals: u64,
    pub(crate) reviews: u64,
    pub(crate) intents: u64,
    pub(crate) rejections: u64,
    /// Earliest send stamp seen (the feed's first tick always reaches the chain).
    pub(crate) first_sent: u64,
    /// Latest send stamp seen (so is the newest tick of every instrument).
    pub(crate) last_sent: u64,
    /// Clock when the chain finished its last tick.
    pub(crate) last_done: u64,
}

impl DecisionChain {
    /// A chain timing against `clock` (the one the feed stamps with).
    pub fn new(clock: MonoClock) -> DecisionChain {
        let strategies = (0..INSTRUMENTS)
            .map(|_| {
                SmaCross::new(10, 30, ExitRules::default())
                    .unwrap_or_else(|e| panic!("10 < 30: {e}"))
            })
            .collect();
        DecisionChain {
            clock,
            strategies,
            instruments: (0..INSTRUMENTS as u32)
                .map(|i| Instrument::nse_equity(i, "BENCH"))
                .collect(),
            positions: vec![0; INSTRUMENTS],
            risk: PreTradeRisk::new(Sizing::FixedQty(10), Limits::default(), Product::Cnc),
            cash: Decimal::from(1_000_000_000_i64),
            decision: histogram(),
            intent: histogram(),
            signals: 0,
            reviews: 0,
            intents: 0,
            rejections: 0,
            first_sent: u64::MAX,
            last_sent: 0,
            last_done: 0,
        }
    }

    /// Runs one tick through strategy and risk, then records `now − sent_ns`.
    #[inline]
    pub fn process(&mut self, tick: Tick, sent_ns: u64) {
        let k = tick.instrument.0 as usize;
        let mut intent = false;
        if k < self.strategies.len() {
            let bar = Bar {
                ts: tick.ts,
                open: tick.price,
                high: tick.price,
                low: tick.price,
                close: tick.price,
                volume: tick.qty,
            };
            if let Some(signal) = self.strategies[k].on_bar(tick.instrument, &bar) {
                self.signals += 1;
                intent = self.review(k, signal.side, tick.price, tick.ts);
            }
        }
        let now = self.clock.now_ns();
        let elapsed = now.saturating_sub(sent_ns).clamp(1, MAX_NS);
        self.decision.saturating_record(elapsed);
        if intent {
            self.intent.saturating_record(elapsed);
        }
        self.first_sent = self.first_sent.min(sent_ns);
        self.last_sent = self.last_sent.max(sent_ns);
        self.last_done = now;
    }

    /// Long-only, as the backtester trades: buy when flat, exit on a sell when long.
    fn review(&mut self, k: usize, side: Side, price: Price, ts: i64) -> bool {
        let position = self.positions[k];
        let purpose = match (side, position) {
            (Side::Buy, 0) => Purpose::Enter { closing: 0 },
            (Side::Sell, q) if q > 0 => Purpose::Exit { qty: q },
            _ => return false,
        };
        let request = OrderRequest {
            side,
            purpose,
            reference_price: price,
            stop_loss: None,
            ts,
        };
        let account = AccountView {
            instrument: &self.instruments[k],
            position_qty: position,
            cash: self.cash,
            equity: self.cash,
            last_trade_price: Some(price),
            realized_pnl_today: Decimal::ZERO,
            unrealized_pnl: Decimal::ZERO,
            gross_exposure: Decimal::ZERO,
        };
        self.reviews += 1;
        match self.risk.review(&request, &account) {
            Ok(qty) => {
                self.intents += 1;
                // Assume the intent fills at once so the next signal sees the position.
                self.positions[k] += side.sign() * qty;
                true
            }
            Err(_) => {
                self.rejections += 1;
                false
            }
        }
    }

    /// Wall time from the first tick's send to the end of the last tick's chain, ns.
    pub(crate) fn busy_ns(&self) -> u64 {
        self.last_done.saturating_sub(self.first_sent)
    }

    /// Wall time from the first tick's send to the last one's, ns.
    pub(crate) fn feed_ns(&self) -> u64 {
        self.last_sent.saturating_sub(self.first_sent)
    }

    /// Tick → decision percentiles.
    pub fn decision(&self) -> Latency {
        Latency::of(&self.decision)
    }

    /// Tick → order intent percentiles.
    pub fn intent(&self) -> Latency {
        Latency::of(&self.intent)
    }
}

/// The runtime's engine-chain actor: the tick's `ts` carries the feed's send stamp.
pub(crate) struct ChainActor(pub(crate) DecisionChain);

impl Actor for ChainActor {
    type In = Tick;
    type Out = ();
    #[inline]
    fn handle(&mut self, tick: Tick, _ctx: &mut Ctx<'_, ()>) {
        let sent = u64::try_from(tick.ts).unwrap_or(0);
        self.0.process(tick, sent);
    }
}

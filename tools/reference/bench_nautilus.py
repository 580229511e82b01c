#!/usr/bin/env python3
"""Time NautilusTrader on the SMA(10)/SMA(30) cross for one bars file.

Usage: python3 tools/reference/bench_nautilus.py [--mode open|close] FILE

Strategy: long-only, fixed 10 units, cash 1,000,000 INR (CASH account,
NETTING OMS, Equity instrument SYN.XNSE with price precision 2), no fees
(maker/taker fee 0). SMA = nautilus ``SimpleMovingAverage`` (float64,
mean of the window) registered for the bars. Cross rule in float, the same
as backtrader's CrossOver: d = sma10 - sma30, nzd = last non-zero d
(seeded at the first bar where SMA(30) is ready);
up = nzd_prev < 0 and d > 0, down = nzd_prev > 0 and d < 0.

Fill timing. NautilusTrader (checked on 1.221.0) has no venue setting that fills
a market order submitted at a bar's close at the next bar's open. With
``bar_execution=True`` the venue first walks bar t (O->H->L->C), then the
strategy's ``on_bar`` runs, then the queued order is matched against the
L1 book, which is at bar t's close. A latency model only delays the order
to after the next bar has been walked, i.e. to bar t+1's close.
  --mode open (default): next-open fills. For every bar we also feed the
      venue a trade tick at the bar's open price, stamped at the bar's open
      time (bars are stamped ts_event = open, ts_init = open + 60 s, the
      Nautilus convention for execution bars). The stream is
      tick_0, bar_0, tick_1, bar_1, ... . on_bar(t) only stores the signal.
      on_trade_tick(t+1) submits the market order, which is matched at once
      against the book that tick just set, so it fills at open_{t+1}. A cross
      on the last bar has no following tick, so it is dropped.
  --mode close: Nautilus' plain bar execution, bars only. The order from
      on_bar(t) fills at close_t. A cross on the last bar is skipped.
      This mode does not give the same trades as the other peers; it is
      there only for timing.

Final equity = account cash balance (INR) + net position * last close.

elapsed_s: the whole run, as a user would do it once in a fresh process
after the imports: CSV read (pandas), wrangling into Nautilus Bar and
TradeTick objects (BarDataWrangler / TradeTickDataWrangler), engine and
venue setup, engine.run() (including its post-run analysis), and the final
value. run_only_s is engine.run() alone. Logging is set to ERROR.
Prints one JSON line.
"""

import argparse
import json
import os
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd

import nautilus_trader
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.indicators import SimpleMovingAverage
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import Bar, BarType, TradeTick
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
from nautilus_trader.model.instruments import Equity
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.persistence.wranglers import BarDataWrangler, TradeTickDataWrangler
from nautilus_trader.trading.strategy import Strategy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcommon as rc  # noqa: E402

VENUE = Venue("XNSE")
INSTRUMENT_ID = InstrumentId(Symbol("SYN"), VENUE)
BAR_NS = 60_000_000_000  # 1-minute bars


class SmaCrossConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    bar_type: BarType
    qty: int = rc.QTY
    fast: int = rc.FAST
    slow: int = rc.SLOW
    next_open: bool = True
    last_bar_ts_init: int = 0  # used by --mode close to skip a cross on the last bar


class SmaCross(Strategy):
    def __init__(self, config: SmaCrossConfig):
        super().__init__(config)
        self.sma_fast = SimpleMovingAverage(config.fast)
        self.sma_slow = SimpleMovingAverage(config.slow)
        self.qty = Quantity.from_int(config.qty)
        self.nzd = None  # last non-zero sma_fast - sma_slow
        self.pending = None  # OrderSide to submit at the next open
        self.fills = []  # (ts_event ns, is_buy, qty, price)

    def on_start(self):
        self.register_indicator_for_bars(self.config.bar_type, self.sma_fast)
        self.register_indicator_for_bars(self.config.bar_type, self.sma_slow)
        self.subscribe_bars(self.config.bar_type)
        if self.config.next_open:
            self.subscribe_trade_ticks(self.config.instrument_id)

    def on_bar(self, bar: Bar):
        # Indicators registered for this bar type are already updated.
        if not self.sma_slow.initialized:
            return
        d = self.sma_fast.value - self.sma_slow.value
        prev = self.nzd
        if d != 0.0 or prev is None:
            self.nzd = d
        if prev is None:
            return
        side = None
        if self.portfolio.is_flat(self.config.instrument_id):
            if prev < 0.0 and d > 0.0:
                side = OrderSide.BUY
        elif prev > 0.0 and d < 0.0:
            side = OrderSide.SELL
        if side is None:
            return
        if self.config.next_open:
            self.pending = side
        elif bar.ts_init != self.config.last_bar_ts_init:
            self._submit(side)

    def on_trade_tick(self, tick: TradeTick):
        # One tick per bar, at that bar's open: execute the previous bar's signal.
        if self.pending is not None:
            side, self.pending = self.pending, None
            self._submit(side)

    def _submit(self, side):
        order = self.order_factory.market(
            instrument_id=self.config.instrument_id,
            order_side=side,
            quantity=self.qty,
        )
        self.submit_order(order)

    def on_order_filled(self, event):
        self.fills.append((event.ts_event, event.order_side == OrderSide.BUY,
                           int(event.last_qty), float(event.last_px)))


def load(path):
    return pd.read_csv(path, dtype={"ts": np.int64, "open": np.float64, "high": np.float64,
                                    "low": np.float64, "close": np.float64, "volume": np.float64})


def make_instrument():
    return Equity(
        instrument_id=INSTRUMENT_ID,
        raw_symbol=INSTRUMENT_ID.symbol,
        currency=INR,
        price_precision=2,
        price_increment=Price.from_str("0.01"),
        lot_size=Quantity.from_int(1),
        ts_event=0,
        ts_init=0,
        maker_fee=Decimal(0),
        taker_fee=Decimal(0),
    )


def wrangle(df, instrument, bar_type, next_open):
    """Nautilus data list: bars stamped ts_event = open, ts_init = close;
    with next_open, each bar is preceded by a trade tick at its open."""
    ts = df["ts"].to_numpy()
    if len(ts) > 1:
        assert int(np.diff(ts).min()) >= BAR_NS // 1_000_000, "bars must be >= 1 minute apart"
    index = pd.to_datetime(ts, unit="ms", utc=True)
    ohlcv = pd.DataFrame({c: df[c].to_numpy() for c in ("open", "high", "low", "close", "volume")},
                         index=index)
    bars = BarDataWrangler(bar_type, instrument).process(ohlcv, ts_init_delta=BAR_NS)
    if not next_open:
        return bars
    trades = pd.DataFrame({"price": df["open"].to_numpy(), "quantity": df["volume"].to_numpy(),
                           "trade_id": ts}, index=index)
    ticks = TradeTickDataWrangler(instrument).process(trades)
    data = [None] * (2 * len(bars))
    data[0::2] = ticks
    data[1::2] = bars
    return data


def run(df, next_open=True):
    """Returns (strategy, final equity float, cash float, net position, run-only seconds)."""
    instrument = make_instrument()
    bar_type = BarType.from_str(f"{INSTRUMENT_ID}-1-MINUTE-LAST-EXTERNAL")
    data = wrangle(df, instrument, bar_type, next_open)

    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    engine.add_venue(
        venue=VENUE,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=INR,
        starting_balances=[Money(rc.INIT_CASH, INR)],
        bar_execution=True,
        trade_execution=True,
    )
    engine.add_instrument(instrument)
    engine.add_data(data, sort=False)  # already in ts_init order (tick_t, bar_t, tick_t+1, ...)
    last_ts_init = int(df["ts"].iloc[-1]) * 1_000_000 + BAR_NS
    strat = SmaCross(SmaCrossConfig(instrument_id=INSTRUMENT_ID, bar_type=bar_type,
                                    next_open=next_open, last_bar_ts_init=last_ts_init))
    engine.add_strategy(strat)

    t0 = time.perf_counter()
    engine.run()
    run_only = time.perf_counter() - t0

    account = engine.portfolio.account(VENUE)
    cash = account.balance_total(INR).as_double()
    pos = engine.portfolio.net_position(INSTRUMENT_ID)
    value = cash + float(pos) * float(df["close"].iloc[-1])
    engine.dispose()
    return strat, value, cash, pos, run_only


def check_fills(strat, df, next_open, cash):
    """Every fill is at the open (or close) of the bar it is stamped with and
    the account cash equals the cash implied by the fills."""
    ts_ns = df["ts"].to_numpy() * 1_000_000
    px = df["open" if next_open else "close"].to_numpy()
    stamp = ts_ns if next_open else ts_ns + BAR_NS
    implied = float(rc.INIT_CASH)
    for ts_event, is_buy, q, p in strat.fills:
        i = int(np.searchsorted(stamp, ts_event))
        assert i < len(stamp) and stamp[i] == ts_event and abs(px[i] - p) < 1e-9, (ts_event, p)
        implied += -q * p if is_buy else q * p
    assert abs(implied - cash) < 1e-6, (implied, cash)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("open", "close"), default="open",
                    help="open: fill at the next bar's open (default); close: same bar's close")
    ap.add_argument("file")
    args = ap.parse_args()
    next_open = args.mode == "open"

    t0 = time.perf_counter()
    df = load(args.file)
    t_read = time.perf_counter() - t0
    strat, value, cash, pos, run_only = run(df, next_open)
    elapsed = time.perf_counter() - t0

    check_fills(strat, df, next_open, cash)
    n = len(df)
    fills = len(strat.fills)
    print(json.dumps({
        "peer": "nautilus_trader",
        "version": nautilus_trader.__version__,
        "mode": "next_open" if next_open else "same_bar_close",
        "bars": n,
        "elapsed_s": round(elapsed, 3),
        "csv_read_s": round(t_read, 3),
        "run_only_s": round(run_only, 3),
        "bars_per_s": round(n / elapsed, 1),
        "fills": fills,
        "trades": (fills + 1) // 2,
        "final_equity": rc.fmt2(value),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""SMA(10)/SMA(30) cross with backtrader 1.9.78.123 on sma_cross_bars.csv.

Strategy: long-only, fixed 10 units, cash 1,000,000, no commission, no
slippage. ``bt.indicators.CrossOver(sma10, sma30)``; buy(size=10) when flat
and crossover > 0, close() when long and crossover < 0. Orders are default
market orders, filled by the broker at the next bar's open. An order placed
on the last bar never fills. Final equity = broker.getvalue() after the last
bar (cash + position * last close).

backtrader's CrossOver (crossover.py) in floating point:
    d_t   = sma10_t - sma30_t                (SMA = math.fsum(window) / n)
    nzd_t = d_t if d_t != 0 else nzd_{t-1}   (seeded with d at the first bar
                                              where both SMAs exist)
    up_t  = nzd_{t-1} < 0 and sma10_t > sma30_t
    dn_t  = nzd_{t-1} > 0 and sma10_t < sma30_t
i.e. an exact float tie is skipped, the last non-zero difference is
remembered, so touching without crossing is not a signal.

Writes engine/tests/data/peers/backtrader_trades.csv and _summary.json.
"""

import os
import sys

import backtrader as bt
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcommon as rc  # noqa: E402


class SmaCross(bt.Strategy):
    params = dict(fast=rc.FAST, slow=rc.SLOW, qty=rc.QTY, record=True)

    def __init__(self):
        self.sma_fast = bt.indicators.SMA(self.data.close, period=self.p.fast)
        self.sma_slow = bt.indicators.SMA(self.data.close, period=self.p.slow)
        self.crossover = bt.indicators.CrossOver(self.sma_fast, self.sma_slow)
        self.fills = []  # (bar index of the fill, is_buy, size, price)

    def notify_order(self, order):
        if order.status == order.Completed and self.p.record:
            # notifications for a fill arrive before next() of the fill bar
            self.fills.append((len(self.data) - 1, order.isbuy(), order.executed.size, order.executed.price))

    def next(self):
        if not self.position:
            if self.crossover[0] > 0:
                self.buy(size=self.p.qty)
        elif self.crossover[0] < 0:
            self.close()


def load(path):
    df = pd.read_csv(path, dtype={"ts": np.int64, "open": np.float64, "high": np.float64,
                                  "low": np.float64, "close": np.float64, "volume": np.float64})
    return df


def run(df, record=True):
    feed_df = pd.DataFrame(
        {c: df[c].to_numpy() for c in ("open", "high", "low", "close", "volume")},
        index=pd.to_datetime(df["ts"].to_numpy(), unit="ms"),
    )
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=feed_df, openinterest=None))
    cerebro.addstrategy(SmaCross, record=record)
    cerebro.broker.setcash(float(rc.INIT_CASH))
    cerebro.broker.setcommission(commission=0.0)
    strat = cerebro.run()[0]
    return strat, cerebro.broker.getvalue()


def fills_to_trades(fills, ts, opens):
    rows = []
    cur = None
    for idx, is_buy, size, price in fills:
        assert price == opens[idx], (idx, price, opens[idx])  # filled at that bar's open
        if is_buy:
            assert cur is None
            cur = (idx, size, price)
        else:
            assert cur is not None and -size == cur[1]
            e_idx, q, e_px = cur
            rows.append(dict(entry_ts=int(ts[e_idx]), exit_ts=int(ts[idx]), qty=int(q),
                             entry_price=rc.fmt2(e_px), exit_price=rc.fmt2(price),
                             pnl=rc.fmt2((price - e_px) * q)))
            cur = None
    if cur is not None:
        e_idx, q, e_px = cur
        rows.append(dict(entry_ts=int(ts[e_idx]), exit_ts=None, qty=int(q),
                         entry_price=rc.fmt2(e_px), exit_price=None, pnl=None))
    return rows


def main():
    path = rc.CROSS_BARS
    df = load(path)
    strat, value = run(df)
    ts = df["ts"].to_numpy()
    rows = fills_to_trades(strat.fills, ts, df["open"].to_numpy())
    rc.write_trades("backtrader", rows)
    rc.write_summary("backtrader", rc.fmt2(value), len(rows))
    co = np.asarray(strat.crossover.array)
    print("backtrader %s: %d bars, %d up-crosses, %d down-crosses, %d trades, final equity %s"
          % (bt.__version__, len(df), int((co > 0).sum()), int((co < 0).sum()), len(rows), rc.fmt2(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

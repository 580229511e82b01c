#!/usr/bin/env python3
"""SMA(10)/SMA(30) cross with vectorbt on sma_cross_bars.csv.

Signals: pandas ``close.rolling(10).mean()`` / ``rolling(30).mean()``,
``fast.vbt.crossed_above(slow)`` / ``fast.vbt.crossed_below(slow)``, shifted
by one bar so that a cross at bar t's close is executed at bar t+1 with
``price=open`` (a cross on the last bar is shifted out and dropped).
``Portfolio.from_signals(close, entries, exits, price=open, size=10,
init_cash=1_000_000, fees=0)``; default long-only, no accumulation, so an
entry while long / an exit while flat is ignored. Final equity =
``pf.final_value()`` (cash + position * last close).

vectorbt's crossed_above (generic/nb.py, crossed_above_1d_nb, wait=0) in
floating point, per bar after the NaN warm-up:
    fast > slow : signal iff some earlier bar had fast < slow ("was_below")
                  and the previous bar was NOT fast > slow
    fast == slow: no signal, resets the "bars since cross" counter
    fast < slow : no signal, sets was_below
i.e. up_t = fast_t > slow_t and fast_{t-1} <= slow_{t-1} and (exists s < t:
fast_s < slow_s). Unlike backtrader, a touch from above (above, tie, above)
DOES emit a second crossed_above; with long-only gating that extra signal
arrives while already long and is ignored, so trades are unaffected.
crossed_below is the mirror image.

Writes engine/tests/data/peers/vectorbt_trades.csv and _summary.json.
"""

import os
import sys

import numpy as np
import pandas as pd
import vectorbt as vbt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcommon as rc  # noqa: E402


def load(path):
    return pd.read_csv(path, dtype={"ts": np.int64, "open": np.float64, "high": np.float64,
                                    "low": np.float64, "close": np.float64, "volume": np.float64})


def signals(close):
    fast = close.rolling(rc.FAST).mean()
    slow = close.rolling(rc.SLOW).mean()
    up = fast.vbt.crossed_above(slow)
    dn = fast.vbt.crossed_below(slow)
    return fast, slow, up, dn


def run(df):
    close = df["close"]
    open_ = df["open"]
    fast, slow, up, dn = signals(close)
    entries = up.shift(1, fill_value=False).astype(bool)
    exits = dn.shift(1, fill_value=False).astype(bool)
    pf = vbt.Portfolio.from_signals(
        close, entries, exits, price=open_, size=rc.QTY, size_type="amount",
        init_cash=float(rc.INIT_CASH), fees=0.0, direction="longonly",
    )
    return pf, up, dn


def trades_rows(pf, ts):
    rec = pf.trades.values
    rows = []
    for r in rec:
        e_idx = int(r["entry_idx"])
        closed = int(r["status"]) == 1
        q = float(r["size"])
        assert q == rc.QTY
        row = dict(entry_ts=int(ts[e_idx]), qty=int(q), entry_price=rc.fmt2(r["entry_price"]))
        if closed:
            row.update(exit_ts=int(ts[int(r["exit_idx"])]), exit_price=rc.fmt2(r["exit_price"]),
                       pnl=rc.fmt2(r["pnl"]))
        else:
            row.update(exit_ts=None, exit_price=None, pnl=None)
        rows.append(row)
    return rows


def main():
    path = rc.CROSS_BARS
    df = load(path)
    pf, up, dn = run(df)
    rows = trades_rows(pf, df["ts"].to_numpy())
    value = float(pf.final_value())
    rc.write_trades("vectorbt", rows)
    rc.write_summary("vectorbt", rc.fmt2(value), len(rows))
    print("vectorbt %s: %d bars, %d crossed_above, %d crossed_below, %d trades, final equity %s"
          % (vbt.__version__, len(df), int(up.sum()), int(dn.sum()), len(rows), rc.fmt2(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

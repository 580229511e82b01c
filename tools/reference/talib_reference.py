#!/usr/bin/env python3
"""TA-Lib reference outputs for engine/tests/data/ref_bars.csv.

Writes engine/tests/data/talib_ref.csv: column ``ts`` followed by the
indicator columns listed in COLUMNS below. Inputs are read as float64.
Floats are written with repr() (shortest round-trip form), NaN (TA-Lib
lookback period) as an empty cell, candlestick outputs as integers.

Note on candlestick values: TA-Lib's CDLENGULFING and CDLHARAMI return
+-80 (not +-100) when the engulfing/containment is not strict (an open or
close of one candle equals the other's); the values are written unchanged.

``vwap`` is not a TA-Lib function; it is computed here with numpy:
    tp   = (high + low + close) / 3.0                      (float64)
    vwap = cumsum(tp * volume) / cumsum(volume)            (float64)
with both cumulative sums restarting at the first bar of every IST trading
day (IST day = floor((ts_ms + 19_800_000) / 86_400_000)).
"""

import os
import sys

import numpy as np
import pandas as pd
import talib

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(REPO_ROOT, "engine", "tests", "data")
IST_OFFSET_MS = 19_800_000  # +05:30


def session_vwap(ts, high, low, close, volume):
    tp = (high + low + close) / 3.0
    day = (ts + IST_OFFSET_MS) // 86_400_000
    out = np.empty_like(close)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(ts)]
    for s, e in zip(starts, ends):
        pv = np.cumsum(tp[s:e] * volume[s:e])
        vv = np.cumsum(volume[s:e])
        out[s:e] = pv / vv
    return out


def compute(df):
    o = df["open"].to_numpy(dtype=np.float64)
    h = df["high"].to_numpy(dtype=np.float64)
    l = df["low"].to_numpy(dtype=np.float64)
    c = df["close"].to_numpy(dtype=np.float64)
    v = df["volume"].to_numpy(dtype=np.float64)
    ts = df["ts"].to_numpy(dtype=np.int64)

    cols = {}
    cols["sma_20"] = talib.SMA(c, timeperiod=20)
    cols["sma_10"] = talib.SMA(c, timeperiod=10)
    cols["ema_20"] = talib.EMA(c, timeperiod=20)
    cols["ema_5"] = talib.EMA(c, timeperiod=5)
    cols["wma_20"] = talib.WMA(c, timeperiod=20)
    cols["rsi_14"] = talib.RSI(c, timeperiod=14)
    cols["rsi_7"] = talib.RSI(c, timeperiod=7)
    m, s, hst = talib.MACD(c, fastperiod=12, slowperiod=26, signalperiod=9)
    cols["macd_12_26_9"], cols["macdsignal_12_26_9"], cols["macdhist_12_26_9"] = m, s, hst
    u, mid, lo = talib.BBANDS(c, timeperiod=20, nbdevup=2, nbdevdn=2, matype=talib.MA_Type.SMA)
    cols["bbupper_20_2_2"], cols["bbmiddle_20_2_2"], cols["bblower_20_2_2"] = u, mid, lo
    cols["atr_14"] = talib.ATR(h, l, c, timeperiod=14)
    k, d = talib.STOCH(
        h, l, c,
        fastk_period=14,
        slowk_period=3, slowk_matype=talib.MA_Type.SMA,
        slowd_period=3, slowd_matype=talib.MA_Type.SMA,
    )
    cols["stochk_14_3_3"], cols["stochd_14_3_3"] = k, d
    cols["obv"] = talib.OBV(c, v)
    cols["adx_14"] = talib.ADX(h, l, c, timeperiod=14)
    cols["plusdi_14"] = talib.PLUS_DI(h, l, c, timeperiod=14)
    cols["minusdi_14"] = talib.MINUS_DI(h, l, c, timeperiod=14)
    cols["cdl_doji"] = talib.CDLDOJI(o, h, l, c)
    cols["cdl_hammer"] = talib.CDLHAMMER(o, h, l, c)
    cols["cdl_shootingstar"] = talib.CDLSHOOTINGSTAR(o, h, l, c)
    cols["cdl_engulfing"] = talib.CDLENGULFING(o, h, l, c)
    cols["cdl_harami"] = talib.CDLHARAMI(o, h, l, c)
    cols["cdl_morningstar"] = talib.CDLMORNINGSTAR(o, h, l, c, penetration=0.3)
    cols["cdl_eveningstar"] = talib.CDLEVENINGSTAR(o, h, l, c, penetration=0.3)
    cols["vwap"] = session_vwap(ts, h, l, c, v)
    return ts, cols


def fmt_float(x):
    x = float(x)
    return "" if np.isnan(x) else repr(x)


def main():
    src = os.path.join(DATA_DIR, "ref_bars.csv")
    dst = os.path.join(DATA_DIR, "talib_ref.csv")
    df = pd.read_csv(src, dtype={"ts": np.int64, "open": np.float64, "high": np.float64,
                                  "low": np.float64, "close": np.float64, "volume": np.float64})
    ts, cols = compute(df)
    names = list(cols)
    formatters = []
    for n in names:
        if n.startswith("cdl_"):
            formatters.append(lambda x: str(int(x)))
        else:
            formatters.append(fmt_float)
    with open(dst, "w", newline="\n") as f:
        f.write(",".join(["ts"] + names) + "\n")
        arrays = [cols[n].tolist() for n in names]
        for i in range(len(ts)):
            f.write(str(int(ts[i])) + "," + ",".join(fm(a[i]) for fm, a in zip(formatters, arrays)) + "\n")
    print("talib %s (C library %s); wrote %s: %d rows, %d columns"
          % (talib.__version__, getattr(talib, "__ta_version__", b"?").decode(), dst, len(ts), len(names) + 1))
    print("non-zero candlestick signals:")
    ok = True
    for n in names:
        if n.startswith("cdl_"):
            a = np.asarray(cols[n])
            vals = {int(x): int((a == x).sum()) for x in np.unique(a) if x != 0}
            nz = int((a != 0).sum())
            ok &= nz >= 3
            print("  %-18s %5d  %s" % (n, nz, vals))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time vectorbt on the SMA(10)/SMA(30) cross for one bars file.

Usage: python3 tools/reference/bench_vectorbt.py FILE

elapsed_s: whole run as a user would do it once in a fresh process, after
the imports: CSV read (pandas) + rolling means + crossed_above/below +
Portfolio.from_signals + final_value. This includes numba JIT compilation
unless numba's on-disk cache (cache=True functions) is already warm from an
earlier process.
compute_only_s: the same minus the CSV read, data already in memory, after
a warm-up call so JIT compilation is excluded (best of 3).
Prints one JSON line.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vectorbt_sma_cross as vbx  # noqa: E402
import refcommon as rc  # noqa: E402


def compute(df):
    pf, _up, _dn = vbx.run(df)
    return float(pf.final_value()), int(pf.trades.count())


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    t0 = time.perf_counter()
    df = vbx.load(path)
    t_read = time.perf_counter() - t0
    value, trades = compute(df)
    elapsed = time.perf_counter() - t0

    compute(df)  # warm-up (JIT already done above; be explicit anyway)
    best = float("inf")
    for _ in range(3):
        t1 = time.perf_counter()
        v2, _ = compute(df)
        best = min(best, time.perf_counter() - t1)
        assert v2 == value
    n = len(df)
    print(json.dumps({
        "peer": "vectorbt",
        "version": vbx.vbt.__version__,
        "bars": n,
        "elapsed_s": round(elapsed, 3),
        "csv_read_s": round(t_read, 3),
        "bars_per_s": round(n / elapsed, 1),
        "compute_only_s": round(best, 4),
        "compute_only_bars_per_s": round(n / best, 1),
        "trades": trades,
        "final_equity": rc.fmt2(value),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

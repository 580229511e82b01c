#!/usr/bin/env python3
"""Time backtrader on the SMA(10)/SMA(30) cross for one bars file.

Usage: python3 tools/reference/bench_backtrader.py FILE

Timed: CSV read (pandas) + feed construction + SMA 10/30 + CrossOver +
order fills + final broker value, i.e. everything after the imports.
Prints one JSON line.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backtrader_sma_cross as btx  # noqa: E402
import refcommon as rc  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    t0 = time.perf_counter()
    df = btx.load(path)
    t_read = time.perf_counter() - t0
    strat, value = btx.run(df)
    elapsed = time.perf_counter() - t0
    n = len(df)
    print(json.dumps({
        "peer": "backtrader",
        "version": btx.bt.__version__,
        "bars": n,
        "elapsed_s": round(elapsed, 3),
        "csv_read_s": round(t_read, 3),
        "bars_per_s": round(n / elapsed, 1),
        "fills": len(strat.fills),
        "final_equity": rc.fmt2(value),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

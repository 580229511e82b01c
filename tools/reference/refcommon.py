"""Shared helpers for the SMA(10)/SMA(30) cross reference scripts.

Trade list format (engine/tests/data/peers/<name>_trades.csv):
    entry_ts,exit_ts,side,qty,entry_price,exit_price,pnl
``entry_ts``/``exit_ts`` are the epoch-ms timestamps of the bars whose *open*
filled the order. A position still open after the last bar has empty
``exit_ts``, ``exit_price`` and ``pnl``. Prices and pnl have two decimals.

Summary format (engine/tests/data/peers/<name>_summary.json):
    {"final_equity": "<2 decimals>", "trades": <rows in the trade list>}
``final_equity`` = cash + position * last close; ``trades`` counts round
trips including a still-open one.
"""

import json
import os

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(REPO_ROOT, "engine", "tests", "data")
PEERS_DIR = os.path.join(DATA_DIR, "peers")
CROSS_BARS = os.path.join(DATA_DIR, "sma_cross_bars.csv")

FAST, SLOW = 10, 30
QTY = 10
INIT_CASH = 1_000_000

TRADES_HEADER = "entry_ts,exit_ts,side,qty,entry_price,exit_price,pnl"


def fmt2(x):
    """Two-decimal string of a float."""
    s = "%.2f" % x
    return "0.00" if s == "-0.00" else s


def fmt_paise(p):
    sign = "-" if p < 0 else ""
    p = abs(int(p))
    return "%s%d.%02d" % (sign, p // 100, p % 100)


def write_trades(name, rows):
    """rows: list of dicts with keys entry_ts, exit_ts, qty, entry_price,
    exit_price, pnl (strings or None for the open-trade blanks)."""
    os.makedirs(PEERS_DIR, exist_ok=True)
    path = os.path.join(PEERS_DIR, "%s_trades.csv" % name)
    with open(path, "w", newline="\n") as f:
        f.write(TRADES_HEADER + "\n")
        for r in rows:
            f.write(",".join([
                str(r["entry_ts"]),
                "" if r["exit_ts"] is None else str(r["exit_ts"]),
                "BUY",
                str(r["qty"]),
                r["entry_price"],
                "" if r["exit_price"] is None else r["exit_price"],
                "" if r["pnl"] is None else r["pnl"],
            ]) + "\n")
    return path


def write_summary(name, final_equity_str, n_trades):
    os.makedirs(PEERS_DIR, exist_ok=True)
    path = os.path.join(PEERS_DIR, "%s_summary.json" % name)
    with open(path, "w", newline="\n") as f:
        json.dump({"final_equity": final_equity_str, "trades": n_trades}, f)
        f.write("\n")
    return path


def read_trades(name):
    path = os.path.join(PEERS_DIR, "%s_trades.csv" % name)
    with open(path) as f:
        header = f.readline().strip()
        assert header == TRADES_HEADER, header
        out = []
        for line in f:
            e, x, side, q, ep, xp, pnl = line.rstrip("\n").split(",")
            out.append((int(e), int(x) if x else None, side, int(q), ep, xp or None, pnl or None))
    return out


def read_summary(name):
    with open(os.path.join(PEERS_DIR, "%s_summary.json" % name)) as f:
        return json.load(f)

#!/usr/bin/env python3
"""Deterministic synthetic one-minute bars for ShareWise reference tests.

Default mode writes the two committed input files:

  engine/tests/data/ref_bars.csv        5000 bars, price ~1500, candle variety
  engine/tests/data/sma_cross_bars.csv  30000 bars, price ~100, coarse steps so
                                        that SMA10 and SMA30 tie exactly now and then

Bench mode writes a large SMA-cross style file (not committed):

  python3 tools/reference/make_inputs.py --bars 1000000 --out /tmp/bars_1m.csv

File format: header ``ts,open,high,low,close,volume``; ``ts`` is epoch
milliseconds (UTC) of the bar open. Bars follow the NSE cash session
09:15-15:29 IST (03:45-09:59 UTC), 375 bars per day, Monday-Friday (no holiday
calendar), starting Monday 2026-01-05. Every price lies on the 0.05 rupee grid
and is written with exactly two decimals. All arithmetic is done in integer
ticks (1 tick = 0.05 rupee = 5 paise), so the files are bit-for-bit
reproducible from the seeds below.
"""

import argparse
import datetime as dt
import math
import os
import sys

import numpy as np

TICK_PAISE = 5
BARS_PER_DAY = 375
SESSION_OPEN_UTC = dt.time(3, 45)  # 09:15 IST
START_DAY = dt.date(2026, 1, 5)  # a Monday

REF_SEED = 20260105
CROSS_SEED = 777001
BENCH_SEED = 424242

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(REPO_ROOT, "engine", "tests", "data")


# --------------------------------------------------------------------------
# timestamps
# --------------------------------------------------------------------------
def session_timestamps(n_bars):
    """Epoch-ms bar-open timestamps, 375 per weekday starting START_DAY."""
    n_days = (n_bars + BARS_PER_DAY - 1) // BARS_PER_DAY
    day_starts = []
    day = START_DAY
    while len(day_starts) < n_days:
        if day.weekday() < 5:
            t0 = dt.datetime.combine(day, SESSION_OPEN_UTC, tzinfo=dt.timezone.utc)
            day_starts.append(int(t0.timestamp()) * 1000)
        day += dt.timedelta(days=1)
    day_starts = np.asarray(day_starts, dtype=np.int64)
    minute = np.arange(BARS_PER_DAY, dtype=np.int64) * 60_000
    ts = (day_starts[:, None] + minute[None, :]).ravel()
    return ts[:n_bars]


def volume_profile(n_bars, rng, base):
    """U-shaped intraday volume (heavy at open and close) with random spikes."""
    m = np.arange(n_bars) % BARS_PER_DAY
    x = (m - (BARS_PER_DAY - 1) / 2.0) / ((BARS_PER_DAY - 1) / 2.0)  # -1..1
    shape = 0.35 + 1.65 * x * x
    noise = rng.lognormal(mean=0.0, sigma=0.35, size=n_bars)
    spikes = np.where(rng.random(n_bars) < 0.01, rng.uniform(3.0, 8.0, n_bars), 1.0)
    vol = np.maximum(1, np.rint(base * shape * noise * spikes)).astype(np.int64)
    return vol


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
def fmt_ticks(t):
    p = int(t) * TICK_PAISE
    return "%d.%02d" % (p // 100, p % 100)


def write_bars(path, ts, o, h, l, c, v):
    o, h, l, c = (np.asarray(a, dtype=np.int64) for a in (o, h, l, c))
    assert np.all(h >= np.maximum(o, c)) and np.all(l <= np.minimum(o, c))
    assert np.all(l > 0)
    assert np.all(np.diff(ts) > 0)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write("ts,open,high,low,close,volume\n")
        lines = []
        for i in range(len(ts)):
            lines.append(
                "%d,%s,%s,%s,%s,%d\n"
                % (ts[i], fmt_ticks(o[i]), fmt_ticks(h[i]), fmt_ticks(l[i]), fmt_ticks(c[i]), v[i])
            )
            if len(lines) >= 100_000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))


# --------------------------------------------------------------------------
# ref_bars: GBM around 1500 with candlestick variety and planted patterns
# --------------------------------------------------------------------------
def make_ref_bars(n_bars, seed):
    rng = np.random.default_rng(seed)
    p0 = 1500.0 / 0.05  # 30000 ticks
    sigma = 0.00045  # per-minute log vol
    kappa = 0.002  # mean reversion of log price towards log(p0)

    o = np.zeros(n_bars, dtype=np.int64)
    h = np.zeros(n_bars, dtype=np.int64)
    l = np.zeros(n_bars, dtype=np.int64)
    c = np.zeros(n_bars, dtype=np.int64)

    prev_close = int(p0)
    queue = []  # planted bars still to emit: list of (open_off, close_off, up_shadow, lo_shadow)
    i = 0

    def recent_body():
        lo = max(0, i - 10)
        if i - lo == 0:
            return 12
        return max(3, int(np.mean(np.abs(c[lo:i] - o[lo:i]))))

    def shadow(mean):
        return int(rng.geometric(1.0 / (1.0 + mean)) - 1)

    while i < n_bars:
        new_day = i > 0 and i % BARS_PER_DAY == 0

        if not queue and i > 12 and rng.random() < 1.0 / 60.0:
            queue = plant_pattern(rng, recent_body())

        if queue:
            # planted bars are relative to the previous close and ignore the day gap
            oo, cc, us, ls = queue.pop(0)
            op = prev_close + oo
            cl = prev_close + cc
            hi = max(op, cl) + us
            lo_ = min(op, cl) - ls
        else:
            if new_day:
                gap = int(round(rng.normal(0.0, 0.006) * prev_close))
                op = prev_close + gap
            else:
                op = prev_close + int(rng.choice([0, 0, 0, 0, 0, 0, 1, -1, 2, -2]))
            kind = rng.random()
            drift = -kappa * math.log(op / p0)
            ret = rng.normal(drift, sigma)
            body = int(round(op * (math.exp(ret) - 1.0)))
            us = shadow(4.0)
            ls = shadow(4.0)
            b = recent_body()
            if kind < 0.12:  # doji-ish
                body = int(rng.choice([0, 0, 0, 1, -1]))
                us = shadow(1.5 * b)
                ls = shadow(1.5 * b)
            elif kind < 0.18:  # long lower shadow
                body = int(np.sign(body) or 1) * max(1, abs(body) // 3)
                ls = abs(body) * int(rng.integers(2, 5)) + b
                us = int(rng.integers(0, 2))
            elif kind < 0.24:  # long upper shadow
                body = int(np.sign(body) or 1) * max(1, abs(body) // 3)
                us = abs(body) * int(rng.integers(2, 5)) + b
                ls = int(rng.integers(0, 2))
            elif kind < 0.30 and i > 0:  # engulfing reversal of the previous body
                pb = c[i - 1] - o[i - 1]
                if pb != 0:
                    direction = -int(np.sign(pb))
                    op = c[i - 1] + int(rng.choice([0, 1])) * (-direction)
                    body = direction * (abs(pb) + int(rng.integers(1, b + 2)))
            cl = op + body
            hi = max(op, cl) + us
            lo_ = min(op, cl) - ls

        o[i], c[i], h[i], l[i] = op, cl, hi, lo_
        prev_close = cl
        i += 1

    ts = session_timestamps(n_bars)
    v = volume_profile(n_bars, rng, base=4000)
    return ts, o, h, l, c, v


def plant_pattern(rng, b):
    """Bar sequences (offsets in ticks relative to the previous close) shaped
    after the textbook definitions of the candlestick patterns, sized from the
    recent average body b."""
    k = int(rng.integers(0, 7))
    small = max(1, b // 4)
    if k == 0:  # hammer after a long black candle
        return [
            (0, -3 * b, 1, 0),
            (-1, -1 - small, 0, 3 * small + 2 * b),
        ]
    if k == 1:  # shooting star after a long white candle, real body gapping up
        return [
            (0, 3 * b, 0, 1),
            (2, 2 + small, 3 * small + 2 * b, 0),
        ]
    if k == 2:  # morning star
        return [
            (0, -3 * b, 2, 2),
            (-2, -2 - small, 2, 2),
            (1, 2 * b + 2 + small, 2, 2),
        ]
    if k == 3:  # evening star
        return [
            (0, 3 * b, 2, 2),
            (2, 2 + small, 2, 2),
            (-1, -2 * b - 2 - small, 2, 2),
        ]
    if k == 4:  # bearish harami (long white, small black inside)
        return [
            (0, 3 * b, 2, 2),
            (-b, -b - small, 1, 1),
        ]
    if k == 5:  # bullish harami (long black, small white inside)
        return [
            (0, -3 * b, 2, 2),
            (b, b + small, 1, 1),
        ]
    # engulfing pair, random direction
    s = 1 if rng.random() < 0.5 else -1
    return [
        (0, -s * small * 2, 1, 1),
        (-s * 1, s * (b + 1), 1, 1),
    ]


# --------------------------------------------------------------------------
# sma_cross bars: coarse random walk around 100 rupees
# --------------------------------------------------------------------------
def make_cross_bars(n_bars, seed):
    rng = np.random.default_rng(seed)
    p0 = 2000  # 100.00 rupees in ticks
    steps = rng.choice(np.array([-2, -1, 0, 1, 2]), size=n_bars, p=[0.06, 0.22, 0.44, 0.22, 0.06])
    u = rng.random(n_bars)
    gaps = rng.choice(np.array([-1, 0, 0, 0, 0, 0, 0, 1]), size=n_bars)
    c = np.empty(n_bars, dtype=np.int64)
    o = np.empty(n_bars, dtype=np.int64)
    p = p0
    steps_l = steps.tolist()
    u_l = u.tolist()
    gaps_l = gaps.tolist()
    c_l = [0] * n_bars
    o_l = [0] * n_bars
    for i in range(n_bars):
        op = p + gaps_l[i] if i > 0 else p
        st = steps_l[i]
        # gentle pull back towards 100 rupees (probability grows with distance)
        dev = op - p0
        if u_l[i] < min(0.3, abs(dev) / 2000.0):
            st = -1 if dev > 0 else 1
        cl = op + st
        if cl < 200:
            cl = 200
        o_l[i] = op
        c_l[i] = cl
        p = cl
    o[:] = o_l
    c[:] = c_l
    us = rng.geometric(0.6, size=n_bars) - 1
    ls = rng.geometric(0.6, size=n_bars) - 1
    h = np.maximum(o, c) + us
    l = np.minimum(o, c) - ls
    ts = session_timestamps(n_bars)
    v = volume_profile(n_bars, rng, base=300)
    return ts, o, h, l, c, v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bars", type=int, help="bench mode: number of bars (SMA-cross style)")
    ap.add_argument("--out", help="bench mode: output file")
    ap.add_argument("--seed", type=int, default=BENCH_SEED)
    args = ap.parse_args(argv)

    if args.bars is not None or args.out is not None:
        if args.bars is None or args.out is None:
            ap.error("--bars and --out go together")
        write_bars(args.out, *make_cross_bars(args.bars, args.seed))
        print("wrote %s (%d bars)" % (args.out, args.bars))
        return 0

    path = os.path.join(DATA_DIR, "ref_bars.csv")
    write_bars(path, *make_ref_bars(5000, REF_SEED))
    print("wrote %s (5000 bars)" % path)
    path = os.path.join(DATA_DIR, "sma_cross_bars.csv")
    write_bars(path, *make_cross_bars(30000, CROSS_SEED))
    print("wrote %s (30000 bars)" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Zerodha's Python client decoding KiteTicker messages: the peer of
`cargo bench -p sharewise-kite --bench ticker`.

Builds the same messages as the Rust bench (Zerodha's full-mode test packet, 50 per message
with the token, last price and volume varied per packet; the same in quote mode; one full
packet alone) and times `KiteTicker._parse_binary` on them: ns per packet and packets per
second, the median of several rounds. Writes nothing.

    python3.11 -m venv /tmp/kitevenv && /tmp/kitevenv/bin/pip install kiteconnect==5.2.2
    /tmp/kitevenv/bin/python tools/reference/bench_kite_ticker.py
"""

import pathlib
import statistics
import struct
import time

from kiteconnect import KiteTicker

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "brokers/kite/tests/fixtures/ticker_full.bin"


def packets(base: bytes, n: int, quote_only: bool) -> list:
    """`n` packets like `base`, each with its own token, last price and volume (as the Rust bench)."""
    token, ltp = struct.unpack(">II", base[0:8])
    volume = struct.unpack(">I", base[16:20])[0]
    out = []
    for k in range(n):
        p = bytearray(base[:44] if quote_only else base)
        struct.pack_into(">II", p, 0, token + k * 256, ltp + k * 5)
        struct.pack_into(">I", p, 16, volume + k)
        out.append(bytes(p))
    return out


def message(ps: list) -> bytes:
    body = b"".join(struct.pack(">H", len(p)) + p for p in ps)
    return struct.pack(">H", len(ps)) + body


def main() -> None:
    base = FIXTURE.read_bytes()
    ticker = KiteTicker("bench", "bench")
    for name, n, quote in (("full_x50", 50, False), ("quote_x50", 50, True), ("full_x1", 1, False)):
        msg = message(packets(base, n, quote))
        assert len(ticker._parse_binary(msg)) == n
        loops = max(1, 20_000 // n)
        rounds = []
        for _ in range(7):
            t0 = time.perf_counter_ns()
            for _ in range(loops):
                ticker._parse_binary(msg)
            rounds.append((time.perf_counter_ns() - t0) / (loops * n))
        ns = statistics.median(rounds)
        print(f"kite_ticker/{name}/pykiteconnect: {ns:,.0f} ns/packet, {1e9 / ns:,.0f} packets/s")


if __name__ == "__main__":
    main()

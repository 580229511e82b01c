#!/usr/bin/env bash
# Compares the files `sharewise backtest --out` writes with two builds on the same inputs, byte for
# byte (report.json's `elapsed_s` and `bars_per_s` are wall-clock figures and are masked).
#
#   scripts/compare_reports.sh OLD_BINARY NEW_BINARY [WORK_DIR]
#
# Inputs are generated with OLD_BINARY: a 1M-bar epoch-ms file, a volatile ISO-8601 file and a
# small 5-minute one, plus the committed reference bars, under several strategies and options.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
work=${3:-$(mktemp -d)}
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"
cd "$work"
[ -f bars_1m_ms.csv ] || "$old" generate bars --days 2667 --start 2016-01-04 --out bars_1m_ms.csv >/dev/null
[ -f bars_iso.csv ] || "$old" generate bars --days 400 --ts iso --vol 1.5 --drift=-0.5 --symbol VOLA --out bars_iso.csv >/dev/null
[ -f bars_small.csv ] || "$old" generate bars --days 30 --ts iso --interval 5m --vol 3 --drift=-2 --out bars_small.csv >/dev/null

cases=(
    "big|--data bars_1m_ms.csv"
    "big_boll_mis|--data bars_1m_ms.csv --strategy bollinger_breakout --product mis --allow-short --commission zerodha --slippage-ticks 2"
    "iso_short|--data bars_iso.csv --strategy rsi_reversion --product mis --allow-short --commission zerodha --pct-equity 95"
    "iso_macd|--data bars_iso.csv --strategy macd_cross --cash 5000 --qty 3"
    "small_ema|--data bars_small.csv --strategy ema_cross --product mis --allow-short --pct-equity 100 --cash 1000"
    "ref_sma|--data $repo/engine/tests/data/sma_cross_bars.csv"
    "ref_bars|--data $repo/engine/tests/data/ref_bars.csv --strategy rsi_reversion"
)
status=0
for case in "${cases[@]}"; do
    name=${case%%|*}
    read -r -a args <<<"${case#*|}"
    for side in old new; do
        bin=$old
        [ "$side" = new ] && bin=$new
        rm -rf "$name.$side"
        "$bin" backtest "${args[@]}" --out "$name.$side" >/dev/null
        sed -i -E 's/"(elapsed_s|bars_per_s)": [0-9.e+-]+/"\1": MASKED/' "$name.$side/report.json"
    done
    if diff -r "$name.old" "$name.new" >/dev/null; then
        echo "same: $name ($(du -sb "$name.new" | cut -f1) bytes)"
    else
        echo "DIFFERENT: $name"
        diff -r "$name.old" "$name.new" | head -20
        status=1
    fi
done
exit $status

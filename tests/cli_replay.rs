//! `sharewise run --feed replay:FILE` and the input it could lose: daily bars stamped at
//! midnight trade as in a backtest, every dropped tick and skipped row is counted and reported,
//! a replay that drops most of its input is warned about, `--skip-bad` gets past bad rows, and
//! `--events` appends across runs.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;
use serde_json::Value;
use sharewise_engine::time::civil_from_days;

const DAY_MS: i64 = 86_400_000;
const IST_OFFSET_MS: i64 = 19_800_000;
/// 2024-01-01 (a Monday) in days since the Unix epoch.
const START_DAY: i64 = 19_723;

/// How a daily file stamps its bars.
#[derive(Clone, Copy, Debug)]
enum Stamp {
    /// Epoch milliseconds at 00:00 UTC.
    UtcMidnightMs,
    /// ISO-8601 at 00:00 IST, as Kite stamps daily candles.
    IstMidnightIso,
}

/// `days` weekdays of daily bars from 2024-01-01: a seeded random walk on the 5-paise grid.
fn daily_bars(dir: &Path, name: &str, days: usize, stamp: Stamp) -> PathBuf {
    let rupees = |paise: i64| format!("{}.{:02}", paise / 100, paise % 100);
    let mut rows = vec!["ts,open,high,low,close,volume".to_string()];
    let (mut state, mut close, mut day) = (7u64, 150_000i64, START_DAY);
    while rows.len() <= days {
        if (day + 3) % 7 < 5 {
            let mut next = || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as i64
            };
            let open = close + (next() % 41 - 20) * 5;
            let new_close = (open + (next() % 401 - 200) * 5).max(1_000);
            let high = open.max(new_close) + next() % 40 * 5;
            let low = (open.min(new_close) - next() % 40 * 5).max(500);
            let ts = match stamp {
                Stamp::UtcMidnightMs => (day * DAY_MS).to_string(),
                Stamp::IstMidnightIso => {
                    let (y, m, d) = civil_from_days(day);
                    format!("{y:04}-{m:02}-{d:02}T00:00:00+05:30")
                }
            };
            rows.push(format!(
                "{ts},{},{},{},{},{}",
                rupees(open),
                rupees(high),
                rupees(low),
                rupees(new_close),
                1000 + next() % 5000
            ));
            close = new_close;
        }
        day += 1;
    }
    write_lines(dir, name, &rows)
}

const CONFIG: &str = "[backtest]\ncommission = \"zerodha\"\n[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 10, slow = 30 }\n";

/// Daily bars stamped at midnight (UTC or IST) are each their IST day's session: the daemon's
/// signals, orders and fill prices are the backtest's on the same file.
#[test]
fn a_daily_file_stamped_at_midnight_trades_as_in_the_backtest() {
    for stamp in [Stamp::UtcMidnightMs, Stamp::IstMidnightIso] {
        let dir = tmp();
        let bars = daily_bars(dir.path(), "AAPL_1d.csv", 600, stamp);
        std::fs::write(dir.path().join("live.toml"), CONFIG).unwrap();
        let run = sw_in(
            dir.path(),
            &[
                "run",
                "--config",
                "live.toml",
                "--feed",
                &format!("replay:{}", s(&bars)),
                "--speed",
                "max",
                "--events",
                "ev.jsonl",
            ],
        )
        .ok();
        assert!(
            !run.stdout.contains("dropped") && !run.stdout.contains("warning"),
            "{stamp:?}: nothing is dropped:\n{run}"
        );
        sw_in(
            dir.path(),
            &[
                "backtest",
                "--data",
                s(&bars),
                "--config",
                "live.toml",
                "--out",
                "bt",
            ],
        )
        .ok();

        // Signals by IST trading day (the daemon stamps a daily bar at its 09:15 IST open).
        let backtest = read_csv(&dir.path().join("bt/signals.csv"));
        let (ts, side, decision, qty, detail) = (
            backtest.col("ts"),
            backtest.col("side"),
            backtest.col("decision"),
            backtest.col("qty"),
            backtest.col("detail"),
        );
        let bt_day = |text: &str| match stamp {
            Stamp::UtcMidnightMs => {
                (text.parse::<i64>().unwrap() + IST_OFFSET_MS).div_euclid(DAY_MS)
            }
            Stamp::IstMidnightIso => iso_day(text),
        };
        let bt_signals: Vec<(i64, String)> = backtest
            .rows
            .iter()
            .map(|r| (bt_day(&r[ts]), r[side].clone()))
            .collect();
        let live = json_lines(&dir.path().join("ev.jsonl"));
        let live_signals: Vec<(i64, String)> = live
            .iter()
            .filter(|e| e["type"] == "signal")
            .map(|e| {
                (
                    (e["signal"]["ts"].as_i64().unwrap() / 1_000_000 + IST_OFFSET_MS)
                        .div_euclid(DAY_MS),
                    e["signal"]["side"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(
            bt_signals.len() >= 8,
            "{stamp:?}: the file trades: {} signals",
            bt_signals.len()
        );
        assert_eq!(
            live_signals, bt_signals,
            "{stamp:?}: identical signals on identical days"
        );

        let orders: Value =
            serde_json::from_str(&sw_in(dir.path(), &["orders", "--json"]).ok().stdout).unwrap();
        let orders = orders.as_array().unwrap();
        let live_orders: Vec<(String, i64, String)> = orders
            .iter()
            .map(|o| {
                (
                    o["side"].as_str().unwrap().to_string(),
                    o["qty"].as_i64().unwrap(),
                    o["tag"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let bt_orders: Vec<(String, i64, String)> = backtest
            .rows
            .iter()
            .filter(|r| r[decision] == "order")
            .map(|r| (r[side].clone(), r[qty].parse().unwrap(), r[detail].clone()))
            .collect();
        assert_eq!(live_orders, bt_orders, "{stamp:?}: identical orders");

        // Filled at the next day's open, as the backtester fills them.
        let trades = read_csv(&dir.path().join("bt/trades.csv"));
        let (entry, exit) = (trades.col("entry_price"), trades.col("exit_price"));
        // A trade still open at the end has no exit price.
        let bt_prices: Vec<i64> = trades
            .rows
            .iter()
            .flat_map(|r| [&r[entry], &r[exit]])
            .filter(|p| !p.is_empty())
            .map(|p| paise(p))
            .collect();
        let live_prices: Vec<i64> = orders
            .iter()
            .filter(|o| o["status"] == "filled")
            .map(|o| rupees_to_paise(o["avg_fill_price"].as_str().unwrap()))
            .collect();
        assert!(!bt_prices.is_empty());
        assert_eq!(live_prices, bt_prices, "{stamp:?}: identical fill prices");
    }
}

/// `2024-01-02T00:00:00+05:30` as its IST day number.
fn iso_day(text: &str) -> i64 {
    let y: i64 = text[0..4].parse().unwrap();
    let m: u32 = text[5..7].parse().unwrap();
    let d: u32 = text[8..10].parse().unwrap();
    (START_DAY..START_DAY + 1000)
        .find(|&day| civil_from_days(day) == (y, m, d))
        .unwrap()
}

/// 2026-01-05 09:15 IST in epoch ms.
const OPEN_MS: i64 = 1_767_584_700_000;
const MINUTE_MS: i64 = 60_000;

/// A tick file with 10 ticks in the session, 2 before the open and 30 after the close.
fn ticks_mostly_outside(dir: &Path) -> PathBuf {
    let mut rows = vec!["ts,price,qty".to_string()];
    rows.extend((0..2).map(|i| format!("{},1500.00,1", OPEN_MS - 60 * MINUTE_MS + i * MINUTE_MS)));
    rows.extend((0..10).map(|i| format!("{},{}.00,1", OPEN_MS + i * MINUTE_MS, 1500 + i)));
    rows.extend((0..30).map(|i| format!("{},1510.00,1", OPEN_MS + (7 * 60 + i) * MINUTE_MS)));
    write_lines(dir, "INFY_ticks.csv", &rows)
}

#[test]
fn dropped_ticks_are_counted_by_reason_and_a_mostly_dropped_replay_is_warned_about() {
    let dir = tmp();
    let ticks = ticks_mostly_outside(dir.path());
    let run = sw_in(
        dir.path(),
        &["run", "--feed", &format!("replay:{}", s(&ticks))],
    )
    .ok()
    .stdout_has(&[
        "dropped 32 ticks outside 09:15–15:30 IST: 2 before the open, 30 after the close",
        "warning: 32 of 42 ticks were dropped",
        "stamped outside the 09:15–15:30 IST session",
    ]);
    let warned = run.stdout.find("warning: 32 of 42").unwrap();
    assert!(
        warned < run.stdout.find("stopped: ").unwrap(),
        "the warning comes before the summary:\n{run}"
    );
}

#[test]
fn a_clean_replay_reports_no_drops() {
    let dir = tmp();
    let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 1, 3, &[]);
    let run = sw_in(
        dir.path(),
        &["run", "--feed", &format!("replay:{}", s(&bars))],
    )
    .ok();
    assert!(
        !run.stdout.contains("dropped")
            && !run.stdout.contains("skipped")
            && !run.stdout.contains("warning"),
        "{run}"
    );
}

/// A 1m bar file whose line 10 has `high` below the body.
fn bars_with_a_bad_row(dir: &Path) -> PathBuf {
    let clean = gen_bars(dir, "clean.csv", 1, 3, &[]);
    let mut rows = lines(&clean);
    let mut fields: Vec<String> = rows[9].split(',').map(String::from).collect();
    fields[2] = "1.00".into(); // high
    rows[9] = fields.join(",");
    write_lines(dir, "RELIANCE_1m.csv", &rows)
}

#[test]
fn a_bad_row_names_file_and_line_and_skip_bad_gets_past_it() {
    let dir = tmp();
    let bars = bars_with_a_bad_row(dir.path());
    let feed = format!("replay:{}", s(&bars));
    sw_in(
        dir.path(),
        &["run", "--feed", &feed, "--data-dir", "strict"],
    )
    .fails()
    .stderr_has(&["RELIANCE_1m.csv:10: field `high` = 1.00", "--skip-bad"]);
    let run = sw_in(
        dir.path(),
        &["run", "--feed", &feed, "--data-dir", "skip", "--skip-bad"],
    )
    .ok()
    .stdout_has(&["skipped 1 row: 1 high below max(open, close)"]);
    // 374 good bars of four ticks each, and the close of the last bar.
    assert!(run.stdout.contains("stopped: 1497 ticks"), "{run}");
}

#[test]
fn events_are_appended_across_runs() {
    let dir = tmp();
    let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 2, 3, &[]);
    let feed = format!("replay:{}", s(&bars));
    std::fs::write(dir.path().join("live.toml"), CONFIG).unwrap();
    sw_in(
        dir.path(),
        &[
            "run",
            "--config",
            "live.toml",
            "--feed",
            &feed,
            "--data-dir",
            "a",
            "--events",
            "ev.jsonl",
        ],
    )
    .ok();
    let first = lines(&dir.path().join("ev.jsonl"));
    assert!(
        first.iter().any(|l| l.contains("\"signal\"")),
        "the first run writes signals"
    );
    sw_in(
        dir.path(),
        &[
            "run",
            "--config",
            "live.toml",
            "--feed",
            &feed,
            "--data-dir",
            "b",
            "--events",
            "ev.jsonl",
        ],
    )
    .ok();
    let both = lines(&dir.path().join("ev.jsonl"));
    assert!(
        both.starts_with(&first),
        "the first run's {} events are kept (now {} lines)",
        first.len(),
        both.len()
    );
    assert!(
        both.len() > first.len() + first.len() / 2,
        "the second run's events follow: {} then {}",
        first.len(),
        both.len()
    );
}

/// Two accounts on one replay: each trades the same signals with its own sizing into its own
/// journal; the summary, `reconcile` and `orders --account` name them.
#[test]
fn two_accounts_trade_one_replay_into_their_own_books() {
    let dir = tmp();
    let bars = daily_bars(dir.path(), "AAPL_1d.csv", 300, Stamp::UtcMidnightMs);
    let config = format!("{CONFIG}[[accounts]]\nname = \"alice\"\nsizing = {{ method = \"fixed_qty\", value = \"3\" }}\n[[accounts]]\nname = \"bob\"\nsizing = {{ method = \"fixed_qty\", value = \"30\" }}\n");
    std::fs::write(dir.path().join("two.toml"), config).unwrap();
    let feed = format!("replay:{}", s(&bars));
    sw_in(
        dir.path(),
        &[
            "run", "--config", "two.toml", "--feed", &feed, "--speed", "max",
        ],
    )
    .ok()
    .stdout_has(&[
        "positions (alice):",
        "positions (bob):",
        "books (alice): the journal and the broker agree",
        "books (bob): the journal and the broker agree",
        "--account NAME",
    ]);
    assert!(dir
        .path()
        .join("data/accounts/alice/journal.redb")
        .is_file());
    assert!(dir.path().join("data/accounts/bob/paper.json").is_file());
    sw_in(dir.path(), &["reconcile", "--config", "two.toml"])
        .ok()
        .stdout_has(&["account alice", "account bob", "journal and broker agree"]);
    let qtys = |account: &str| -> Vec<(String, i64)> {
        let out = sw_in(dir.path(), &["orders", "--account", account, "--json"]).ok();
        let rows: Value = serde_json::from_str(&out.stdout).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["side"].as_str().unwrap().to_string(),
                    r["qty"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let (alice, bob) = (qtys("alice"), qtys("bob"));
    assert!(!alice.is_empty());
    // The same decisions, sized by each account's own rule.
    let scaled: Vec<(String, i64)> = alice
        .iter()
        .map(|(side, q)| (side.clone(), q * 10))
        .collect();
    assert_eq!(bob, scaled);
}

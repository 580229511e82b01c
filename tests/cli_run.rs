//! `sharewise run`, the live daemon, as an operator runs it: the demo session from an empty
//! directory, a replay that must agree with the backtester, and the journal read back.

mod cli_support;

use cli_support::*;
use serde_json::Value;

#[test]
fn demo_session_trades_from_an_empty_directory_and_stops_gracefully() {
    let dir = tmp();
    // 3000x: a simulated session in ~8 s, so sma_cross(10,30) trades within the run.
    let env = [
        ("SHAREWISE_RUN__DEMO_SPEED", "3000"),
        ("SHAREWISE_RUN__STATUS_EVERY_S", "1"),
    ];
    let run = sw_env(
        Some(dir.path()),
        &env,
        &["run", "--stop-after", "6", "--events", "events.jsonl"],
    )
    .ok();
    assert!(
        run.stdout
            .contains("demo session: synthetic NSE ticks for 10 symbols"),
        "{run}"
    );
    assert!(
        run.stdout.contains("ticks/s | signals"),
        "status lines are printed:\n{run}"
    );
    assert!(run.stdout.contains("stopped: "), "{run}");
    let data = dir.path().join("data");
    assert!(
        data.join("journal.redb").is_file() && data.join("paper.json").is_file(),
        "{run}"
    );

    let ev = json_lines(&dir.path().join("events.jsonl"));
    let count = |t: &str| ev.iter().filter(|e| e["type"] == t).count();
    assert!(
        count("signal") > 0 && count("order") > 0 && count("fill") > 0 && count("pnl") > 0,
        "events by type: {:?}",
        ev.iter()
            .map(|e| e["type"].to_string())
            .collect::<std::collections::BTreeSet<_>>()
    );
    assert!(ev.iter().all(|e| e["ts"].is_i64()), "every event has a ts");
    let manual = ev
        .iter()
        .filter(|e| e["type"] == "signal" && e["mode"] == "manual")
        .count();
    assert!(
        manual > 0,
        "rsi_reversion runs in manual mode: its signals are published"
    );
    let orders: Value =
        serde_json::from_str(&sw_in(dir.path(), &["orders", "--json"]).ok().stdout).unwrap();
    let orders = orders.as_array().unwrap();
    assert!(!orders.is_empty());
    for o in orders {
        for key in ["client_id", "symbol", "side", "qty", "filled_qty", "status"] {
            assert!(!o[key].is_null(), "order has {key}: {o}");
        }
        assert!(
            o["strategy"]
                .as_str()
                .unwrap()
                .starts_with("sma_cross(10,30)@"),
            "only the auto strategy orders: {o}"
        );
        assert!(
            ["filled", "cancelled"].contains(&o["status"].as_str().unwrap()),
            "a graceful stop leaves nothing in flight: {o}"
        );
    }
    let positions: Value =
        serde_json::from_str(&sw_in(dir.path(), &["positions", "--json"]).ok().stdout).unwrap();
    for p in positions.as_array().unwrap() {
        for key in [
            "symbol",
            "qty",
            "avg_price",
            "realized_pnl",
            "unrealized_pnl",
        ] {
            assert!(!p[key].is_null(), "position has {key}: {p}");
        }
    }

    // A restart reconciles, warms the strategies up on the session so far, and trades on.
    let again = sw_env(Some(dir.path()), &env, &["run", "--stop-after", "3"]).ok();
    assert!(
        warm_up_ticks(&again.stdout) > 0,
        "the restart replays the session so far as warm-up:\n{again}"
    );
    let after: Value =
        serde_json::from_str(&sw_in(dir.path(), &["orders", "--json"]).ok().stdout).unwrap();
    let ids: Vec<i64> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["client_id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "client ids keep increasing across restarts: {ids:?}"
    );
}

/// The same recorded bars through `sharewise backtest` and `sharewise run --feed replay` (paper
/// broker, lockstep) give the same signals, the same orders and the same fill prices.
#[test]
fn replay_through_the_daemon_matches_the_backtest() {
    let dir = tmp();
    let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 15, 11, &[]);
    let config = dir.path().join("live.toml");
    // Zerodha charges on both sides: the paper broker charges fills with the backtester's model.
    std::fs::write(&config, "[backtest]\ncommission = \"zerodha\"\n[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 10, slow = 30 }\n").unwrap();
    let run = sw_in(
        dir.path(),
        &[
            "run",
            "--config",
            s(&config),
            "--feed",
            &format!("replay:{}", s(&bars)),
            "--events",
            "ev.jsonl",
        ],
    )
    .ok();
    assert!(run.stdout.contains("stopped: "), "{run}");
    sw_in(
        dir.path(),
        &[
            "backtest",
            "--data",
            s(&bars),
            "--config",
            s(&config),
            "--out",
            "bt",
        ],
    )
    .ok();

    let backtest = read_csv(&dir.path().join("bt/signals.csv"));
    let (ts, side, decision, qty) = (
        backtest.col("ts"),
        backtest.col("side"),
        backtest.col("decision"),
        backtest.col("qty"),
    );
    let live = json_lines(&dir.path().join("ev.jsonl"));
    let live_signals: Vec<(i64, String)> = live
        .iter()
        .filter(|e| e["type"] == "signal")
        .map(|e| {
            (
                e["signal"]["ts"].as_i64().unwrap() / 1_000_000,
                e["signal"]["side"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let bt_signals: Vec<(i64, String)> = backtest
        .rows
        .iter()
        .map(|r| (r[ts].parse().unwrap(), r[side].clone()))
        .collect();
    assert!(
        bt_signals.len() > 50,
        "the file trades: {} signals",
        bt_signals.len()
    );
    assert_eq!(live_signals, bt_signals, "identical signals");

    let orders: Value =
        serde_json::from_str(&sw_in(dir.path(), &["orders", "--json"]).ok().stdout).unwrap();
    let live_orders: Vec<(String, i64, String)> = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["side"].as_str().unwrap().to_string(),
                o["qty"].as_i64().unwrap(),
                o["tag"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let detail = backtest.col("detail");
    let bt_orders: Vec<(String, i64, String)> = backtest
        .rows
        .iter()
        .filter(|r| r[decision] == "order")
        .map(|r| (r[side].clone(), r[qty].parse().unwrap(), r[detail].clone()))
        .collect();
    assert_eq!(
        live_orders, bt_orders,
        "identical orders (side, quantity, client order id)"
    );

    // Fills: the paper broker fills at the next bar's open, as the backtester does.
    let trades = read_csv(&dir.path().join("bt/trades.csv"));
    let (entry, exit) = (trades.col("entry_price"), trades.col("exit_price"));
    let mut bt_prices: Vec<i64> = Vec::new();
    for r in &trades.rows {
        bt_prices.push(paise(&r[entry]));
        bt_prices.push(paise(&r[exit]));
    }
    let live_prices: Vec<i64> = orders
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "filled")
        .map(|o| rupees_to_paise(o["avg_fill_price"].as_str().unwrap()))
        .collect();
    assert_eq!(
        live_prices[..bt_prices.len()],
        bt_prices[..],
        "identical fill prices for every closed trade"
    );

    // The same charges: the backtest's fees equal the live fills' fees (every fill, including
    // an entry still open at the end, which the backtest also paid).
    let report = read_json(&dir.path().join("bt/report.json"));
    let bt_fees: rust_decimal::Decimal = report["fees"].as_str().unwrap().parse().unwrap();
    let live_fees: rust_decimal::Decimal = live
        .iter()
        .filter(|e| e["type"] == "fill")
        .map(|e| {
            e["fill"]["fees"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert!(bt_fees > rust_decimal::Decimal::ZERO);
    assert_eq!(live_fees, bt_fees, "identical charges");
}

#[test]
fn replay_of_a_missing_file_says_so() {
    let dir = tmp();
    sw_in(dir.path(), &["run", "--feed", "replay:nope.csv"])
        .fails()
        .stderr_has(&["replay file nope.csv does not exist"]);
    sw_in(dir.path(), &["run", "--speed", "fast"])
        .fails()
        .stderr_has(&["--speed fast: expected `max` or a positive factor"]);
}

#[test]
fn help_and_version() {
    let run = sw(&["--help"]).ok();
    for cmd in [
        "run",
        "backtest",
        "indicators",
        "generate",
        "bench",
        "orders",
        "positions",
    ] {
        assert!(run.stdout.contains(cmd), "--help lists `{cmd}`:\n{run}");
    }
    let run = sw(&["--version"]).ok();
    assert!(run.stdout.starts_with("sharewise "), "{run}");
    let run = sw(&["frobnicate"]);
    assert_eq!(run.status.code(), Some(2), "{run}");
}

#[test]
fn the_subscription_tier_bounds_how_many_strategies_run() {
    let dir = tmp();
    let four = "[run]\ntier = \"BASIC\"\n".to_string()
        + &["sma_cross", "ema_cross", "macd_cross", "rsi_reversion"]
            .map(|n| format!("[[run.strategies]]\nname = \"{n}\"\n"))
            .concat();
    std::fs::write(dir.path().join("four.toml"), four).unwrap();
    sw_in(dir.path(), &["run", "--config", "four.toml"])
        .fails()
        .stderr_has(&["TIER_STRATEGY_LIMIT", "tier BASIC allows 3"]);
    assert!(
        !dir.path().join("data").exists(),
        "nothing is started or written"
    );
}

#[test]
fn a_data_dir_stays_with_its_feed() {
    let dir = tmp();
    let bars = gen_bars(dir.path(), "RELIANCE_1m.csv", 1, 3, &[]);
    let replay = format!("replay:{}", s(&bars));
    sw_in(dir.path(), &["run", "--feed", &replay]).ok();
    // The demo runs on today's clock: in this directory the replay's timeline would be behind it.
    let demo = sw_in(dir.path(), &["run", "--stop-after", "1"]).fails();
    let demo = demo.stderr_has(&[
        "holds the journal and paper book of feed `replay:",
        "--data-dir",
    ]);
    assert!(
        !demo.stdout.contains("demo session"),
        "nothing started:\n{demo}"
    );
    // The same feed again is fine (a restart).
    sw_in(dir.path(), &["run", "--feed", &replay]).ok();
}

//! `sharewise config check FILE` and `sharewise config defaults`, as an operator uses them.

mod cli_support;
use cli_support::*;

#[test]
fn a_good_file_is_ok_and_names_what_it_resolved() {
    let dir = tmp();
    let f = write_lines(
        dir.path(),
        "good.toml",
        &[
            "[backtest]".into(),
            "cash = \"500000\"".into(),
            "commission = \"zerodha\"".into(),
        ],
    );
    sw(&["config", "check", s(&f)]).ok().stdout_has(&[
        "good.toml: ok",
        "strategy sma_cross",
        "commission zerodha",
        "cash 500000",
        "run: 2 strategies on 10 symbols, feed synthetic)",
    ]);
}

#[test]
fn a_bad_run_strategy_is_named_with_its_key_or_line() {
    let dir = tmp();
    let lines = |extra: &str| -> Vec<String> {
        let mut l: Vec<String> = [
            "[run]",
            "demo_speed = 120",
            "",
            "[[run.strategies]]",
            "name = \"sma_cross\"",
            "",
            "[[run.strategies]]",
            "name = \"rsi_reversion\"",
        ]
        .map(String::from)
        .into();
        l.push(extra.to_string());
        l
    };
    let f = write_lines(dir.path(), "typo.toml", &lines("mdoe = \"manual\""));
    sw(&["config", "check", s(&f)]).fails().stderr_has(&[
        "typo.toml:9:",
        "unknown field `mdoe`",
        "`mode`",
    ]);
    let f = write_lines(dir.path(), "param.toml", &lines("params = { fast = 3 }"));
    sw(&["config", "check", s(&f)]).fails().stderr_has(&[
        "param.toml:9: `run.strategies[1].params.fast`",
        "has no parameter `fast`",
        "period",
    ]);
    let f = write_lines(
        dir.path(),
        "one.toml",
        &[
            "[[run.strategies]]".into(),
            "name = \"ema_cross\"".into(),
            "mode = \"manual\"".into(),
        ],
    );
    sw(&["config", "check", s(&f)])
        .ok()
        .stdout_has(&["run: 1 strategy on 10 symbols, feed synthetic"]);
}

#[test]
fn environment_overrides_are_applied_or_refused_by_name() {
    let dir = tmp();
    let f = write_lines(
        dir.path(),
        "env.toml",
        &["[backtest]".into(), "cash = \"500000\"".into()],
    );
    let vars = [
        ("SHAREWISE_BACKTEST__CASH", "250000"),
        ("SHAREWISE_RUN__FEED", "replay:ticks.csv"),
        ("SHAREWISE_BACKTEST__PRODUCT", "MIS"),
    ];
    sw_env(None, &vars, &["config", "check", s(&f)])
        .ok()
        .stdout_has(&[
            "env.toml: ok",
            "cash 250000",
            "run: 2 strategies, feed replay:ticks.csv)",
        ]);
    sw_env(
        None,
        &[("SHAREWISE_RUN__DEMO_SPEED", "fast")],
        &["config", "check", s(&f)],
    )
    .fails()
    .stderr_has(&[
        "environment variable SHAREWISE_RUN__DEMO_SPEED=fast",
        "invalid type: string \"fast\"",
    ]);
    sw_env(None, &[("SHAREWISE_RUNN__DEMO_SPEED", "600")], &["config", "check", s(&f)])
        .fails()
        .stderr_has(&["environment variable SHAREWISE_RUNN__DEMO_SPEED: unknown section `runn`; sections are backtest, strategy, zerodha, risk, run, paper, runtime, accounts"]);
    sw_env(
        None,
        &[("SHAREWISE_PAPER__MAX_FILL_PCT", "0")],
        &["config", "check", s(&f)],
    )
    .fails()
    .stderr_has(&[
        "SHAREWISE_PAPER__MAX_FILL_PCT=0",
        "`paper.max_fill_pct`: must be 1 to 100",
    ]);
}

#[test]
fn a_mistake_is_named_with_file_line_and_key() {
    let dir = tmp();
    let f = write_lines(
        dir.path(),
        "bad.toml",
        &[
            "[backtest]".into(),
            "cash = \"500000\"".into(),
            "slipage_ticks = 1".into(),
        ],
    );
    sw(&["config", "check", s(&f)]).fails().stderr_has(&[
        "bad.toml:3:",
        "slipage_ticks",
        "slippage_ticks",
    ]);
    let f = write_lines(
        dir.path(),
        "limits.toml",
        &["[backtest.limits]".into(), "max_order_qty = -5".into()],
    );
    sw(&["config", "check", s(&f)]).fails().stderr_has(&[
        "limits.toml:2: `backtest.limits.max_order_qty`",
        "must be 1 to 1000000000 shares, got -5",
    ]);
    sw(&["config", "check", s(&dir.path().join("missing.toml"))])
        .fails()
        .stderr_has(&["missing.toml"]);
}

#[test]
fn defaults_print_the_shipped_file() {
    let run = sw(&["config", "defaults"]).ok();
    let shipped = std::fs::read_to_string(repo("config/default.toml")).unwrap();
    run.stdout_has(&[shipped.trim_end()]);
}

#[test]
fn the_risk_section_reaches_the_backtest_gate() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "RELIANCE.csv", 3, 1, &[]);
    // 2026-01-06 (the second generated day) is declared a holiday; at most 4 orders a day.
    let f = write_lines(
        dir.path(),
        "risk.toml",
        &[
            "[risk]".into(),
            "max_orders_per_day = 4".into(),
            "market_hours = { mode = \"nse\", holidays = [\"2026-01-06\"] }".into(),
        ],
    );
    sw(&["config", "check", s(&f)]).ok();
    let out = dir.path().join("out");
    sw(&[
        "backtest",
        "--data",
        s(&data),
        "--config",
        s(&f),
        "--qty",
        "10",
        "--out",
        s(&out),
    ])
    .ok();
    let report = read_json(&out.join("report.json"));
    let rejections = &report["rejections"];
    assert!(
        rejections["MARKET_CLOSED"].as_u64().unwrap_or(0) > 0,
        "signals on the holiday are refused: {report}"
    );
    assert!(
        rejections["ORDER_RATE_DAY"].as_u64().unwrap_or(0) > 0,
        "the fifth order of a day is refused: {report}"
    );
    let orders = read_csv(&out.join("signals.csv"));
    let per_day = orders
        .column("decision")
        .iter()
        .filter(|d| **d == "order")
        .count();
    assert!(
        per_day <= 2 * 4,
        "two trading days × 4 orders at most, got {per_day}"
    );

    let typo = write_lines(
        dir.path(),
        "typo.toml",
        &["[risk]".into(), "price_band = 3".into()],
    );
    sw(&["config", "check", s(&typo)])
        .fails()
        .stderr_has(&["typo.toml:2:", "price_band_pct"]);
}

//! Backtest options resolved from `--config` and flags: how a config file's `[strategy]` merges,
//! what the products and cash limits accept, and which sizing needs a stop.

mod cli_support;

use std::path::Path;

use cli_support::*;

fn backtest(data: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["backtest", "--data", s(data)];
    args.extend_from_slice(extra);
    sw(&args)
}

#[test]
fn config_strategy_without_a_name_tunes_the_default_strategy() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let config = dir.path().join("fast.toml");
    std::fs::write(&config, "[strategy]\nparams = { fast = 5 }\n").unwrap();
    let run = backtest(&data, &["--config", s(&config)]).ok();
    assert!(
        run.stdout.contains("sma_cross(5,30)"),
        "fast from the file, slow from the defaults:\n{run}"
    );
}

#[test]
fn config_errors_never_point_at_line_zero() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[backtest]\ncash = \"1000\"\n\n[strategy]\nparams = 3\n",
    )
    .unwrap();
    let run = quiet_failure(backtest(&data, &["--config", s(&config)]));
    assert!(run.stderr.contains("bad.toml:5: "), "{run}");
    std::fs::write(&config, "[backtest.limits]\nmax_order_qty = -5\n").unwrap();
    quiet_failure(backtest(&data, &["--config", s(&config)])).stderr_has(&[
        "bad.toml:2: `backtest.limits.max_order_qty`: must be 1 to 1000000000 shares, got -5",
    ]);
    std::fs::write(&config, "[backtest.limits]\nmax_order_value = \"0\"\n").unwrap();
    quiet_failure(backtest(&data, &["--config", s(&config)])).stderr_has(&["bad.toml:2: `backtest.limits.max_order_value`: must be more than 0 and at most 10000000000000 rupees, got 0"]);
}

#[test]
fn nrml_is_refused_for_equity_backtests() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    quiet_failure(backtest(&data, &["--qty", "10", "--product", "nrml"])).stderr_has(&[
        "NRML is a derivatives product; equity backtests use cnc (delivery) or mis (intraday)",
    ]);
    quiet_failure(backtest(&data, &["--qty", "10", "--product", "bo"])).stderr_has(&[
        "unknown --product `bo`",
        "cnc",
        "mis",
    ]);
}

#[test]
fn cash_above_ten_lakh_crore_is_refused() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    quiet_failure(backtest(
        &data,
        &["--qty", "10", "--cash", "10000000000001"],
    ))
    .stderr_has(&["--cash", "10000000000000", "overflow"]);
    backtest(&data, &["--qty", "10", "--cash", "10000000000000"]).ok();
    let config = dir.path().join("rich.toml");
    std::fs::write(&config, "[backtest]\ncash = \"20000000000000\"\n").unwrap();
    quiet_failure(backtest(&data, &["--qty", "10", "--config", s(&config)]))
        .stderr_has(&["rich.toml:2: `backtest.cash`", "at most 10000000000000"]);
}

#[test]
fn risk_per_trade_accepts_a_swept_stop() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 2, 1, &[]);
    quiet_failure(backtest(&data, &["--risk-pct", "1"])).stderr_has(&["stop_pct"]);
    let out = dir.path().join("sw");
    backtest(
        &data,
        &[
            "--risk-pct",
            "1",
            "--sweep",
            "stop_pct=1:2:1",
            "--out",
            s(&out),
        ],
    )
    .ok();
    assert_eq!(read_csv(&out.join("sweep.csv")).rows.len(), 2);
    backtest(&data, &["--risk-pct", "1", "--param", "stop_pct=2"]).ok();
}

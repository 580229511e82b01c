//! Loading a user's file over the defaults: how `[strategy]` merges, where errors point, and the
//! value checks of `[backtest]`.

mod common;

use common::err;
use sharewise_config::{Settings, MAX_CASH};
use sharewise_engine::strategy::Params;

#[test]
fn strategy_without_a_name_tunes_the_default_strategy() {
    let s = Settings::from_toml_str("[strategy]\nparams = { fast = 5 }\n", "u.toml").unwrap();
    assert_eq!(s.strategy.name, "sma_cross");
    assert_eq!(
        s.strategy_params().unwrap(),
        Params::parse(["fast=5", "slow=30"]).unwrap(),
        "fast from the file, slow from the defaults"
    );

    // Dotted keys under the root mean the same.
    let s = Settings::from_toml_str("strategy.params.slow = 40\n", "u.toml").unwrap();
    assert_eq!(
        s.strategy_params().unwrap(),
        Params::parse(["fast=10", "slow=40"]).unwrap()
    );
}

#[test]
fn strategy_with_a_name_replaces_the_default_whole() {
    let s = Settings::from_toml_str(
        "[strategy]\nname = \"ema_cross\"\nparams = { fast = 5, slow = 8 }\n",
        "u.toml",
    )
    .unwrap();
    assert_eq!(s.strategy.name, "ema_cross");
    assert_eq!(s.strategy_params().unwrap().iter().count(), 2);
    // A named strategy without params does not inherit sma_cross's params.
    let s = Settings::from_toml_str("[strategy]\nname = \"rsi_reversion\"\n", "u.toml").unwrap();
    assert_eq!(s.strategy_params().unwrap().iter().count(), 0);
}

#[test]
fn unnamed_strategy_params_are_still_checked() {
    assert_eq!(err("[strategy]\nparams = { fast = 40 }\n"), "u.toml:2: `strategy.params`: strategy `sma_cross`: fast (40) must be shorter than slow (30)");
}

#[test]
fn type_errors_point_at_the_key_line() {
    assert_eq!(
        err("[backtest]\nslippage_ticks = \"a\"\n"),
        "u.toml:2: `backtest.slippage_ticks`: invalid type: string \"a\", expected i64"
    );
    assert_eq!(
        err("# mine\n\n[backtest.limits]\nmax_order_qty = \"x\"\n"),
        "u.toml:4: `backtest.limits.max_order_qty`: invalid type: string \"x\", expected i64"
    );
    let e = err("[zerodha]\nstt_delivery_pct = \"0.1\"\ngst_pct = true\n");
    assert!(
        e.starts_with("u.toml:3: `zerodha.gst_pct`: invalid type: boolean `true`"),
        "{e}"
    );
    let e = err("[strategy]\nparams = { fast = [5] }\n");
    assert!(
        e.starts_with("u.toml:2: `strategy.params`: `fast` must be a number or string"),
        "{e}"
    );
}

#[test]
fn errors_without_a_key_line_point_at_the_table_or_omit_the_line() {
    // A whole table replaced by a value of the wrong type: the line that does it.
    assert_eq!(
        err("x = 1\nstrategy = 3\n"),
        "u.toml:2: `strategy`: invalid type: integer `3`, expected struct StrategySection"
    );
    // An unknown table: its header.
    assert_eq!(err("[backtest]\ncash = \"5\"\n[foo]\na = 1\n"), "u.toml:3: `foo`: unknown field `foo`, expected one of `backtest`, `strategy`, `zerodha`, `risk`, `run`, `paper`, `runtime`, `accounts`");
    // Never a line 0.
    for text in [
        "strategy = 3\n",
        "[strategy]\nparams = 3\n",
        "backtest = { sizing = 1 }\n",
        "[foo]\n",
    ] {
        let e = err(text);
        assert!(!e.contains(":0:"), "{text:?}: {e}");
        assert!(e.starts_with("u.toml:"), "{e}");
    }
}

#[test]
fn order_limits_must_be_positive_and_bounded() {
    let qty = "must be 1 to 1000000000 shares";
    assert_eq!(
        err("[backtest.limits]\nmax_order_qty = -5\n"),
        format!(
            "u.toml:2: `backtest.limits.max_order_qty`: {qty}, got -5; leave it out for no limit"
        )
    );
    assert_eq!(
        err("[backtest.limits]\nmax_order_qty = 0\n"),
        format!(
            "u.toml:2: `backtest.limits.max_order_qty`: {qty}, got 0; leave it out for no limit"
        )
    );
    let value = "must be more than 0 and at most 10000000000000 rupees";
    assert_eq!(err("[backtest.limits]\nmax_order_value = \"0\"\n"), format!("u.toml:2: `backtest.limits.max_order_value`: {value}, got 0; leave it out for no limit"));
    assert_eq!(err("[backtest.limits]\nmax_order_value = \"-1.5\"\n"), format!("u.toml:2: `backtest.limits.max_order_value`: {value}, got -1.5; leave it out for no limit"));
    let e = err("# mine\n[backtest.limits]\nmax_order_value = \"1\"\nshort_margin_pct = \"150\"\n");
    assert!(e.starts_with("u.toml:4: `backtest.limits.short_margin_pct`: must be more than 0 and at most 100 percent"), "{e}");
    let s = Settings::from_toml_str(
        "[backtest.limits]\nmax_order_qty = 100\nmax_order_value = \"50000\"\n",
        "u.toml",
    )
    .unwrap();
    assert_eq!(s.backtest.limits.max_order_qty, Some(100));
}

#[test]
fn cash_is_capped_where_fixed_point_equity_would_overflow() {
    let at_cap = format!("[backtest]\ncash = \"{MAX_CASH}\"\n");
    assert!(Settings::from_toml_str(&at_cap, "u.toml").is_ok());
    let e = err(&format!("[backtest]\ncash = \"{}\"\n", MAX_CASH + 1));
    assert!(
        e.starts_with("u.toml:2: `backtest.cash`: must be at most 10000000000000 (₹10 lakh crore"),
        "{e}"
    );
    assert!(e.ends_with("got 10000000000001"), "{e}");
    let e = err("[backtest]\ncash = \"1e30\"\n");
    assert!(!e.contains(":0:"), "{e}");
}

#[test]
fn an_error_without_a_line_omits_it() {
    let e = sharewise_config::ConfigError::Invalid {
        path: "u.toml".into(),
        line: None,
        key: None,
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "u.toml: bad");
    let e = sharewise_config::ConfigError::Invalid {
        path: "u.toml".into(),
        line: Some(4),
        key: Some("run.feed".into()),
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "u.toml:4: `run.feed`: bad");
    let e = sharewise_config::ConfigError::Value {
        path: "u.toml".into(),
        line: None,
        key: "run.feed".into(),
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "u.toml: `run.feed`: bad");
}

#[test]
fn nrml_is_not_an_equity_product() {
    assert_eq!(err("[backtest]\nproduct = \"NRML\"\n"), "u.toml:2: `backtest.product`: NRML is a derivatives product; equity backtests use CNC (delivery) or MIS (intraday)");
}

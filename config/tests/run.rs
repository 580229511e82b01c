//! The live daemon's sections (`[run]`, `[paper]`, `[runtime]`) and the `SHAREWISE_*`
//! environment overrides layered over the file.

mod common;

use std::path::Path;

use common::err;
use sharewise_actors::{OnFailure, Placement};
use sharewise_config::{ConfigError, Settings, StrategyMode};
use sharewise_engine::bars::BarInterval;
use sharewise_engine::strategy::Params;

/// Settings from `text` in a temporary file plus the variables `env`.
fn layers(text: &str, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let dir = sharewise_testkit::tmp();
    let file = dir.path().join("u.toml");
    std::fs::write(&file, text).unwrap();
    Settings::load_layers(
        Some(&file),
        env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
    )
}

/// The error of [`layers`], with the temporary directory cut from the file name.
fn layers_err(text: &str, env: &[(&str, &str)]) -> String {
    let e = layers(text, env).map(|_| ()).unwrap_err().to_string();
    match e.find("u.toml") {
        Some(at) => e[at..].to_string(),
        None => e,
    }
}

#[test]
fn defaults_run_two_strategies_on_ten_symbols() {
    let s = Settings::defaults();
    assert_eq!(s.run.feed, "synthetic");
    assert_eq!(s.run.replay_path(), None);
    assert_eq!(s.run.symbols.len(), 10);
    assert_eq!(s.run.bar_interval(), BarInterval::M1);
    assert_eq!(
        (s.run.demo_speed, s.run.demo_seed, s.run.status_every_s),
        (60, 7, 5)
    );
    assert!(s.run.cancel_open_orders_on_shutdown);
    assert_eq!(s.run.tier, sharewise_risk::Tier::Pro);
    let names: Vec<&str> = s.run.strategies.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["sma_cross", "rsi_reversion"]);
    assert_eq!(s.run.strategies[0].mode, StrategyMode::Auto);
    assert_eq!(s.run.strategies[1].mode, StrategyMode::Manual);
    assert!(s
        .run
        .strategies
        .iter()
        .all(|r| r.on_failure == OnFailure::Flatten && r.symbols.is_empty()));
    assert_eq!(
        s.run.strategies[0].params().unwrap(),
        Params::parse(["fast=10", "slow=30"]).unwrap()
    );
    assert_eq!(
        s.run.strategies[1].params().unwrap(),
        Params::parse(["period=14"]).unwrap()
    );
    assert_eq!(
        (
            s.paper.slippage_ticks,
            s.paper.max_fill_pct,
            s.paper.latency_ms
        ),
        (0, None, 0)
    );
    assert_eq!(s.runtime, Placement::default());
}

#[test]
fn a_users_strategies_replace_the_default_array_whole() {
    let s = Settings::from_toml_str(
        "[[run.strategies]]\nname = \"ema_cross\"\nsymbols = [\"TCS\"]\non_failure = \"freeze\"\n",
        "u.toml",
    )
    .unwrap();
    assert_eq!(s.run.strategies.len(), 1, "not appended to the defaults");
    let r = &s.run.strategies[0];
    assert_eq!(
        (r.name.as_str(), r.mode, r.on_failure),
        ("ema_cross", StrategyMode::Auto, OnFailure::Freeze)
    );
    assert!(
        r.params.is_empty(),
        "no params leak in from the default entries"
    );
    assert_eq!(
        s.run.symbols.len(),
        10,
        "the rest of [run] keeps its defaults"
    );

    // Other [run] keys leave the default strategies alone.
    let s = Settings::from_toml_str("[run]\ndemo_speed = 600\n", "u.toml").unwrap();
    assert_eq!((s.run.demo_speed, s.run.strategies.len()), (600, 2));
    let s = Settings::from_toml_str(
        "[runtime]\nstrategy_shards = 2\n[paper]\nmax_fill_pct = 50\n",
        "u.toml",
    )
    .unwrap();
    assert_eq!(
        (
            s.runtime.strategy_shards,
            s.runtime.ring_capacity,
            s.paper.max_fill_pct
        ),
        (2, 4096, Some(50))
    );
}

#[test]
fn each_bad_value_names_its_key() {
    let cases: &[(&str, &str)] = &[
        ("[run]\nfeed = \"kite\"\n", "`run.feed`: unknown feed `kite`; use \"synthetic\""),
        ("[run]\nfeed = \"replay:\"\n", "`run.feed`: `replay:` needs a file after it"),
        ("[run]\nsymbols = []\n", "`run.symbols`: needs at least one symbol"),
        ("[run]\nsymbols = [\"tcs\"]\n", "`run.symbols`: `tcs` is not an NSE symbol as written; write `TCS`"),
        ("[run]\nsymbols = [\"TCS\", \"TCS\"]\n", "`run.symbols`: `TCS` is listed twice"),
        ("[run]\nbar_interval = \"2m\"\n", "`run.bar_interval`: unknown bar interval `2m`: expected one of 1m, 5m, 15m, 1h, 1d"),
        ("[run]\ndemo_speed = 0\n", "`run.demo_speed`: must be 1 to 100000"),
        ("[run]\ndemo_speed = 100001\n", "`run.demo_speed`: must be 1 to 100000"),
        ("[run]\nstatus_every_s = 0\n", "`run.status_every_s`: must be 1 to 3600 seconds, got 0"),
        ("[run]\nstrategies = []\n", "`run.strategies`: needs at least one strategy"),
        ("[[run.strategies]]\nname = \"sma_crosss\"\n", "`run.strategies[0].name`: unknown strategy `sma_crosss`; choose one of"),
        ("[[run.strategies]]\nname = \"sma_cross\"\n[[run.strategies]]\nname = \"rsi_reversion\"\nparams = { fast = 3 }\n", "`run.strategies[1].params.fast`: strategy `rsi_reversion` has no parameter `fast`"),
        ("[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = 40 }\n", "`run.strategies[0].params`: strategy `sma_cross`: fast (40) must be shorter than slow (30)"),
        ("[[run.strategies]]\nname = \"sma_cross\"\nparams = { fast = [1] }\n", "`run.strategies[0].params`: `fast` must be a number or string, got array"),
        ("[[run.strategies]]\nname = \"sma_cross\"\nsymbols = [\"WIPRO\"]\n", "`run.strategies[0].symbols`: `WIPRO` is not in run.symbols"),
        ("[paper]\nslippage_ticks = -1\n", "`paper.slippage_ticks`: must be 0 to 1000 ticks of adverse slippage, got -1"),
        ("[paper]\nslippage_ticks = 9223372036854775807\n", "`paper.slippage_ticks`: must be 0 to 1000 ticks of adverse slippage, got 9223372036854775807"),
        ("[paper]\nslippage_ticks = 1001\n", "`paper.slippage_ticks`: must be 0 to 1000"),
        ("[backtest]\nslippage_ticks = 9223372036854775807\n", "`backtest.slippage_ticks`: must be 0 to 1000 ticks of adverse slippage"),
        ("[paper]\nmax_fill_pct = 0\n", "`paper.max_fill_pct`: must be 1 to 100"),
        ("[paper]\nmax_fill_pct = 101\n", "`paper.max_fill_pct`: must be 1 to 100"),
        ("[paper]\nlatency_ms = 60001\n", "`paper.latency_ms`: must be at most 60000"),
        ("[runtime]\nring_capacity = 1\n", "`runtime.ring_capacity`: must be 2 to 16777216 ticks (default 4096), got 1"),
        ("[runtime]\nring_capacity = 16777217\n", "`runtime.ring_capacity`: must be 2 to 16777216 ticks"),
        ("[runtime]\ninbox_capacity = 0\n", "`runtime.inbox_capacity`: must be 2 to 1048576 messages"),
        ("[runtime]\ninbox_capacity = 1048577\n", "`runtime.inbox_capacity`: must be 2 to 1048576 messages"),
        ("[runtime]\nspin_iterations = 1000001\n", "`runtime.spin_iterations`: must be 0 to 1000000 spins (default 2000), got 1000001"),
        ("[runtime]\nyield_us = 1000001\n", "`runtime.yield_us`: must be 0 (park right after spinning, the default) to 1000000 microseconds"),
        ("[runtime]\nwait = \"busy_poll\"\nstrategy_shards = 256\n", "`runtime.wait`: \"busy_poll\" spins the engine and 256 strategy shards on a core each and the feed needs a core too: 258 cores, but this machine has"),
        ("[runtime]\npark_timeout_us = 0\n", "`runtime.park_timeout_us`: must be 1 to 1000000 microseconds (default 10000), got 0"),
        ("[runtime]\npark_timeout_us = 1000001\n", "`runtime.park_timeout_us`: must be 1 to 1000000 microseconds"),
        ("[runtime]\nshard_cores = [0, 1024]\n", "`runtime.shard_cores[1]`: must be a core id from 0 to 1023, got 1024"),
        ("[runtime.engine]\nname = \"e\"\ncore = 4096\n", "`runtime.engine.core`: must be a core id from 0 to 1023, got 4096"),
        ("[[run.strategies]]\nname = \"sma_cross\"\nparams = { slow = 10001 }\n", "`run.strategies[0].params.slow`: parameter `slow` = `10001`: expected a whole number from 2 to 10000"),
        ("[runtime]\nengine = { name = \"sw-feed\" }\n", "`runtime`: placement: thread name `sw-feed` is used twice"),
    ];
    for (text, expected) in cases {
        let e = err(text);
        // Every value here is the file's, so the error gives the line that sets it.
        let line = e
            .strip_prefix("u.toml:")
            .and_then(|rest| rest.split_once(": "))
            .filter(|(n, _)| n.parse::<usize>().is_ok());
        assert!(
            line.is_some_and(|(_, rest)| rest.starts_with(expected)),
            "{text:?}\n  gave {e}\n  want u.toml:LINE: {expected}…"
        );
    }
    // A replayed file brings its own symbols: a strategy's need not be in run.symbols.
    let s = Settings::from_toml_str("[run]\nfeed = \"replay:t.csv\"\n[[run.strategies]]\nname = \"sma_cross\"\nsymbols = [\"WIPRO\"]\n", "u.toml").unwrap();
    assert_eq!(s.run.replay_path(), Some(Path::new("t.csv")));
}

#[test]
fn mistakes_inside_an_array_of_tables_point_at_their_line() {
    let text = "[run]\ndemo_speed = 10\n\n[[run.strategies]]\nname = \"sma_cross\"\n\n[[run.strategies]]\nname = \"rsi_reversion\"\nmdoe = \"auto\"\n";
    let e = err(text);
    assert!(e.starts_with("u.toml:9: `run.strategies[1].mdoe`: unknown field `mdoe`, expected one of `name`, `id`, `params`, `symbols`, `mode`, `on_failure`"), "{e}");
    let e = err("[[run.strategies]]\nname = \"sma_cross\"\n[[run.strategies]]\nname = \"ema_cross\"\nmode = \"semi\"\n");
    assert!(e.starts_with("u.toml:5: `run.strategies[1].mode`: unknown variant `semi`, expected `auto` or `manual`"), "{e}");
    let e = err(
        "[[run.strategies]]\nname = \"sma_cross\"\n[[run.strategies]]\nparams = { period = 3 }\n",
    );
    assert!(
        e.starts_with("u.toml:3: `run.strategies[1]`: missing field `name`"),
        "the entry without a name: {e}"
    );
    let e = err("[run]\nstrategies = [{ name = \"sma_cross\", on_failure = \"panic\" }]\n");
    assert!(e.starts_with("u.toml:2: `run.strategies[0].on_failure`: unknown variant `panic`, expected `flatten` or `freeze`"), "{e}");
    let e = err("[runtime]\npin_cores = false\nrings = 3\n");
    assert!(
        e.starts_with("u.toml:3: `runtime.rings`: unknown field `rings`"),
        "{e}"
    );
}

#[test]
fn the_engine_wait_is_spin_park_unless_set_and_a_typo_names_both() {
    let s = Settings::from_toml_str("", "u.toml").unwrap();
    assert_eq!(s.runtime.wait, sharewise_actors::WaitMode::SpinPark);
    assert!(matches!(
        s.runtime.wait_policy(),
        sharewise_actors::WaitPolicy::SpinPark { .. }
    ));
    let s = Settings::from_toml_str("[runtime]\nwait = \"busy_poll\"\n", "u.toml").unwrap();
    assert_eq!(
        s.runtime.wait_policy(),
        sharewise_actors::WaitPolicy::BusyPoll
    );
    let e = err("[runtime]\npin_cores = true\nwait = \"busy\"\n");
    assert!(
        e.starts_with(
            "u.toml:3: `runtime.wait`: unknown variant `busy`, expected `spin_park` or `busy_poll`"
        ),
        "{e}"
    );
}

#[test]
fn environment_overrides_the_file_key_by_key() {
    let env = [
        ("SHAREWISE_RUN__DEMO_SPEED", "600"),
        ("SHAREWISE_BACKTEST__SIZING__VALUE", "5"),
        ("SHAREWISE_BACKTEST__PRODUCT", "MIS"),
        ("SHAREWISE_RISK__MAX_ORDERS_PER_DAY", "100"),
        ("SHAREWISE_RUN__SYMBOLS", "[\"TCS\", \"INFY\"]"),
        ("SHAREWISE_RUN__FEED", "replay:/data/ticks.csv"),
        ("HOME", "/root"),
        ("SHAREWISE_BENCH_CSV", "/tmp/b1m.csv"),
    ];
    let s = layers(
        "[run]\ndemo_speed = 10\ndemo_seed = 3\n[backtest.sizing]\nmethod = \"fixed_value\"\n",
        &env,
    )
    .unwrap();
    assert_eq!(s.run.demo_speed, 600, "the environment beats the file");
    assert_eq!(s.run.demo_seed, 3, "the file beats the defaults");
    assert_eq!(s.backtest.sizing.method, "fixed_value");
    assert_eq!(
        s.backtest.sizing.value.to_string(),
        "5",
        "a nested key, the rest of its table kept"
    );
    assert_eq!(
        s.backtest.product,
        sharewise_engine::types::Product::Mis,
        "not TOML, so a string"
    );
    assert_eq!(s.risk.max_orders_per_day, Some(100));
    assert_eq!(s.run.symbols, ["TCS", "INFY"], "an array replaces whole");
    assert_eq!(s.run.replay_path(), Some(Path::new("/data/ticks.csv")));

    // No file: the defaults and the environment.
    let s = Settings::load_layers(
        None,
        [(
            "SHAREWISE_PAPER__MAX_FILL_PCT".to_string(),
            "25".to_string(),
        )],
    )
    .unwrap();
    assert_eq!(s.paper.max_fill_pct, Some(25));
    // A named strategy replaces the file's whole, as a named [strategy] in a file does.
    let s = layers(
        "[strategy]\nparams = { fast = 5 }\n",
        &[("SHAREWISE_STRATEGY__NAME", "rsi_reversion")],
    )
    .unwrap();
    assert_eq!(
        (s.strategy.name.as_str(), s.strategy.params.len()),
        ("rsi_reversion", 0)
    );
}

#[test]
fn environment_mistakes_name_the_variable() {
    let unknown = layers_err("", &[("SHAREWISE_RUNN__DEMO_SPEED", "5")]);
    assert_eq!(unknown, "environment variable SHAREWISE_RUNN__DEMO_SPEED: unknown section `runn`; sections are backtest, strategy, zerodha, risk, run, paper, runtime, accounts");
    assert_eq!(layers_err("", &[("SHAREWISE_RUN__DEMO_SPEED", "fast")]), "environment variable SHAREWISE_RUN__DEMO_SPEED=fast: invalid type: string \"fast\", expected u32");
    let e = layers_err("", &[("SHAREWISE_RUN__DEMO_SPED", "5")]);
    assert!(e.starts_with("environment variable SHAREWISE_RUN__DEMO_SPED=5: unknown field `demo_sped`, expected one of `feed`"), "{e}");
    let e = layers_err("", &[("SHAREWISE_RUN__DEMO_SPEED", "0")]);
    assert!(e.starts_with("environment variable SHAREWISE_RUN__DEMO_SPEED=0: `run.demo_speed`: must be 1 to 100000"), "{e}");
    let e = layers_err(
        "[paper]\nlatency_ms = 5\n",
        &[("SHAREWISE_BACKTEST__PRODUCT", "NRML")],
    );
    assert!(e.starts_with("environment variable SHAREWISE_BACKTEST__PRODUCT=NRML: `backtest.product`: NRML is a derivatives product"), "{e}");
}

#[test]
fn file_mistakes_keep_their_line_under_the_environment() {
    let env = [
        ("SHAREWISE_RUN__DEMO_SPEED", "600"),
        ("SHAREWISE_PAPER__LATENCY_MS", "5"),
    ];
    let e = layers_err("[paper]\nlatency_ms = 1\nslipage = 2\n", &env);
    assert!(
        e.starts_with("u.toml:3: `paper.slipage`: unknown field `slipage`"),
        "{e}"
    );
    let e = layers_err(
        "[[run.strategies]]\nname = \"sma_cross\"\nmdoe = \"auto\"\n",
        &env,
    );
    assert!(
        e.starts_with("u.toml:3: `run.strategies[0].mdoe`: unknown field `mdoe`"),
        "{e}"
    );
    let e = layers_err("[run]\nstatus_every_s = 0\n", &env);
    assert!(
        e.starts_with("u.toml:2: `run.status_every_s`: must be 1 to 3600"),
        "a value error of the file is the file's: {e}"
    );
    // A bad file value the environment replaces is no error at all.
    let s = layers("[run]\ndemo_speed = \"fast\"\n", &env).unwrap();
    assert_eq!(s.run.demo_speed, 600);
}

#[test]
fn a_trailing_stop_is_a_percentage_between_0_and_100() {
    let s =
        sharewise_config::Settings::from_toml_str("[run]\ntrailing_stop_pct = \"1.5\"\n", "u.toml")
            .unwrap();
    assert_eq!(s.run.trailing_stop_bps(), Some(150));
    assert_eq!(
        sharewise_config::Settings::defaults()
            .run
            .trailing_stop_bps(),
        None
    );
    let err =
        sharewise_config::Settings::from_toml_str("[run]\ntrailing_stop_pct = \"0\"\n", "u.toml")
            .unwrap_err()
            .to_string();
    assert!(
        err.contains("`run.trailing_stop_pct`: must be between 0 and 100"),
        "{err}"
    );
}

//! `sharewise config check FILE` and `sharewise config defaults`, as an operator uses them.

mod cli_support;
use cli_support::*;

#[test]
fn a_good_file_is_ok_and_names_what_it_resolved() {
    let dir = tmp();
    let f = write_lines(dir.path(), "good.toml", &["[backtest]".into(), "cash = \"500000\"".into(), "commission = \"zerodha\"".into()]);
    sw(&["config", "check", s(&f)]).ok().stdout_has(&["good.toml: ok", "strategy sma_cross", "commission zerodha", "cash 500000"]);
}

#[test]
fn a_mistake_is_named_with_file_line_and_key() {
    let dir = tmp();
    let f = write_lines(dir.path(), "bad.toml", &["[backtest]".into(), "cash = \"500000\"".into(), "slipage_ticks = 1".into()]);
    sw(&["config", "check", s(&f)]).fails().stderr_has(&["bad.toml:3:", "slipage_ticks", "slippage_ticks"]);
    let f = write_lines(dir.path(), "limits.toml", &["[backtest.limits]".into(), "max_order_qty = -5".into()]);
    sw(&["config", "check", s(&f)]).fails().stderr_has(&["backtest.limits.max_order_qty", "must be positive"]);
    sw(&["config", "check", s(&dir.path().join("missing.toml"))]).fails().stderr_has(&["missing.toml"]);
}

#[test]
fn defaults_print_the_shipped_file() {
    let run = sw(&["config", "defaults"]).ok();
    let shipped = std::fs::read_to_string(repo("config/default.toml")).unwrap();
    run.stdout_has(&[shipped.trim_end()]);
}

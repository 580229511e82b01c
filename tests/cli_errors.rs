//! What a user sees when something is wrong: a non-zero exit, nothing on stdout, and one `error:`
//! line on stderr that names the file, line, field or flag at fault.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

/// A one-session bar file with row `data_row` (1-based, after the header) edited by `edit`.
fn edited(dir: &Path, name: &str, data_row: usize, edit: impl FnOnce(&mut Vec<String>)) -> PathBuf {
    let good = gen_bars(dir, "good.csv", 1, 1, &[]);
    let mut rows = lines(&good);
    let mut fields: Vec<String> = rows[data_row].split(',').map(String::from).collect();
    edit(&mut fields);
    rows[data_row] = fields.join(",");
    write_lines(dir, name, &rows)
}

fn backtest(data: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["backtest", "--data", s(data), "--qty", "10"];
    args.extend_from_slice(extra);
    sw(&args)
}

#[test]
fn missing_data_file() {
    let dir = tmp();
    let missing = dir.path().join("nope.csv");
    let run = quiet_failure(backtest(&missing, &[])).stderr_has(&["nope.csv", "No such file"]);
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "the reason is given once:\n{run}"
    );
    quiet_failure(sw(&[
        "indicators",
        "--data",
        s(&missing),
        "--out",
        s(&dir.path().join("o.csv")),
        "--set",
        "sma:3",
    ]))
    .stderr_has(&["nope.csv"]);
}

#[test]
fn missing_kite_file_reason_is_given_once() {
    let dir = tmp();
    let run = backtest(&dir.path().join("nope.json"), &[]).fails();
    assert!(run.stderr.contains("nope.json"), "{run}");
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "{run}"
    );
}

#[test]
fn high_below_the_body_names_file_line_and_field() {
    let dir = tmp();
    // Data row 3 is line 4 of the file; set high one tick below max(open, close).
    let bad = edited(dir.path(), "bad.csv", 3, |f| {
        let body = paise(&f[1]).max(paise(&f[4])) - 5;
        f[2] = format!("{}.{:02}", body / 100, body % 100);
    });
    let run =
        quiet_failure(backtest(&bad, &[])).stderr_has(&["bad.csv:4", "`high`", "max(open, close)"]);
    assert!(!run.stderr.contains("panicked"));

    let run = backtest(&bad, &["--skip-bad"]).ok();
    assert!(
        run.stdout.contains("skipped 1 row"),
        "--skip-bad says how many rows it dropped:\n{run}"
    );
    assert!(
        run.stdout.contains("high below max(open, close)"),
        "and why:\n{run}"
    );
    assert!(
        run.stdout.contains("bars                   374")
            || run
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with("bars") && l.trim_end().ends_with("374")),
        "{run}"
    );
}

#[test]
fn low_above_the_body() {
    let dir = tmp();
    let bad = edited(dir.path(), "low.csv", 10, |f| {
        let body = paise(&f[1]).min(paise(&f[4])) + 5;
        f[3] = format!("{}.{:02}", body / 100, body % 100);
    });
    quiet_failure(backtest(&bad, &[])).stderr_has(&["low.csv:11", "`low`"]);
}

#[test]
fn nan_price() {
    let dir = tmp();
    let bad = edited(dir.path(), "nan.csv", 5, |f| f[4] = "NaN".into());
    quiet_failure(backtest(&bad, &[])).stderr_has(&["nan.csv:6", "`close`", "NaN"]);
    let run = backtest(&bad, &["--skip-bad"]).ok();
    assert!(run.stdout.contains("skipped 1 row"), "{run}");
}

#[test]
fn negative_volume() {
    let dir = tmp();
    let bad = edited(dir.path(), "vol.csv", 7, |f| f[5] = "-5".into());
    quiet_failure(backtest(&bad, &[])).stderr_has(&["vol.csv:8", "volume"]);
}

#[test]
fn timestamp_going_backwards_or_repeating() {
    let dir = tmp();
    let good = gen_bars(dir.path(), "good.csv", 1, 1, &[]);
    let mut rows = lines(&good);
    rows.swap(8, 9);
    let back = write_lines(dir.path(), "back.csv", &rows);
    quiet_failure(backtest(&back, &[])).stderr_has(&["back.csv:10", "`ts`", "backwards"]);

    let mut rows = lines(&good);
    rows[12] = rows[11].clone();
    let repeat = write_lines(dir.path(), "repeat.csv", &rows);
    quiet_failure(backtest(&repeat, &[])).stderr_has(&["repeat.csv:13", "`ts`", "repeats"]);
}

#[test]
fn empty_files() {
    let dir = tmp();
    let header_only = write_lines(
        dir.path(),
        "header.csv",
        &["ts,open,high,low,close,volume".to_string()],
    );
    quiet_failure(backtest(&header_only, &[])).stderr_has(&["header.csv", "no bars"]);
    let wrong_header = write_lines(
        dir.path(),
        "cols.csv",
        &[
            "time,o,h,l,c,v".to_string(),
            "1767584700000,1,1,1,1,1".to_string(),
        ],
    );
    quiet_failure(backtest(&wrong_header, &[])).stderr_has(&["cols.csv:1", "`ts`"]);
}

#[test]
fn unknown_strategy_lists_the_choices() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    quiet_failure(backtest(&data, &["--strategy", "sma_crossx"]))
        .stderr_has(&["sma_crossx", "sma_cross, ema_cross"]);
}

#[test]
fn unknown_or_bad_parameters() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    quiet_failure(backtest(&data, &["--param", "fsat=10"])).stderr_has(&["`fsat`", "fast, slow"]);
    quiet_failure(backtest(&data, &["--param", "fast=abc"])).stderr_has(&["fast", "abc"]);
    quiet_failure(backtest(&data, &["--param", "fast"])).stderr_has(&["fast", "name=value"]);
    quiet_failure(backtest(
        &data,
        &["--param", "fast=30", "--param", "slow=30"],
    ))
    .stderr_has(&["fast (30)", "slow (30)"]);
    quiet_failure(backtest(
        &data,
        &["--param", "fast=40", "--param", "slow=30"],
    ))
    .stderr_has(&["fast (40)", "slow (30)"]);
}

#[test]
fn strategy_errors_come_before_reading_the_data() {
    // A bad strategy is reported even when the data file does not exist.
    let dir = tmp();
    quiet_failure(backtest(
        &dir.path().join("nope.csv"),
        &["--param", "fsat=10"],
    ))
    .stderr_has(&["fsat"]);
}

#[test]
fn config_typo_names_file_and_line() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let config = dir.path().join("typo.toml");
    std::fs::write(
        &config,
        "[backtest]\ncash = \"1000000\"\ncomision = \"none\"\n",
    )
    .unwrap();
    quiet_failure(backtest(&data, &["--config", s(&config)])).stderr_has(&[
        "typo.toml:3",
        "comision",
        "commission",
    ]);
    let missing = dir.path().join("missing.toml");
    quiet_failure(backtest(&data, &["--config", s(&missing)])).stderr_has(&["missing.toml"]);
}

#[test]
fn bad_account_options() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    quiet_failure(backtest(&data, &["--commission", "icici"]))
        .stderr_has(&["icici", "none", "zerodha"]);
    quiet_failure(backtest(&data, &["--product", "futures"]))
        .stderr_has(&["futures", "cnc", "mis"]);
    quiet_failure(sw(&["backtest", "--data", s(&data), "--qty", "0"])).stderr_has(&["0"]);
    quiet_failure(backtest(&data, &["--cash", "0"])).stderr_has(&["--cash", "0"]);
    quiet_failure(backtest(&data, &["--tick-size", "0"])).stderr_has(&["--tick-size"]);
    // clap usage errors exit 2.
    let run = sw(&[
        "backtest",
        "--data",
        s(&data),
        "--qty",
        "10",
        "--value",
        "5000",
    ]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "--qty and --value conflict:\n{run}"
    );
    let run = sw(&["backtest", "--qty", "10"]);
    assert_eq!(run.status.code(), Some(2), "--data is required:\n{run}");
    assert!(run.stderr.contains("--data"), "{run}");
}

#[test]
fn unwritable_output_directory() {
    let dir = tmp();
    let data = gen_bars(dir.path(), "r.csv", 1, 1, &[]);
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let run = backtest(&data, &["--out", s(&file.join("sub"))]).fails();
    assert!(run.stderr.contains("a-file"), "{run}");
}

//! `sharewise run` as a first-time user runs it in an empty directory, and the top-level help.

mod cli_support;

use cli_support::*;

#[test]
fn run_generates_data_once_and_writes_a_report() {
    let dir = tmp();
    let run = sw_in(dir.path(), &["run"]).ok();
    assert!(run.stdout.contains("generated 93750 synthetic minute bars"), "{run}");
    let data = dir.path().join("data/RELIANCE_1m.csv");
    assert!(data.is_file(), "{run}");
    let report = dir.path().join("data/report");
    for f in ["report.json", "trades.csv", "equity.csv", "equity.svg"] {
        assert!(report.join(f).is_file(), "data/report/{f} missing\n{run}");
    }
    let r = read_json(&report.join("report.json"));
    assert_eq!(r["bars"], 93_750);
    assert_eq!(r["symbol"], "RELIANCE");
    assert_eq!(r["strategy"], "sma_cross(10,30)");
    assert_eq!(read_csv(&report.join("equity.csv")).rows.len(), 93_750);
    // The generated file is the documented `generate bars` default (RELIANCE, 250 days, seed 1).
    let same = dir.path().join("same.csv");
    sw(&["generate", "bars", "--symbol", "RELIANCE", "--days", "250", "--seed", "1", "--out", s(&same)]).ok();
    assert!(std::fs::read(&data).unwrap() == std::fs::read(&same).unwrap(), "run's data equals `generate bars` with the defaults");

    // A second run reuses the file: replace it with a 2-day file and the report follows it.
    std::fs::remove_file(&same).unwrap();
    gen_bars(&dir.path().join("data"), "RELIANCE_1m.csv", 2, 7, &[]);
    let again = sw_in(dir.path(), &["run"]).ok();
    assert!(!again.stdout.contains("generated"), "second run must not regenerate:\n{again}");
    assert_eq!(read_json(&report.join("report.json"))["bars"], 750, "second run used the existing data file");
}

#[test]
fn run_with_a_data_dir() {
    let dir = tmp();
    let custom = dir.path().join("elsewhere");
    std::fs::create_dir_all(&custom).unwrap();
    gen_bars(&custom, "RELIANCE_1m.csv", 1, 1, &[]);
    sw_in(dir.path(), &["run", "--data-dir", "elsewhere"]).ok();
    assert_eq!(read_json(&custom.join("report/report.json"))["bars"], 375);
    assert!(!dir.path().join("data").exists(), "nothing written to ./data");
}

#[test]
fn help_and_version() {
    let run = sw(&["--help"]).ok();
    for cmd in ["run", "backtest", "indicators", "generate", "bench"] {
        assert!(run.stdout.contains(cmd), "--help lists `{cmd}`:\n{run}");
    }
    let run = sw(&["--version"]).ok();
    assert!(run.stdout.starts_with("sharewise "), "{run}");
    let run = sw(&["frobnicate"]);
    assert_eq!(run.status.code(), Some(2), "{run}");
}

//! `sharewise bench pipeline --json` and `sharewise bench backtest --json`: the interface other
//! tools read (figures are not asserted: speed belongs in benchmarks, not in tests on a shared
//! machine).

mod cli_support;

use cli_support::*;

#[test]
fn pipeline_bench_reports_every_documented_key() {
    let run = sw(&[
        "bench", "pipeline", "--ticks", "20000", "--rate", "200000", "--rounds", "2", "--json",
    ])
    .ok();
    let r: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON object: {e}\n{run}"));
    for key in [
        "p50_ns",
        "p99_ns",
        "p999_ns",
        "max_ns",
        "baseline_p50_ns",
        "baseline_p99_ns",
    ] {
        assert!(r[key].as_u64().is_some_and(|v| v > 0), "{key}: {}", r[key]);
    }
    for key in [
        "ticks_per_s",
        "baseline_ticks_per_s",
        "ratio_p50",
        "ratio_p99",
    ] {
        assert!(
            r[key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {}",
            r[key]
        );
    }
    assert!(
        r["p50_ns"].as_u64() <= r["p99_ns"].as_u64()
            && r["p99_ns"].as_u64() <= r["max_ns"].as_u64()
    );
    // Every tick is accounted for: delivered to the chain once, or replaced by a newer tick of
    // its instrument if the engine fell behind; the baseline's feed waits instead.
    let delivered = r["delivered"].as_u64().unwrap();
    assert_eq!(delivered + r["conflated"].as_u64().unwrap(), 20_000);
    assert_eq!(r["runtime"]["decision"]["count"].as_u64(), Some(delivered));
    assert_eq!(r["baseline"]["decision"]["count"], 20_000);
    assert_eq!(
        (r["rounds"].as_u64(), r["rate"].as_u64()),
        (Some(2), Some(200_000))
    );
}

#[test]
fn backtest_bench_reports_the_run_and_the_whole_command_side_by_side() {
    let run = sw(&[
        "bench", "backtest", "--bars", "3750", "--repeat", "2", "--json",
    ])
    .ok();
    let r: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON object: {e}\n{run}"));
    assert_eq!(
        (r["bars"].as_u64(), r["repetitions"].as_u64()),
        (Some(3750), Some(2))
    );
    for phase in [
        "whole_run",
        "whole_run_recording",
        "whole_command",
        "engine_only",
        "engine_only_recording",
        "read_only",
    ] {
        for key in [
            "median_bars_per_s",
            "min_bars_per_s",
            "max_bars_per_s",
            "median_s",
        ] {
            let v = &r[phase][key];
            assert!(
                v.as_f64().is_some_and(|v| v > 0.0),
                "{phase}.{key}: {v}\n{run}"
            );
        }
    }
    let report = &r["report"];
    // report.json, trades.csv, equity.csv (3,751 lines of at least 20 bytes), signals.csv, equity.svg.
    assert!(
        report["bytes"].as_u64().is_some_and(|b| b > 75_000),
        "{report}"
    );
    for key in [
        "median_mb_per_s",
        "min_mb_per_s",
        "max_mb_per_s",
        "median_s",
    ] {
        assert!(
            report[key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {report}"
        );
    }
    // The report is timed inside each whole command, so its median is the smaller.
    assert!(
        report["median_s"].as_f64() < r["whole_command"]["median_s"].as_f64(),
        "{run}"
    );
}

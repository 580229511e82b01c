//! `sharewise bench pipeline` (its rate sweep, table and `--json`), `sharewise bench backtest
//! --json` and `sharewise bench orders --json` (each broker adapter beside paper; the burst never
//! past the broker's 10 orders a second): the interface other tools read (figures are not asserted: speed belongs in benchmarks,
//! not in tests on a shared machine).

mod cli_support;

use cli_support::*;

#[test]
fn pipeline_bench_sweeps_the_rates_with_three_contenders_each() {
    let run = sw(&[
        "bench",
        "pipeline",
        "--seconds",
        "0.2",
        "--rounds",
        "2",
        "--ticks",
        "20000",
        "--json",
    ])
    .ok();
    let r: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON object: {e}\n{run}"));
    let rows = r["rates"].as_array().expect("rates");
    let rates: Vec<u64> = rows.iter().filter_map(|row| row["rate"].as_u64()).collect();
    assert_eq!(
        rates,
        [300, 3_000, 30_000, 100_000],
        "the default sweep\n{run}"
    );
    for row in rows {
        let ticks = row["ticks"].as_u64().expect("ticks");
        assert!(ticks >= 2, "{row}");
        for who in ["baseline", "spin_park", "busy_poll"] {
            let c = &row[who];
            let l = &c["decision"];
            let at = |key: &str| {
                l[key]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{who}.{key}: {c}"))
            };
            assert!(at("p50_ns") > 0, "{who}: {c}");
            assert!(
                at("p50_ns") <= at("p99_ns") && at("p99_ns") <= at("max_ns"),
                "{c}"
            );
            // Every tick is accounted for: handled by the chain once, or replaced by a newer
            // tick of its instrument if the engine fell behind; the baseline's feed waits instead.
            let handled = c["handled"].as_u64().expect("handled");
            assert_eq!(handled + c["conflated"].as_u64().unwrap(), ticks, "{c}");
            assert_eq!(at("count"), handled);
            for key in ["engine_cpu_pct", "process_cpu_pct"] {
                assert!(
                    c[key].as_f64().is_some_and(|v| v >= 0.0),
                    "{who}.{key}: {c}"
                );
            }
        }
        assert_eq!(row["baseline"]["conflated"], 0);
    }
    let flat = &r["flat_out"];
    assert_eq!(flat["ticks"], 20_000);
    for who in ["baseline", "spin_park", "busy_poll"] {
        let t = &flat[who];
        assert!(
            t["ticks_per_s"].as_f64().is_some_and(|v| v > 0.0),
            "{who}: {t}"
        );
        assert!(
            t["offered_per_s"].as_f64().is_some_and(|v| v > 0.0),
            "{who}: {t}"
        );
    }
    for key in ["ratio_spin_park", "ratio_busy_poll"] {
        assert!(flat[key].as_f64().is_some_and(|v| v > 0.0), "{key}: {flat}");
    }
    // The targets are reported, never asserted: timing belongs in the output, not in a test.
    for key in [
        "busy_poll_within_1_5x",
        "default_p99_under_200us",
        "default_cpu_at_300_within_5pct",
        "throughput_at_least_0_8x",
    ] {
        assert!(r["targets"][key].is_boolean(), "{key}: {}", r["targets"]);
    }
}

#[test]
fn pipeline_bench_table_has_a_row_per_rate_and_contender() {
    let run = sw(&[
        "bench",
        "pipeline",
        "--rates",
        "300,3000",
        "--seconds",
        "0.1",
        "--rounds",
        "1",
        "--ticks",
        "0",
    ])
    .ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[1].contains("engine CPU %"), "{run}");
    for (rate, who) in [
        (Some("300"), "baseline"),
        (None, "spin_park (default)"),
        (None, "busy_poll"),
    ] {
        let found = lines.iter().any(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            l.contains(who) && rate.is_none_or(|r| cells.first() == Some(&r))
        });
        assert!(found, "{who} at {rate:?}\n{run}");
    }
    assert!(
        !run.stdout.contains("ticks handled/s"),
        "--ticks 0 skips it\n{run}"
    );
    assert!(run.stdout.contains("targets:"), "{run}");
    let bad = sw(&["bench", "pipeline", "--rates", "0"]).fails();
    assert!(
        bad.stderr.contains("--rates must list feed rates above 0"),
        "{bad}"
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

#[test]
fn order_bench_times_each_broker_adapter_beside_paper_and_holds_the_rate_limit() {
    for broker in ["kite-sandbox", "upstox-sandbox"] {
        let run = sw(&[
            "bench", "orders", "--broker", broker, "--orders", "5", "--burst", "12", "--json",
        ])
        .ok();
        let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["broker"], broker);
        let rows = out["placements"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{out}");
        assert!(rows[0]["name"].as_str().unwrap().starts_with(broker));
        assert_eq!(rows[1]["name"], "paper (in process)");
        for row in rows {
            assert_eq!(row["samples"], 5, "{row}");
            assert!(row["p50_us"].as_f64().unwrap() > 0.0);
        }
        // Twelve placements as fast as asked: spaced to at most the broker's 10 a second.
        let rate = out["burst"]["placements_per_s"].as_f64().unwrap();
        assert!(rate > 0.0 && rate <= 10.0, "{broker}: {rate}/s");
    }
    let err = sw(&["bench", "orders", "--broker", "aliceblue"]).fails();
    assert!(
        err.stderr
            .contains("use `kite-sandbox` or `upstox-sandbox`"),
        "{err}"
    );
}

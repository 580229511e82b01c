//! `sharewise bench pipeline --json`: the interface other tools read (figures are not asserted:
//! speed belongs in benchmarks, not in tests on a shared machine).

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

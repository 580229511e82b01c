//! The synthetic generator: determinism, session calendar, grid, OHLC consistency, volume
//! profile, tick/bar agreement, and round trips through the CSV writer and reader.

use sharewise_engine::bars::{BarAggregator, BarInterval};
use sharewise_engine::time::{
    days_from_civil, ist_day, ist_time_of_day, weekday, NANOS_PER_MINUTE, NSE_OPEN_IST_NS,
};
use sharewise_engine::types::{Bar, InstrumentId, Price, Tick};
use sharewise_feeds::synthetic::{generate_bars, generate_ticks, GenSpec};
use sharewise_feeds::{
    write_bars_csv, write_ticks_csv, BarReader, ReadOptions, TickReader, TimeFormat,
};

fn bars(spec: &GenSpec) -> Vec<Bar> {
    generate_bars(spec).unwrap().collect()
}

fn csv_bytes(spec: &GenSpec, format: TimeFormat) -> Vec<u8> {
    let mut out = Vec::new();
    write_bars_csv(generate_bars(spec).unwrap(), &mut out, format).unwrap();
    out
}

#[test]
fn same_seed_gives_byte_identical_output_and_other_seeds_or_symbols_differ() {
    let spec = GenSpec::new("INFY", 3, 7);
    let a = csv_bytes(&spec, TimeFormat::EpochMillis);
    assert_eq!(a, csv_bytes(&spec, TimeFormat::EpochMillis));
    assert_ne!(
        a,
        csv_bytes(&GenSpec::new("INFY", 3, 8), TimeFormat::EpochMillis)
    );
    assert_ne!(
        a,
        csv_bytes(&GenSpec::new("TCS", 3, 7), TimeFormat::EpochMillis)
    );
    let mut ticks_a = Vec::new();
    let mut ticks_b = Vec::new();
    write_ticks_csv(
        generate_ticks(&spec).unwrap(),
        &mut ticks_a,
        TimeFormat::IST,
    )
    .unwrap();
    write_ticks_csv(
        generate_ticks(&spec).unwrap(),
        &mut ticks_b,
        TimeFormat::IST,
    )
    .unwrap();
    assert_eq!(ticks_a, ticks_b);
}

#[test]
fn pinned_first_rows_catch_accidental_changes_to_the_process() {
    let text =
        String::from_utf8(csv_bytes(&GenSpec::new("RELIANCE", 1, 42), TimeFormat::IST)).unwrap();
    let head: Vec<&str> = text.lines().take(2).collect();
    assert_eq!(head[0], "ts,open,high,low,close,volume");
    assert!(
        head[1].starts_with("2026-01-05T09:15:00+05:30,1500.00,"),
        "{}",
        head[1]
    );
}

#[test]
fn covers_375_minutes_per_weekday_session_and_skips_weekends() {
    // Start on Saturday 2026-01-03: generation begins Monday 2026-01-05; 7 days end Tuesday 01-13.
    let spec = GenSpec {
        start_day: days_from_civil(2026, 1, 3),
        ..GenSpec::new("SBIN", 7, 1)
    };
    let all = bars(&spec);
    assert_eq!(all.len(), 7 * 375);
    let days: Vec<i64> = all.chunks(375).map(|c| ist_day(c[0].ts)).collect();
    assert_eq!(days[0], days_from_civil(2026, 1, 5));
    assert_eq!(days[6], days_from_civil(2026, 1, 13));
    for (day, chunk) in days.iter().zip(all.chunks(375)) {
        assert!(weekday(*day) < 5);
        for (m, bar) in chunk.iter().enumerate() {
            assert_eq!(ist_day(bar.ts), *day);
            assert_eq!(
                ist_time_of_day(bar.ts),
                NSE_OPEN_IST_NS + m as i64 * NANOS_PER_MINUTE
            );
        }
    }
}

#[test]
fn bars_are_consistent_and_on_the_five_paise_grid() {
    let spec = GenSpec {
        vol: 0.6,
        ..GenSpec::new("ADANIENT", 20, 3)
    };
    let tick = Price::from_rupees_paise(0, 5);
    for b in bars(&spec) {
        assert!(
            b.high >= b.open.max(b.close) && b.low <= b.open.min(b.close),
            "{b:?}"
        );
        assert!(
            [b.open, b.high, b.low, b.close]
                .iter()
                .all(|p| p.is_on_tick(tick) && p.units() > 0),
            "{b:?}"
        );
        assert!(b.volume > 0);
    }
}

#[test]
fn volume_is_u_shaped_over_the_day() {
    let all = bars(&GenSpec::new("HDFCBANK", 40, 11));
    let mut by_minute = [0i64; 375];
    for (i, b) in all.iter().enumerate() {
        by_minute[i % 375] += b.volume;
    }
    let avg = |r: std::ops::Range<usize>| by_minute[r.clone()].iter().sum::<i64>() / r.len() as i64;
    let (open, midday, close) = (avg(0..15), avg(150..225), avg(360..375));
    assert!(
        open > 2 * midday && close > 2 * midday,
        "open {open} midday {midday} close {close}"
    );
}

#[test]
fn price_follows_the_requested_drift_and_volatility_roughly() {
    // 250 days at σ = 25%: daily log-returns should have a standard deviation near 0.25/√252.
    let days: Vec<Bar> = generate_bars(&GenSpec {
        interval: BarInterval::D1,
        ..GenSpec::new("ITC", 250, 5)
    })
    .unwrap()
    .collect();
    assert_eq!(days.len(), 250);
    let rets: Vec<f64> = days
        .windows(2)
        .map(|w| (w[1].close.to_f64() / w[0].close.to_f64()).ln())
        .collect();
    let mean = rets.iter().sum::<f64>() / rets.len() as f64;
    let sd =
        (rets.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (rets.len() - 1) as f64).sqrt();
    let expected = 0.25 / 252f64.sqrt();
    assert!(
        (sd / expected - 1.0).abs() < 0.25,
        "daily sd {sd} vs {expected}"
    );
}

#[test]
fn bars_are_exactly_the_aggregated_ticks() {
    for interval in [BarInterval::M1, BarInterval::M15, BarInterval::H1] {
        let spec = GenSpec {
            interval,
            instrument: InstrumentId(4),
            ..GenSpec::new("LT", 3, 9)
        };
        let ticks: Vec<Tick> = generate_ticks(&spec).unwrap().collect();
        assert!(ticks.windows(2).all(|w| w[0].ts < w[1].ts));
        assert!(ticks
            .iter()
            .all(|t| t.instrument == InstrumentId(4) && t.qty > 0 && t.ts % 1_000_000 == 0));
        let mut agg = BarAggregator::new(interval);
        let mut expected: Vec<Bar> = ticks.iter().filter_map(|t| agg.push(*t)).collect();
        expected.extend(agg.flush());
        assert_eq!(agg.ignored().total(), 0);
        assert_eq!(bars(&spec), expected, "{interval}");
    }
    assert_eq!(
        bars(&GenSpec {
            interval: BarInterval::H1,
            ..GenSpec::new("LT", 2, 9)
        })
        .len(),
        2 * 7
    );
}

#[test]
fn written_csv_reads_back_identically_in_both_time_formats() {
    let spec = GenSpec::new("WIPRO", 2, 21);
    let original = bars(&spec);
    for format in [TimeFormat::EpochMillis, TimeFormat::IST] {
        let bytes = csv_bytes(&spec, format);
        let mut reader = BarReader::new(bytes.as_slice(), "gen.csv", ReadOptions::STRICT).unwrap();
        let back: Vec<Bar> = reader.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, original);
        assert_eq!(reader.time_format(), Some(format));
    }
    let ticks: Vec<Tick> = generate_ticks(&spec).unwrap().collect();
    let mut bytes = Vec::new();
    write_ticks_csv(ticks.iter().copied(), &mut bytes, TimeFormat::IST).unwrap();
    let back: Vec<Tick> = TickReader::new(
        bytes.as_slice(),
        "t.csv",
        InstrumentId(0),
        ReadOptions::STRICT,
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap();
    assert_eq!(back, ticks);
}

#[test]
fn invalid_specs_are_rejected_with_the_field_named() {
    let err = generate_bars(&GenSpec {
        vol: f64::NAN,
        ..GenSpec::new("X", 1, 1)
    })
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "synthetic spec: `vol` = NaN must be a finite annual volatility in 0..=10"
    );
    let err = generate_ticks(&GenSpec {
        start_price: Price::ZERO,
        ..GenSpec::new("X", 1, 1)
    })
    .err()
    .unwrap();
    assert_eq!(err.field, "start_price");
    assert_eq!(generate_bars(&GenSpec::new("X", 0, 1)).unwrap().count(), 0);
}

//! Each kind of bad row, in strict mode (error naming file, line, field, value) and in skip-bad
//! mode (row dropped, counted in the report).

use sharewise_engine::types::InstrumentId;
use sharewise_feeds::{BadRowKind, BarReader, FeedError, ReadOptions, SkipReport, TickReader};
use sharewise_testkit::{tmp, write_lines};

const HEADER: &str = "ts,open,high,low,close,volume";
const GOOD_1: &str = "2026-01-05T09:15:00+05:30,100,101,99,100.5,10";
const GOOD_3: &str = "2026-01-05T09:17:00+05:30,100,101,99,100.5,10";

/// (kind, bad row placed between two good ones, message after `path:3: `).
fn cases() -> Vec<(BadRowKind, &'static str, &'static str)> {
    vec![
        (BadRowKind::BadField, "2026-01-05T09:16:00+05:30,,101,99,100.5,10", "field `open` is empty"),
        (BadRowKind::BadField, "2026-01-05T09:16:00+05:30,100,NaN,99,100.5,10", "field `high` = `NaN` is not a decimal price"),
        (BadRowKind::BadField, "2026-01-05T09:16:00+05:30,100,101,99,100.5,12.5", "field `volume` = `12.5` is not a whole number"),
        (
            BadRowKind::BadField,
            "09:16,100,101,99,100.5,10",
            "field `ts` = `09:16` is not a timestamp (expected epoch milliseconds or ISO-8601 with offset, e.g. 2026-01-05T09:15:00+05:30)",
        ),
        (BadRowKind::BadField, "2026-01-05T09:16:00+05:30,-100,101,99,100.5,10", "field `open` = `-100` must be positive"),
        (BadRowKind::HighBelowBody, "2026-01-05T09:16:00+05:30,100,100.25,99,100.5,10", "field `high` = 100.25 is below max(open, close) = 100.50"),
        (BadRowKind::HighBelowBody, "2026-01-05T09:16:00+05:30,100,98,99,100,10", "field `high` = 98.00 is below max(open, close) = 100.00"),
        (BadRowKind::LowAboveBody, "2026-01-05T09:16:00+05:30,100,101,100.05,100.5,10", "field `low` = 100.05 is above min(open, close) = 100.00"),
        (BadRowKind::NegativeVolume, "2026-01-05T09:16:00+05:30,100,101,99,100.5,-3", "field `volume` = -3 is negative"),
        (
            BadRowKind::TimeBackwards,
            "2026-01-05T09:14:00+05:30,100,101,99,100.5,10",
            "field `ts` = 2026-01-05T09:14:00+05:30 goes backwards (previous accepted row: 2026-01-05T09:15:00+05:30)",
        ),
        (BadRowKind::TimeRepeat, "2026-01-05T09:15:00+05:30,100,101,99,100.5,10", "field `ts` = 2026-01-05T09:15:00+05:30 repeats the previous row's timestamp"),
    ]
}

#[test]
fn strict_mode_stops_at_the_first_bad_row_naming_path_line_field_and_value() {
    let dir = tmp();
    for (i, (kind, bad, message)) in cases().into_iter().enumerate() {
        let path = write_lines(
            dir.path(),
            &format!("case{i}.csv"),
            &[HEADER, GOOD_1, bad, GOOD_3],
        );
        let results: Vec<_> = BarReader::open(&path, ReadOptions::STRICT)
            .unwrap()
            .collect();
        assert_eq!(results.len(), 2, "{bad}");
        assert!(results[0].is_ok());
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.to_string(), format!("{}:3: {message}", path.display()));
        assert_eq!(err.row_problem().map(|p| p.kind()), Some(kind));
    }
}

#[test]
fn skip_mode_drops_the_bad_row_and_counts_it_by_kind() {
    for (kind, bad, _) in cases() {
        let csv = [HEADER, GOOD_1, bad, GOOD_3].join("\n");
        let mut r = BarReader::new(csv.as_bytes(), "inline.csv", ReadOptions::SKIP_BAD).unwrap();
        let bars: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(bars.len(), 2, "{bad}");
        assert_eq!(r.skipped().get(kind), 1, "{bad}");
        assert_eq!(r.skipped().total(), 1, "{bad}");
    }
}

#[test]
fn time_order_is_checked_against_the_last_accepted_row() {
    // Row 3 is skipped (09:20, but its high is bad); row 4 at 09:18 is therefore fine; row 5 at
    // 09:17 goes backwards relative to row 4.
    let csv = [
        HEADER,
        "2026-01-05T09:15:00+05:30,100,101,99,100,1",
        "2026-01-05T09:20:00+05:30,100,99.5,99,100,1",
        "2026-01-05T09:18:00+05:30,100,101,99,100,1",
        "2026-01-05T09:17:00+05:30,100,101,99,100,1",
        "2026-01-05T09:18:00+05:30,100,101,99,100,1",
        "2026-01-05T09:19:00+05:30,100,101,99,100,1",
    ]
    .join("\n");
    let mut r = BarReader::new(csv.as_bytes(), "inline.csv", ReadOptions::SKIP_BAD).unwrap();
    let bars: Vec<_> = r.by_ref().collect::<Result<_, FeedError>>().unwrap();
    assert_eq!(bars.len(), 3);
    let expected = SkipReport {
        high_below_body: 1,
        time_backwards: 1,
        time_repeat: 1,
        ..SkipReport::default()
    };
    assert_eq!(*r.skipped(), expected);
    assert_eq!(
        r.skipped().to_string(),
        "skipped 3 rows: 1 high below max(open, close), 1 timestamp going backwards, 1 repeated timestamp"
    );
}

#[test]
fn skip_mode_summary_counts_every_kind() {
    let mut lines = vec![HEADER.to_string(), GOOD_1.to_string()];
    lines.extend(cases().into_iter().map(|(_, bad, _)| bad.to_string()));
    lines.push(GOOD_3.to_string());
    let csv = lines.join("\n");
    let mut r = BarReader::new(csv.as_bytes(), "inline.csv", ReadOptions::SKIP_BAD).unwrap();
    assert_eq!(r.by_ref().filter(Result::is_ok).count(), 2);
    let report = *r.skipped();
    assert_eq!(
        report,
        SkipReport {
            bad_field: 5,
            high_below_body: 2,
            low_above_body: 1,
            negative_volume: 1,
            time_backwards: 1,
            time_repeat: 1
        }
    );
    assert_eq!(
        report.to_string(),
        "skipped 11 rows: 5 bad fields, 2 high below max(open, close), 1 low above min(open, close), 1 negative volume, \
         1 timestamp going backwards, 1 repeated timestamp"
    );
}

#[test]
fn tick_rows_are_validated_too_and_may_share_a_timestamp() {
    let csv = "ts,price,qty\n\
               1767584700000,100.05,10\n\
               1767584700000,100.10,5\n\
               1767584699999,100.10,5\n\
               1767584700001,abc,5\n\
               1767584700001,100.00,-1\n\
               1767584700002,100.00,1\n";
    let mut r = TickReader::new(
        csv.as_bytes(),
        "ticks.csv",
        InstrumentId(3),
        ReadOptions::SKIP_BAD,
    )
    .unwrap();
    let ticks: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(ticks.len(), 3);
    assert_eq!(
        *r.skipped(),
        SkipReport {
            bad_field: 1,
            negative_volume: 1,
            time_backwards: 1,
            ..SkipReport::default()
        }
    );

    let mut strict = TickReader::new(
        csv.as_bytes(),
        "ticks.csv",
        InstrumentId(3),
        ReadOptions::STRICT,
    )
    .unwrap();
    let err = strict.nth(2).unwrap().unwrap_err();
    assert_eq!(err.to_string(), "ticks.csv:4: field `ts` = 1767584699999 goes backwards (previous accepted row: 1767584700000)");
    assert!(strict.next().is_none());
}

/// Nanosecond timestamps hold 1970 to April 2262 (read up to the end of 2261): a `ts` beyond is a
/// bad field naming file and line on every read path (not a wrapped time or a panic).
#[test]
fn timestamps_outside_1970_to_2261_are_refused_with_file_and_line() {
    let dir = tmp();
    let reason = "is outside the years 1970–2261 that timestamps can hold";
    let bars = [
        (
            "9214646400000",
            "1767584700000,100,101,99,100.5,10",
            "1767584760000,100,101,99,100.5,10",
        ),
        (
            "99999999999999",
            "1767584700000,100,101,99,100.5,10",
            "1767584760000,100,101,99,100.5,10",
        ),
        ("2262-01-01T00:00:00Z", GOOD_1, GOOD_3),
        ("1969-12-31T23:59:59Z", GOOD_1, GOOD_3),
    ];
    for (i, (ts, first, last)) in bars.into_iter().enumerate() {
        let bad = format!("{ts},100,101,99,100.5,10");
        let path = write_lines(
            dir.path(),
            &format!("far{i}.csv"),
            &[HEADER, first, bad.as_str(), last],
        );
        let results: Vec<_> = BarReader::open(&path, ReadOptions::STRICT)
            .unwrap()
            .collect();
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}:3: field `ts` = `{ts}` {reason}", path.display())
        );
        let mut skip = BarReader::open(&path, ReadOptions::SKIP_BAD).unwrap();
        assert_eq!(skip.by_ref().filter(Result::is_ok).count(), 2, "{ts}");
        assert_eq!(skip.skipped().get(BadRowKind::BadField), 1, "{ts}");
    }
    let csv =
        "ts,price,qty\n1767584700000,100.05,10\n1767584700001,100.05,10\n9999999999999,100.05,10\n";
    let err = TickReader::new(
        csv.as_bytes(),
        "t.csv",
        InstrumentId(0),
        ReadOptions::STRICT,
    )
    .unwrap()
    .nth(2)
    .unwrap()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("t.csv:4: field `ts` = `9999999999999` {reason}")
    );
    // The last representable day still reads.
    let edge = write_lines(
        dir.path(),
        "edge.csv",
        &[HEADER, "2261-12-31T23:59:59Z,100,101,99,100.5,10"],
    );
    assert!(BarReader::open(&edge, ReadOptions::STRICT)
        .unwrap()
        .all(|r| r.is_ok()));
}

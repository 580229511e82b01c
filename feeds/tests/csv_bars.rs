//! Reading bar CSVs: header handling, timestamp formats, files and errors.

use sharewise_engine::types::Bar;
use sharewise_feeds::{BarReader, FeedError, ReadOptions, TimeFormat};
use sharewise_testkit::{bar, p, tmp, write_lines};

const OPEN_NS: i64 = 1_767_584_700_000_000_000; // 2026-01-05T09:15:00+05:30
const MIN: i64 = 60_000_000_000;

fn read(csv: &str) -> Result<Vec<Bar>, FeedError> {
    BarReader::new(csv.as_bytes(), "inline.csv", ReadOptions::STRICT)?.collect()
}

#[test]
fn reads_columns_by_name_in_any_order_and_case_ignoring_extras() {
    let csv = "Volume,CLOSE,symbol,ts,Low,open,High\n1200,100.5,X,1767584700000,99.5,100,101\n800,100.55,X,1767584760000,100.1,100.5,100.9\n";
    let bars = read(csv).unwrap();
    assert_eq!(
        bars,
        vec![
            bar(OPEN_NS, ["100", "101", "99.5", "100.5"], 1200),
            bar(OPEN_NS + MIN, ["100.5", "100.9", "100.1", "100.55"], 800),
        ]
    );
}

#[test]
fn detects_and_remembers_the_timestamp_format() {
    let iso = "ts,open,high,low,close,volume\n2026-01-05T09:15:00+0530,1,1,1,1,1\n2026-01-05 09:16:00+05:30,1,1,1,1,1\n";
    let mut r = BarReader::new(iso.as_bytes(), "iso.csv", ReadOptions::STRICT).unwrap();
    assert_eq!(r.time_format(), None);
    assert_eq!(r.next().unwrap().unwrap().ts, OPEN_NS);
    assert_eq!(r.time_format(), Some(TimeFormat::IST));
    assert_eq!(r.next().unwrap().unwrap().ts, OPEN_NS + MIN);
    assert!(r.next().is_none());

    let utc = "ts,open,high,low,close,volume\n2026-01-05T03:45:00Z,1,1,1,1,1\n";
    let mut r = BarReader::new(utc.as_bytes(), "utc.csv", ReadOptions::STRICT).unwrap();
    assert_eq!(r.next().unwrap().unwrap().ts, OPEN_NS);
    assert_eq!(
        r.time_format(),
        Some(TimeFormat::Iso8601 { offset_secs: 0 })
    );

    let ms = "ts,open,high,low,close,volume\n1767584700000,1,1,1,1,1\n";
    let mut r = BarReader::new(ms.as_bytes(), "ms.csv", ReadOptions::STRICT).unwrap();
    assert!(r.next().unwrap().is_ok());
    assert_eq!(r.time_format(), Some(TimeFormat::EpochMillis));
}

#[test]
fn a_row_switching_timestamp_format_is_a_bad_field() {
    let csv = "ts,open,high,low,close,volume\n1767584700000,1,1,1,1,1\n2026-01-05T09:16:00+05:30,1,1,1,1,1\n";
    let err = read(csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inline.csv:3: field `ts` = `2026-01-05T09:16:00+05:30` is not in the file's timestamp format (epoch milliseconds)"
    );
}

#[test]
fn missing_required_column_is_named() {
    let err = read("ts,open,high,low,close\n1767584700000,1,1,1,1\n").unwrap_err();
    assert!(matches!(
        err,
        FeedError::MissingColumn {
            column: "volume",
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "inline.csv:1: missing required column `volume` (header is `ts,open,high,low,close`)"
    );
    let err = read("").unwrap_err();
    assert!(
        matches!(err, FeedError::MissingColumn { column: "ts", .. }),
        "{err}"
    );
}

#[test]
fn header_only_file_yields_nothing_and_bom_is_ignored() {
    assert_eq!(read("ts,open,high,low,close,volume\n").unwrap(), vec![]);
    let bars =
        read("\u{feff}ts,open,high,low,close,volume\r\n1767584700000,1,1,1,1,1\r\n").unwrap();
    assert_eq!(bars.len(), 1);
}

#[test]
fn short_rows_report_the_missing_field() {
    let err = read("ts,open,high,low,close,volume\n1767584700000,1,1,1\n").unwrap_err();
    assert_eq!(err.to_string(), "inline.csv:2: field `close` is empty");
}

#[test]
fn opens_files_and_names_the_path_in_errors() {
    let dir = tmp();
    let path = write_lines(
        dir.path(),
        "bars.csv",
        &[
            "ts,open,high,low,close,volume",
            "1767584700000,1573.15,1575,1570,1574.5,10",
            "1767584760000,1573.15,1572.10,1570,1572,10",
        ],
    );
    let mut r = BarReader::open(&path, ReadOptions::STRICT).unwrap();
    assert_eq!(r.source(), path.display().to_string());
    assert_eq!(r.next().unwrap().unwrap().close, p("1574.5"));
    let err = r.next().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3: field `high` = 1572.10 is below max(open, close) = 1573.15",
            path.display()
        )
    );
    assert!(
        r.next().is_none(),
        "strict mode stops after the first error"
    );

    let missing = dir.path().join("nope.csv");
    let err = BarReader::open(&missing, ReadOptions::STRICT)
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with(&format!("cannot open {}: ", missing.display())),
        "{err}"
    );
}

#[test]
fn quoted_fields_and_multiline_records_keep_editor_line_numbers() {
    let csv = "ts,open,high,low,close,volume,note\n1767584700000,1,1,1,1,1,\"two\nlines\"\n1767584760000,1,1,1,1,-1,x\n";
    let err = read(csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inline.csv:4: field `volume` = -1 is negative"
    );
}

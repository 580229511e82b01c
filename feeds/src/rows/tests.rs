//! The row paths agree: every input read with the fast paths on and off, in blocks of many sizes
//! and through a reader that hands out a few bytes at a time, gives the same bars, the same errors
//! (message and line) and the same skip counts — and the same as the `csv`-crate reader this
//! engine replaced (see [`csv_crate_reader`]), apart from its line numbers after empty lines and in
//! CRLF files, which were off and are now the editor's.

use std::io::{self, Read};

use sharewise_engine::types::{Bar, InstrumentId, Tick};

use super::{CsvRows, RowFormat};
use crate::csv_bars::BarRow;
use crate::csv_ticks::TickRow;
use crate::timefmt::TimeFormat;
use crate::validate::{ReadOptions, SkipReport};

/// What a reader made of an input: each item or error message, the skip report, the time format.
type Outcome<T> = (Vec<Result<T, String>>, SkipReport, Option<TimeFormat>);

/// A reader handing out at most `step` bytes per call (and an `Interrupted` now and then).
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(5) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn read_with<R: Read, F: RowFormat>(
    reader: R,
    format: F,
    options: ReadOptions,
    block: usize,
    fast: bool,
) -> Outcome<F::Item> {
    match CsvRows::with_block_size(reader, "in.csv".to_string(), options, format, block, fast) {
        Err(e) => (vec![Err(e.to_string())], SkipReport::default(), None),
        Ok(mut rows) => {
            let items = std::iter::from_fn(|| rows.next_item())
                .map(|r| r.map_err(|e| e.to_string()))
                .collect();
            (items, *rows.report(), rows.time_format())
        }
    }
}

/// Reads `input` every way; asserts they all agree and returns the outcome.
fn read_every_way<F: RowFormat>(
    input: &[u8],
    format: impl Fn() -> F,
    options: ReadOptions,
) -> Outcome<F::Item>
where
    F::Item: PartialEq + std::fmt::Debug,
{
    let reference = read_with(input, format(), options, 1 << 20, false);
    for block in [4, 5, 7, 8, 13, 31, 63, 64, 65, 100, 1 << 20] {
        for fast in [true, false] {
            let got = read_with(input, format(), options, block, fast);
            assert_eq!(
                got,
                reference,
                "block {block}, fast {fast}, input {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
    for step in [1, 3, 64] {
        let got = read_with(
            Trickle {
                data: input,
                step,
                calls: 0,
            },
            format(),
            options,
            1 << 10,
            true,
        );
        assert_eq!(
            got,
            reference,
            "{step} bytes per read, input {:?}",
            String::from_utf8_lossy(input)
        );
    }
    reference
}

fn bars(input: &str, options: ReadOptions) -> Outcome<Bar> {
    read_every_way(input.as_bytes(), || BarRow, options)
}

/// Bars and errors in strict mode, errors as messages.
fn strict(input: &str) -> Vec<Result<Bar, String>> {
    bars(input, ReadOptions::STRICT).0
}

/// The reader before this engine, on the `csv` crate, for comparison: same header rules and
/// validation; line numbers from `csv`'s record positions.
fn csv_crate_reader(input: &[u8], options: ReadOptions) -> Outcome<Bar> {
    use crate::error::{FeedError, Location, RowAt};
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = rdr.byte_headers().unwrap().clone();
    let names: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase()
        })
        .collect();
    let mut cols = [0; super::MAX_COLUMNS];
    for (slot, want) in cols.iter_mut().zip(BarRow::COLUMNS) {
        let Some(at) = names.iter().position(|n| n == want) else {
            let header = header
                .iter()
                .map(String::from_utf8_lossy)
                .collect::<Vec<_>>()
                .join(",");
            let e = FeedError::MissingColumn {
                source_name: "in.csv".into(),
                column: want,
                header,
            };
            return (vec![Err(e.to_string())], SkipReport::default(), None);
        };
        *slot = at;
    }
    let (mut items, mut report, mut time) = (
        Vec::new(),
        SkipReport::default(),
        crate::validate::TimeLine::default(),
    );
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).unwrap() {
        let mut fields = [None; super::MAX_COLUMNS];
        for (field, &col) in fields.iter_mut().zip(&cols) {
            *field = record.get(col);
        }
        match super::check(&BarRow, &mut time, &fields) {
            Ok((bar, ts)) => {
                time.accept(ts);
                items.push(Ok(bar));
            }
            Err(problem) if options.skip_bad => report.count(problem.kind()),
            Err(problem) => {
                let at = Location {
                    source: "in.csv".into(),
                    at: RowAt::Line(record.position().unwrap().line()),
                };
                items.push(Err(FeedError::BadRow { at, problem }.to_string()));
                break;
            }
        }
    }
    (items, report, time.format)
}

const HEADER: &str = "ts,open,high,low,close,volume";

/// Rows from `tests/validation.rs`: good, then one of each bad kind, then good.
const ROWS: &[&str] = &[
    "2026-01-05T09:15:00+05:30,100,101,99,100.5,10",
    "2026-01-05T09:16:00+05:30,,101,99,100.5,10",
    "2026-01-05T09:16:00+05:30,100,NaN,99,100.5,10",
    "2026-01-05T09:16:00+05:30,100,101,99,100.5,12.5",
    "09:16,100,101,99,100.5,10",
    "2026-01-05T09:16:00+05:30,-100,101,99,100.5,10",
    "2026-01-05T09:16:00+05:30,100,100.25,99,100.5,10",
    "2026-01-05T09:16:00+05:30,100,98,99,100,10",
    "2026-01-05T09:16:00+05:30,100,101,100.05,100.5,10",
    "2026-01-05T09:16:00+05:30,100,101,99,100.5,-3",
    "2026-01-05T09:14:00+05:30,100,101,99,100.5,10",
    "2026-01-05T09:15:00+05:30,100,101,99,100.5,10",
    "2026-01-05T09:17:00+05:30,100,101,99,100.5,10",
];

/// The same in epoch milliseconds (the shaped fast path).
const EPOCH_ROWS: &[&str] = &[
    "1767584700000,100.00,101.00,99.00,100.50,10",
    "1767584760000,,101.00,99.00,100.50,10",
    "1767584760000,100.00,NaN,99.00,100.50,10",
    "1767584760000,100.00,101.00,99.00,100.50,12.5",
    "176758476,100.00,101.00,99.00,100.50,10",
    "1767584760000,-100.0,101.00,99.00,100.50,10",
    "1767584760000,100.00,100.25,99.00,100.50,10",
    "1767584760000,100.00,98.00,99.00,100.00,10",
    "1767584760000,100.00,101.00,100.05,100.50,10",
    "1767584760000,100.00,101.00,99.00,100.50,-3",
    "1767584640000,100.00,101.00,99.00,100.50,10",
    "1767584700000,100.00,101.00,99.00,100.50,10",
    "1767584820000,100.00,101.00,99.00,100.50,10",
    "1767584880000,000.00,101.00,99.00,100.50,10",
    "1767584880000,100.00,101.00,99.00,100.50,",
    "1767584880000,100.00,101.00,99.00,100.50",
    "1767584880000,100.00,101.00",
    "1767584880000,100.00,101.00,99.00,100.50,10,extra",
    "1767584940000 ,100.00,101.00,99.00,100.50,10",
    "1767584940000,100.00,101.00,99.00,100 50,10",
    "1767584940000,100.00,101.00;99.00,100.50,10",
    "1767584940000,100.00,101.00,99.00,100.50,1\r0",
    "1767585000000,100.00,101.00,99.00,100.50,10",
];

#[test]
fn every_bad_row_kind_gives_the_same_error_and_count_on_every_path() {
    for rows in [ROWS, EPOCH_ROWS] {
        for end in ["\n", "\r\n"] {
            let input = format!("{HEADER}{end}{}{end}", rows.join(end));
            let (all, report, _) = bars(&input, ReadOptions::SKIP_BAD);
            assert!(all.iter().all(Result::is_ok));
            assert!(report.total() >= 10, "{report}");
            // Strict mode: the error of each bad row, on its own after a good one.
            for bad in &rows[1..] {
                let input = format!("{HEADER}{end}{}{end}{bad}{end}", rows[0]);
                let got = strict(&input);
                let old = csv_crate_reader(input.as_bytes(), ReadOptions::STRICT).0;
                if end == "\n" {
                    assert_eq!(got, old, "{bad}");
                } else {
                    assert_eq!(got.len(), old.len(), "{bad}");
                }
            }
        }
    }
}

#[test]
fn crlf_files_read_like_lf_files_with_editor_line_numbers() {
    let lf = format!("{HEADER}\n{}\n", EPOCH_ROWS[..3].join("\n"));
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(strict(&crlf), strict(&lf));
    assert_eq!(
        strict(&lf)[1],
        Err("in.csv:3: field `open` is empty".to_string())
    );
    // The `csv` crate put this row on line 2: a CRLF line's `\n` was counted with the next row.
    assert_eq!(
        csv_crate_reader(crlf.as_bytes(), ReadOptions::STRICT).0[1],
        Err("in.csv:2: field `open` is empty".to_string())
    );
}

#[test]
fn the_last_line_may_lack_its_line_end() {
    for end in ["", "\r", "\n", "\r\n"] {
        let input = format!("{HEADER}\n{}\n{}{end}", EPOCH_ROWS[0], EPOCH_ROWS[12]);
        let got = strict(&input);
        assert_eq!(got.len(), 2, "{end:?}");
        assert!(got.iter().all(Result::is_ok), "{end:?}");
        let bad = format!("{HEADER}\n{}\n{}{end}", EPOCH_ROWS[0], EPOCH_ROWS[9]);
        assert_eq!(
            strict(&bad)[1],
            Err("in.csv:3: field `volume` = -3 is negative".to_string()),
            "{end:?}"
        );
    }
}

#[test]
fn empty_lines_are_skipped_and_counted_as_lines() {
    let input = format!(
        "\n\r\n{HEADER}\n\n{}\n\r\n\n{}\n\n",
        EPOCH_ROWS[0], EPOCH_ROWS[9]
    );
    assert_eq!(
        strict(&input)[1],
        Err("in.csv:8: field `volume` = -3 is negative".to_string())
    );
    // A line of spaces is a row with an empty `ts`, as before.
    let input = format!("{HEADER}\n{}\n   \n", EPOCH_ROWS[0]);
    assert_eq!(
        strict(&input)[1],
        Err("in.csv:3: field `ts` is empty".to_string())
    );
    assert_eq!(
        strict(&input),
        csv_crate_reader(input.as_bytes(), ReadOptions::STRICT).0
    );
    // Only the header, or nothing at all.
    assert_eq!(strict(&format!("\n{HEADER}\n\n\n")), vec![]);
    assert_eq!(
        strict(""),
        vec![Err(
            "in.csv:1: missing required column `ts` (header is ``)".to_string()
        )]
    );
}

#[test]
fn too_few_fields_name_the_first_missing_one() {
    let input = format!(
        "{HEADER}\n{}\n1767584760000,100.00,101.00,99.00\n",
        EPOCH_ROWS[0]
    );
    assert_eq!(
        strict(&input)[1],
        Err("in.csv:3: field `close` is empty".to_string())
    );
    let input = format!("{HEADER}\n{}\n1767584760000\n", EPOCH_ROWS[0]);
    assert_eq!(
        strict(&input)[1],
        Err("in.csv:3: field `open` is empty".to_string())
    );
    // The next line must not be taken for the missing field.
    let input = format!(
        "{HEADER}\n1767584760000,100.00,101.00,99.00,100.50\n12\n{}\n",
        EPOCH_ROWS[12]
    );
    assert_eq!(
        strict(&input),
        vec![Err("in.csv:2: field `volume` is empty".to_string())]
    );
}

#[test]
fn quoted_fields_go_through_csv_core_and_the_rest_stays_fast() {
    let input = format!(
        "{HEADER},note\n{},plain\n\"1767584760000\",\"100.5\",101,99,100.5,\"1\"\n{},\"a, \"\"quoted\"\"\nnote\"\n{},x\"y\n{}\n",
        EPOCH_ROWS[0], EPOCH_ROWS[12], "1767584880000,100.00,101.00,99.00,100.50,10", "1767584940000,100.00,101.00,99.00,100.50,-1"
    );
    let got = strict(&input);
    assert_eq!(got.len(), 5);
    assert_eq!(got[1].as_ref().map(|b| b.volume), Ok(1));
    assert_eq!(
        got[4],
        Err("in.csv:7: field `volume` = -1 is negative".to_string())
    );
    assert_eq!(
        got,
        csv_crate_reader(input.as_bytes(), ReadOptions::STRICT).0
    );
    // A quoted header, a quoted multi-line value in an unread column, a bare `\r` line end.
    let input = "\"ts\",open,\"hi\ngh\",high,low,close,volume\r1767584700000,1,\"x\ny\",1,1,1,1\r1767584760000,1,,1,1,1,-1\n";
    let got = strict(input);
    assert_eq!(
        got[1],
        Err("in.csv:3: field `volume` = -1 is negative".to_string())
    );
}

#[test]
fn columns_in_any_order_with_extras_read_the_same_on_every_path() {
    let input = "x,volume,close,ts,low,open,high,y\n\
                 a,10,100.50,1767584700000,99.00,100.00,101.00,b\n\
                 a,11,100.50,1767584760000,99.00,100.00,101.00\n\
                 a,12,100.50,1767584820000,99.00,100.00,101.00,\"q\"\n\
                 a,13,100.50,1767584880000,99.00\n";
    let got = strict(input);
    assert_eq!(
        got.iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|b| b.volume)
            .collect::<Vec<_>>(),
        vec![10, 11, 12]
    );
    assert_eq!(got[3], Err("in.csv:5: field `open` is empty".to_string()));
    assert_eq!(
        got,
        csv_crate_reader(input.as_bytes(), ReadOptions::STRICT).0
    );
}

#[test]
fn ticks_read_the_same_on_every_path() {
    let input = "ts,price,qty\n1767584700000,100.05,10\n1767584700000,100.1,5\n1767584699999,100.10,5\n\
                 1767584700001,abc,5\r\n1767584700001,100.00,-1\n1767584700002,100.00,1\n1767584700003,1e2,1";
    let ticks = || TickRow(InstrumentId(3));
    let (items, report, _) = read_every_way(input.as_bytes(), ticks, ReadOptions::SKIP_BAD);
    assert_eq!(items.len(), 3);
    assert_eq!(
        report,
        SkipReport {
            bad_field: 2,
            negative_volume: 1,
            time_backwards: 1,
            ..SkipReport::default()
        }
    );
    let (items, _, _): Outcome<Tick> = read_every_way(input.as_bytes(), ticks, ReadOptions::STRICT);
    assert_eq!(items[2], Err("in.csv:4: field `ts` = 1767584699999 goes backwards (previous accepted row: 1767584700000)".to_string()));
}

/// Random files built from awkward pieces: every path, and the `csv`-crate reader, must agree.
#[test]
fn random_files_read_the_same_on_every_path_and_as_before() {
    const TS: &[&str] = &[
        "1767584700000",
        "1767584760000",
        "176758476",
        "1767584700000000",
        "",
        " 1767584820000",
        "2026-01-05T09:15:00+05:30",
        "0",
    ];
    const PRICE: &[&str] = &[
        "100.00",
        "101.5",
        "99",
        ".5",
        "7.",
        "0.00",
        "-1",
        "1e3",
        "NaN",
        " 100 ",
        "1.23456",
        "123456789012345",
        "\"100\"",
        "100.0.0",
        "12345678.5",
        "1573.150051",
    ];
    const VOLUME: &[&str] = &[
        "10",
        "0",
        "-3",
        "12.5",
        "99999999999999999999",
        "",
        "1234567890",
        "\"7\"",
    ];
    const ENDS: &[&str] = &[
        "\n",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        ",extra\n",
        ",\"a\nb\"\n",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // In order; with a column more; shuffled (the fast path's three layouts).
    const HEADERS: [(&str, [usize; 6]); 3] = [
        (HEADER, [0, 1, 2, 3, 4, 5]),
        ("ts,open,high,low,close,volume,oi", [0, 1, 2, 3, 4, 5]),
        ("volume,ts,close,low,high,open", [5, 0, 4, 3, 2, 1]),
    ];
    for n in 0..600 {
        let (header, order) = HEADERS[n % 3];
        let mut input = format!("{header}\n");
        let mut ts = 1_767_584_700_000u64;
        for _ in 0..next(12) {
            ts += 60_000 * next(3) as u64;
            let t = if next(4) == 0 {
                TS[next(TS.len())].to_string()
            } else {
                ts.to_string()
            };
            let p = |k: usize| PRICE.get(k).copied().unwrap_or("100.00").to_string();
            let fields = [
                t,
                p(next(120)),
                (if next(6) == 0 { "101.00" } else { "100.00" }).to_string(),
                p(next(120)),
                p(next(120)),
                VOLUME[next(VOLUME.len() * 3) % VOLUME.len()].to_string(),
            ];
            let row: Vec<&str> = order.iter().map(|&i| fields[i].as_str()).collect();
            let extra = if n % 3 == 1 { ",7" } else { "" };
            input.push_str(&format!(
                "{}{extra}{}",
                row.join(","),
                ENDS[next(ENDS.len() * 4) % ENDS.len()]
            ));
        }
        for options in [ReadOptions::STRICT, ReadOptions::SKIP_BAD] {
            let got = bars(&input, options);
            let old = csv_crate_reader(input.as_bytes(), options);
            if input.contains('\r') || input.contains("\n\n") {
                let strip = |o: &Outcome<Bar>| {
                    o.0.iter()
                        .map(|r| {
                            r.clone()
                                .map_err(|e| e.split_once(": ").map(|p| p.1.to_string()))
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    (strip(&got), got.1, got.2),
                    (strip(&old), old.1, old.2),
                    "{input:?}"
                );
            } else {
                assert_eq!(got, old, "{input:?}");
            }
        }
    }
}

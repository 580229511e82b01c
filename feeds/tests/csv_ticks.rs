//! Reading tick CSVs.

use sharewise_engine::types::{InstrumentId, Price, Tick};
use sharewise_feeds::{FeedError, ReadOptions, TickReader, TimeFormat};

#[test]
fn reads_ticks_stamped_with_the_callers_instrument() {
    let csv = "qty,ts,PRICE,side\n10,2026-01-05T09:15:00.250+05:30,1573.15,B\n4,2026-01-05T09:15:00.250+05:30,1573.20,S\n";
    let mut r = TickReader::new(
        csv.as_bytes(),
        "t.csv",
        InstrumentId(9),
        ReadOptions::STRICT,
    )
    .unwrap();
    let ticks: Vec<Tick> = r.by_ref().collect::<Result<_, FeedError>>().unwrap();
    let ts = 1_767_584_700_250_000_000;
    assert_eq!(
        ticks,
        vec![
            Tick {
                ts,
                instrument: InstrumentId(9),
                price: Price(15_731_500),
                qty: 10
            },
            Tick {
                ts,
                instrument: InstrumentId(9),
                price: Price(15_732_000),
                qty: 4
            },
        ]
    );
    assert_eq!(r.time_format(), Some(TimeFormat::IST));
    assert_eq!(r.instrument(), InstrumentId(9));
}

#[test]
fn opens_tick_files_and_reports_missing_columns() {
    let dir = sharewise_testkit::tmp();
    let path = dir.path().join("ticks.csv");
    std::fs::write(&path, "ts,price\n1767584700000,1\n").unwrap();
    let err = TickReader::open(&path, InstrumentId(0), ReadOptions::STRICT)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1: missing required column `qty` (header is `ts,price`)",
            path.display()
        )
    );
}

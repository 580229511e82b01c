//! Reading Kite historical candles, including the recorded fixtures and error envelopes.

use sharewise_engine::types::Bar;
use sharewise_feeds::{FeedError, KiteCandleReader, ReadOptions, TimeFormat};
use sharewise_testkit::{bar, p};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn reads_the_recorded_minute_candles_exactly() {
    let mut r =
        KiteCandleReader::open(fixture("historical_minute.json"), ReadOptions::STRICT).unwrap();
    assert_eq!(r.remaining(), 6);
    let bars: Vec<Bar> = r.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(bars.len(), 6);
    // 2017-12-15T09:15:00+0530 = 03:45 UTC.
    assert_eq!(
        bars[0],
        bar(
            1_513_309_500_000_000_000,
            ["1704.5", "1705", "1699.25", "1702.8"],
            2499
        )
    );
    assert_eq!(bars[1].low, p("1698.15"));
    assert_eq!(bars[5].ts - bars[0].ts, 5 * 60_000_000_000);
    assert_eq!(r.time_format(), Some(TimeFormat::IST));
    assert_eq!(r.last_oi(), None);
}

#[test]
fn keeps_open_interest_of_the_last_candle() {
    let mut r = KiteCandleReader::open(fixture("historical_oi.json"), ReadOptions::STRICT).unwrap();
    let first = r.next().unwrap().unwrap();
    assert_eq!((first.open, first.volume), (p("12009.9"), 163_275));
    assert_eq!(r.last_oi(), Some(13_667_775));
}

#[test]
fn error_envelope_becomes_a_clear_error() {
    let body = r#"{"status":"error","message":"Incorrect `api_key` or `access_token`.","error_type":"TokenException","data":null}"#;
    let err = KiteCandleReader::new(body.as_bytes(), "hist.json", ReadOptions::STRICT)
        .err()
        .unwrap();
    assert!(matches!(&err, FeedError::Kite { error_type, .. } if error_type == "TokenException"));
    assert_eq!(err.to_string(), "hist.json: Kite returned an error (TokenException): Incorrect `api_key` or `access_token`.");
}

#[test]
fn wrong_shapes_and_broken_json_are_reported() {
    let msg = |body: &str| {
        KiteCandleReader::new(body.as_bytes(), "h.json", ReadOptions::STRICT)
            .err()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        msg(r#"{"status":"success","data":{}}"#),
        "h.json: not a Kite historical-candles response: no `data.candles` field"
    );
    assert_eq!(
        msg(r#"{"data":{"candles":[]}}"#),
        "h.json: not a Kite historical-candles response: no `status` field"
    );
    assert!(msg(r#"{"status":"#).starts_with("h.json: invalid JSON: "));
}

#[test]
fn bad_candles_name_their_index_or_are_skipped() {
    let body = r#"{"status":"success","data":{"candles":[
        ["2026-01-05T09:15:00+0530", 100, 101, 99, 100.5, 10],
        ["2026-01-05T09:16:00+0530", 100, 101, 99, 100.5, 10.5],
        ["2026-01-05T09:17:00+0530", 100, 100.2, 99, 100.5, 10],
        ["2026-01-05T09:18:00+0530", 100, 101],
        "junk",
        ["2026-01-05T09:19:00+0530", "100.05", 101, 99, 100.5, 10]
    ]}}"#;
    let mut strict = KiteCandleReader::new(body.as_bytes(), "h.json", ReadOptions::STRICT).unwrap();
    assert!(strict.next().unwrap().is_ok());
    let err = strict.next().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "h.json: candle 2: field `volume` = `10.5` is not a whole number"
    );
    assert!(strict.next().is_none());

    let mut skip = KiteCandleReader::new(body.as_bytes(), "h.json", ReadOptions::SKIP_BAD).unwrap();
    let bars: Vec<Bar> = skip.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(bars.len(), 2);
    assert_eq!(bars[1].open, p("100.05"));
    assert_eq!(
        skip.skipped().to_string(),
        "skipped 4 rows: 3 bad fields, 1 high below max(open, close)"
    );
}

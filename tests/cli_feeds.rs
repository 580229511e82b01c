//! `sharewise feeds decode kite FILE`: a recording of ticker messages (Zerodha's test frame, a
//! heartbeat, a damaged message) decoded to lines and to JSON with the clients' field names.

mod cli_support;

use cli_support::*;

/// Zerodha's two-packet test message (quote + full for INFY).
fn zerodha_frame() -> Vec<u8> {
    std::fs::read(repo(
        "brokers/kite/tests/fixtures/ticker_frame_quote_full.bin",
    ))
    .unwrap()
}

fn record(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(&(m.len() as u32).to_be_bytes());
        out.extend_from_slice(m);
    }
    out
}

#[test]
fn decodes_a_recording_to_json_with_the_clients_names() {
    let dir = sharewise_testkit::tmp();
    let file = dir.path().join("ticks.bin");
    std::fs::write(&file, record(&[zerodha_frame(), vec![0], zerodha_frame()])).unwrap();
    let run = sw(&["feeds", "decode", "kite", s(&file), "--json"]).ok();
    let ticks: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ticks.len(), 4);
    assert_eq!(ticks[0]["mode"], "quote");
    assert_eq!(ticks[0]["last_price"], "1573.15");
    assert_eq!(ticks[1]["mode"], "full");
    assert_eq!(ticks[1]["instrument_token"], 408065);
    assert_eq!(ticks[1]["last_trade_time"], "2021-07-05T10:41:27+05:30");
    assert_eq!(ticks[1]["depth"]["buy"][0]["price"], "1573.40");
    assert_eq!(ticks[2], ticks[0]);
    assert!(
        run.stderr
            .contains("3 messages (1 heartbeats), 4 ticks; 0 unreadable"),
        "{run}"
    );

    let plain = sw(&["feeds", "decode", "kite", s(&file)]).ok();
    assert!(
        plain
            .stdout
            .starts_with("408065 quote 1573.15 qty 1 avg 1570.33 vol 1175986"),
        "{plain}"
    );
    assert!(
        plain.stdout.contains("bid 1573.40x5 ask 1573.70x172"),
        "{plain}"
    );
}

#[test]
fn a_damaged_message_is_named_and_the_rest_still_decode() {
    let dir = sharewise_testkit::tmp();
    let mut cut = zerodha_frame();
    cut.truncate(100);
    let file = dir.path().join("damaged.bin");
    std::fs::write(&file, record(&[cut, zerodha_frame()])).unwrap();
    let run = sw(&["feeds", "decode", "kite", s(&file), "--json"])
        .fails()
        .stderr_has(&[
            "message 1 (offset 0)",
            "cut short: packet 2 of 2 needs 186 bytes at offset 48",
        ]);
    assert_eq!(run.stdout.lines().count(), 2, "{run}");

    // A length prefix that runs past the end of the file.
    let mut short = record(&[zerodha_frame()]);
    short.truncate(200);
    std::fs::write(&file, short).unwrap();
    sw(&["feeds", "decode", "kite", s(&file)])
        .fails()
        .stderr_has(&["message 1 at offset 0 says it has 234 bytes, but only 196 are left"]);
}

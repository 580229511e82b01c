//! The ticker decoder against Zerodha's own test vectors (`tests/fixtures/README.md`): every
//! field of the quote and full packets equals the value Zerodha's SDK decodes, alone and inside a
//! whole binary message.

use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;
use sharewise_engine::types::Price;
use sharewise_kite::ticker::{Frame, KiteTick, Layout, Level, Segment, TickJson};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn expected(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

/// A JSON number of the fixture as an exact decimal (`1575` and `1575.00` compare equal).
fn dec(v: &Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap().normalize()
}

fn assert_price(tick: &KiteTick, raw: u32, want: &Value, what: &str) {
    assert_eq!(tick.decimal(raw).normalize(), dec(want), "{what}");
}

/// The fields a quote packet shares with the SDK's tick object.
fn assert_quote_fields(tick: &KiteTick, want: &Value) {
    assert_eq!(
        u64::from(tick.token),
        want["instrument_token"].as_u64().unwrap()
    );
    assert_eq!(tick.segment(), Segment::NSE);
    assert_price(tick, tick.last_price, &want["last_price"], "last_price");
    assert_eq!(
        u64::from(tick.last_traded_qty),
        want["last_quantity"].as_u64().unwrap()
    );
    assert_price(tick, tick.average_price, &want["average_price"], "average");
    assert_eq!(u64::from(tick.volume), want["volume"].as_u64().unwrap());
    assert_eq!(
        u64::from(tick.total_buy_qty),
        want["buy_quantity"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(tick.total_sell_qty),
        want["sell_quantity"].as_u64().unwrap()
    );
    let ohlc = &want["ohlc"];
    assert_price(tick, tick.ohlc.open, &ohlc["open"], "open");
    assert_price(tick, tick.ohlc.high, &ohlc["high"], "high");
    assert_price(tick, tick.ohlc.low, &ohlc["low"], "low");
    assert_price(tick, tick.ohlc.close, &ohlc["close"], "close");
}

fn assert_depth(tick: &KiteTick, side: &[Level; 5], want: &Value) {
    let want = want.as_array().unwrap();
    assert_eq!(want.len(), 5);
    for (level, w) in side.iter().zip(want) {
        assert_price(tick, level.price, &w["price"], "depth price");
        assert_eq!(u64::from(level.qty), w["quantity"].as_u64().unwrap());
        assert_eq!(u64::from(level.orders), w["orders"].as_u64().unwrap());
    }
}

#[test]
fn the_quote_packet_decodes_to_zerodhas_values() {
    let tick = KiteTick::decode(&bytes("ticker_quote.bin")).unwrap();
    assert_eq!(tick.layout, Layout::Quote);
    assert_quote_fields(&tick, &expected("ticker_quote.json"));
    assert_eq!(tick.engine_price(tick.last_price), Some(Price(15_731_500)));
}

#[test]
fn the_full_packet_decodes_to_zerodhas_values_with_depth_and_times() {
    let tick = KiteTick::decode(&bytes("ticker_full.bin")).unwrap();
    let want = expected("ticker_full.json");
    assert_eq!(tick.layout, Layout::Full);
    assert_quote_fields(&tick, &want);
    // 2021-07-05T10:41:27+05:30.
    assert_eq!(tick.last_trade_time, 1_625_461_887);
    assert_eq!(tick.exchange_time, 1_625_461_887);
    assert_eq!(u64::from(tick.oi), want["oi"].as_u64().unwrap());
    assert_eq!(
        u64::from(tick.oi_day_high),
        want["oi_day_high"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(tick.oi_day_low),
        want["oi_day_low"].as_u64().unwrap()
    );
    assert_depth(&tick, &tick.depth.buy, &want["depth"]["buy"]);
    assert_depth(&tick, &tick.depth.sell, &want["depth"]["sell"]);
}

#[test]
fn a_whole_message_yields_both_packets_in_order() {
    let message = bytes("ticker_frame_quote_full.bin");
    let frame = Frame::parse(&message).unwrap();
    assert_eq!((frame.count(), frame.trailing()), (2, 0));
    let ticks: Vec<KiteTick> = frame.into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        ticks[0],
        KiteTick::decode(&bytes("ticker_quote.bin")).unwrap()
    );
    assert_eq!(
        ticks[1],
        KiteTick::decode(&bytes("ticker_full.bin")).unwrap()
    );
}

#[test]
fn the_json_view_uses_the_clients_names_and_exact_decimal_strings() {
    let tick = KiteTick::decode(&bytes("ticker_full.bin")).unwrap();
    let json = serde_json::to_value(TickJson::from(&tick)).unwrap();
    let want = expected("ticker_full.json");
    assert_eq!(json["mode"], "full");
    assert_eq!(json["tradable"], true);
    assert_eq!(json["last_price"], "1573.70");
    assert_eq!(json["average_traded_price"], "1570.37");
    assert_eq!(json["ohlc"]["high"], "1575.00");
    assert_eq!(json["last_traded_quantity"], want["last_quantity"]);
    assert_eq!(json["volume_traded"], want["volume"]);
    assert_eq!(json["total_buy_quantity"], want["buy_quantity"]);
    assert_eq!(json["total_sell_quantity"], want["sell_quantity"]);
    assert_eq!(json["last_trade_time"], want["last_trade_time"]);
    assert_eq!(json["exchange_timestamp"], want["timestamp"]);
    assert_eq!(json["depth"]["sell"][4]["price"], "1573.95");
    // pykiteconnect's change: percent from the previous close, in f64.
    let change = (1573.7 - 1567.8) * 100.0 / 1567.8;
    assert_eq!(json["change"].as_f64().unwrap(), change);
    let names: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "tradable",
            "mode",
            "instrument_token",
            "last_price",
            "last_traded_quantity",
            "average_traded_price",
            "volume_traded",
            "total_buy_quantity",
            "total_sell_quantity",
            "ohlc",
            "change",
            "last_trade_time",
            "oi",
            "oi_day_high",
            "oi_day_low",
            "exchange_timestamp",
            "depth"
        ]
    );

    // An LTP packet carries its four fields only.
    let mut ltp = 408065u32.to_be_bytes().to_vec();
    ltp.extend_from_slice(&157315u32.to_be_bytes());
    let json = serde_json::to_value(TickJson::from(&KiteTick::decode(&ltp).unwrap())).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"tradable": true, "mode": "ltp", "instrument_token": 408065, "last_price": "1573.15"})
    );
}

#[test]
fn an_index_packet_puts_high_and_low_before_open() {
    // NIFTY 50 (token 256265, segment 9): ltp 24 500.35, high 24 600, low 24 400.10, open 24 450,
    // close 24 480.05, change +20.30, at 1 700 000 000.
    let mut p = Vec::new();
    for v in [
        256_265u32,
        2_450_035,
        2_460_000,
        2_440_010,
        2_445_000,
        2_448_005,
        2_030,
        1_700_000_000,
    ] {
        p.extend_from_slice(&v.to_be_bytes());
    }
    let tick = KiteTick::decode(&p).unwrap();
    assert_eq!(tick.layout, Layout::IndexFull);
    assert!(!tick.segment().tradable());
    assert_eq!(
        (
            tick.ohlc.open,
            tick.ohlc.high,
            tick.ohlc.low,
            tick.ohlc.close
        ),
        (2_445_000, 2_460_000, 2_440_010, 2_448_005)
    );
    assert_eq!(tick.index_change, 2_030);
    let json = serde_json::to_value(TickJson::from(&tick)).unwrap();
    assert_eq!(json["tradable"], false);
    assert_eq!(json["mode"], "full");
    assert_eq!(json["exchange_timestamp"], "2023-11-15T03:43:20+05:30");
    assert!(json.get("volume_traded").is_none());
    let quote = KiteTick::decode(&p[..28]).unwrap();
    assert_eq!(quote.layout, Layout::IndexQuote);
    assert_eq!(quote.exchange_time, 0);
}

//! The indicators against TA-Lib: `tests/data/ref_bars.csv` (5 000 one-minute bars) run through
//! each indicator, directly and through `parse_spec` column sources, and compared with
//! `tests/data/talib_ref.csv` (PyPI `ta-lib`, written by `tools/reference/talib_reference.py`).
//!
//! For every column: (1) the first ready row equals TA-Lib's first non-empty row, and no row is
//! ready on one side only (candlestick columns excepted: TA-Lib writes 0, not NaN, in their
//! lookback rows, so there a not-ready row must face a 0); (2) every value is within a relative error of 1e-9,
//! `|got − want| <= 1e-9 · max(|want|, floor)`. The floor is 1e-12 for every column except the
//! MACD family, whose values sit near zero although they are differences of two price-level EMAs:
//! their rounding error scales with the price, so their floor is the bar's close (an absolute
//! tolerance of 1e-9 × price, about 1.5e-6 here).

mod reference;

use std::collections::HashMap;
use std::sync::OnceLock;

use reference::{data, ref_bars};

use sharewise_engine::indicators::{
    parse_spec, Adx, Atr, BollingerBands, Candle, Ema, Indicator, Macd, Obv, Rsi, Sma, Stochastic,
    Vwap, Wma,
};

/// The reference bars and TA-Lib's columns (`None` = empty cell = NaN).
struct Reference {
    bars: Vec<Candle>,
    columns: HashMap<String, Vec<Option<f64>>>,
}

fn reference() -> &'static Reference {
    static REF: OnceLock<Reference> = OnceLock::new();
    REF.get_or_init(|| {
        let bars: Vec<Candle> = ref_bars().into_iter().map(|(_, c)| c).collect();
        let mut rd = csv::Reader::from_path(data("talib_ref.csv")).expect("open talib_ref.csv");
        let names: Vec<String> = rd
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let mut columns: HashMap<String, Vec<Option<f64>>> =
            names.iter().map(|n| (n.clone(), Vec::new())).collect();
        for rec in rd.records() {
            let rec = rec.expect("talib_ref.csv record");
            for (name, cell) in names.iter().zip(rec.iter()) {
                let v = (!cell.is_empty()).then(|| cell.parse::<f64>().expect("number"));
                columns.get_mut(name).expect("column").push(v);
            }
        }
        assert_eq!(
            columns["ts"].len(),
            bars.len(),
            "talib_ref.csv and ref_bars.csv row counts"
        );
        Reference { bars, columns }
    })
}

/// Compares one computed column with TA-Lib's; returns the largest relative error seen.
fn check(column: &str, got: &[Option<f64>]) -> f64 {
    let r = reference();
    let want = r
        .columns
        .get(column)
        .unwrap_or_else(|| panic!("talib_ref.csv has no column `{column}`"));
    assert_eq!(got.len(), want.len(), "{column}: row count");
    // TA-Lib's candlestick functions return integers, so their lookback rows hold 0, not NaN.
    let integer = column.starts_with("cdl_");
    let first = |v: &[Option<f64>]| v.iter().position(Option::is_some);
    if !integer {
        assert_eq!(
            first(got),
            first(want),
            "{column}: first ready row (ours, TA-Lib's)"
        );
    }
    let mut worst = 0.0f64;
    for (row, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (None, None) => {}
            (None, Some(w)) if integer && *w == 0.0 => {}
            (Some(g), Some(w)) => {
                let floor = if column.starts_with("macd") {
                    r.bars[row].close
                } else {
                    1e-12
                };
                let scale = w.abs().max(floor);
                let err = (g - w).abs() / scale;
                assert!(
                    err <= 1e-9,
                    "{column} row {row}: got {g:?}, TA-Lib {w:?} (relative error {err:e})"
                );
                worst = worst.max(err);
            }
            _ => panic!("{column} row {row}: got {g:?}, TA-Lib {w:?} (ready on one side only)"),
        }
    }
    println!("{column:>20}: max relative error {worst:e}");
    worst
}

/// Runs `ind` over the reference bars, checking `is_ready` against each output.
fn run<I: Indicator>(ind: &mut I, input: impl Fn(&Candle) -> I::Input) -> Vec<Option<I::Output>> {
    reference()
        .bars
        .iter()
        .enumerate()
        .map(|(row, c)| {
            let out = ind.next(input(c));
            assert_eq!(
                ind.is_ready(),
                out.is_some(),
                "is_ready disagrees with next at row {row}"
            );
            out
        })
        .collect()
}

fn close(c: &Candle) -> f64 {
    c.close
}

fn candle(c: &Candle) -> Candle {
    *c
}

fn project<T: Copy>(out: &[Option<T>], f: impl Fn(T) -> f64) -> Vec<Option<f64>> {
    out.iter().map(|o| o.map(&f)).collect()
}

#[test]
fn moving_averages_match_talib() {
    for (col, n) in [("sma_20", 20), ("sma_10", 10)] {
        check(col, &run(&mut Sma::new(n).unwrap(), close));
    }
    for (col, n) in [("ema_20", 20), ("ema_5", 5)] {
        check(col, &run(&mut Ema::new(n).unwrap(), close));
    }
    check("wma_20", &run(&mut Wma::new(20).unwrap(), close));
}

#[test]
fn oscillators_match_talib() {
    check("rsi_14", &run(&mut Rsi::new(14).unwrap(), close));
    check("rsi_7", &run(&mut Rsi::new(7).unwrap(), close));
    let stoch = run(&mut Stochastic::new(14, 3, 3).unwrap(), candle);
    check("stochk_14_3_3", &project(&stoch, |o| o.k));
    check("stochd_14_3_3", &project(&stoch, |o| o.d));
}

#[test]
fn macd_matches_talib_with_aligned_seeding() {
    let macd = run(&mut Macd::new(12, 26, 9).unwrap(), close);
    check("macd_12_26_9", &project(&macd, |o| o.macd));
    check("macdsignal_12_26_9", &project(&macd, |o| o.signal));
    check("macdhist_12_26_9", &project(&macd, |o| o.hist));
}

#[test]
fn bands_and_ranges_match_talib() {
    let bb = run(&mut BollingerBands::new(20, 2.0, 2.0).unwrap(), close);
    check("bbupper_20_2_2", &project(&bb, |o| o.upper));
    check("bbmiddle_20_2_2", &project(&bb, |o| o.middle));
    check("bblower_20_2_2", &project(&bb, |o| o.lower));
    check("atr_14", &run(&mut Atr::new(14).unwrap(), candle));
}

#[test]
fn volume_indicators_match_reference() {
    check("obv", &run(&mut Obv::new(), candle));
    check("vwap", &run(&mut Vwap::new(), candle));
}

#[test]
fn adx_and_directional_indicators_match_talib() {
    let mut adx = Adx::new(14).unwrap();
    let (mut plus, mut minus) = (Vec::new(), Vec::new());
    let out = run(&mut adx, |c| *c);
    // Replay for the getters (they update on every bar, before the ADX is ready).
    adx.reset();
    for c in &reference().bars {
        let o = adx.next(*c);
        plus.push(adx.plus_di());
        minus.push(adx.minus_di());
        if let Some(o) = o {
            assert_eq!(
                (Some(o.plus_di), Some(o.minus_di)),
                (adx.plus_di(), adx.minus_di())
            );
        }
    }
    check("adx_14", &project(&out, |o| o.adx));
    check("plusdi_14", &plus);
    check("minusdi_14", &minus);
}

#[test]
fn spec_columns_match_talib() {
    let specs = [
        "sma:20",
        "sma:10",
        "ema:20",
        "ema:5",
        "wma:20",
        "rsi:14",
        "rsi:7",
        "macd:12:26:9",
        "bbands:20:2:2",
        "atr:14",
        "stoch:14:3:3",
        "obv",
        "adx:14",
        "vwap",
        "cdl:engulfing",
    ];
    for spec in specs {
        let mut src = parse_spec(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let names = src.columns().to_vec();
        let mut cols = vec![Vec::with_capacity(reference().bars.len()); names.len()];
        let mut out = vec![None; names.len()];
        for c in &reference().bars {
            out.iter_mut().for_each(|o| *o = None);
            src.update(c, &mut out);
            cols.iter_mut().zip(&out).for_each(|(col, v)| col.push(*v));
        }
        for (name, col) in names.iter().zip(&cols) {
            check(name, col);
        }
    }
}

/// Runs `ind` over the bars, resets it, runs again: the two sequences must be identical.
fn assert_reset_replays<I: Indicator>(
    name: &str,
    mut ind: I,
    input: impl Fn(&Candle) -> I::Input + Copy,
) where
    I::Output: PartialEq + std::fmt::Debug,
{
    let first = run(&mut ind, input);
    ind.reset();
    assert!(!ind.is_ready(), "{name}: ready right after reset");
    let second = run(&mut ind, input);
    if let Some(row) = first.iter().zip(&second).position(|(a, b)| a != b) {
        panic!(
            "{name}: after reset, row {row} gave {:?} instead of {:?}",
            second[row], first[row]
        );
    }
}

#[test]
fn reset_reproduces_the_same_sequence() {
    assert_reset_replays("sma", Sma::new(20).unwrap(), close);
    assert_reset_replays("ema", Ema::new(20).unwrap(), close);
    assert_reset_replays("wma", Wma::new(20).unwrap(), close);
    assert_reset_replays("rsi", Rsi::new(14).unwrap(), close);
    assert_reset_replays("macd", Macd::new(12, 26, 9).unwrap(), close);
    assert_reset_replays("bbands", BollingerBands::new(20, 2.0, 2.0).unwrap(), close);
    assert_reset_replays("atr", Atr::new(14).unwrap(), candle);
    assert_reset_replays("stoch", Stochastic::new(14, 3, 3).unwrap(), candle);
    assert_reset_replays("obv", Obv::new(), candle);
    assert_reset_replays("adx", Adx::new(14).unwrap(), candle);
    assert_reset_replays("vwap", Vwap::new(), candle);
}

#[test]
fn constructors_reject_parameters_below_talib_minimums() {
    let msg =
        |r: Result<(), sharewise_engine::indicators::IndicatorError>| r.unwrap_err().to_string();
    assert_eq!(msg(Sma::new(0).map(drop)), "period must be >= 1, got 0");
    assert_eq!(
        msg(Ema::new(100_001).map(drop)),
        "period must be <= 100000, got 100001"
    );
    assert_eq!(msg(Wma::new(0).map(drop)), "period must be >= 1, got 0");
    assert_eq!(msg(Rsi::new(1).map(drop)), "period must be >= 2, got 1");
    assert_eq!(msg(Atr::new(0).map(drop)), "period must be >= 1, got 0");
    assert_eq!(msg(Adx::new(1).map(drop)), "period must be >= 2, got 1");
    assert_eq!(
        msg(Macd::new(1, 26, 9).map(drop)),
        "fast period must be >= 2, got 1"
    );
    assert_eq!(
        msg(Macd::new(12, 26, 0).map(drop)),
        "signal period must be >= 1, got 0"
    );
    assert_eq!(
        msg(Macd::new(26, 12, 9).map(drop)),
        "MACD fast period must be <= slow period, got fast 26 and slow 12"
    );
    assert_eq!(
        msg(BollingerBands::new(1, 2.0, 2.0).map(drop)),
        "period must be >= 2, got 1"
    );
    assert_eq!(
        msg(BollingerBands::new(20, f64::NAN, 2.0).map(drop)),
        "nbdev_up must be a finite number, got NaN"
    );
    assert_eq!(
        msg(Stochastic::new(14, 0, 3).map(drop)),
        "slowk period must be >= 1, got 0"
    );
}

#[test]
fn spec_names_defaults_and_errors() {
    let cols = |spec: &str| {
        parse_spec(spec)
            .map(|s| s.columns().to_vec())
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
    };
    assert_eq!(cols("sma"), ["sma_30"]);
    assert_eq!(cols(" RSI "), ["rsi_14"]);
    assert_eq!(
        cols("macd"),
        ["macd_12_26_9", "macdsignal_12_26_9", "macdhist_12_26_9"]
    );
    assert_eq!(
        cols("bbands"),
        ["bbupper_5_2_2", "bbmiddle_5_2_2", "bblower_5_2_2"]
    );
    assert_eq!(
        cols("bbands:20:2.5:2"),
        ["bbupper_20_2.5_2", "bbmiddle_20_2.5_2", "bblower_20_2.5_2"]
    );
    assert_eq!(cols("stoch"), ["stochk_5_3_3", "stochd_5_3_3"]);
    assert_eq!(cols("adx:14"), ["adx_14", "plusdi_14", "minusdi_14"]);
    assert_eq!(cols("cdl:engulfing"), ["cdl_engulfing"]);
    let err = |spec: &str| {
        parse_spec(spec)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| panic!("{spec} parsed"))
    };
    assert_eq!(
        err("smaa:20"),
        "unknown indicator `smaa` in `smaa:20`; expected one of sma, ema, wma, rsi, macd, bbands, atr, stoch, obv, adx, vwap, cdl:NAME"
    );
    assert_eq!(
        err("macd:12:26"),
        "`macd:12:26` needs 3 parameters (fast:slow:signal), or none for TA-Lib's defaults 12:26:9"
    );
    assert_eq!(
        err("sma:20:5"),
        "`sma:20:5` needs 1 parameter (period), or none for TA-Lib's default 30"
    );
    assert_eq!(err("rsi:x"), "`rsi:x`: period `x` is not a whole number");
    assert_eq!(err("rsi:1"), "`rsi:1`: period must be >= 2, got 1");
    assert_eq!(
        err("bbands:20:two:2"),
        "`bbands:20:two:2`: nbdev_up `two` is not a number"
    );
    assert_eq!(
        err("bbands:20:inf:2"),
        "`bbands:20:inf:2`: nbdev_up must be a finite number, got inf"
    );
    assert_eq!(err("obv:3"), "`obv:3` needs no parameters");
    assert_eq!(
        err("cdl:nosuch"),
        "unknown candlestick pattern `nosuch` in `cdl:nosuch`"
    );
    assert_eq!(
        err("cdl"),
        "`cdl` needs 1 parameter (the pattern name), e.g. `cdl:engulfing`"
    );
    assert!(err("").starts_with("empty indicator spec"));
}

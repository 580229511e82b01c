//! Reader of Kite Connect historical candles (`GET /instruments/historical/{token}/{interval}`).
//!
//! The response is `{"status":"success","data":{"candles":[[ts, o, h, l, c, v(, oi)], …]}}` with
//! `ts` like `2017-12-15T09:15:00+0530`. The document is parsed whole (Kite returns at most a few
//! thousand candles per call); candles are then validated and yielded one at a time with the same
//! rules as the CSV readers, errors naming the 1-based candle index. An error envelope
//! (`{"status":"error","message":…,"error_type":…}`) becomes [`FeedError::Kite`] with Kite's
//! message. Open interest, when present, is kept for the last candle read
//! ([`KiteCandleReader::last_oi`]).

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sharewise_engine::types::{Bar, Price};

use crate::error::{FeedError, Location, RowAt, RowProblem};
use crate::timefmt::TimeFormat;
use crate::validate::{self, check_ohlc, check_volume, ReadOptions, SkipReport, TimeLine};

/// Reads validated [`Bar`]s from a Kite historical-candles response; an iterator of
/// `Result<Bar, FeedError>`.
pub struct KiteCandleReader {
    candles: std::vec::IntoIter<Value>,
    index: u64,
    source: String,
    options: ReadOptions,
    report: SkipReport,
    time: TimeLine,
    done: bool,
    text: String,
    last_oi: Option<i64>,
}

impl KiteCandleReader {
    /// Opens a saved Kite response; errors name `path`.
    pub fn open(
        path: impl AsRef<Path>,
        options: ReadOptions,
    ) -> Result<KiteCandleReader, FeedError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|error| FeedError::Open {
            path: path.to_path_buf(),
            error,
        })?;
        KiteCandleReader::new(file, path.display().to_string(), options)
    }

    /// Reads a whole response from `reader`; `source` names it in errors.
    pub fn new(
        mut reader: impl Read,
        source: impl Into<String>,
        options: ReadOptions,
    ) -> Result<KiteCandleReader, FeedError> {
        let source_name = source.into();
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|error| FeedError::Io {
                source_name: source_name.clone(),
                error,
            })?;
        let mut doc: Value = serde_json::from_slice(&bytes).map_err(|source| FeedError::Json {
            source_name: source_name.clone(),
            source,
        })?;
        let shape = |detail: &str| FeedError::KiteShape {
            source_name: source_name.clone(),
            detail: detail.to_string(),
        };
        match doc.get("status").and_then(Value::as_str) {
            Some("success") => {}
            Some("error") => {
                let field = |k: &str| {
                    doc.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("(none given)")
                        .to_string()
                };
                return Err(FeedError::Kite {
                    source_name,
                    error_type: field("error_type"),
                    message: field("message"),
                });
            }
            Some(other) => {
                return Err(shape(&format!(
                    "`status` is `{other}`, expected `success` or `error`"
                )))
            }
            None => return Err(shape("no `status` field")),
        }
        let candles = match doc.pointer_mut("/data/candles").map(Value::take) {
            Some(Value::Array(candles)) => candles,
            Some(_) => return Err(shape("`data.candles` is not an array")),
            None => return Err(shape("no `data.candles` field")),
        };
        Ok(KiteCandleReader {
            candles: candles.into_iter(),
            index: 0,
            source: source_name,
            options,
            report: SkipReport::default(),
            time: TimeLine::default(),
            done: false,
            text: String::new(),
            last_oi: None,
        })
    }

    /// The timestamp format of the candles (Kite: ISO-8601 +05:30), once one has been read.
    pub fn time_format(&self) -> Option<TimeFormat> {
        self.time.format
    }

    /// Candles skipped so far (skip-bad mode).
    pub fn skipped(&self) -> &SkipReport {
        &self.report
    }

    /// Open interest of the last candle returned, if the response carries it (`oi=1`).
    pub fn last_oi(&self) -> Option<i64> {
        self.last_oi
    }

    /// Candles not yet read.
    pub fn remaining(&self) -> usize {
        self.candles.len()
    }

    fn price(&mut self, v: Option<&Value>, field: &'static str) -> Result<Price, RowProblem> {
        let v = v.ok_or(RowProblem::Empty { field })?;
        validate::price(Some(text_into(&mut self.text, v)), field)
    }

    fn whole(&mut self, v: Option<&Value>, field: &'static str) -> Result<i64, RowProblem> {
        match v {
            Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64().unwrap_or_default()),
            Some(v) => validate::whole(Some(text_into(&mut self.text, v)), field),
            None => Err(RowProblem::Empty { field }),
        }
    }

    fn parse(&mut self, candle: &Value) -> Result<Bar, RowProblem> {
        let Value::Array(items) = candle else {
            return Err(RowProblem::unparsable(
                "candle",
                candle.to_string().as_bytes(),
                "is not an array [ts, open, high, low, close, volume]",
            ));
        };
        let ts_value = items.first().ok_or(RowProblem::Empty { field: "ts" })?;
        let ts = self.time.parse(Some(text_into(&mut self.text, ts_value)))?;
        let open = self.price(items.get(1), "open")?;
        let high = self.price(items.get(2), "high")?;
        let low = self.price(items.get(3), "low")?;
        let close = self.price(items.get(4), "close")?;
        let volume = self.whole(items.get(5), "volume")?;
        let oi = items
            .get(6)
            .map(|v| self.whole(Some(v), "oi"))
            .transpose()?;
        check_ohlc(open, high, low, close)?;
        check_volume(volume, "volume")?;
        self.time.check_order(ts, false)?;
        self.time.accept(ts);
        self.last_oi = oi;
        Ok(Bar {
            ts,
            open,
            high,
            low,
            close,
            volume,
        })
    }
}

/// A JSON value as text in a reused buffer (strings without quotes, `null` as empty).
fn text_into<'a>(buf: &'a mut String, v: &Value) -> &'a [u8] {
    buf.clear();
    match v {
        Value::String(s) => buf.push_str(s),
        Value::Null => {}
        other => {
            let _ = write!(buf, "{other}");
        }
    }
    buf.as_bytes()
}

impl Iterator for KiteCandleReader {
    type Item = Result<Bar, FeedError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let Some(candle) = self.candles.next() else {
                self.done = true;
                break;
            };
            self.index += 1;
            match self.parse(&candle) {
                Ok(bar) => return Some(Ok(bar)),
                Err(problem) if self.options.skip_bad => self.report.count(problem.kind()),
                Err(problem) => {
                    self.done = true;
                    let at = Location {
                        source: self.source.clone(),
                        at: RowAt::Candle(self.index),
                    };
                    return Some(Err(FeedError::BadRow { at, problem }));
                }
            }
        }
        None
    }
}

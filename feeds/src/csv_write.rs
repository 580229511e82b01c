//! Fast CSV writers for bars (`ts,open,high,low,close,volume`) and ticks (`ts,price,qty`).
//!
//! Timestamps are written in a chosen [`TimeFormat`] — typically the one a reader detected, so a
//! cleaned file keeps its input's unit. Prices are written as [`Price`]'s `Display` does (`1573.15`,
//! `0.0025`). Rows are formatted by hand into one reused buffer (no `format!` per row) and handed
//! to the underlying writer in 64 KiB chunks, so no extra `BufWriter` is needed. Call `finish` to
//! flush; dropping a writer flushes too but swallows the error.

use std::io::{self, Write};

use sharewise_engine::types::{Bar, Price, Tick, PRICE_SCALE};

use crate::timefmt::{push_i64, push_u64, TimeFormat};

const CHUNK: usize = 64 * 1024;

/// The shared buffered sink.
struct Sink<W: Write> {
    out: Option<W>,
    buf: Vec<u8>,
    format: TimeFormat,
    rows: u64,
}

impl<W: Write> Sink<W> {
    fn new(out: W, format: TimeFormat, header: &[u8]) -> Sink<W> {
        let mut buf = Vec::with_capacity(CHUNK + 256);
        buf.extend_from_slice(header);
        Sink {
            out: Some(out),
            buf,
            format,
            rows: 0,
        }
    }

    #[inline]
    fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        if let Some(out) = self.out.as_mut() {
            out.write_all(&self.buf)?;
        }
        self.buf.clear();
        Ok(())
    }

    fn finish(&mut self) -> io::Result<W> {
        self.drain()?;
        let mut out = self
            .out
            .take()
            .ok_or_else(|| io::Error::other("writer already finished"))?;
        out.flush()?;
        Ok(out)
    }
}

impl<W: Write> Drop for Sink<W> {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = self.drain();
        }
    }
}

/// Appends `p` as `Price`'s `Display` would (at least two decimals).
#[inline]
pub(crate) fn push_price(buf: &mut Vec<u8>, p: Price) {
    let units = p.units();
    if units < 0 {
        buf.push(b'-');
    }
    let abs = units.unsigned_abs();
    let scale = PRICE_SCALE as u64;
    push_u64(buf, abs / scale);
    buf.push(b'.');
    let frac = abs % scale;
    let (digits, mut value) = if frac.is_multiple_of(100) {
        (2, frac / 100)
    } else if frac.is_multiple_of(10) {
        (3, frac / 10)
    } else {
        (4, frac)
    };
    let at = buf.len();
    buf.resize(at + digits, b'0');
    for slot in buf[at..].iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Writes bars as CSV with header `ts,open,high,low,close,volume`.
pub struct BarCsvWriter<W: Write> {
    sink: Sink<W>,
}

impl<W: Write> BarCsvWriter<W> {
    /// A writer emitting timestamps in `format`; the header is written first.
    pub fn new(out: W, format: TimeFormat) -> BarCsvWriter<W> {
        BarCsvWriter {
            sink: Sink::new(out, format, b"ts,open,high,low,close,volume\n"),
        }
    }

    /// Writes one bar.
    #[inline]
    pub fn write(&mut self, bar: &Bar) -> io::Result<()> {
        let s = &mut self.sink;
        s.format.write_to(bar.ts, &mut s.buf);
        for p in [bar.open, bar.high, bar.low, bar.close] {
            s.buf.push(b',');
            push_price(&mut s.buf, p);
        }
        s.buf.push(b',');
        push_i64(&mut s.buf, bar.volume);
        s.end_row()
    }

    /// Rows written so far (header excluded).
    pub fn rows(&self) -> u64 {
        self.sink.rows
    }

    /// Flushes everything and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.sink.finish()
    }
}

/// Writes ticks as CSV with header `ts,price,qty` (the instrument is not written).
pub struct TickCsvWriter<W: Write> {
    sink: Sink<W>,
}

impl<W: Write> TickCsvWriter<W> {
    /// A writer emitting timestamps in `format`; the header is written first.
    pub fn new(out: W, format: TimeFormat) -> TickCsvWriter<W> {
        TickCsvWriter {
            sink: Sink::new(out, format, b"ts,price,qty\n"),
        }
    }

    /// Writes one tick.
    #[inline]
    pub fn write(&mut self, tick: &Tick) -> io::Result<()> {
        let s = &mut self.sink;
        s.format.write_to(tick.ts, &mut s.buf);
        s.buf.push(b',');
        push_price(&mut s.buf, tick.price);
        s.buf.push(b',');
        push_i64(&mut s.buf, tick.qty);
        s.end_row()
    }

    /// Rows written so far (header excluded).
    pub fn rows(&self) -> u64 {
        self.sink.rows
    }

    /// Flushes everything and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.sink.finish()
    }
}

/// Writes all `bars` to `out` as CSV (header included); returns the number of rows.
pub fn write_bars_csv<W: Write>(
    bars: impl IntoIterator<Item = Bar>,
    out: W,
    format: TimeFormat,
) -> io::Result<u64> {
    let mut w = BarCsvWriter::new(out, format);
    for bar in bars {
        w.write(&bar)?;
    }
    let rows = w.rows();
    w.finish()?;
    Ok(rows)
}

/// Writes all `ticks` to `out` as CSV (header included); returns the number of rows.
pub fn write_ticks_csv<W: Write>(
    ticks: impl IntoIterator<Item = Tick>,
    out: W,
    format: TimeFormat,
) -> io::Result<u64> {
    let mut w = TickCsvWriter::new(out, format);
    for tick in ticks {
        w.write(&tick)?;
    }
    let rows = w.rows();
    w.finish()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_match_display() {
        for units in [
            15_731_500,
            15_730_000,
            25,
            -500,
            1_230,
            0,
            10_000,
            123_456_789,
            -1,
            i64::MIN + 1,
        ] {
            let mut buf = Vec::new();
            push_price(&mut buf, Price(units));
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                Price(units).to_string(),
                "{units}"
            );
        }
        for v in [0, 7, -7, 1_767_584_700_000, i64::MAX, i64::MIN] {
            let mut buf = Vec::new();
            push_i64(&mut buf, v);
            assert_eq!(String::from_utf8(buf).unwrap(), v.to_string());
        }
    }

    #[test]
    fn writes_header_and_rows_in_the_requested_format() {
        let bar = Bar {
            ts: 1_767_584_700_000_000_000,
            open: Price(15_731_500),
            high: Price(15_740_000),
            low: Price(15_700_000),
            close: Price(15_720_500),
            volume: 1200,
        };
        let mut out = Vec::new();
        assert_eq!(
            write_bars_csv([bar, bar], &mut out, TimeFormat::IST).unwrap(),
            2
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().next(), Some("ts,open,high,low,close,volume"));
        assert_eq!(
            text.lines().nth(1),
            Some("2026-01-05T09:15:00+05:30,1573.15,1574.00,1570.00,1572.05,1200")
        );
        let mut out = Vec::new();
        let tick = Tick {
            ts: bar.ts,
            instrument: Default::default(),
            price: bar.open,
            qty: 7,
        };
        write_ticks_csv([tick], &mut out, TimeFormat::EpochMillis).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ts,price,qty\n1767584700000,1573.15,7\n"
        );
    }
}

//! The general CSV path: one record read by `csv-core` (quotes, doubled quotes, line breaks inside
//! quoted fields, bare `\r` line ends), used for the header and for any row the fast path declines.
//!
//! `csv-core` is the parser inside the `csv` crate, configured the same way (comma, `"` quoting,
//! CR/LF/CRLF terminators, empty lines skipped, UTF-8 byte-order mark dropped at the start), so a
//! record read here has exactly the fields `csv::Reader` would give it.

use std::io::{self, Read};

use super::block::Block;

/// A reusable record: the unquoted bytes of its fields and where each field ends.
pub(crate) struct Record {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
}

impl Record {
    /// An empty record with a fresh parser.
    pub(crate) fn new() -> Record {
        Record {
            core: csv_core::Reader::new(),
            out: vec![0; 1024],
            ends: vec![0; 16],
            len: 0,
        }
    }

    /// Reads the next record from `block` (refilling it as needed). Returns the number of `\n`
    /// bytes consumed, or `None` at the end of the input.
    ///
    /// The parser skips empty lines before a record itself, so callers that need the line a record
    /// starts on skip them first (see `CsvRows`).
    pub(crate) fn read<R: Read>(&mut self, block: &mut Block<R>) -> io::Result<Option<u64>> {
        use csv_core::ReadRecordResult::{End, InputEmpty, OutputEndsFull, OutputFull, Record};
        let (mut outlen, mut endlen, mut newlines) = (0, 0, 0u64);
        loop {
            if block.rest().is_empty() {
                block.refill()?;
            }
            let input = block.rest();
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            newlines += memchr::memchr_iter(b'\n', &input[..nin]).count() as u64;
            block.consume(nin);
            outlen += nout;
            endlen += nend;
            match res {
                InputEmpty => {}
                OutputFull => self.out.resize(self.out.len() * 2, 0),
                OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Record => {
                    self.len = endlen;
                    return Ok(Some(newlines));
                }
                End => {
                    self.len = 0;
                    return Ok(None);
                }
            }
        }
    }

    /// The fields of the last record read.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let ends = &self.ends[..self.len];
        ends.iter().scan(0, move |start, &end| {
            let field = &self.out[*start..end];
            *start = end;
            Some(field)
        })
    }
}

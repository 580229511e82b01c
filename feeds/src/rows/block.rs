//! The readers' input buffer: the source read in big blocks into one reused buffer, so memory
//! stays constant however long the file is (the buffer grows only for a line longer than a block).

use std::io::{self, Read};

/// Bytes per read: big enough that the per-read cost vanishes, small enough to stay in cache.
pub(crate) const BLOCK_SIZE: usize = 1 << 20;

/// A source and the unconsumed bytes read from it so far.
pub(crate) struct Block<R> {
    reader: R,
    buf: Vec<u8>,
    /// First unconsumed byte.
    start: usize,
    /// End of the bytes read.
    end: usize,
    eof: bool,
}

impl<R: Read> Block<R> {
    /// An empty buffer of `block_size` bytes (at least 4) over `reader`.
    pub(crate) fn new(reader: R, block_size: usize) -> Block<R> {
        Block {
            reader,
            buf: vec![0; block_size.max(4)],
            start: 0,
            end: 0,
            eof: false,
        }
    }

    /// The bytes read and not yet consumed.
    #[inline]
    pub(crate) fn rest(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks the first `n` bytes of [`Block::rest`] as used.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        debug_assert!(self.start + n <= self.end);
        self.start += n;
    }

    /// Reads more of the source after the unconsumed bytes (moved to the front first; the buffer
    /// doubles if they fill it). Returns `false`, and remembers it, once the source is exhausted.
    pub(crate) fn refill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads until at least `n` bytes are unconsumed or the source ends (so a UTF-8 byte-order
    /// mark at the start of a file is seen whole).
    pub(crate) fn fill_at_least(&mut self, n: usize) -> io::Result<()> {
        while self.rest().len() < n && self.refill()? {}
        Ok(())
    }
}

//! The last few candles, kept in a fixed ring so that detectors never allocate.

use crate::indicators::Candle;

/// The last few candles, newest first: a fixed ring that never allocates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recent<const N: usize> {
    buf: [Candle; N],
    head: usize,
    len: usize,
}

const ZERO_CANDLE: Candle = Candle {
    ts: 0,
    open: 0.0,
    high: 0.0,
    low: 0.0,
    close: 0.0,
    volume: 0.0,
};

impl<const N: usize> Recent<N> {
    /// An empty ring.
    pub(crate) const fn new() -> Recent<N> {
        Recent {
            buf: [ZERO_CANDLE; N],
            head: 0,
            len: 0,
        }
    }

    /// Adds the newest candle, forgetting the oldest once full.
    #[inline]
    pub(crate) fn push(&mut self, c: Candle) {
        self.head = (self.head + 1) % N;
        self.buf[self.head] = c;
        self.len = (self.len + 1).min(N);
    }

    /// The candle `k` bars ago (0 = newest), or `None` if not seen or already forgotten.
    #[inline]
    pub(crate) fn ago(&self, k: usize) -> Option<&Candle> {
        (k < self.len).then(|| &self.buf[(self.head + N - k) % N])
    }

    /// All `N` candles, oldest first, or `None` until `N` have been seen.
    #[inline]
    pub(crate) fn all(&self) -> Option<[&Candle; N]> {
        (self.len == N).then(|| std::array::from_fn(|i| &self.buf[(self.head + 1 + i) % N]))
    }

    /// Forgets every candle.
    pub(crate) fn clear(&mut self) {
        *self = Recent::new();
    }
}

impl<const N: usize> Default for Recent<N> {
    fn default() -> Recent<N> {
        Recent::new()
    }
}

//! Fixed-capacity windows the indicators share: a ring of the last `n` values and a monotonic
//! ring deque for a sliding maximum or minimum. Both allocate once, at construction.

/// The last `capacity` values pushed; pushing into a full ring evicts (and returns) the oldest.
#[derive(Clone, Debug)]
pub(crate) struct Ring {
    buf: Box<[f64]>,
    /// Slot of the oldest value.
    head: usize,
    len: usize,
}

impl Ring {
    /// An empty ring holding up to `capacity` values (0 is allowed: every push evicts itself).
    pub(crate) fn new(capacity: usize) -> Ring {
        Ring {
            buf: vec![0.0; capacity].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// Whether `capacity` values are held.
    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }

    /// Appends `x`; when full, drops and returns the oldest value.
    #[inline]
    pub(crate) fn push(&mut self, x: f64) -> Option<f64> {
        let cap = self.buf.len();
        if cap == 0 {
            return Some(x);
        }
        if self.len < cap {
            let mut slot = self.head + self.len;
            if slot >= cap {
                slot -= cap;
            }
            self.buf[slot] = x;
            self.len += 1;
            None
        } else {
            let old = std::mem::replace(&mut self.buf[self.head], x);
            self.head += 1;
            if self.head == cap {
                self.head = 0;
            }
            Some(old)
        }
    }

    /// The values held, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        let (tail, wrapped) = self.buf.split_at(self.head);
        let from_head = wrapped.len().min(self.len);
        wrapped[..from_head]
            .iter()
            .chain(&tail[..self.len - from_head])
            .copied()
    }

    /// Forgets every value.
    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

/// Sliding maximum (`MAX = true`) or minimum (`MAX = false`) over the last `window` pushes, in
/// amortised O(1): a ring deque of candidates whose values decrease (for a maximum) from front to
/// back. It never holds more than `window` entries, so its storage is fixed at construction.
#[derive(Clone, Debug)]
pub(crate) struct MonoWindow<const MAX: bool> {
    /// `(sequence number, value)` candidates.
    buf: Box<[(u64, f64)]>,
    head: usize,
    len: usize,
    seq: u64,
}

impl<const MAX: bool> MonoWindow<MAX> {
    /// An empty window over the last `window` values (`window >= 1`).
    pub(crate) fn new(window: usize) -> MonoWindow<MAX> {
        MonoWindow {
            buf: vec![(0, 0.0); window.max(1)].into_boxed_slice(),
            head: 0,
            len: 0,
            seq: 0,
        }
    }

    #[inline]
    fn wrap(&self, i: usize) -> usize {
        if i >= self.buf.len() {
            i - self.buf.len()
        } else {
            i
        }
    }

    /// Pushes `x` and returns the extreme of the last `window` values, `x` included.
    #[inline]
    pub(crate) fn push(&mut self, x: f64) -> f64 {
        let window = self.buf.len() as u64;
        // Expire candidates that left the window (sequence <= seq - window).
        while self.len > 0 && self.buf[self.head].0 + window <= self.seq {
            self.head = self.wrap(self.head + 1);
            self.len -= 1;
        }
        // Drop candidates `x` dominates: they can never be the extreme again.
        while self.len > 0 {
            let back = self.buf[self.wrap(self.head + self.len - 1)].1;
            let dominated = if MAX { back <= x } else { back >= x };
            if !dominated {
                break;
            }
            self.len -= 1;
        }
        let slot = self.wrap(self.head + self.len);
        self.buf[slot] = (self.seq, x);
        self.len += 1;
        self.seq += 1;
        self.buf[self.head].1
    }

    /// Forgets every value.
    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
        self.seq = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_evicts_oldest_once_full() {
        let mut r = Ring::new(3);
        assert_eq!([r.push(1.0), r.push(2.0), r.push(3.0)], [None, None, None]);
        assert!(r.is_full());
        assert_eq!(r.push(4.0), Some(1.0));
        assert_eq!(r.push(5.0), Some(2.0));
        assert_eq!(r.iter().collect::<Vec<_>>(), [3.0, 4.0, 5.0]);
        r.clear();
        assert!(!r.is_full());
        assert_eq!(r.push(6.0), None);
        assert_eq!(r.iter().collect::<Vec<_>>(), [6.0]);
        assert_eq!(Ring::new(0).push(7.0), Some(7.0));
    }

    #[test]
    fn mono_window_matches_a_straight_scan() {
        // A deterministic zig-zag with repeats, against the brute-force max/min of each window.
        let xs: Vec<f64> = (0..500u64)
            .map(|i| ((i * 7919) % 23) as f64 - ((i * 31) % 5) as f64)
            .collect();
        for window in [1usize, 2, 3, 7, 14, 50] {
            let (mut hi, mut lo) = (
                MonoWindow::<true>::new(window),
                MonoWindow::<false>::new(window),
            );
            for (i, &x) in xs.iter().enumerate() {
                let from = (i + 1).saturating_sub(window);
                let slice = &xs[from..=i];
                let want_hi = slice.iter().copied().fold(f64::MIN, f64::max);
                let want_lo = slice.iter().copied().fold(f64::MAX, f64::min);
                assert_eq!(hi.push(x), want_hi, "max window {window} at {i}");
                assert_eq!(lo.push(x), want_lo, "min window {window} at {i}");
            }
        }
    }
}

//! The fastest path: rows shaped like the previous one.
//!
//! In most files every row has the same *shape*: each field before the last has the same width
//! and its dot in the same place (`1767584700000,1500.00,1501.85,1500.00,1500.95,` then a volume
//! of any width). [`Shape::learn`] records that shape from one row; [`Shape::read`] then checks a
//! row against it a word (8 bytes) at a time — the bytes the shape calls digits must be digits,
//! and its other bytes (`,` and `.`) must be exactly those — and reads every field straight from
//! its known place, with no search for commas. A row of another shape falls back to [`super::fast`]
//! and may teach a new shape.
//!
//! A shape only holds fields the fast path reads the same way: epoch milliseconds of 12 to 14
//! digits, and prices or whole numbers of at most 8 bytes (at most 4 decimals), with the last
//! field a whole number. Value checks (epoch range, positive price) are still made on every row.

use sharewise_engine::time::NANOS_PER_MILLI;

use super::fast::Values;
use super::numbers::{
    all_digits_2, digit_run, digits_value, low_bytes, not_digits, separators, WordNumber, EPOCH_MS,
    POW10,
};
use super::{FieldKind, MAX_COLUMNS};

/// Rows left to the other paths after a row with no shape, or a shape that did not last.
const WAIT: u32 = 64;

/// Longest shaped part of a row: its words, and the last field's word, lie in its first 64 bytes.
const MAX_PREFIX: usize = 56;
/// Words covering [`MAX_PREFIX`] bytes.
const WORDS: usize = MAX_PREFIX / 8;

/// Where one field before the last lies, and how its word becomes its value. For a `ts` (two
/// words, all digits), `number` holds the digits of its second word and the weight of its first.
#[derive(Clone, Copy, Debug, Default)]
struct Place {
    start: usize,
    number: WordNumber,
}

/// The shape of a row up to its last field (see the module docs); empty until learned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shape {
    /// Bytes before the last field (through its comma); 0 when no shape is known.
    prefix: usize,
    /// Words covering the prefix.
    words: usize,
    /// Per word: the prefix's bytes, their non-digit flags (high bit of each such byte), and
    /// those bytes' mask and values.
    in_prefix: [u64; WORDS],
    odd: [u64; WORDS],
    odd_mask: [u64; WORDS],
    odd_bytes: [u64; WORDS],
    places: [Place; MAX_COLUMNS],
}

/// The 8 bytes of `head` at `at` as a little-endian word.
#[inline(always)]
fn word(head: &[u8; 64], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&head[at..at + 8]);
    u64::from_le_bytes(w)
}

impl Shape {
    /// Reads the line at the front of `rest` if it has this shape: its values by role and the
    /// index of its `\n`. `kinds` are the row format's, as when the shape was learned.
    #[inline(always)]
    pub(crate) fn read(&self, rest: &[u8], kinds: &[FieldKind]) -> Option<(Values, usize)> {
        let head = rest.first_chunk::<64>()?;
        if self.prefix == 0 {
            return None;
        }
        let mut off = 0;
        for k in 0..self.words.min(WORDS) {
            let w = word(head, 8 * k);
            off |= ((not_digits(w) & self.in_prefix[k]) ^ self.odd[k])
                | ((w & self.odd_mask[k]) ^ self.odd_bytes[k]);
        }
        if off != 0 {
            return None;
        }
        let mut values = [0; MAX_COLUMNS];
        let last = kinds.len() - 1;
        macro_rules! places {
            ($($i:literal)*) => {$(
                if $i < last {
                    let p = self.places[$i];
                    values[$i] = match kinds[$i] {
                        FieldKind::Time => {
                            let ms = digits_value(word(head, p.start), 8) * p.number.scale + digits_value(word(head, p.start + 8), p.number.digits);
                            if !EPOCH_MS.contains(&ms) {
                                return None;
                            }
                            ms * NANOS_PER_MILLI
                        }
                        kind => {
                            let value = p.number.read(word(head, p.start));
                            if kind == FieldKind::Price && value <= 0 {
                                return None;
                            }
                            value
                        }
                    };
                }
            )*};
        }
        places!(0 1 2 3 4);
        // The last field: a whole number of 1 to 7 digits, then the line end.
        let w = word(head, self.prefix);
        let digits = digit_run(w);
        if digits == 0 || digits == 8 {
            return None;
        }
        let end = self.prefix + digits;
        let line_end = match head[end] {
            b'\n' => end,
            b'\r' if rest.get(end + 1) == Some(&b'\n') => end + 1,
            _ => return None,
        };
        values[last] = digits_value(w, digits);
        Some((values, line_end))
    }

    /// The shape of the line at the front of `rest`, and the line read with it, if it has a shape
    /// [`Shape::read`] can use.
    #[inline(never)]
    pub(crate) fn learn(rest: &[u8], kinds: &[FieldKind]) -> Option<(Shape, Values, usize)> {
        let head = rest.first_chunk::<64>()?;
        let (&FieldKind::Whole, before) = kinds.split_last()? else {
            return None;
        };
        let mut shape = Shape::default();
        let mut ends = separators(head);
        let mut start = 0;
        for (place, &kind) in shape.places.iter_mut().zip(before) {
            let end = ends.trailing_zeros() as usize;
            ends &= ends.wrapping_sub(1);
            if end >= MAX_PREFIX || head[end] != b',' {
                return None;
            }
            let (len, x) = (end - start, word(head, start));
            let number = match kind {
                FieldKind::Time
                    if (12..=14).contains(&len) && all_digits_2(x, word(head, start + 8), len) =>
                {
                    WordNumber {
                        below: u64::MAX,
                        digits: len - 8,
                        scale: POW10[len - 8],
                    }
                }
                FieldKind::Price if (1..=8).contains(&len) => WordNumber::price(x, len)?,
                FieldKind::Whole if (1..=8).contains(&len) => WordNumber::whole(x, len)?,
                _ => return None,
            };
            *place = Place { start, number };
            start = end + 1;
        }
        shape.prefix = start;
        shape.words = start.div_ceil(8);
        for k in 0..shape.words {
            let x = word(head, 8 * k);
            let in_prefix = low_bytes((start - 8 * k).min(8));
            let odd = not_digits(x) & in_prefix;
            let odd_mask = (odd >> 7) * 0xFF;
            (
                shape.in_prefix[k],
                shape.odd[k],
                shape.odd_mask[k],
                shape.odd_bytes[k],
            ) = (in_prefix, odd, odd_mask, x & odd_mask);
        }
        let (values, end) = shape.read(rest, kinds)?;
        Some((shape, values, end))
    }
}

/// A [`Shape`] and when to learn a new one: at once when the current one has read a few rows;
/// after [`WAIT`] rows when the line had no shape or the last one learned did not last (rows of
/// varying shapes would otherwise pay for learning on every row).
#[derive(Clone, Debug)]
pub(crate) struct Shaper {
    shape: Shape,
    /// Rows read with the shape since it was learned.
    hits: u32,
    /// Rows still to leave to the other paths.
    wait: u32,
}

impl Default for Shaper {
    fn default() -> Shaper {
        Shaper {
            shape: Shape::default(),
            hits: 2,
            wait: 0,
        }
    }
}

impl Shaper {
    /// [`Shape::read`], learning a new shape if the line has another one and it is time to.
    #[inline(always)]
    pub(crate) fn read(&mut self, rest: &[u8], kinds: &[FieldKind]) -> Option<(Values, usize)> {
        if self.wait > 0 {
            self.wait -= 1;
            return None;
        }
        if let Some(row) = self.shape.read(rest, kinds) {
            self.hits = self.hits.saturating_add(1);
            return Some(row);
        }
        if self.hits >= 2 {
            if let Some((shape, values, end)) = Shape::learn(rest, kinds) {
                (self.shape, self.hits) = (shape, 0);
                return Some((values, end));
            }
        }
        (self.wait, self.hits) = (WAIT, 2);
        None
    }
}

//! Plain numbers read eight bytes at a time (SWAR: "SIMD within a register", portable and safe):
//! digit runs, prices, whole numbers, epoch milliseconds, and the separator mask of a line.
//!
//! Each parser accepts only the plainest spelling and answers `None` for anything else; the
//! general parsers of [`crate::validate`] and [`crate::timefmt`] then decide (and word the error).

use sharewise_engine::time::{TimestampNs, NANOS_PER_MILLI};
use sharewise_engine::types::PRICE_SCALE;

/// Epoch milliseconds the fast paths read: from `10^11` (12 digits, 1973) to the end of 2261
/// ([`crate::timefmt::MAX_TIMESTAMP_NS`]). Others go to [`crate::timefmt`], which words the error.
pub(super) const EPOCH_MS: std::ops::Range<i64> =
    100_000_000_000..crate::timefmt::MAX_TIMESTAMP_NS / NANOS_PER_MILLI;

/// `10^i`.
pub(super) const POW10: [i64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const LOW_7_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const COMMAS: u64 = 0x2C2C_2C2C_2C2C_2C2C;
const NEWLINES: u64 = 0x0A0A_0A0A_0A0A_0A0A;
const DOTS: u64 = 0x2E2E_2E2E_2E2E_2E2E;

/// High bit of each byte set where that byte of `x` is zero (exact: no carry crosses bytes).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW_7_BITS) + LOW_7_BITS) | x) & HIGH_BITS
}

/// High bit of each byte set where that byte of `x` is not an ASCII digit (exact, every byte).
#[inline(always)]
pub(super) fn not_digits(x: u64) -> u64 {
    let y = x ^ ASCII_ZEROS; // digits become 0..=9
    (((y | HIGH_BITS).wrapping_sub(0x0A0A_0A0A_0A0A_0A0A)) | y) & HIGH_BITS
}

/// The low `len` (1 to 8) bytes of a word.
#[inline(always)]
pub(super) fn low_bytes(len: usize) -> u64 {
    u64::MAX >> (64 - 8 * len)
}

/// Bit `i` set where byte `i` of `chunk` is `,` or `\n`: where a line's fields end.
#[inline(always)]
pub(super) fn separators(chunk: &[u8; 64]) -> u64 {
    let mut mask = 0;
    for (k, word) in chunk.as_chunks::<8>().0.iter().enumerate() {
        let x = u64::from_le_bytes(*word);
        let hits = zero_bytes(x ^ COMMAS) | zero_bytes(x ^ NEWLINES);
        // One bit per byte: byte i's flag (bit 8i + 7) to bit i.
        mask |= ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    mask
}

/// How a number is read from the word holding it: the bytes below its dot (all of them if it has
/// none) are joined to those above it, moved down one, closing the gap; then `digits` digits are
/// read and multiplied by `scale`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct WordNumber {
    pub(super) below: u64,
    pub(super) digits: usize,
    pub(super) scale: i64,
}

impl WordNumber {
    /// The value of the number laid out as `self` in `x`.
    #[inline(always)]
    pub(super) fn read(self, x: u64) -> i64 {
        digits_value((x & self.below) | ((x >> 8) & !self.below), self.digits) * self.scale
    }

    /// The layout of a plain price (`1500`, `1500.05`, `.5`, `7.`: at most four decimals) of
    /// `len` (1 to 8) bytes, the low bytes of `x`, read in fixed-point units.
    #[inline(always)]
    pub(super) fn price(x: u64, len: usize) -> Option<WordNumber> {
        let low = low_bytes(len);
        let odd = not_digits(x) & low;
        if odd == 0 {
            return Some(WordNumber {
                below: u64::MAX,
                digits: len,
                scale: PRICE_SCALE,
            });
        }
        let dot = zero_bytes(x ^ DOTS) & low;
        if odd != dot || dot & (dot - 1) != 0 || len == 1 {
            return None; // not a digit or the one dot, or the dot alone
        }
        let at = (dot.trailing_zeros() / 8) as usize;
        let decimals = len - 1 - at;
        (decimals <= 4).then(|| WordNumber {
            below: (1u64 << (8 * at)) - 1,
            digits: len - 1,
            scale: POW10[4 - decimals],
        })
    }

    /// The layout of a plain whole number of `len` (1 to 8) bytes, the low bytes of `x`.
    #[inline(always)]
    pub(super) fn whole(x: u64, len: usize) -> Option<WordNumber> {
        (not_digits(x) & low_bytes(len) == 0).then_some(WordNumber {
            below: u64::MAX,
            digits: len,
            scale: 1,
        })
    }
}

/// A whole field of `len` (1 to 8) bytes, the low bytes of `x`: a plain positive price, in
/// fixed-point units.
#[inline(always)]
pub(super) fn price_word(x: u64, len: usize) -> Option<i64> {
    let units = WordNumber::price(x, len)?.read(x);
    (units > 0).then_some(units)
}

/// A whole field of `len` (1 to 8) bytes, the low bytes of `x`: a plain whole number.
#[inline(always)]
pub(super) fn whole_word(x: u64, len: usize) -> Option<i64> {
    Some(WordNumber::whole(x, len)?.read(x))
}

/// Whether a field of `len` (12 to 14) bytes, `hi` then the low bytes of `lo`, is all digits.
#[inline(always)]
pub(super) fn all_digits_2(hi: u64, lo: u64, len: usize) -> bool {
    not_digits(hi) | (not_digits(lo) & low_bytes(len - 8)) == 0
}

/// A whole field of `len` (9 to 16) bytes, `hi` then the low bytes of `lo`: plain epoch
/// milliseconds, as nanoseconds, if in range.
#[inline(always)]
pub(super) fn epoch_words(hi: u64, lo: u64, len: usize) -> Option<TimestampNs> {
    if !all_digits_2(hi, lo, len) {
        return None;
    }
    epoch_nanos(
        digits_value(hi, 8) * POW10[len - 8] + digits_value(lo, len - 8),
        len,
    )
}

/// A plain epoch-milliseconds field of `len` digits worth `ms`, as nanoseconds, if in range.
#[inline(always)]
pub(super) fn epoch_nanos(ms: i64, len: usize) -> Option<TimestampNs> {
    ((12..=14).contains(&len) && EPOCH_MS.contains(&ms)).then(|| ms * NANOS_PER_MILLI)
}

/// How many of the 8 bytes of `x` (first byte lowest) are ASCII digits before the first other
/// byte. A carry or borrow only crosses into bytes above a non-digit, so the lowest flag is exact.
#[inline(always)]
pub(super) fn digit_run(x: u64) -> usize {
    let not_digit =
        (x.wrapping_add(0x4646_4646_4646_4646) | x.wrapping_sub(ASCII_ZEROS)) & HIGH_BITS;
    (not_digit.trailing_zeros() / 8) as usize
}

/// The number written by the first `len` (1 to 8) bytes of `x`, all ASCII digits: shifted up so
/// the rest become leading zeros, then combined in pairs, quads, and the whole (the SWAR method
/// of simdjson's `parse_eight_digits_unrolled`).
#[inline(always)]
pub(super) fn digits_value(x: u64, len: usize) -> i64 {
    let v = x.wrapping_sub(ASCII_ZEROS) << (8 * (8 - len));
    let v = ((v & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561)) >> 8;
    let v = ((v & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601)) >> 16;
    (((v & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001)) >> 32) as i64
}

/// The leading run of ASCII digits of `s` as a number and its length (the value wraps past 18
/// digits; callers bound the length). Reads 8 bytes at a time where `s` has them.
#[inline(always)]
pub(super) fn digits(s: &[u8]) -> (i64, usize) {
    let Some(a) = s.first_chunk::<8>() else {
        return digits_bytewise(s);
    };
    let a = u64::from_le_bytes(*a);
    let n = digit_run(a);
    if n < 8 {
        return (if n == 0 { 0 } else { digits_value(a, n) }, n);
    }
    let Some(b) = s[8..].first_chunk::<8>() else {
        return digits_bytewise(s);
    };
    let b = u64::from_le_bytes(*b);
    match digit_run(b) {
        0 => (digits_value(a, 8), 8),
        8 => digits_bytewise(s),
        m => (digits_value(a, 8) * POW10[m] + digits_value(b, m), 8 + m),
    }
}

/// [`digits`] a byte at a time.
#[cold]
fn digits_bytewise(s: &[u8]) -> (i64, usize) {
    let len = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let value = s[..len].iter().fold(0i64, |acc, d| {
        acc.wrapping_mul(10).wrapping_add(i64::from(d - b'0'))
    });
    (value, len)
}

/// A plain positive decimal `123`, `123.45`, `.5`, `7.` (at most 14 integer digits);
/// `(fixed-point units, length)`, rounded like [`sharewise_engine::types::Price::parse_bytes`].
#[inline]
pub(super) fn price(s: &[u8]) -> Option<(i64, usize)> {
    let (int, int_len) = digits(s);
    if int_len > 14 {
        return None;
    }
    let mut len = int_len;
    let mut frac = 0;
    let mut frac_len = 0;
    if s.get(len) == Some(&b'.') {
        len += 1;
        let (value, n) = digits(&s[len..]);
        frac = match n {
            0..=4 => value * POW10[4 - n],
            // Float noise such as `1573.150024`: four decimals, rounded half up on the fifth.
            _ => digits_bytewise(&s[len..len + 4]).0 + i64::from(s[len + 4] >= b'5'),
        };
        frac_len = n;
        len += n;
    }
    if int_len == 0 && frac_len == 0 {
        return None;
    }
    let units = int * PRICE_SCALE + frac;
    (units > 0).then_some((units, len))
}

/// A plain non-negative whole number of at most 18 digits; `(value, length)`.
#[inline]
pub(super) fn whole(s: &[u8]) -> Option<(i64, usize)> {
    let (value, len) = digits(s);
    (1..=18).contains(&len).then_some((value, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_only() {
        assert_eq!(price(b"1573.15,"), Some((15_731_500, 7)));
        assert_eq!(price(b"1573.150051"), Some((15_731_501, 11)));
        assert_eq!(price(b".5"), Some((5_000, 2)));
        assert_eq!(price(b"7."), Some((70_000, 2)));
        for declined in [
            &b"0"[..],
            b"0.00",
            b".",
            b"",
            b"-1",
            b" 1",
            b"123456789012345",
        ] {
            assert_eq!(price(declined).map(|p| p.0), None, "{declined:?}");
        }
        assert_eq!(whole(b"1200\r"), Some((1200, 4)));
        assert_eq!(whole(b"-3"), None);
        assert_eq!(
            epoch_nanos(1_767_584_700_000, 13),
            Some(1_767_584_700_000_000_000)
        );
        assert_eq!(epoch_nanos(1_767_584_700, 10), None);
    }

    #[test]
    fn digit_runs_match_a_byte_at_a_time() {
        let pieces: [&[u8]; 12] = [
            b"0",
            b"7",
            b"12",
            b"999",
            b"1767584700000",
            b"00000000",
            b".",
            b",",
            b"\n",
            b"/",
            b":",
            b"\xff",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = Vec::new();
            while s.len() < 24 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.extend_from_slice(pieces[(state % 12) as usize]);
            }
            let (value, len) = digits(&s);
            let (want_value, want_len) = digits_bytewise(&s);
            assert_eq!(len, want_len, "{s:?}");
            if len <= 18 {
                assert_eq!(value, want_value, "{s:?}");
            }
            let mut chunk = [b'x'; 64];
            chunk[..24].copy_from_slice(&s[..24]);
            let want: u64 = (0..64)
                .filter(|&i| matches!(chunk[i], b',' | b'\n'))
                .map(|i| 1 << i)
                .sum();
            assert_eq!(separators(&chunk), want, "{s:?}");
        }
    }
}

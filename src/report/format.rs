//! How numbers are written in reports: money with two decimals, ratios and percentages, and what
//! an undefined metric (`None`) becomes — `n/a` on the terminal, an empty cell in a CSV.
//!
//! The `push_*` functions append the same text as their `format!` counterparts straight into a
//! byte buffer, without allocating: the CSV writers call them once per row (a million rows for a
//! 1M-bar equity curve), where `format!` and the float formatter were most of the report's time.

use std::io::Write;

use rust_decimal::Decimal;

/// Rupees with at least two decimals, rounded half away from zero: `1573.15`, `-20.00`.
pub fn money(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A fraction as a percentage with two decimals: `0.0123` → `1.23 %`.
pub fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// `x` with `decimals` decimals, or `n/a` when undefined (terminal tables).
pub fn ratio_or_na(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.decimals$}"))
}

/// [`pct`] of `x`, or `n/a` when undefined.
pub fn pct_or_na(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), pct)
}

/// [`money`] of `x`, or `n/a` when undefined.
pub fn money_or_na(x: Option<Decimal>) -> String {
    x.map_or_else(|| "n/a".to_string(), money)
}

/// `x` with six decimals, or an empty cell when undefined (CSV files).
pub fn ratio_or_empty(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v:.6}"))
}

/// The two decimal digits of 0–99, in order: `00`, `01`, …, `99`.
const PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        table[2 * i] = b'0' + (i / 10) as u8;
        table[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    table
};

/// Appends `v` in decimal.
#[inline]
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    push_digits(out, v, v.checked_ilog10().unwrap_or(0) as usize + 1);
}

/// Appends the last `len` (at most 20) decimal digits of `v`, zero-padded.
///
/// The digits go straight into `out`: first 20 placeholder bytes (a fixed-size store the compiler
/// inlines), then the digits over them, then the unused rest is cut off. Staging them in a stack
/// array and copying that would stall on every number (a wide load of bytes just stored narrowly).
#[inline]
fn push_digits(out: &mut Vec<u8>, v: u64, len: usize) {
    let at = out.len();
    out.extend_from_slice(&[b'0'; 20]);
    let digits = &mut out[at..at + len];
    if len > 8 {
        // Two independent halves: the divisions of one need not wait for the other's.
        let (high, low) = digits.split_at_mut(len - 8);
        fill_digits(low, v % 100_000_000);
        fill_digits(high, v / 100_000_000);
    } else {
        fill_digits(digits, v);
    }
    out.truncate(at + len);
}

/// Writes the last `digits.len()` decimal digits of `v` into `digits`, two at a time.
#[inline]
fn fill_digits(digits: &mut [u8], mut v: u64) {
    let mut end = digits.len();
    while end >= 2 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        digits[end - 2] = PAIRS[pair];
        digits[end - 1] = PAIRS[pair + 1];
        end -= 2;
    }
    if end == 1 {
        digits[0] = b'0' + (v % 10) as u8;
    }
}

/// Appends `v` in decimal, with a `-` when negative.
#[inline]
pub fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Appends `v` (below 100) as exactly two digits.
#[inline]
fn push_two(out: &mut Vec<u8>, v: u64) {
    let pair = v as usize * 2;
    out.extend_from_slice(&[PAIRS[pair], PAIRS[pair + 1]]);
}

/// Appends an equity of `units` (1/10 000 rupee) as rupees with two decimals, the paisa rounded
/// half away from zero: `1000000.00`, `-20.05`.
#[inline]
pub fn push_units_as_rupees(out: &mut Vec<u8>, units: i64) {
    let paise = (units + units.signum() * 50) / 100;
    if paise < 0 {
        out.push(b'-');
    }
    push_u64(out, (paise / 100).unsigned_abs());
    out.push(b'.');
    push_two(out, (paise % 100).unsigned_abs());
}

/// Appends what [`money`] returns for `d`.
pub fn push_money(out: &mut Vec<u8>, d: Decimal) {
    let rounded = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    // After rounding the scale is at most 2: the number of paise is the mantissa, scaled up.
    let paise = u64::try_from(rounded.mantissa().unsigned_abs())
        .ok()
        .and_then(|m| m.checked_mul(10u64.pow(2 - rounded.scale().min(2))));
    match paise {
        Some(paise) if rounded.scale() <= 2 => {
            if rounded.is_sign_negative() {
                out.push(b'-');
            }
            push_u64(out, paise / 100);
            out.push(b'.');
            push_two(out, paise % 100);
        }
        _ => out.extend_from_slice(money(d).as_bytes()),
    }
}

/// Appends `x` with `decimals` decimals, exactly as `format!("{x:.decimals$}")` does.
#[inline]
pub fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let scale = 10u64.pow(decimals.min(9));
    match scaled_round_even(x.abs(), scale) {
        Some(n) if decimals <= 9 => {
            if x.is_sign_negative() {
                out.push(b'-');
            }
            push_u64(out, n / scale);
            if decimals > 0 {
                out.push(b'.');
                push_digits(out, n % scale, decimals as usize);
            }
        }
        _ => push_fixed_slow(out, x, decimals),
    }
}

/// [`push_fixed`] through the standard formatter, for what the fast path does not cover (huge,
/// infinite or NaN values, more than nine decimals).
#[cold]
#[inline(never)]
fn push_fixed_slow(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let _ = write!(out, "{x:.prec$}", prec = decimals as usize);
}

/// `x × scale` rounded to the nearest integer, ties to even — how the standard formatter rounds
/// the exact binary value of `x` — for finite `0 ≤ x < 10^12` and `scale ≤ 10^9`; `None` otherwise
/// (and when the result would not fit a `u64`).
#[inline]
fn scaled_round_even(x: f64, scale: u64) -> Option<u64> {
    if !(0.0..1e12).contains(&x) || scale > 1_000_000_000 {
        return None;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa × 2^power exactly.
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1u64 << 52, exponent - 1075)
    };
    // Below 2^83: exact in a u128.
    let scaled = u128::from(mantissa) * u128::from(scale);
    if power >= 0 {
        return u64::try_from(scaled << power).ok();
    }
    let shift = power.unsigned_abs();
    if shift >= 100 {
        // x × scale < 2^83 / 2^100: well below one half.
        return Some(0);
    }
    let whole = scaled >> shift;
    let rest = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let up = rest > half || (rest == half && whole & 1 == 1);
    u64::try_from(whole + u128::from(up)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_values_are_na_on_screen_and_empty_in_csv() {
        assert_eq!(ratio_or_na(Some(1.23456), 3), "1.235");
        assert_eq!(ratio_or_na(None, 3), "n/a");
        assert_eq!(ratio_or_empty(Some(0.5)), "0.500000");
        assert_eq!(ratio_or_empty(None), "");
        assert_eq!(pct_or_na(Some(0.0123)), "1.23 %");
        assert_eq!(money_or_na(Some(Decimal::new(-2, 0))), "-2.00");
        assert_eq!(money(Decimal::new(1573145, 3)), "1573.15");
    }

    /// The old per-row equity cell (kept here as the reference the fast writer must equal).
    fn rupees_reference(units: i64) -> String {
        let paise = (units + units.signum() * 50) / 100;
        format!(
            "{}{}.{:02}",
            if paise < 0 { "-" } else { "" },
            (paise / 100).abs(),
            (paise % 100).abs()
        )
    }

    /// A small deterministic generator (xorshift) for the comparisons below.
    fn numbers(seed: u64) -> impl Iterator<Item = u64> {
        let mut state = seed;
        std::iter::repeat_with(move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
    }

    fn pushed(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
    }

    #[test]
    fn integers_match_display() {
        let edge = [
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            12_345,
            u64::MAX,
            u64::MAX - 1,
        ];
        for v in edge.into_iter().chain(numbers(7).take(10_000)) {
            assert_eq!(pushed(|o| push_u64(o, v)), v.to_string());
            assert_eq!(pushed(|o| push_u64(o, v >> 40)), (v >> 40).to_string());
        }
    }

    #[test]
    fn rupees_match_the_old_equity_cell() {
        let edge = [
            0,
            1,
            49,
            50,
            -49,
            -50,
            -51,
            -150,
            99_999,
            -99_999,
            10_000_000_000,
            i64::MAX - 50,
            i64::MIN + 50,
        ];
        let random = numbers(11).take(20_000).map(|v| (v as i64) >> (1 + v % 60));
        for units in edge.into_iter().chain(random) {
            assert_eq!(
                pushed(|o| push_units_as_rupees(o, units)),
                rupees_reference(units),
                "{units}"
            );
        }
    }

    #[test]
    fn money_matches_the_string_version() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.005",
            "-0.005",
            "-0.004",
            "1573.145",
            "-20",
            "0.1",
            "7.5",
            "1e-28",
            "-1e-28",
            "123456789012345678.995",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ]
        .iter()
        .map(|s| s.parse().or_else(|_| Decimal::from_scientific(s)).unwrap())
        .collect();
        for (i, v) in numbers(5).take(20_000).enumerate() {
            values.push(Decimal::new((v as i64) >> (v % 50), (i % 8) as u32));
        }
        for d in values {
            assert_eq!(pushed(|o| push_money(o, d)), money(d), "{d:?}");
        }
    }

    #[test]
    fn fixed_point_matches_the_float_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            1.5,
            2.5,
            0.0078125,
            0.0234375,
            0.9999995,
            0.0000005,
            0.0000015,
            1e-7,
            5e-324,
            1e-300,
            0.1,
            1.0 / 3.0,
            2.0 / 3.0,
            999_999_999_999.9,
            1e12,
            1e15,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -0.0004,
            -1.2345675,
        ];
        // Exact ties at six (and three) decimals are multiples of 1/128 (1/16): odd and even.
        values.extend((0..2000).map(|k| f64::from(k) / 128.0));
        values.extend((0..2000).map(|k| f64::from(k) / 16.0 + 1e3));
        let random = numbers(3).take(50_000).collect::<Vec<_>>();
        values.extend(
            random
                .iter()
                .map(|&v| (v >> 11) as f64 / (1u64 << 53) as f64),
        );
        values.extend(random.iter().map(|&v| f64::from_bits(v >> 2)));
        // Drawdown-like ratios of fixed-point equities, as the equity curve writes them.
        values.extend(random.chunks(2).map(|p| {
            let peak = (p[0] >> 20) as i64 + 1;
            (peak - (p[1] >> 20) as i64 % peak) as f64 / peak as f64
        }));
        for x in values.iter().flat_map(|&x| [x, -x]) {
            for decimals in [0, 1, 2, 3, 6, 9] {
                let expected = format!("{x:.prec$}", prec = decimals as usize);
                assert_eq!(pushed(|o| push_fixed(o, x, decimals)), expected, "{x:e}");
            }
        }
    }
}

//! Fixed-point price: an `i64` count of 1/10 000 rupee.
//!
//! Indian equity prices are quoted to two decimals on a 5-paise (NSE) or 1-paise (BSE) grid, so four
//! decimals hold every exchange price exactly and leave room for averages and sub-paise tick sizes.
//!
//! | operation | result |
//! | --- | --- |
//! | `Price ± Price` | `Price` |
//! | `Price × Qty` ([`Price::checked_notional`]) | `Option<Decimal>` rupees: `None` beyond [`Price::MAX_VALUE`] |
//! | `Price × Qty` ([`Price::notional`]) | `Decimal` rupees, clamped to ±[`Price::MAX_VALUE`] |
//! | [`Price::parse`] of `"1573.15"` | `Price(15_731_500)` |
//! | `Display` | at least two decimals: `1573.15`, `0.0025` |

use std::fmt;
use std::ops::{Add, Neg, Sub};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Units of [`Price`] per rupee.
pub const PRICE_SCALE: i64 = 10_000;
const SCALE_DIGITS: u32 = 4;

/// A price in 1/10 000 rupee (see the module docs for the arithmetic it supports).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Price(pub i64);

/// Why a price could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// The text was empty.
    #[error("empty price")]
    Empty,
    /// The text was not a decimal number (`NaN`, `inf`, letters, two dots, ...).
    #[error("`{0}` is not a decimal price")]
    NotANumber(String),
    /// The price does not fit the fixed-point range.
    #[error("price `{0}` is out of range")]
    OutOfRange(String),
}

impl Price {
    /// Zero rupees.
    pub const ZERO: Price = Price(0);

    /// A price from whole rupees and paise, e.g. `Price::from_rupees_paise(1573, 15)`.
    pub const fn from_rupees_paise(rupees: i64, paise: i64) -> Price {
        Price(rupees * PRICE_SCALE + paise * (PRICE_SCALE / 100))
    }

    /// The raw fixed-point units (1/10 000 rupee).
    #[inline]
    pub const fn units(self) -> i64 {
        self.0
    }

    /// Parses a decimal such as `1573.15`, `-2`, `0.0025`. Digits past the fourth decimal are
    /// rounded half away from zero (CSV exports often carry float noise such as `1573.150024`).
    pub fn parse(text: &str) -> Result<Price, PriceError> {
        Price::parse_bytes(text.as_bytes())
    }

    /// [`Price::parse`] on raw bytes (one pass, no UTF-8 check): the CSV readers' hot path.
    pub fn parse_bytes(raw: &[u8]) -> Result<Price, PriceError> {
        let s = raw.trim_ascii();
        let text = || String::from_utf8_lossy(s).into_owned();
        let (negative, mut i) = match s.first() {
            None => return Err(PriceError::Empty),
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            Some(_) => (false, 0),
        };
        let mut int: i64 = 0;
        let int_start = i;
        while let Some(d) = s.get(i).filter(|b| b.is_ascii_digit()) {
            // 15 integer digits always fit: i64::MAX / PRICE_SCALE is about 9.2e14.
            if i - int_start >= 15 {
                return Err(PriceError::OutOfRange(text()));
            }
            int = int * 10 + (d - b'0') as i64;
            i += 1;
        }
        let int_digits = i - int_start;
        let (mut frac, mut frac_digits, mut round_up) = (0i64, 0u32, false);
        if s.get(i) == Some(&b'.') {
            i += 1;
            while let Some(d) = s.get(i).filter(|b| b.is_ascii_digit()) {
                match frac_digits {
                    n if n < SCALE_DIGITS => frac = frac * 10 + (d - b'0') as i64,
                    n if n == SCALE_DIGITS => round_up = *d >= b'5',
                    _ => {}
                }
                frac_digits += 1;
                i += 1;
            }
        }
        if i != s.len() || (int_digits == 0 && frac_digits == 0) {
            return Err(PriceError::NotANumber(text()));
        }
        frac *= 10i64.pow(SCALE_DIGITS - frac_digits.min(SCALE_DIGITS));
        let units = int
            .checked_mul(PRICE_SCALE)
            .and_then(|u| u.checked_add(frac + round_up as i64))
            .ok_or_else(|| PriceError::OutOfRange(text()))?;
        Ok(Price(if negative { -units } else { units }))
    }

    /// The price in rupees as an exact decimal.
    #[inline]
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, SCALE_DIGITS)
    }

    /// The price in rupees as `f64`, for indicators and charts only (never for money).
    #[inline]
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / PRICE_SCALE as f64
    }

    /// The nearest price to `rupees` (rounded half away from zero), or `None` if out of range.
    pub fn from_decimal(rupees: Decimal) -> Option<Price> {
        use rust_decimal::prelude::ToPrimitive;
        (rupees * Decimal::from(PRICE_SCALE))
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .map(Price)
    }

    /// The nearest price to `rupees` on the fixed-point grid (for synthetic data and tests).
    pub fn from_f64(rupees: f64) -> Option<Price> {
        let units = (rupees * PRICE_SCALE as f64).round();
        (units.is_finite() && units.abs() < i64::MAX as f64).then_some(Price(units as i64))
    }

    /// Rounds to the nearest multiple of `tick` (ties away from zero); `tick` must be positive.
    pub fn round_to_tick(self, tick: Price) -> Price {
        let t = tick.0.max(1);
        let q = self.0.div_euclid(t);
        let r = self.0.rem_euclid(t);
        Price(if 2 * r >= t { (q + 1) * t } else { q * t })
    }

    /// Whether the price lies on the grid of `tick`.
    #[inline]
    pub fn is_on_tick(self, tick: Price) -> bool {
        tick.0 > 0 && self.0 % tick.0 == 0
    }

    /// The largest value, in rupees, that the engine computes with (`i64::MAX` units, about
    /// ₹9.2 × 10¹⁴): an order or fill worth more cannot be booked and is refused.
    pub const MAX_VALUE: Decimal =
        Decimal::from_parts(u32::MAX, i32::MAX as u32, 0, false, SCALE_DIGITS);

    /// `self × qty` in rupees, exact, or `None` when it exceeds [`Price::MAX_VALUE`] in size:
    /// what decides whether an order or fill can be accepted.
    #[inline]
    pub fn checked_notional(self, qty: i64) -> Option<Decimal> {
        self.0
            .checked_mul(qty)
            .map(|units| Decimal::new(units, SCALE_DIGITS))
    }

    /// `self × qty` in rupees, exact up to [`Price::MAX_VALUE`] and clamped to ±`MAX_VALUE`
    /// beyond it (a mark or report never panics; sums of many such values still fit a
    /// `Decimal`). Money that is booked must first pass [`Price::checked_notional`].
    #[inline]
    pub fn notional(self, qty: i64) -> Decimal {
        match self.checked_notional(qty) {
            Some(value) => value,
            None if (self.0 < 0) == (qty < 0) => Price::MAX_VALUE,
            None => -Price::MAX_VALUE,
        }
    }
}

impl Add for Price {
    type Output = Price;
    #[inline]
    fn add(self, rhs: Price) -> Price {
        Price(self.0 + rhs.0)
    }
}

impl Sub for Price {
    type Output = Price;
    #[inline]
    fn sub(self, rhs: Price) -> Price {
        Price(self.0 - rhs.0)
    }
}

impl Neg for Price {
    type Output = Price;
    #[inline]
    fn neg(self) -> Price {
        Price(-self.0)
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let scale = PRICE_SCALE as u64;
        let (int, frac) = (abs / scale, abs % scale);
        if frac % 100 == 0 {
            write!(f, "{sign}{int}.{:02}", frac / 100)
        } else if frac % 10 == 0 {
            write!(f, "{sign}{int}.{:03}", frac / 10)
        } else {
            write!(f, "{sign}{int}.{frac:04}")
        }
    }
}

impl std::str::FromStr for Price {
    type Err = PriceError;
    fn from_str(s: &str) -> Result<Price, PriceError> {
        Price::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exchange_prices_exactly() {
        assert_eq!(Price::parse("1573.15").unwrap(), Price(15_731_500));
        assert_eq!(Price::parse("1573.1").unwrap(), Price(15_731_000));
        assert_eq!(Price::parse("1573").unwrap(), Price(15_730_000));
        assert_eq!(Price::parse("-0.05").unwrap(), Price(-500));
        assert_eq!(Price::parse(".05").unwrap(), Price(500));
        assert_eq!(Price::parse("0.0025").unwrap(), Price(25));
        assert_eq!(Price::parse(" 12.5 ").unwrap(), Price(125_000));
    }

    #[test]
    fn rounds_float_noise_to_four_decimals() {
        assert_eq!(Price::parse("1573.150024").unwrap(), Price(15_731_500));
        assert_eq!(Price::parse("1573.14996").unwrap(), Price(15_731_500));
    }

    #[test]
    fn rejects_non_numbers_by_name() {
        for bad in ["NaN", "nan", "inf", "1.2.3", "12a", "-", ".", "1e3"] {
            let err = Price::parse(bad).unwrap_err();
            assert_eq!(err, PriceError::NotANumber(bad.to_string()), "{bad}");
        }
        assert_eq!(Price::parse("").unwrap_err(), PriceError::Empty);
        assert!(matches!(
            Price::parse("99999999999999999999"),
            Err(PriceError::OutOfRange(_))
        ));
    }

    #[test]
    fn displays_at_least_two_decimals() {
        assert_eq!(Price(15_731_500).to_string(), "1573.15");
        assert_eq!(Price(15_730_000).to_string(), "1573.00");
        assert_eq!(Price(25).to_string(), "0.0025");
        assert_eq!(Price(-500).to_string(), "-0.05");
        assert_eq!(Price(1_230).to_string(), "0.123");
    }

    #[test]
    fn tick_rounding_and_notional() {
        let tick = Price::parse("0.05").unwrap();
        assert_eq!(
            Price::parse("100.07").unwrap().round_to_tick(tick),
            Price::parse("100.05").unwrap()
        );
        assert_eq!(
            Price::parse("100.075").unwrap().round_to_tick(tick),
            Price::parse("100.10").unwrap()
        );
        assert!(Price::parse("100.10").unwrap().is_on_tick(tick));
        assert!(!Price::parse("100.11").unwrap().is_on_tick(tick));
        assert_eq!(
            Price::parse("1573.15").unwrap().notional(10).to_string(),
            "15731.5000"
        );
    }

    #[test]
    fn notional_beyond_the_range_is_none_or_clamped_never_a_panic() {
        assert_eq!(Price::MAX_VALUE, Decimal::new(i64::MAX, 4));
        let huge = Price(i64::MAX / 100);
        assert_eq!(huge.checked_notional(1_000_000_000), None);
        assert_eq!(huge.notional(1_000_000_000), Price::MAX_VALUE);
        assert_eq!(huge.notional(-1_000_000_000), -Price::MAX_VALUE);
        assert_eq!(Price(i64::MAX).notional(i64::MAX), Price::MAX_VALUE);
        assert_eq!(Price(1).checked_notional(i64::MAX), Some(Price::MAX_VALUE));
    }
}

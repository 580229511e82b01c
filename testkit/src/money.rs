//! Prices and money amounts written as text.

use rust_decimal::Decimal;
use sharewise_engine::types::Price;

/// Parses a rupee price such as `"100.05"` (panics, naming the text, if it is not one).
#[track_caller]
pub fn p(text: &str) -> Price {
    Price::parse(text).unwrap_or_else(|e| panic!("test price {text:?}: {e}"))
}

/// Parses a decimal such as `"1.5"` or `"1000020"` (panics, naming the text, if it is not one).
#[track_caller]
pub fn d(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("test decimal {text:?}: {e}"))
}

/// A rupee amount written as a decimal (`"1497.8"`, `"-20"`) in whole paise, rounded to the
/// nearest paisa.
#[track_caller]
pub fn rupees_to_paise(text: &str) -> i64 {
    let rupees: Decimal = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    i64::try_from((rupees * Decimal::ONE_HUNDRED).round())
        .unwrap_or_else(|e| panic!("{text} in paise: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_decimals_and_paise_parse_exactly() {
        assert_eq!(p("100.05"), Price::from_rupees_paise(100, 5));
        assert_eq!(d("1.5"), Decimal::new(15, 1));
        assert_eq!(rupees_to_paise("1497.8"), 149_780);
        assert_eq!(rupees_to_paise("-20"), -2_000);
    }

    #[test]
    #[should_panic(expected = "test price \"1O0\"")]
    fn a_bad_price_names_itself() {
        p("1O0");
    }
}

//! How numbers are written in reports: money with two decimals, ratios and percentages, and what
//! an undefined metric (`None`) becomes — `n/a` on the terminal, an empty cell in a CSV.

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
}

//! The journal's book against the broker's: positions and realised P&L, symbol by symbol.
//!
//! The journal rebuilds positions from the fills it booked; the broker keeps its own. The paper
//! broker applies fills with the engine's [`Position::apply`], so with the same fills they agree
//! to the paisa; a real broker's quantities must agree, its P&L is its own ([`Compare`]).
//! Any difference means a fill was lost, doubled or booked against the wrong order: the daemon
//! compares the two at start, at stop and every `[run] compare_every_s` while it runs, and a
//! difference is a critical alert that puts the account into `[run] on_book_mismatch`
//! (`reducing` or `halted`). `sharewise reconcile` prints the same comparison on demand.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;
use sharewise_engine::types::{Position, Qty};
use sharewise_store::PositionRecord;

/// A row where the journal and the broker disagree.
pub type BookDifference = BookRow;

/// Both books side by side, one row per symbol either of them holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BookRow {
    /// Trading symbol.
    pub symbol: String,
    /// Net shares in the journal.
    pub journal_qty: Qty,
    /// Net shares at the broker.
    pub broker_qty: Qty,
    /// Realised P&L in the journal, rupees.
    pub journal_realized: Decimal,
    /// Realised P&L at the broker, rupees.
    pub broker_realized: Decimal,
}

impl fmt::Display for BookRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The symbol and, for each side that disagrees, both values and the gap.
        write!(f, "{}:", self.symbol)?;
        if self.journal_qty != self.broker_qty {
            write!(
                f,
                " qty journal {} vs broker {} (off by {:+})",
                self.journal_qty,
                self.broker_qty,
                self.broker_qty - self.journal_qty
            )?;
        }
        if self.journal_realized != self.broker_realized {
            let off = self.broker_realized - self.journal_realized;
            write!(
                f,
                " realised P&L journal {} vs broker {} (off by {})",
                self.journal_realized.normalize(),
                self.broker_realized.normalize(),
                off.normalize()
            )?;
        }
        Ok(())
    }
}

impl BookRow {
    /// Whether the two sides agree.
    pub fn agrees(&self) -> bool {
        self.journal_qty == self.broker_qty && self.journal_realized == self.broker_realized
    }
}

/// Lines up the journal's positions with the broker's (`symbols[id]` names the broker's
/// instrument ids; an id without a name is shown as `#id`).
pub fn side_by_side(
    journal: &[PositionRecord],
    broker: &[Position],
    symbols: &[String],
) -> Vec<BookRow> {
    let mut rows: BTreeMap<String, BookRow> = BTreeMap::new();
    for p in journal {
        let row = rows.entry(p.symbol.clone()).or_insert_with(|| BookRow {
            symbol: p.symbol.clone(),
            ..BookRow::default()
        });
        row.journal_qty += p.qty;
        row.journal_realized += p.realized_pnl;
    }
    for p in broker {
        let symbol = symbols
            .get(p.instrument.0 as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{}", p.instrument.0));
        let row = rows.entry(symbol.clone()).or_insert_with(|| BookRow {
            symbol,
            ..BookRow::default()
        });
        row.broker_qty += p.qty;
        row.broker_realized += p.realized_pnl;
    }
    rows.into_values().collect()
}

/// What the two books are held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Quantities and realised P&L: both sides apply fills the same way (the paper broker).
    Full,
    /// Quantities only: a real broker reckons realised P&L its own way and for the day only
    /// (Kite: from the day's average buy and sell prices), so it cannot agree to the paisa with
    /// the journal's average-cost P&L; the realised columns are left out of the rows.
    Quantities,
}

/// The symbols where the journal and the broker disagree (empty when they agree), held to
/// `compare`.
pub fn differences(
    journal: &[PositionRecord],
    broker: &[Position],
    symbols: &[String],
    compare: Compare,
) -> Vec<BookDifference> {
    side_by_side(journal, broker, symbols)
        .into_iter()
        .filter_map(|mut row| match compare {
            Compare::Full => (!row.agrees()).then_some(row),
            Compare::Quantities => (row.journal_qty != row.broker_qty).then(|| {
                row.journal_realized = Decimal::ZERO;
                row.broker_realized = Decimal::ZERO;
                row
            }),
        })
        .collect()
}

/// One line for people: `RELIANCE: qty journal 10 vs broker 20 (off by +10); TCS: ...`.
pub fn describe(differences: &[BookDifference]) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharewise_engine::types::InstrumentId;
    use sharewise_testkit::d;

    #[test]
    fn agreeing_books_have_no_difference_and_a_gap_is_named_with_its_size() {
        let symbols = vec!["INFY".to_string(), "TCS".to_string()];
        let journal = vec![PositionRecord {
            symbol: "INFY".into(),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: d("5.5"),
        }];
        let broker = vec![Position {
            instrument: InstrumentId(0),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: d("5.5"),
        }];
        assert!(differences(&journal, &broker, &symbols, Compare::Full).is_empty());

        let broker = vec![
            Position {
                instrument: InstrumentId(0),
                qty: 20,
                avg_price: d("100"),
                realized_pnl: d("7.5"),
            },
            Position {
                instrument: InstrumentId(1),
                qty: -5,
                avg_price: d("3000"),
                realized_pnl: d("0"),
            },
        ];
        let diffs = differences(&journal, &broker, &symbols, Compare::Full);
        assert_eq!(describe(&diffs), "INFY: qty journal 10 vs broker 20 (off by +10) realised P&L journal 5.5 vs broker 7.5 (off by 2); TCS: qty journal 0 vs broker -5 (off by -5)");
        let diffs = differences(&journal, &broker, &symbols, Compare::Quantities);
        assert_eq!(describe(&diffs), "INFY: qty journal 10 vs broker 20 (off by +10); TCS: qty journal 0 vs broker -5 (off by -5)");
    }

    #[test]
    fn a_real_broker_agrees_on_quantities_whatever_its_pnl_reckoning() {
        let symbols = vec!["INFY".to_string()];
        let journal = vec![PositionRecord {
            symbol: "INFY".into(),
            qty: 10,
            avg_price: d("100"),
            realized_pnl: d("5.5"),
        }];
        let broker = vec![Position {
            instrument: InstrumentId(0),
            qty: 10,
            avg_price: d("100.25"),
            realized_pnl: d("2.75000000000182"),
        }];
        assert!(differences(&journal, &broker, &symbols, Compare::Quantities).is_empty());
        assert_eq!(
            differences(&journal, &broker, &symbols, Compare::Full).len(),
            1
        );
    }
}

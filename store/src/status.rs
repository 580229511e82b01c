//! The order lifecycle: [`OrderStatus`] and the transitions it allows.
//!
//! ```text
//! new ──▶ sent ──▶ open ──▶ partially_filled ──▶ filled
//!  │        │        │              │
//!  │        ├────────┴──────────────┴──▶ cancelled / unresolved
//!  └──▶ cancelled / rejected   sent ──▶ rejected, filled, partially_filled
//! unresolved ──▶ open / partially_filled / filled / cancelled / rejected (after reconciliation)
//! ```
//!
//! `filled`, `cancelled` and `rejected` are terminal. `partially_filled → partially_filled` is
//! legal (each further partial fill). A `cancelled` order still books fills that the broker
//! executed before the cancel took effect and reports late (see `JournalState::check`); it stays
//! `cancelled`.

use serde::{Deserialize, Serialize};

/// Where an order is in its life (serialised in `snake_case`, e.g. `partially_filled`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created by the engine and journalled; not yet sent.
    New,
    /// Placement sent to the broker; no reply yet.
    Sent,
    /// Acknowledged by the broker and working.
    Open,
    /// Some, not all, of the quantity has filled.
    PartiallyFilled,
    /// All of the quantity has filled (terminal).
    Filled,
    /// Cancelled, possibly after partial fills (terminal).
    Cancelled,
    /// Rejected by the broker, exchange or RMS (terminal).
    Rejected,
    /// The broker's reply was ambiguous (timeout, 5xx): look it up by tag before doing anything.
    Unresolved,
}

impl OrderStatus {
    /// The `snake_case` name, as in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Sent => "sent",
            OrderStatus::Open => "open",
            OrderStatus::PartiallyFilled => "partially_filled",
            OrderStatus::Filled => "filled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Unresolved => "unresolved",
        }
    }

    /// Whether no event may follow.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Filled | OrderStatus::Cancelled | OrderStatus::Rejected
        )
    }

    /// Whether the lifecycle allows moving from `self` to `to`.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        match self {
            New => matches!(to, Sent | Cancelled | Rejected),
            Sent => matches!(
                to,
                Open | PartiallyFilled | Filled | Cancelled | Rejected | Unresolved
            ),
            Open => matches!(to, PartiallyFilled | Filled | Cancelled | Unresolved),
            PartiallyFilled => matches!(to, PartiallyFilled | Filled | Cancelled | Unresolved),
            Unresolved => matches!(to, Open | PartiallyFilled | Filled | Cancelled | Rejected),
            Filled | Cancelled | Rejected => false,
        }
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    const ALL: [OrderStatus; 8] = [
        New,
        Sent,
        Open,
        PartiallyFilled,
        Filled,
        Cancelled,
        Rejected,
        Unresolved,
    ];

    #[test]
    fn terminal_states_accept_nothing() {
        for from in [Filled, Cancelled, Rejected] {
            assert!(from.is_terminal());
            assert!(ALL.iter().all(|&to| !from.can_become(to)), "{from}");
        }
    }

    #[test]
    fn unresolved_reconciles_to_any_broker_state_but_not_back() {
        for to in [Open, PartiallyFilled, Filled, Cancelled, Rejected] {
            assert!(Unresolved.can_become(to), "{to}");
        }
        assert!(!Unresolved.can_become(New) && !Unresolved.can_become(Sent));
        assert!(!New.can_become(Filled) && !Open.can_become(Sent));
    }

    #[test]
    fn serialises_snake_case() {
        let json = serde_json::to_string(&ALL).unwrap();
        assert_eq!(
            json,
            r#"["new","sent","open","partially_filled","filled","cancelled","rejected","unresolved"]"#
        );
        for s in ALL {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }
}

//! How an account's orders are sent beyond what the engine's order says: SEBI's market
//! protection, the exchange's algo id, and the fee estimate for fills.

use sharewise_engine::backtest::Commission;

/// How orders are sent beyond what the engine's order says.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderPolicy {
    /// `market_protection` for MARKET and SL-M orders (Kite's, Upstox v3's): `-1` lets the broker
    /// choose, `1..=100` is a percentage band (SEBI: no bare market orders from algos).
    pub market_protection: i32,
    /// The exchange-issued algo id, sent as `algo_id` when set.
    pub algo_id: Option<String>,
    /// What fills are estimated to cost (the brokers' trade books carry no charges; the contract
    /// note is the final word).
    pub commission: Commission,
}

impl Default for OrderPolicy {
    fn default() -> Self {
        OrderPolicy {
            market_protection: -1,
            algo_id: None,
            commission: Commission::Zerodha(Default::default()),
        }
    }
}

//! Kite's WebSocket (`wss://ws.kite.trade`): one connection opened the way Kite takes it — the
//! api_key and access token in the query (never logged) — from the account's egress address.
//! The order-update stream ([`crate::account::stream`]) and the market feed ([`crate::feed`])
//! each hold their own connections (Kite allows three per api_key).

use std::net::IpAddr;

use kiteconnect::AccessToken;
use sharewise_brokers::BrokerError;

/// Kite's ticker and order-update WebSocket.
pub const KITE_WS: &str = "wss://ws.kite.trade";

pub use sharewise_broker_kit::ws::{Socket, OPEN_WITHIN};

/// Opens the WebSocket at `url` from `egress` (if given), authenticated as Kite wants it: the
/// key and token in the query (never logged).
pub async fn open(
    url: &str,
    api_key: &str,
    token: &AccessToken,
    egress: Option<IpAddr>,
) -> Result<Socket, BrokerError> {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("api_key", api_key)
        .append_pair("access_token", token.expose())
        .finish();
    let request = format!("{}/?{query}", url.trim_end_matches('/'));
    sharewise_broker_kit::ws::open(request, url, egress).await
}

//! Kite's WebSocket (`wss://ws.kite.trade`): one connection opened the way Kite takes it — the
//! api_key and access token in the query (never logged) — from the account's egress address.
//! The order-update stream ([`crate::account::stream`]) and the market feed ([`crate::feed`])
//! each hold their own connections (Kite allows three per api_key).

use std::net::{IpAddr, SocketAddr};

use kiteconnect::AccessToken;
use sharewise_brokers::{BrokerError, ErrorKind};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Kite's ticker and order-update WebSocket.
pub const KITE_WS: &str = "wss://ws.kite.trade";

/// An open connection.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the WebSocket at `url` from `egress` (if given), authenticated as Kite wants it: the
/// key and token in the query (never logged).
pub async fn open(
    url: &str,
    api_key: &str,
    token: &AccessToken,
    egress: Option<IpAddr>,
) -> Result<Socket, BrokerError> {
    tokio::time::timeout(OPEN_WITHIN, open_now(url, api_key, token, egress))
        .await
        .unwrap_or_else(|_| {
            Err(BrokerError::new(
                ErrorKind::Upstream,
                format!("no WebSocket from {url} within {} s", OPEN_WITHIN.as_secs()),
            ))
        })
}

/// The longest a connection, its TLS and the WebSocket handshake may take together.
pub const OPEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

async fn open_now(
    url: &str,
    api_key: &str,
    token: &AccessToken,
    egress: Option<IpAddr>,
) -> Result<Socket, BrokerError> {
    let fail = |what: String| BrokerError::new(ErrorKind::Upstream, what);
    let parsed =
        url::Url::parse(url).map_err(|e| fail(format!("bad WebSocket address {url}: {e}")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| fail(format!("no host in {url}")))?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    let mut last = fail(format!("{host} has no address"));
    for addr in tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| fail(format!("cannot resolve {host}: {e}")))?
    {
        match connect_from(addr, egress).await {
            Ok(stream) => {
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("api_key", api_key)
                    .append_pair("access_token", token.expose())
                    .finish();
                let request = format!("{url}/?{query}");
                return tokio_tungstenite::client_async_tls(request, stream)
                    .await
                    .map(|(socket, _)| socket)
                    .map_err(|e| fail(format!("WebSocket handshake with {host} failed: {e}")));
            }
            Err(e) => last = fail(format!("cannot connect to {addr}: {e}")),
        }
    }
    Err(last)
}

/// A TCP connection to `addr` leaving from `egress` when given.
async fn connect_from(addr: SocketAddr, egress: Option<IpAddr>) -> std::io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(ip) = egress {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

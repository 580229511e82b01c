//! A broker's WebSocket opened from the account's egress address (SEBI's static-IP rule binds
//! every connection of an account, streams included), within a time limit.

use std::net::{IpAddr, SocketAddr};

use sharewise_brokers::{BrokerError, ErrorKind};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open connection.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The longest a connection, its TLS and the WebSocket handshake may take together.
pub const OPEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens `request` (a `ws://` or `wss://` URL, with whatever headers the broker wants) from
/// `egress` if given. `shown` names it in errors: the URL itself may carry a token.
pub async fn open<R>(request: R, shown: &str, egress: Option<IpAddr>) -> Result<Socket, BrokerError>
where
    R: IntoClientRequest + Unpin,
{
    tokio::time::timeout(OPEN_WITHIN, open_now(request, shown, egress))
        .await
        .unwrap_or_else(|_| {
            Err(BrokerError::new(
                ErrorKind::Upstream,
                format!(
                    "no WebSocket from {shown} within {} s",
                    OPEN_WITHIN.as_secs()
                ),
            ))
        })
}

async fn open_now<R>(request: R, shown: &str, egress: Option<IpAddr>) -> Result<Socket, BrokerError>
where
    R: IntoClientRequest + Unpin,
{
    let fail = |what: String| BrokerError::new(ErrorKind::Upstream, what);
    let request = request
        .into_client_request()
        .map_err(|e| fail(format!("bad WebSocket address for {shown}: {e}")))?;
    let uri = request.uri().clone();
    let host = uri
        .host()
        .ok_or_else(|| fail(format!("no host in the address of {shown}")))?
        .trim_matches(['[', ']'])
        .to_string();
    let tls = uri.scheme_str() == Some("wss");
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
    let mut last = fail(format!("{host} has no address"));
    for addr in tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| fail(format!("cannot resolve {host}: {e}")))?
    {
        match connect_from(addr, egress).await {
            Ok(stream) => {
                return tokio_tungstenite::client_async_tls(request.clone(), stream)
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
pub async fn connect_from(addr: SocketAddr, egress: Option<IpAddr>) -> std::io::Result<TcpStream> {
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

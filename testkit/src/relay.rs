//! A TCP relay between a client under test and a server it talks to, which the test can cut and
//! restore: the broker or feed that goes down mid-session, as a drill needs it.
//!
//! While cut the relay stops listening (new connections are refused, as from a host that is
//! down) and drops every connection it carries (open requests get no answer, WebSockets die
//! without a close frame). Restoring it listens again on the same address.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A relay on a loopback port in front of `upstream`.
#[derive(Debug)]
pub struct Relay {
    addr: SocketAddr,
    /// `true` while up; every connection task and the acceptor watch it.
    up: Arc<watch::Sender<bool>>,
}

impl Relay {
    /// Starts relaying a free loopback port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port for the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let up = Arc::new(watch::channel(true).0);
        tokio::spawn(accept_loop(Some(listener), addr, upstream, Arc::clone(&up)));
        Relay { addr, up }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Cuts every connection and refuses new ones until [`Relay::restore`].
    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    /// Listens and relays again.
    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}

async fn accept_loop(
    mut listener: Option<TcpListener>,
    addr: SocketAddr,
    upstream: SocketAddr,
    up: Arc<watch::Sender<bool>>,
) {
    let mut state = up.subscribe();
    loop {
        match &listener {
            Some(l) => tokio::select! {
                accepted = l.accept() => {
                    if let Ok((client, _)) = accepted {
                        tokio::spawn(carry(client, upstream, up.subscribe()));
                    }
                }
                changed = state.changed() => {
                    if changed.is_err() { return; }
                    if !*state.borrow() { listener = None; }
                }
            },
            None => {
                if state.changed().await.is_err() {
                    return;
                }
                if *state.borrow() {
                    // The port was ours a moment ago; retry briefly if the kernel is slow to free it.
                    for _ in 0..50 {
                        if let Ok(l) = TcpListener::bind(addr).await {
                            listener = Some(l);
                            break;
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                }
            }
        }
    }
}

async fn carry(mut client: TcpStream, upstream: SocketAddr, mut up: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = up.wait_for(|up| !*up) => {}
    }
}

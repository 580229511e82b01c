//! The one-shot listener that catches the broker's login redirect on loopback: it answers the
//! browser with a short page and hands back the `request_token`. Requests without one (a
//! browser's favicon) get a 404 and the wait goes on; a redirect saying the login failed ends it.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// Waits (at most `timeout`) for a redirect carrying `request_token`.
pub async fn catch(listener: TcpListener, timeout: Duration) -> Result<String> {
    let wait = async {
        loop {
            let (stream, _) = listener
                .accept()
                .await
                .context("the redirect listener failed")?;
            if let Some(outcome) = answer(stream).await {
                return outcome;
            }
        }
    };
    tokio::time::timeout(timeout, wait).await.map_err(|_| {
        anyhow::anyhow!(
            "no login redirect within {} s; run the command again",
            timeout.as_secs()
        )
    })?
}

/// Reads one request and answers it; `Some` once the login's outcome is known.
async fn answer(mut stream: TcpStream) -> Option<Result<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let target = text.lines().next()?.split(' ').nth(1)?.to_string();
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let mut token = None;
    let mut status = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "request_token" => token = Some(v.into_owned()),
            "status" => status = Some(v.into_owned()),
            _ => {}
        }
    }
    let (code, page, outcome) = match (token, status.as_deref()) {
        (Some(token), None | Some("success")) if !token.trim().is_empty() => (
            "200 OK",
            "Logged in. ShareWise has the session; you can close this tab.",
            Some(Ok(token)),
        ),
        (_, Some(other)) if other != "success" => (
            "400 Bad Request",
            "The login did not succeed; run `sharewise broker login` again.",
            Some(Err(anyhow::anyhow!(
                "Kite's login redirect says `status={other}`; log in again"
            ))),
        ),
        _ => ("404 Not Found", "Waiting for the login redirect.", None),
    };
    let body =
        format!("<!doctype html><meta charset=utf-8><title>ShareWise</title><p>{page}</p>\n");
    let reply = format!(
        "HTTP/1.1 {code}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
    outcome
}

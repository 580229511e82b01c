//! The one-shot listener that catches the broker's login redirect on loopback: it answers the
//! browser with a short page and hands back what the redirect carries (Kite's `request_token`,
//! Upstox's OAuth `code`). Requests without it (a browser's favicon) get a 404 and the wait goes
//! on; a redirect whose `state` is not the one the login page was opened with is refused (it is
//! not this login's: a forged or stale redirect) and the wait goes on; a redirect saying the
//! login failed ends it.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// What the redirect must carry.
pub struct Expect<'a> {
    /// The query parameter with the login's result: `request_token` or `code`.
    pub param: &'a str,
    /// The `state` the login page was opened with, where the broker sends one back.
    pub state: Option<&'a str>,
    /// The broker's name, for messages.
    pub broker: &'a str,
}

/// A fresh random `state` for a login page (OAuth's guard against forged redirects).
pub fn new_state() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..24)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)]))
        .collect()
}

/// Waits (at most `timeout`) for a redirect carrying what `expect` says.
pub async fn catch(
    listener: TcpListener,
    timeout: Duration,
    expect: &Expect<'_>,
) -> Result<String> {
    let wait = async {
        loop {
            let (stream, _) = listener
                .accept()
                .await
                .context("the redirect listener failed")?;
            if let Some(outcome) = answer(stream, expect).await {
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
async fn answer(mut stream: TcpStream, expect: &Expect<'_>) -> Option<Result<String>> {
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
    let mut state = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            key if key == expect.param => token = Some(v.into_owned()),
            "status" => status = Some(v.into_owned()),
            "error" => status = Some(format!("error: {v}")),
            "state" => state = Some(v.into_owned()),
            _ => {}
        }
    }
    let foreign = expect.state.is_some() && token.is_some() && state.as_deref() != expect.state;
    let (code, page, outcome) = match (token, status.as_deref()) {
        _ if foreign => (
            "400 Bad Request",
            "This redirect is not from the login ShareWise opened (its state differs); ignored.",
            None,
        ),
        (Some(token), None | Some("success")) if !token.trim().is_empty() => (
            "200 OK",
            "Logged in. ShareWise has the session; you can close this tab.",
            Some(Ok(token)),
        ),
        (_, Some(other)) if other != "success" => (
            "400 Bad Request",
            "The login did not succeed; run `sharewise broker login` again.",
            Some(Err(anyhow::anyhow!(
                "{}'s login redirect says `{other}`; log in again",
                expect.broker
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

//! Shared by the end-to-end tests that trade a Kite account against `sharewise sandbox kite`: the
//! sandbox as a child process, the account holder's login through `sharewise broker login`, the
//! settings file, and the sandbox's own order book read with Zerodha's client.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};

use kiteconnect::{ApiSecret, KiteConnect};

use crate::cli_support::{bin, bin_without_settings_env};

/// `head` followed by `common` (the settings and data-directory flags every command takes).
pub fn args<'a>(head: &[&'a str], common: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(common).copied().collect()
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `sharewise sandbox kite` at 600× redirecting logins to `redirect_port`: the child and its
/// `host:port`.
pub fn sandbox(redirect_port: u16) -> (Child, String) {
    sandbox_at(redirect_port, 600)
}

/// [`sandbox`] at `speed`× (a drill that runs long keeps within one simulated session: Kite's
/// books, and the sandbox's, hold the day only).
pub fn sandbox_at(redirect_port: u16, speed: u32) -> (Child, String) {
    let mut child = bin()
        .args(["sandbox", "kite", "--listen", "127.0.0.1:0", "--speed"])
        .arg(speed.to_string())
        .arg("--redirect-url")
        .arg(format!("http://127.0.0.1:{redirect_port}/kite/callback"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sharewise sandbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, addr)
}

/// GET `url`; the response head and body.
pub fn get(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// The `Location` of a redirect.
pub fn location(response: &str) -> String {
    response
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_else(|| panic!("no redirect in {response}"))
        .trim()
        .to_string()
}

/// Writes `dir/sharewise.toml` for Kite account `alice` at the sandbox `addr` (and its secret
/// file), with `extra` settings before the accounts; its path.
pub fn settings(dir: &Path, addr: &str, redirect_port: u16, extra: &str) -> String {
    let secret = dir.join("kite.secret");
    std::fs::write(&secret, "sandbox_api_secret\n").unwrap();
    let config = dir.join("sharewise.toml");
    std::fs::write(
        &config,
        format!(
            "{extra}[run]\nfeed = \"kite:alice\"\n[[accounts]]\nname = \"alice\"\nbroker = \"kite\"\n[accounts.kite]\n\
             api_key = \"sandbox_api_key\"\napi_secret_file = {:?}\nsandbox = \"{addr}\"\nredirect_listen = \"127.0.0.1:{redirect_port}\"\n",
            secret.display().to_string()
        ),
    )
    .unwrap();
    config.display().to_string()
}

/// Logs `alice` in through `sharewise broker login` (with `common` flags), the way the account
/// holder does: the printed page, the browser's redirect caught by the command.
pub fn broker_login(common: &[&str], addr: &str) {
    let mut login = bin_without_settings_env()
        .args(["broker", "login", "alice"])
        .args(common)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(login.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("Waiting on") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "broker login printed no page"
        );
    }
    let page = format!("http://{addr}/connect/login?api_key=sandbox_api_key&v=3");
    let landed = get(&location(&get(&page)));
    assert!(landed.starts_with("HTTP/1.1 200"), "{landed}");
    assert!(login.wait().unwrap().success());
}

/// One order of the sandbox's book as Zerodha's client reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct KiteOrder {
    /// Kite's status words.
    pub status: String,
    /// Shares filled.
    pub filled: f64,
    /// Shares ordered.
    pub quantity: f64,
}

/// The sandbox's whole order book, read with Zerodha's client under a session of its own:
/// (tag, order) in book order, duplicates kept.
pub fn sandbox_book(addr: &str) -> Vec<(String, KiteOrder)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let page = format!("http://{addr}/connect/login?api_key=sandbox_api_key&v=3");
        let to = location(
            &tokio::task::spawn_blocking(move || get(&page))
                .await
                .unwrap(),
        );
        let token = to
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("request_token="))
            .unwrap()
            .to_string();
        let mut kite = KiteConnect::builder("sandbox_api_key")
            .base_url(format!("http://{addr}"))
            .build()
            .unwrap();
        let secret = ApiSecret::new("sandbox_api_secret").unwrap();
        let session = kite.generate_session(&token, &secret).await.unwrap();
        kite.set_access_token(session.access_token);
        // The daemon's last reads at its stop may have spent the second's budget: wait for it.
        let mut orders = kite.orders().await;
        for _ in 0..5 {
            match &orders {
                Err(kiteconnect::Error::Api(e)) if e.status == 429 => {
                    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
                    orders = kite.orders().await;
                }
                _ => break,
            }
        }
        orders
            .unwrap()
            .into_iter()
            .map(|o| {
                let order = KiteOrder {
                    status: o.status,
                    filled: o.filled_quantity,
                    quantity: o.quantity,
                };
                (o.tag.unwrap_or_default(), order)
            })
            .collect()
    })
}

/// The journal's orders and the sandbox's book agree order by order: every order at Kite is in
/// the journal (none lost) and was placed once (none doubled), with the same quantity, fills and
/// final state; a journalled order Kite never saw (the daemon died between journalling and
/// sending) is cancelled with nothing filled. Returns how many of those there were.
pub fn assert_journal_matches_book(
    journal: &[serde_json::Value],
    book: &[(String, KiteOrder)],
) -> usize {
    let mut at_kite: BTreeMap<&str, &KiteOrder> = BTreeMap::new();
    for (tag, order) in book {
        assert!(
            at_kite.insert(tag.as_str(), order).is_none(),
            "tag {tag} placed twice at Kite"
        );
    }
    let journalled: BTreeMap<&str, &serde_json::Value> = journal
        .iter()
        .map(|o| (o["tag"].as_str().unwrap(), o))
        .collect();
    for tag in at_kite.keys() {
        assert!(
            journalled.contains_key(tag),
            "Kite's order {tag} is not in the journal (lost)"
        );
    }
    let mut never_sent = 0;
    for (tag, o) in &journalled {
        let journal_status = o["status"].as_str().unwrap();
        let Some(k) = at_kite.get(tag) else {
            assert_eq!(
                (journal_status, o["filled_qty"].as_f64().unwrap()),
                ("cancelled", 0.0),
                "{tag} never reached Kite, so it must be cancelled unfilled: {o}"
            );
            never_sent += 1;
            continue;
        };
        assert_eq!(o["qty"].as_f64().unwrap(), k.quantity, "{tag}");
        assert_eq!(o["filled_qty"].as_f64().unwrap(), k.filled, "{tag}: {o}");
        let expected = match k.status.as_str() {
            "COMPLETE" => "filled",
            "CANCELLED" => "cancelled",
            "REJECTED" => "rejected",
            other => panic!("{tag} is still {other} at Kite after a graceful stop"),
        };
        assert_eq!(
            journal_status, expected,
            "{tag}: journal vs Kite {}",
            k.status
        );
    }
    never_sent
}

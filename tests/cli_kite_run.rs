//! `sharewise run` trading a Kite account against `sharewise sandbox kite`, as an operator would
//! set it up: `[run] feed = "kite:alice"`, `sharewise broker login alice`, then the daemon warms
//! up from the sandbox's candles, streams its ticks, trades through the Kite adapter, and at stop
//! its journal (`sharewise orders`) and the sandbox's own order book agree order by order.

mod cli_support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};

use cli_support::*;
use kiteconnect::{ApiSecret, KiteConnect};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sandbox(redirect_port: u16) -> (Child, String) {
    let mut child = bin()
        .args([
            "sandbox",
            "kite",
            "--listen",
            "127.0.0.1:0",
            "--speed",
            "600",
            "--redirect-url",
        ])
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
fn get(url: &str) -> String {
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

fn location(response: &str) -> String {
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

/// Logs `alice` in through `sharewise broker login`, the way the account holder does.
fn broker_login(common: &[&str], login_page: &str) {
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
    let landed = get(&location(&get(login_page)));
    assert!(landed.starts_with("HTTP/1.1 200"), "{landed}");
    assert!(login.wait().unwrap().success());
}

/// The sandbox's order book as Zerodha's client sees it: tag → (status, filled, quantity).
fn sandbox_book(addr: &str) -> BTreeMap<String, (String, f64, f64)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let token = {
            let page = format!("http://{addr}/connect/login?api_key=sandbox_api_key&v=3");
            let to = location(
                &tokio::task::spawn_blocking(move || get(&page))
                    .await
                    .unwrap(),
            );
            to.split(['?', '&'])
                .find_map(|kv| kv.strip_prefix("request_token="))
                .unwrap()
                .to_string()
        };
        let mut kite = KiteConnect::builder("sandbox_api_key")
            .base_url(format!("http://{addr}"))
            .build()
            .unwrap();
        let secret = ApiSecret::new("sandbox_api_secret").unwrap();
        let session = kite.generate_session(&token, &secret).await.unwrap();
        kite.set_access_token(session.access_token);
        kite.orders()
            .await
            .unwrap()
            .into_iter()
            .map(|o| {
                (
                    o.tag.clone().unwrap_or_default(),
                    (o.status, o.filled_quantity, o.quantity),
                )
            })
            .collect()
    })
}

#[test]
fn the_daemon_trades_a_kite_account_and_its_journal_matches_the_brokers_book() {
    let dir = tmp();
    let redirect_port = free_port();
    let (mut sandbox, addr) = sandbox(redirect_port);
    std::fs::write(dir.path().join("kite.secret"), "sandbox_api_secret\n").unwrap();
    let config = dir.path().join("sharewise.toml");
    std::fs::write(
        &config,
        format!(
            "[run]\nfeed = \"kite:alice\"\n[[accounts]]\nname = \"alice\"\nbroker = \"kite\"\n[accounts.kite]\n\
             api_key = \"sandbox_api_key\"\napi_secret_file = {:?}\nsandbox = \"{addr}\"\nredirect_listen = \"127.0.0.1:{redirect_port}\"\n",
            dir.path().join("kite.secret").display().to_string()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];
    broker_login(
        &common,
        &format!("http://{addr}/connect/login?api_key=sandbox_api_key&v=3"),
    );

    let run = sw_env(
        None,
        &[],
        &["run", "--stop-after", "20"]
            .iter()
            .copied()
            .chain(common)
            .collect::<Vec<_>>(),
    )
    .ok()
    .stdout_has(&[
        "Kite at http://",
        "warm start: ",
        "from Kite's historical candles",
        "kite feed up",
        "books: the journal and the broker agree",
    ]);
    assert!(
        !run.stdout.contains("warm start: 0 "),
        "the warm start found candles:\n{run}"
    );

    let journal = sw_env(
        None,
        &[],
        &["orders", "--data-dir", data.as_str(), "--json"],
    )
    .ok();
    let orders: Vec<serde_json::Value> = serde_json::from_str(&journal.stdout).unwrap();
    assert!(
        !orders.is_empty(),
        "the daemon traded nothing in 20 s:\n{run}"
    );
    let book = sandbox_book(&addr);
    assert_eq!(
        book.len(),
        orders.len(),
        "one sandbox order per journalled order: {book:?}"
    );
    for o in &orders {
        let tag = o["tag"].as_str().unwrap();
        let (status, filled, qty) = book
            .get(tag)
            .unwrap_or_else(|| panic!("{tag} is not at the broker"));
        assert_eq!(o["qty"].as_f64().unwrap(), *qty, "{tag}");
        assert_eq!(o["filled_qty"].as_f64().unwrap(), *filled, "{tag}");
        let expected = match status.as_str() {
            "COMPLETE" => "filled",
            "CANCELLED" => "cancelled",
            "REJECTED" => "rejected",
            _ => "open",
        };
        assert!(
            o["status"].as_str().unwrap().contains(expected) || expected == "open",
            "{tag}: journal {} vs Kite {status}",
            o["status"]
        );
    }
    sandbox.kill().unwrap();
}

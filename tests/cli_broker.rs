//! `sharewise broker login|status|logout` as an operator uses them, against `sharewise sandbox
//! kite`: the login page printed, the browser's redirect caught on loopback, the session sealed
//! under the data directory (no token in the file), `status` checking it with the broker and
//! failing once the broker has ended it, `logout` forgetting it.

mod cli_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};

use cli_support::*;

/// A free loopback port (for the redirect listener).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the sandbox sending the login redirect to `redirect_port`; the child and its address.
fn sandbox(redirect_port: u16) -> (Child, String) {
    let mut child = bin()
        .args([
            "sandbox",
            "kite",
            "--listen",
            "127.0.0.1:0",
            "--redirect-url",
        ])
        .arg(format!("http://127.0.0.1:{redirect_port}/kite/callback"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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

/// One plain HTTP/1.1 GET of `url` (`http://host:port/path`); the whole response.
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

fn settings(dir: &Path, sandbox: &str, redirect_port: u16) -> String {
    let secret = dir.join("kite.secret");
    std::fs::write(&secret, "sandbox_api_secret\n").unwrap();
    let file = dir.join("sharewise.toml");
    std::fs::write(
        &file,
        format!(
            "[run]\nfeed = \"kite:alice\"\n[[accounts]]\nname = \"alice\"\nbroker = \"kite\"\n[accounts.kite]\napi_key = \"sandbox_api_key\"\n\
             api_secret_file = {:?}\nsandbox = \"{sandbox}\"\nredirect_listen = \"127.0.0.1:{redirect_port}\"\n",
            secret.display().to_string()
        ),
    )
    .unwrap();
    file.display().to_string()
}

#[test]
fn an_operator_logs_in_checks_the_session_and_logs_out() {
    let dir = tmp();
    let redirect_port = free_port();
    let (mut sandbox, addr) = sandbox(redirect_port);
    let config = settings(dir.path(), &addr, redirect_port);
    let data = dir.path().join("data").display().to_string();
    let common = ["--config", config.as_str(), "--data-dir", data.as_str()];

    let mut login = bin_without_settings_env()
        .args(["broker", "login", "alice"])
        .args(common)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(login.stdout.take().unwrap());
    let mut page = String::new();
    while !page.trim_start().starts_with("http://") {
        page.clear();
        assert!(
            out.read_line(&mut page).unwrap() > 0,
            "no login page printed"
        );
    }
    // The browser: Kite's page redirects, the redirect lands on the listener.
    let kite = get(page.trim());
    let location = kite
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_else(|| panic!("no redirect in {kite}"))
        .trim()
        .to_string();
    assert!(location.contains("request_token="), "{location}");
    let landed = get(&location);
    assert!(landed.starts_with("HTTP/1.1 200"), "{landed}");
    assert!(landed.contains("Logged in"), "{landed}");
    let status = login.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "login failed: {rest}");
    assert!(
        rest.contains("Logged in to Kite as SW0001 for account `alice`"),
        "{rest}"
    );

    let sealed =
        std::fs::read_to_string(dir.path().join("data/accounts/alice/broker-session.json"))
            .unwrap();
    assert!(sealed.contains("\"ciphertext\""), "{sealed}");
    assert!(
        !sealed.contains("SW0001") && !sealed.contains("access_token"),
        "{sealed}"
    );
    assert!(dir.path().join("data/session.key").exists());

    sw_env(
        None,
        &[],
        &["broker", "status"]
            .iter()
            .copied()
            .chain(common)
            .collect::<Vec<_>>(),
    )
    .ok()
    .stdout_has(&["alice", "logged in as SW0001 (checked with Kite)"]);

    // The broker ends every session (Kite at 06:00 IST): status says so and fails.
    let mut expire = TcpStream::connect(&addr).unwrap();
    let body = r#"{"expire_sessions": true}"#;
    write!(
        expire,
        "POST /__sandbox/faults HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    expire.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    sw_env(
        None,
        &[],
        &["broker", "status", "alice"]
            .iter()
            .copied()
            .chain(common)
            .collect::<Vec<_>>(),
    )
    .fails()
    .stdout_has(&["needs login: Kite refused the token"])
    .stderr_has(&["needs a login today: alice"]);

    sw_env(
        None,
        &[],
        &["broker", "logout", "alice"]
            .iter()
            .copied()
            .chain(common)
            .collect::<Vec<_>>(),
    )
    .ok();
    assert!(!dir
        .path()
        .join("data/accounts/alice/broker-session.json")
        .exists());
    sw_env(
        None,
        &[],
        &["broker", "status"]
            .iter()
            .copied()
            .chain(common)
            .collect::<Vec<_>>(),
    )
    .fails()
    .stdout_has(&["needs login: no session yet"]);
    sandbox.kill().unwrap();
}

#[test]
fn a_paper_account_or_an_unknown_one_is_refused_by_name() {
    let dir = tmp();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, "[[accounts]]\nname = \"p\"\n").unwrap();
    let config = file.display().to_string();
    sw_env(None, &[], &["broker", "login", "p", "--config", &config])
        .fails()
        .stderr_has(&["account `p` is a paper account"]);
    sw_env(
        None,
        &[],
        &["broker", "login", "nobody", "--config", &config],
    )
    .fails()
    .stderr_has(&["no account `nobody` in the settings (accounts: p)"]);
}

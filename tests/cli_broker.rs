//! `sharewise broker login|status|logout` as an operator uses them, against `sharewise sandbox
//! kite`: the login page printed, the browser's redirect caught on loopback, the session sealed
//! under the data directory (no token in the file), `status` checking it with the broker and
//! failing once the broker has ended it (or when the session kept is another broker's: its token
//! is never sent), `logout` forgetting it.

mod cli_support;
mod kite_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use cli_support::*;
use kite_support::{args, free_port, get, location, sandbox, settings};

#[test]
fn an_operator_logs_in_checks_the_session_and_logs_out() {
    let dir = tmp();
    let redirect_port = free_port();
    let (mut sandbox, addr) = sandbox(redirect_port);
    let config = settings(dir.path(), &addr, redirect_port, "");
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
    let location = location(&get(page.trim()));
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

    sw_env(None, &[], &args(&["broker", "status"], &common))
        .ok()
        .stdout_has(&["alice", "logged in as SW0001 (checked with Kite)"]);

    // The same account name moved to Upstox: the kept Kite session is never sent there.
    let kite_settings = std::fs::read_to_string(&config).unwrap();
    let upstox_settings = kite_settings
        .replace("broker = \"kite\"", "broker = \"upstox\"")
        .replace("[accounts.kite]", "[accounts.upstox]")
        .replace("feed = \"kite:alice\"", "feed = \"upstox:alice\"");
    std::fs::write(&config, upstox_settings).unwrap();
    sw_env(None, &[], &args(&["broker", "status", "alice"], &common))
        .fails()
        .stdout_has(&[
            "needs login: the kept session is a kite session, and this account trades through upstox",
        ]);
    std::fs::write(&config, kite_settings).unwrap();

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
    sw_env(None, &[], &args(&["broker", "status", "alice"], &common))
        .fails()
        .stdout_has(&["needs login: Kite refused the token"])
        .stderr_has(&["needs a login today: alice"]);

    sw_env(None, &[], &args(&["broker", "logout", "alice"], &common)).ok();
    assert!(!dir
        .path()
        .join("data/accounts/alice/broker-session.json")
        .exists());
    sw_env(None, &[], &args(&["broker", "status"], &common))
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

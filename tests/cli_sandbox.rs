//! `sharewise sandbox kite --listen ADDR` as a user starts it: it says where it listens, answers
//! the login page with Kite's redirect and an unauthenticated call with Kite's 403, refuses a
//! port in use with a hint, and stops on a signal.

mod cli_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use cli_support::*;

/// Starts the sandbox on a free port; the child and its address.
fn start() -> (Child, String) {
    let mut child = bin()
        .args(["sandbox", "kite", "--listen", "127.0.0.1:0"])
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

/// One plain HTTP/1.1 GET; the whole response as text.
fn get(addr: &str, path: &str) -> String {
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

#[test]
fn the_kite_sandbox_answers_as_kite_does_and_stops_on_a_signal() {
    let (mut child, addr) = start();
    let login = get(&addr, "/connect/login?api_key=sandbox_api_key&v=3");
    assert!(login.starts_with("HTTP/1.1 302"), "{login}");
    assert!(
        login
            .to_ascii_lowercase()
            .contains("location: http://127.0.0.1:8092/kite/callback?request_token="),
        "{login}"
    );
    let profile = get(&addr, "/user/profile");
    assert!(profile.starts_with("HTTP/1.1 403"), "{profile}");
    assert!(
        profile.contains(r#""error_type":"TokenException""#),
        "{profile}"
    );

    // The same port again: refused, with a hint.
    sw(&["sandbox", "kite", "--listen", &addr])
        .fails()
        .stderr_has(&["cannot listen on", "try another --listen"]);

    // Ctrl-C (SIGINT) stops it cleanly.
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

//! Shared by the end-to-end tests that trade an Upstox account against `sharewise sandbox
//! upstox`: the sandbox as a child process, the account holder's OAuth login through `sharewise
//! broker login` (the printed page followed as a browser would), the settings file, and the
//! sandbox's own order book read over Upstox's API under a session of its own.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use crate::cli_support::{bin, bin_without_settings_env};

/// The sandbox's app.
pub const API_KEY: &str = "sandbox-upstox-api-key";
/// The sandbox's secret.
pub const API_SECRET: &str = "sandbox-upstox-api-secret";

/// `sharewise sandbox upstox` at 600× with its app's redirect on `redirect_port`: the child and
/// its `host:port`.
pub fn sandbox(redirect_port: u16) -> (Child, String) {
    sandbox_at(redirect_port, 600)
}

/// [`sandbox`] at `speed`× (a long drill keeps within one simulated session: the day's books).
pub fn sandbox_at(redirect_port: u16, speed: u32) -> (Child, String) {
    let mut child = bin()
        .args(["sandbox", "upstox", "--listen", "127.0.0.1:0", "--speed"])
        .arg(speed.to_string())
        .arg("--redirect-uri")
        .arg(format!("http://127.0.0.1:{redirect_port}/upstox/callback"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sharewise sandbox upstox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches(',')
        .to_string();
    (child, addr)
}

/// Writes `dir/sharewise.toml` for Upstox account `bob` at the sandbox `addr` (and its secret
/// file), with `extra` settings before the accounts; its path.
pub fn settings(dir: &Path, addr: &str, redirect_port: u16, extra: &str) -> String {
    let secret = dir.join("upstox.secret");
    std::fs::write(&secret, format!("{API_SECRET}\n")).unwrap();
    let config = dir.join("sharewise.toml");
    std::fs::write(
        &config,
        format!(
            "{extra}[run]\nfeed = \"upstox:bob\"\n[[accounts]]\nname = \"bob\"\nbroker = \"upstox\"\n[accounts.upstox]\n\
             api_key = \"{API_KEY}\"\napi_secret_file = {:?}\nsandbox = \"{addr}\"\nredirect_listen = \"127.0.0.1:{redirect_port}\"\n",
            secret.display().to_string()
        ),
    )
    .unwrap();
    config.display().to_string()
}

/// Logs `bob` in through `sharewise broker login` (with `common` flags) as the account holder
/// does: the printed login page opened, Upstox's redirect followed to the command's listener.
/// The command's whole output.
pub fn broker_login(common: &[&str]) -> String {
    let mut login = bin_without_settings_env()
        .args(["broker", "login", "bob"])
        .args(common)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(login.stdout.take().unwrap());
    let mut printed = String::new();
    let mut line = String::new();
    while !line.contains("Waiting on") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "broker login printed no page:\n{printed}"
        );
        printed.push_str(&line);
    }
    let page = printed
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http://") && l.contains("/v2/login/authorization/dialog"))
        .unwrap_or_else(|| panic!("no login page in:\n{printed}"))
        .to_string();
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let dialog = http.get(&page).send().unwrap();
    assert_eq!(dialog.status().as_u16(), 302, "the dialog redirects");
    let to = dialog.headers()["location"].to_str().unwrap().to_string();
    let landed = http.get(&to).send().unwrap();
    assert_eq!(landed.status().as_u16(), 200, "the command caught {to}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(login.wait().unwrap().success(), "{printed}{rest}");
    printed + &rest
}

/// The sandbox's whole order book under a session of its own: `(tag, status, filled, quantity)`
/// in book order, duplicates kept.
pub fn sandbox_book(addr: &str, redirect_port: u16) -> Vec<(String, String, f64, f64)> {
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect_uri = format!("http://127.0.0.1:{redirect_port}/upstox/callback");
    let dialog = http
        .get(format!("http://{addr}/v2/login/authorization/dialog"))
        .query(&[
            ("response_type", "code"),
            ("client_id", API_KEY),
            ("redirect_uri", redirect_uri.as_str()),
            ("state", "book"),
        ])
        .send()
        .unwrap();
    let to = dialog.headers()["location"].to_str().unwrap().to_string();
    let code = to
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_string();
    let token: serde_json::Value = http
        .post(format!("http://{addr}/v2/login/authorization/token"))
        .form(&[
            ("code", code.as_str()),
            ("client_id", API_KEY),
            ("client_secret", API_SECRET),
            ("redirect_uri", redirect_uri.as_str()),
            ("grant_type", "authorization_code"),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    // The daemon's last reads at its stop may have spent the second's budget: wait for it.
    let read = || {
        http.get(format!("http://{addr}/v2/order/retrieve-all"))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .header("Api-Version", "2.0")
            .send()
            .unwrap()
    };
    let mut answer = read();
    for _ in 0..5 {
        if answer.status().as_u16() != 429 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1_200));
        answer = read();
    }
    let book: serde_json::Value = answer.json().unwrap();
    book["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["tag"].as_str().unwrap_or_default().to_string(),
                o["status"].as_str().unwrap().to_string(),
                o["filled_quantity"].as_f64().unwrap(),
                o["quantity"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The journal's orders and the sandbox's book agree order by order: every order at Upstox is in
/// the journal (none lost) and was placed once (none doubled), with the same quantity, fills and
/// final state; a journalled order Upstox never saw (the daemon died between journalling and
/// sending) is cancelled with nothing filled. Returns how many of those there were.
pub fn assert_journal_matches_book(
    journal: &[serde_json::Value],
    book: &[(String, String, f64, f64)],
) -> usize {
    let mut at_upstox = std::collections::BTreeMap::new();
    for (tag, status, filled, qty) in book {
        assert!(
            at_upstox
                .insert(tag.as_str(), (status, *filled, *qty))
                .is_none(),
            "tag {tag} placed twice at Upstox"
        );
    }
    let journalled: std::collections::BTreeMap<&str, &serde_json::Value> = journal
        .iter()
        .map(|o| (o["tag"].as_str().unwrap(), o))
        .collect();
    for tag in at_upstox.keys() {
        assert!(
            journalled.contains_key(tag),
            "Upstox's order {tag} is not in the journal (lost)"
        );
    }
    let mut never_sent = 0;
    for (tag, o) in &journalled {
        let journal_status = o["status"].as_str().unwrap();
        let Some((status, filled, qty)) = at_upstox.get(tag) else {
            assert_eq!(
                (journal_status, o["filled_qty"].as_f64().unwrap()),
                ("cancelled", 0.0),
                "{tag} never reached Upstox, so it must be cancelled unfilled: {o}"
            );
            never_sent += 1;
            continue;
        };
        assert_eq!(o["qty"].as_f64().unwrap(), *qty, "{tag}");
        assert_eq!(o["filled_qty"].as_f64().unwrap(), *filled, "{tag}: {o}");
        let expected = match status.as_str() {
            "complete" => "filled",
            "cancelled" => "cancelled",
            "rejected" => "rejected",
            other => panic!("{tag} is still `{other}` at Upstox after a graceful stop"),
        };
        assert_eq!(
            journal_status, expected,
            "{tag}: journal vs Upstox {status}"
        );
    }
    never_sent
}

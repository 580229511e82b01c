//! `[accounts.kite]` and `[accounts.upstox]`: how a real broker's account reaches its broker —
//! the app's key, where its secret is kept (never in the settings file), the static IP its
//! orders leave from, and, for development, the address of a sandbox instead of the broker.
//! Kite and Upstox take the same keys.
//!
//! ```toml
//! [[accounts]]
//! name = "alice"
//! broker = "kite"
//! [accounts.kite]
//! api_key = "kitefront123"
//! api_secret_env = "ALICE_KITE_SECRET"   # or api_secret_file = "/etc/sharewise/alice.secret"
//! egress_ip = "203.0.113.7"              # the IP whitelisted in Kite's developer console
//! # sandbox = "127.0.0.1:8091"           # a `sharewise sandbox kite` instead of Kite
//!
//! [[accounts]]
//! name = "bob"
//! broker = "upstox"
//! [accounts.upstox]
//! api_key = "6f1c…"                      # the app's client_id
//! api_secret_env = "BOB_UPSTOX_SECRET"
//! egress_ip = "203.0.113.8"
//! ```

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use serde::Deserialize;

use crate::BrokerKind;

/// Where the login page sends the browser back to by default: a one-shot listener of
/// `sharewise broker login` (register `http://127.0.0.1:8092/kite/callback`, or
/// `.../upstox/callback`, as the app's redirect URL).
pub const DEFAULT_REDIRECT_LISTEN: &str = "127.0.0.1:8092";

/// One real broker account's connection settings.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BrokerSection {
    /// The app's key: Kite Connect's `api_key`, Upstox's `client_id`.
    pub api_key: String,
    /// The environment variable that holds the app's `api_secret`.
    #[serde(default)]
    pub api_secret_env: Option<String>,
    /// A file that holds the app's `api_secret` (its first line).
    #[serde(default)]
    pub api_secret_file: Option<PathBuf>,
    /// The local address every connection of the account leaves from: the static IP
    /// whitelisted for it (SEBI's rule; the broker refuses orders from any other).
    #[serde(default)]
    pub egress_ip: Option<IpAddr>,
    /// A sandbox (`host:port` of `sharewise sandbox kite|upstox`) to use instead of the broker:
    /// its REST API, login page and WebSockets all live there.
    #[serde(default)]
    pub sandbox: Option<String>,
    /// Where `sharewise broker login` listens for the login redirect (default
    /// [`DEFAULT_REDIRECT_LISTEN`]); must be a loopback address.
    #[serde(default)]
    pub redirect_listen: Option<SocketAddr>,
    /// `market_protection` for market and SL-M orders: `-1` lets the broker choose, `1` to `100`
    /// is a percentage band (default `-1`; `0` is refused by the exchanges since April 2026).
    #[serde(default)]
    pub market_protection: Option<i32>,
    /// The exchange-issued algo id, sent with every order (needed above 10 orders/s).
    #[serde(default)]
    pub algo_id: Option<String>,
}

impl BrokerSection {
    /// The redirect listener's address.
    pub fn redirect_listen(&self) -> SocketAddr {
        self.redirect_listen.unwrap_or_else(|| {
            DEFAULT_REDIRECT_LISTEN
                .parse()
                .unwrap_or_else(|_| unreachable!())
        })
    }

    /// The app's secret from its environment variable or file (`broker` names it in errors).
    pub fn api_secret(&self, broker: BrokerKind) -> Result<String, String> {
        let broker = broker.title();
        if let Some(var) = &self.api_secret_env {
            return std::env::var(var).map_err(|_| {
                format!("the {broker} api_secret is read from ${var}, which is not set: export it before running")
            });
        }
        if let Some(path) = &self.api_secret_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "cannot read the {broker} api_secret from {}: {e}",
                    path.display()
                )
            })?;
            let secret = text.lines().next().unwrap_or_default().trim().to_string();
            if secret.is_empty() {
                return Err(format!(
                    "{} is empty: put the app's api_secret on its first line",
                    path.display()
                ));
            }
            return Ok(secret);
        }
        Err("no api_secret source: set api_secret_env or api_secret_file".into())
    }

    /// Checks the section of a `broker` account; `Err((key under accounts[k].<broker>, message))`.
    pub(crate) fn check(&self, broker: BrokerKind) -> Result<(), (String, String)> {
        let fail = |key: &str, message: String| Err((key.to_string(), message));
        if self.api_key.trim().is_empty() || self.api_key.contains(char::is_whitespace) {
            return fail(
                "api_key",
                match broker {
                    BrokerKind::Upstox => "the Upstox app's API key (client_id), from account.upstox.com/developer/apps".into(),
                    _ => "the Kite Connect app's api_key, from developers.kite.trade".into(),
                },
            );
        }
        match (&self.api_secret_env, &self.api_secret_file) {
            (Some(_), Some(_)) => {
                return fail("api_secret_env", "give api_secret_env or api_secret_file, not both".into())
            }
            (None, None) => {
                return fail(
                    "api_secret_env",
                    "say where the app's api_secret is: api_secret_env = \"VAR\" or api_secret_file = \"PATH\" (never the secret itself)".into(),
                )
            }
            (Some(var), None) if var.trim().is_empty() => {
                return fail("api_secret_env", "the name of an environment variable".into())
            }
            _ => {}
        }
        if let Some(m) = self.market_protection {
            if m != -1 && !(1..=100).contains(&m) {
                return fail("market_protection", format!("{m} is not a protection: -1 (the broker chooses) or 1 to 100 percent; 0 is refused since April 2026"));
            }
        }
        if let Some(sandbox) = &self.sandbox {
            if sandbox.parse::<SocketAddr>().is_err() {
                return fail(
                    "sandbox",
                    format!("`{sandbox}` is not host:port of a sandbox, e.g. \"127.0.0.1:8091\""),
                );
            }
        }
        if let Some(listen) = self.redirect_listen {
            if !listen.ip().is_loopback() {
                return fail("redirect_listen", format!("{listen} is not a loopback address: the login redirect carries a token and must stay on this machine"));
            }
        }
        if self.algo_id.as_ref().is_some_and(|a| a.trim().is_empty()) {
            return fail(
                "algo_id",
                "the exchange's algo id, or leave the key out".into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(extra: &str) -> Result<BrokerSection, String> {
        toml::from_str::<BrokerSection>(&format!("api_key = \"k1\"\n{extra}"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_good_section_passes_and_each_mistake_is_named() {
        assert!(section("api_secret_env = \"S\"")
            .unwrap()
            .check(BrokerKind::Kite)
            .is_ok());
        let key = |extra: &str| {
            section(extra)
                .unwrap()
                .check(BrokerKind::Upstox)
                .unwrap_err()
                .0
        };
        assert_eq!(key(""), "api_secret_env");
        assert_eq!(
            key("api_secret_env = \"S\"\napi_secret_file = \"f\""),
            "api_secret_env"
        );
        assert_eq!(
            key("api_secret_env = \"S\"\nmarket_protection = 0"),
            "market_protection"
        );
        assert_eq!(
            key("api_secret_env = \"S\"\nsandbox = \"localhost\""),
            "sandbox"
        );
        assert_eq!(
            key("api_secret_env = \"S\"\nredirect_listen = \"0.0.0.0:8092\""),
            "redirect_listen"
        );
        assert!(
            section("api_secret = \"x\"").is_err(),
            "the secret itself is not a key"
        );
    }

    #[test]
    fn the_secret_comes_from_its_file_or_variable() {
        let dir = std::env::temp_dir().join(format!("sw-kite-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "s3cr3t\n").unwrap();
        let s = section(&format!(
            "api_secret_file = {:?}",
            file.display().to_string()
        ))
        .unwrap();
        assert_eq!(s.api_secret(BrokerKind::Kite).unwrap(), "s3cr3t");
        let missing = section("api_secret_env = \"SW_TEST_SURELY_UNSET_VAR\"").unwrap();
        assert!(missing
            .api_secret(BrokerKind::Upstox)
            .unwrap_err()
            .contains("SW_TEST_SURELY_UNSET_VAR"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

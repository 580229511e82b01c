//! The feed's authorisation: `GET /v3/feed/market-data-feed/authorize` with the access token
//! gives a single-use `wss://` address, so every connection and reconnection asks anew. A token
//! Upstox refuses is told apart from other failures: the feed then waits for a new token
//! instead of asking again.

use std::net::IpAddr;
use std::time::Duration;

use serde::Deserialize;

/// The path of the authorisation call under the REST root.
pub(crate) const AUTHORIZE_PATH: &str = "/v3/feed/market-data-feed/authorize";

/// The longest the authorisation call may take, connection included.
pub(crate) const AUTHORIZE_WITHIN: Duration = Duration::from_secs(10);

/// Upstox's error codes that mean the token itself will not do (invalid or expired; an
/// extended token where a full one is needed \[U\]): asking again with it is pointless.
const TOKEN_REFUSED: [&str; 2] = ["UDAPI100050", "UDAPI100067"];

/// What an authorisation came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Authorized {
    /// The single-use WebSocket address.
    Url(String),
    /// Upstox refused the token: wait for another.
    Refused,
    /// No answer, or one that says nothing about the token (rate limit, outage): try again.
    Failed,
}

/// The HTTP client for authorisations, leaving from `egress` when given.
pub(crate) fn client(egress: Option<IpAddr>) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .local_address(egress)
        .timeout(AUTHORIZE_WITHIN)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("sharewise/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Asks `base_url` (the REST root) for a feed address with `token`.
pub(crate) async fn authorize(client: &reqwest::Client, base_url: &str, token: &str) -> Authorized {
    let url = format!("{}{AUTHORIZE_PATH}", base_url.trim_end_matches('/'));
    let sent = client
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await;
    let Ok(response) = sent else {
        return Authorized::Failed;
    };
    let status = response.status().as_u16();
    let Ok(body) = response.bytes().await else {
        return Authorized::Failed;
    };
    read(status, &body)
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<Problem>,
}

// Upstox sends snake_case fields with their deprecated camelCase twins; both are read, as
// separate fields (serde's `alias` refuses a body holding both).
#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    authorized_redirect_uri: Option<String>,
    #[serde(default, rename = "authorizedRedirectUri")]
    authorized_redirect_uri_camel: Option<String>,
}

#[derive(Deserialize)]
struct Problem {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default, rename = "errorCode")]
    error_code_camel: Option<String>,
}

/// Reads an answer with HTTP `status` and `body`.
pub(crate) fn read(status: u16, body: &[u8]) -> Authorized {
    let envelope: Option<Envelope> = serde_json::from_slice(body).ok();
    let refused_code = envelope.as_ref().is_some_and(|e| {
        e.errors
            .iter()
            .flat_map(|p| [p.error_code.as_deref(), p.error_code_camel.as_deref()])
            .any(|code| code.is_some_and(|c| TOKEN_REFUSED.contains(&c)))
    });
    // A 401 is the token whatever the body says (a proxy's page, say).
    if status == 401 || refused_code {
        return Authorized::Refused;
    }
    match envelope {
        Some(Envelope {
            status: s,
            data: Some(data),
            ..
        }) if status == 200 && s == "success" => data
            .authorized_redirect_uri
            .or(data.authorized_redirect_uri_camel)
            .map_or(Authorized::Failed, Authorized::Url),
        _ => Authorized::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The recorded bodies, copied into the crate (tests/fixtures/README.md says from where).
    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn the_recorded_answer_gives_the_single_use_address() {
        let body = fixture("market_data_feed_authorize.json");
        let Authorized::Url(url) = read(200, &body) else {
            panic!("no address")
        };
        assert!(
            url.starts_with("wss://xyz.upstox.com/market-data-feeder/"),
            "{url}"
        );
        assert!(url.contains("code=9355b100"), "{url}");
        // The camelCase twin alone is read too.
        let camel = br#"{"status":"success","data":{"authorizedRedirectUri":"wss://a/b"}}"#;
        assert_eq!(read(200, camel), Authorized::Url("wss://a/b".into()));
    }

    #[test]
    fn a_refused_token_is_told_apart_from_other_failures() {
        let invalid = fixture("error_invalid_token.json");
        assert_eq!(read(401, &invalid), Authorized::Refused);
        assert_eq!(read(400, &invalid), Authorized::Refused, "the code says so");
        assert_eq!(read(401, b"<html>denied</html>"), Authorized::Refused);
        let limited = fixture("error_rate_limited.json");
        assert_eq!(read(429, &limited), Authorized::Failed);
        assert_eq!(read(503, b""), Authorized::Failed);
        assert_eq!(
            read(200, br#"{"status":"success","data":{}}"#),
            Authorized::Failed
        );
        assert_eq!(read(200, b"not json"), Authorized::Failed);
    }
}

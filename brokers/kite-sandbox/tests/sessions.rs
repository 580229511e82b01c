//! The sandbox's login and sessions driven by Zerodha's own Rust client (`kiteconnect` 1.0),
//! pointed at it: the login redirect, the token exchange with the client's checksum, calls with
//! the session, and the faults a real Kite has — an expired session, a used request token, a wrong
//! secret, throttling and an outage.

mod common;

use common::{client, login_redirect, request_token, start};
use kiteconnect::ApiSecret;
use sharewise_kite_sandbox::SandboxConfig;

/// A sandbox at the default speed; its address and settings.
async fn started() -> (String, SandboxConfig) {
    let config = SandboxConfig::default();
    (start(&config).await, config)
}

async fn post_fault(base: &str, body: &str) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("http://{base}/__sandbox/faults"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (
        status,
        serde_json::from_slice(&res.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn the_official_client_logs_in_calls_and_sees_its_session_expire() {
    let (base, config) = started().await;
    let (status, location) = login_redirect(&base, &config.identity.api_key).await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("http://127.0.0.1/kite/callback?request_token="),
        "{location}"
    );
    assert!(
        location.ends_with("&action=login&status=success"),
        "{location}"
    );

    let mut kite = client(&base, &config);
    let secret = ApiSecret::new(config.identity.api_secret.clone()).unwrap();
    let token = request_token(&location);
    let session = kite.generate_session(&token, &secret).await.unwrap();
    assert_eq!(session.profile.user_id, "SW0001");
    assert_eq!(session.api_key, config.identity.api_key);
    kite.set_access_token(session.access_token);

    let profile = kite.profile().await.unwrap();
    assert_eq!(profile.broker, "ZERODHA");
    let margins = kite.margins().await.unwrap();
    let margins = serde_json::to_value(margins).unwrap();
    assert_eq!(margins["equity"]["available"]["cash"], 1_000_000.0);

    // A request token works once.
    let again = kite.generate_session(&token, &secret).await.unwrap_err();
    assert!(
        again
            .to_string()
            .contains("Token is invalid or has expired"),
        "{again}"
    );

    // Kite's morning expiry: the client sees a session it must renew by logging in.
    let (code, armed) = post_fault(&base, r#"{"expire_sessions": true}"#).await;
    assert_eq!(
        (code, armed["data"]["sessions_expired"].as_u64()),
        (200, Some(1))
    );
    let expired = kite.profile().await.unwrap_err();
    assert!(expired.is_session_expired(), "{expired:?}");
}

#[tokio::test]
async fn a_wrong_secret_and_an_unknown_app_are_refused() {
    let (base, config) = started().await;
    let (_, location) = login_redirect(&base, &config.identity.api_key).await;
    let kite = client(&base, &config);
    let wrong = ApiSecret::new("not the secret").unwrap();
    let err = kite
        .generate_session(&request_token(&location), &wrong)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Invalid checksum"), "{err}");

    let (status, _) = login_redirect(&base, "someone_else").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn armed_faults_hit_the_next_calls_then_clear() {
    let (base, config) = started().await;
    let (_, location) = login_redirect(&base, &config.identity.api_key).await;
    let mut kite = client(&base, &config);
    let secret = ApiSecret::new(config.identity.api_secret.clone()).unwrap();
    let session = kite
        .generate_session(&request_token(&location), &secret)
        .await
        .unwrap();
    kite.set_access_token(session.access_token);

    let (code, _) = post_fault(
        &base,
        r#"{"fail_next": {"count": 2, "error_type": "NetworkException", "status": 429}}"#,
    )
    .await;
    assert_eq!(code, 200);
    for _ in 0..2 {
        match kite.profile().await {
            Err(kiteconnect::Error::Api(e)) => {
                assert_eq!(
                    (e.status, e.kind.to_string().as_str()),
                    (429, "NetworkException")
                );
            }
            other => panic!("expected the armed 429, got {other:?}"),
        }
    }
    assert!(
        kite.profile().await.is_ok(),
        "the fault clears after two calls"
    );

    let (code, body) = post_fault(
        &base,
        r#"{"fail_next": {"count": 1, "error_type": "Teapot"}}"#,
    )
    .await;
    assert_eq!(code, 400);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("cannot fail with `Teapot`"));
}

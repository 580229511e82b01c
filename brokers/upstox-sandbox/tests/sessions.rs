//! Login and sessions as an Upstox client meets them: the dialog's redirect with the code and
//! state, the token exchange (flat body, code good once, wrong secret refused), 401 with the
//! fixture's envelope for a bad or expired token, `Api-Version` required on v2, logout.

mod common;

use common::*;
use reqwest::Method;
use sharewise_upstox_sandbox::SandboxConfig;

#[tokio::test]
async fn the_dialog_redirects_with_a_code_that_buys_tokens_once() {
    let config = fast();
    let addr = start(&config).await;
    let who = &config.identity;
    let (status, location) = dialog(&addr, &who.api_key, &who.redirect_uri).await;
    assert_eq!(status, 302);
    let prefix = format!("{}?code=", who.redirect_uri);
    assert!(location.starts_with(&prefix), "{location}");
    assert!(location.ends_with("&state=s%201"), "{location}");
    let code = code_of(&location);

    let (status, body) = exchange(&addr, &config, &code, "not-the-secret").await;
    assert_eq!(status, 401);
    assert_eq!(error_of(&body).0, "UDAPI100016");

    let (status, body) = exchange(&addr, &config, &code, &who.api_secret).await;
    assert_eq!(status, 200, "{body}");
    let want = fixture_keys("get_token.json");
    assert_eq!(
        keys(&body),
        want,
        "the flat get_token.json body, no envelope"
    );
    assert_eq!(body["user_id"], "SW0001");
    assert_eq!(body["broker"], "UPSTOX");
    assert_ne!(body["access_token"], body["extended_token"]);

    let (status, body) = exchange(&addr, &config, &code, &who.api_secret).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (401, "UDAPI100016"),
        "a code works once"
    );

    let (status, location) = dialog(&addr, "someone-else", &who.redirect_uri).await;
    assert_eq!((status, location.as_str()), (400, ""));
    let (status, _) = dialog(&addr, &who.api_key, "https://elsewhere.invalid/cb").await;
    assert_eq!(status, 400);
    let res = http()
        .get(format!("http://{addr}/v2/login/authorization/dialog?response_type=code&client_id=x&redirect_uri=y"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(error_of(&body).0, "UDAPI100068");
}

#[tokio::test]
async fn a_bad_token_gets_401_in_the_fixture_envelope_and_v2_needs_its_version() {
    let user = logged_in().await;
    let (status, profile) = user.get("/v2/user/profile").await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(keys(&profile["data"]), fixture_keys("profile.json"));
    assert_eq!(profile["data"]["user_id"], "SW0001");

    let stranger = common::User {
        token: "forged".into(),
        addr: user.addr.clone(),
        config: user.config.clone(),
    };
    let (status, body) = stranger.get("/v2/user/profile").await;
    assert_eq!(status, 401);
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../../../shared/fixtures/upstox/error_invalid_token.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(body, fixture, "exactly error_invalid_token.json");

    let (status, body) = User::send(
        http()
            .get(format!("http://{}/v2/user/profile", user.addr))
            .bearer_auth(&user.token),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error_of(&body).0, "UDAPI100015");
    assert_eq!(body["errors"][0]["message"], "API Version does not exist");

    let (status, body) = User::send(user.request(Method::DELETE, "/v2/logout")).await;
    assert_eq!((status, &body["data"]), (200, &serde_json::json!(true)));
    let (status, _) = user.get("/v2/user/profile").await;
    assert_eq!(status, 401, "logged out");
}

#[tokio::test]
async fn the_token_ends_at_half_past_three_the_next_morning_on_the_sandboxs_clock() {
    // A session passes in well under a second at this speed.
    let user = logged_in_with(SandboxConfig {
        speed: 100_000.0,
        ..SandboxConfig::default()
    })
    .await;
    let mut expired = false;
    for _ in 0..100 {
        let (status, body) = user.get("/v2/user/profile").await;
        if status == 401 {
            assert_eq!(error_of(&body).0, "UDAPI100050");
            expired = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(expired, "the token outlived the night");
}

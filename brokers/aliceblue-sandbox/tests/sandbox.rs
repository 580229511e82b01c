//! The AliceBlue sandbox over HTTP, as a client sees it: the appcode login and the checksum
//! exchange, the envelope and its empty-book EC codes, an order's lifecycle on the paper venue,
//! the contract master, the static-IP rule and the faults.

use serde_json::{json, Value};
use sharewise_aliceblue_sandbox::session::sha256_hex;
use sharewise_aliceblue_sandbox::{serve, Sandbox, SandboxConfig};

const OD: &str = "/open-api/od/v1";

async fn start(config: SandboxConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(serve(listener, Sandbox::new(config)));
    addr
}

fn fast() -> SandboxConfig {
    SandboxConfig {
        speed: 600.0,
        ..SandboxConfig::default()
    }
}

/// Logs in as a browser and the app would: the session.
async fn log_in(addr: &str, config: &SandboxConfig) -> String {
    let who = &config.identity;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .get(format!("http://{addr}/?appcode={}", who.app_code))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&who.redirect_url), "{location}");
    let param = |name: &str| {
        location
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_string()
    };
    let (code, user) = (param("authCode"), param("userId"));
    assert_eq!(user, who.user_id);
    let url = format!("http://{addr}{OD}/vendor/getUserDetails");
    let wrong = http
        .post(&url)
        .json(&json!({"checkSum": sha256_hex("nope")}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(wrong["stat"], "Not_Ok");
    let sum = sha256_hex(&format!("{user}{code}{}", who.api_secret));
    let body: Value = http
        .post(&url)
        .json(&json!({"checkSum": sum}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (body["stat"].as_str(), body["clientId"].as_str()),
        (Some("Ok"), Some("SW0001"))
    );
    // The code is spent.
    let again: Value = http
        .post(&url)
        .json(&json!({"checkSum": sum}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["stat"], "Not_Ok");
    body["userSession"].as_str().unwrap().to_string()
}

async fn call(
    addr: &str,
    session: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("http://{addr}{OD}{path}");
    let req = match method {
        "POST" => http.post(url).json(&body.unwrap_or(Value::Null)),
        _ => http.get(url),
    };
    let res = req.bearer_auth(session).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

fn limit_buy(tag: &str, price: &str) -> Value {
    json!([{"exchange": "NSE", "instrumentId": "2885", "transactionType": "BUY", "quantity": 2,
        "product": "INTRADAY", "orderComplexity": "REGULAR", "orderType": "LIMIT",
        "validity": "DAY", "price": price, "slTriggerPrice": "", "disclosedQuantity": 0,
        "orderTag": tag, "source": "API"}])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_books_answer_their_ec_codes_and_an_order_lives_its_day() {
    let config = fast();
    let addr = start(config.clone()).await;
    let session = log_in(&addr, &config).await;
    let (status, body) = call(&addr, "bad", "GET", "/orders/book", None).await;
    assert_eq!((status, body["status"].as_str()), (401, Some("Not_Ok")));
    for (path, code) in [
        ("/orders/book", "EC916"),
        ("/orders/trades", "EC927"),
        ("/positions", "EC920"),
    ] {
        let (status, body) = call(&addr, &session, "GET", path, None).await;
        assert_eq!(
            (status, body["status"].as_str(), body["message"].as_str()),
            (200, Some("Not_Ok"), Some(code))
        );
    }
    let (_, limits) = call(&addr, &session, "GET", "/limits/", None).await;
    assert_eq!(limits["result"][0]["tradingLimit"], "1000000");
    let (_, placed) = call(
        &addr,
        &session,
        "POST",
        "/orders/placeorder",
        Some(limit_buy("T1", "10.05")),
    )
    .await;
    assert_eq!(placed["status"], "Ok", "{placed}");
    let id = placed["result"][0]["brokerOrderId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 14);
    let (_, book) = call(&addr, &session, "GET", "/orders/book", None).await;
    let o = &book["result"][0];
    assert_eq!(
        (
            o["orderStatus"].as_str(),
            o["orderTag"].as_str(),
            o["quantity"].as_str()
        ),
        (Some("open"), Some("T1"), Some("2"))
    );
    let (_, modified) = call(
        &addr,
        &session,
        "POST",
        "/orders/modify",
        Some(json!({"brokerOrderId": id, "quantity": 4, "orderType": "LIMIT", "price": "11.1"})),
    )
    .await;
    assert_eq!(modified["status"], "Ok", "{modified}");
    let (_, cancelled) = call(
        &addr,
        &session,
        "POST",
        "/orders/cancel",
        Some(json!({"brokerOrderId": id})),
    )
    .await;
    assert_eq!(cancelled["status"], "Ok");
    let (_, history) = call(
        &addr,
        &session,
        "POST",
        "/orders/history",
        Some(json!({"brokerOrderId": id})),
    )
    .await;
    let states: Vec<&str> = history["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["orderStatus"].as_str().unwrap())
        .collect();
    assert_eq!(states.first(), Some(&"validation pending"));
    assert_eq!(states.last(), Some(&"cancelled"));
    assert_eq!(
        history["result"].as_array().unwrap().last().unwrap()["quantity"],
        "4"
    );
    // A refusal names the field, under HTTP 200.
    let mut bad = limit_buy("T2", "10.05");
    bad[0]["orderType"] = json!("STOP");
    let (status, refused) = call(&addr, &session, "POST", "/orders/placeorder", Some(bad)).await;
    assert_eq!((status, refused["status"].as_str()), (200, Some("Not_Ok")));
    assert!(refused["message"].as_str().unwrap().contains("orderType"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_market_order_fills_into_trades_positions_and_limits() {
    let config = fast();
    let addr = start(config.clone()).await;
    let session = log_in(&addr, &config).await;
    let mut buy = limit_buy("M1", "");
    buy[0]["orderType"] = json!("MARKET");
    let (_, placed) = call(&addr, &session, "POST", "/orders/placeorder", Some(buy)).await;
    assert_eq!(placed["status"], "Ok", "{placed}");
    let mut filled = false;
    for _ in 0..100 {
        let (_, book) = call(&addr, &session, "GET", "/orders/book", None).await;
        if book["result"][0]["orderStatus"] == "complete" {
            filled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(filled, "the market order fills on the price path");
    let (_, trades) = call(&addr, &session, "GET", "/orders/trades", None).await;
    assert_eq!(trades["result"][0]["orderTag"], "M1");
    let (_, positions) = call(&addr, &session, "GET", "/positions", None).await;
    assert_eq!(positions["result"][0]["netQuantity"], "2");
    let (_, limits) = call(&addr, &session, "GET", "/limits/", None).await;
    assert_ne!(limits["result"][0]["tradingLimit"], "1000000");
    let master = reqwest::get(format!(
        "http://{addr}/restpy/static/contract_master/NSE.csv"
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(master.starts_with("Exch,"), "{master}");
    assert!(master.contains("NSE,nse_cm,RELIANCE,2885,EQ"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_the_static_ip_rule() {
    let config = SandboxConfig {
        allowed_ips: vec!["10.9.9.9".parse().unwrap()],
        ..fast()
    };
    let addr = start(config.clone()).await;
    let session = log_in(&addr, &config).await;
    let (status, refused) = call(
        &addr,
        &session,
        "POST",
        "/orders/placeorder",
        Some(limit_buy("I1", "10.05")),
    )
    .await;
    assert_eq!(status, 403);
    assert!(refused["message"].as_str().unwrap().contains("static IP"));
    // Reads are not orders: they pass.
    assert_eq!(call(&addr, &session, "GET", "/limits/", None).await.0, 200);
    let arm = |faults: Value| {
        let url = format!("http://{addr}/__sandbox/faults");
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&faults)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let armed = arm(json!({"fail_next": {"count": 1, "error_type": "EC912"}})).await;
    assert_eq!(armed["result"]["failing_next"], 1);
    let (status, failed) = call(&addr, &session, "GET", "/limits/", None).await;
    assert_eq!((status, failed["message"].as_str()), (200, Some("EC912")));
    arm(json!({"fail_next": {"count": 1, "error_type": "down", "status": 503}})).await;
    assert_eq!(call(&addr, &session, "GET", "/limits/", None).await.0, 503);
    arm(json!({"expire_sessions": true})).await;
    assert_eq!(call(&addr, &session, "GET", "/limits/", None).await.0, 401);
}

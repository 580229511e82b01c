//! The user's profile, session and margins in Kite's shapes (`profile.json`,
//! `generate_session.json`, `margins.json` in the shared fixtures).

use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;
use serde_json::{json, Value};
use sharewise_brokers::Funds;

use crate::session::{Identity, Session};

/// `GET /user/profile`'s data.
pub(crate) fn profile(who: &Identity) -> Value {
    json!({
        "user_id": who.user_id,
        "user_type": "individual",
        "email": "sandbox@sharewise.invalid",
        "user_name": "ShareWise Sandbox",
        "user_shortname": "Sandbox",
        "broker": "ZERODHA",
        "exchanges": ["NSE", "BSE", "NFO", "BFO", "CDS", "BCD", "MCX"],
        "products": ["CNC", "NRML", "MIS"],
        "order_types": ["MARKET", "LIMIT", "SL", "SL-M"],
        "avatar_url": null,
        "meta": {"demat_consent": "physical"},
    })
}

/// `POST /session/token`'s data: the profile and the new session's tokens.
pub(crate) fn session_body(who: &Identity, session: &Session) -> Value {
    let mut body = profile(who);
    let extra = json!({
        "api_key": who.api_key,
        "access_token": session.access_token,
        "public_token": session.public_token,
        "refresh_token": "",
        "enctoken": "",
        "silo": "",
        "login_time": ist_now(),
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

/// `GET /user/margins`'s data from the venue's `funds`: the equity segment's cash now (`net`,
/// `live_balance`), what the day started with, what buys have used (`debits`) and the day's
/// realised P&L; the commodity segment is empty.
pub(crate) fn margins(funds: &Funds) -> Value {
    let segment = |opening: Decimal, net: Decimal, realised: Decimal| {
        let used = (opening - net).max(Decimal::ZERO);
        json!({
            "enabled": true,
            "net": amount(net),
            "available": {
                "adhoc_margin": 0, "cash": amount(opening), "opening_balance": amount(opening),
                "live_balance": amount(net), "collateral": 0, "intraday_payin": 0,
            },
            "utilised": {
                "debits": amount(used), "exposure": 0, "m2m_realised": amount(realised),
                "m2m_unrealised": 0, "option_premium": 0, "payout": 0, "span": 0,
                "holding_sales": 0, "turnover": 0, "liquid_collateral": 0,
                "stock_collateral": 0, "delivery": amount(used),
            },
        })
    };
    json!({
        "equity": segment(funds.opening_balance, funds.cash, funds.realized_pnl),
        "commodity": segment(Decimal::ZERO, Decimal::ZERO, Decimal::ZERO),
    })
}

/// An amount as Kite writes it: a JSON number (with the exact digits of the decimal).
fn amount(d: Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

/// Now in IST as Kite writes times: `2026-12-07 16:15:14`.
fn ist_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    crate::orders::kite_time(now)
}

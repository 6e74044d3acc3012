//! Sign, the token API and session binding.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, Store};

const KEY: &str = "258eec3118705112b2c53dc8043d4d34";

crate::on_both_stores!(
    token_api_answers_in_the_spec_shape,
    token_with_a_future_ts_opens_the_chat_and_applies_fields,
    token_required_and_expired_or_missing_is_refused,
    sign_required_and_wrong_is_an_illegal_user,
    another_visitors_session_token_is_refused,
);

async fn token_api_answers_in_the_spec_shape(store: Store) {
    let app = spawn_app(store).await;
    // The spec's own example request: its ts (2019) is long past, and a token must end
    // within a day from now, so it is refused with the ts code.
    let (status, body) = app
        .post_json(
            "/api/page/token",
            &json!({
                "sysnum": "ABC",
                "partnerid": "DE",
                "ts": "1569397773",
                "sign": "874b6f9d7926ddb84da11bf93b0ef169",
                "customized_fields": "{\"uname\":\"nickname\"}",
                "source": 0,
                "channel_flag": 2
            }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["ret_code"], "100002");
    assert!(body.get("token").is_none());
    // The same request an hour ahead of now succeeds.
    let ts = in_an_hour();
    let fields = r#"{"uname":"nickname"}"#;
    let (status, body) = app
        .post_json(
            "/api/page/token",
            &json!({
                "sysnum": "ABC",
                "partnerid": "DE",
                "ts": ts,
                "sign": token_sign("DE", &ts, fields),
                "customized_fields": fields,
                "source": 0,
                "channel_flag": 2
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ret_code"], "000000");
    assert_eq!(body["ret_msg"], "success");
    assert_eq!(body["token"].as_str().unwrap().len(), 32);
    // A wrong sign: a failure code and a message, still JSON.
    let (status, body) = app
        .post_json(
            "/api/page/token",
            &json!({"sysnum": "ABC", "partnerid": "DE", "ts": in_an_hour(),
                    "sign": "874b6f9d7926ddb84da11bf93b0ef168"}),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["ret_code"], "100004", "{body}");
    assert!(body["ret_msg"].as_str().unwrap().contains("sign"));
    assert!(body.get("token").is_none());
    // Not JSON at all: still the spec's JSON shape.
    let r = app
        .http
        .post(app.url("/api/page/token"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ret_code"], "100000", "{body}");
    assert!(!body["ret_msg"].as_str().unwrap().is_empty(), "{body}");
}

/// A `ts` an hour from now, as the token API wants it.
fn in_an_hour() -> String {
    (parley_server::store::now_ms() / 1000 + 3600).to_string()
}

fn token_sign(partnerid: &str, ts: &str, fields: &str) -> String {
    parley_protocol::digest::token_sign("ABC", KEY, partnerid, ts, Some(fields))
}

async fn get_token(
    app: &crate::helpers::TestApp,
    partnerid: &str,
    ts: &str,
    fields: &str,
) -> String {
    let (status, body) = app
        .post_json(
            "/api/page/token",
            &json!({"sysnum": "ABC", "partnerid": partnerid, "ts": ts,
                    "customized_fields": fields, "sign": token_sign(partnerid, ts, fields)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

async fn token_with_a_future_ts_opens_the_chat_and_applies_fields(store: Store) {
    let app = spawn_app(store).await;
    let ts = in_an_hour();
    let token = get_token(&app, "DE", &ts, r#"{"uname":"nickname","plan":"gold"}"#).await;
    let init = app.init(&format!("sysnum=ABC&token={token}")).await;
    assert_eq!(init["company_name"], "ABC Token Co");
    // The token identifies the visitor as DE; its fields land in the profile.
    let again = app
        .init(&format!("sysnum=ABC&token={token}&partnerid=DE"))
        .await;
    assert_eq!(again["visitor_id"], init["visitor_id"]);
    let vtoken = init["session_token"].as_str().unwrap();
    let (status, _) = app
        .call(Method::GET, "/api/chat/history", vtoken, None)
        .await;
    assert_eq!(status, 200);
    // The token is bound to its partnerid: another user cannot use it.
    let (status, body) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": format!("sysnum=ABC&token={token}&partnerid=someone-else")}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "token_expired");
}

async fn token_required_and_expired_or_missing_is_refused(store: Store) {
    let app = spawn_app(store).await;
    // A token past its ts (the token API issues none, so it is stored directly).
    let token = "e".repeat(32);
    let expired = parley_server::security::PageToken {
        sysnum: "ABC".into(),
        partnerid: "DE".into(),
        expires_at_s: parley_server::store::now_ms() / 1000 - 1,
        customized_fields: None,
    };
    let db = &app.state.as_ref().expect("in-process app").db;
    let digest = parley_server::auth::token_digest(&token);
    parley_server::store::page_tokens::insert(db.pool(), &digest, &expired, None, None)
        .await
        .unwrap();
    for query in [
        format!("sysnum=ABC&token={token}"),
        "sysnum=ABC".to_owned(),
        "sysnum=ABC&token=00000000000000000000000000000000".to_owned(),
    ] {
        let (status, body) = app
            .post_json("/api/chat/init", &json!({ "query": query }))
            .await;
        assert_eq!(status, 401, "{query}");
        assert_eq!(body["code"], "token_expired");
        assert_eq!(
            body["message"],
            "Sorry, your user verification has expired and you cannot access the Help Center. Contact the admin."
        );
    }
}

async fn sign_required_and_wrong_is_an_illegal_user(store: Store) {
    let app = spawn_app(store).await;
    let good = parley_protocol::digest::link_sign("SIGNED", "signed-tenant-key", "u1");
    let ok = app
        .init(&format!("sysnum=SIGNED&partnerid=u1&sign={good}"))
        .await;
    assert_eq!(ok["company_name"], "Signed Co");
    for query in [
        format!("sysnum=SIGNED&partnerid=u2&sign={good}"),
        "sysnum=SIGNED&partnerid=u1&sign=0123456789abcdef0123456789abcdef".to_owned(),
        format!("sysnum=SIGNED&sign={good}"),
        "sysnum=SIGNED&partnerid=u1".to_owned(),
    ] {
        let (status, body) = app
            .post_json("/api/chat/init", &json!({ "query": query }))
            .await;
        assert_eq!(status, 403, "{query}");
        assert_eq!(body["code"], "illegal_user");
        assert_eq!(
            body["message"],
            "The current user is verified as an illegal user and will not be allowed to access the Help Center"
        );
    }
}

async fn another_visitors_session_token_is_refused(store: Store) {
    let app = spawn_app(store).await;
    let a = app.init("sysnum=demo&partnerid=alice-visitor").await;
    let b = app.init("sysnum=demo&partnerid=bob-visitor").await;
    let a_token = a["session_token"].as_str().unwrap();
    let b_conv = b["conversation"]["id"].as_str().unwrap();
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/send",
            b["session_token"].as_str().unwrap(),
            Some(&json!({"client_id": "b1", "text": "private"})),
        )
        .await;
    assert_eq!(status, 200);
    // A's token cannot read B's conversation, even knowing its id.
    let (status, body) = app
        .call(
            Method::GET,
            &format!("/api/chat/history?conversation_id={b_conv}"),
            a_token,
            None,
        )
        .await;
    assert_eq!(status, 404, "{body}");
    // No token, a made-up token, or an agent's token: refused.
    let (status, body) = app.call(Method::GET, "/api/chat/history", "", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = app
        .call(Method::GET, "/api/chat/history", "made-up", None)
        .await;
    assert_eq!(status, 401);
    let agent = app.agent_login("alice").await;
    let (status, _) = app
        .call(Method::GET, "/api/chat/history", &agent, None)
        .await;
    assert_eq!(status, 401);
    // And a visitor token is not an agent token.
    let (status, _) = app
        .call(Method::GET, "/api/agent/conversations", a_token, None)
        .await;
    assert_eq!(status, 401);
    let refused = tokio_tungstenite::connect_async(format!(
        "ws://{}/ws/visitor?ticket=made-up&last_seq=0",
        app.addr
    ))
    .await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected a 401, got {:?}", other.map(|_| ())),
    }
    // Wrong agent password.
    let (status, _) = app
        .post_json(
            "/api/agent/login",
            &json!({"sysnum": "demo", "username": "alice", "password": "nope"}),
        )
        .await;
    assert_eq!(status, 401);
}

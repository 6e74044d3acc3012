//! `POST /api/chat/init`.

use serde_json::json;

use crate::helpers::{spawn_app, Store};

crate::on_both_stores!(
    init_returns_the_tenant_greeting_in_the_link_locale,
    init_with_unknown_sysnum_is_a_clear_404,
    init_refuses_bad_bodies_with_a_message,
    anonymous_visitor_keeps_its_id,
);

async fn init_returns_the_tenant_greeting_in_the_link_locale(store: Store) {
    let app = spawn_app(store).await;
    let (status, en) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "?sysnum=demo&locale=en"}),
        )
        .await;
    assert_eq!(status, 200, "{en}");
    assert_eq!(en["company_name"], "Parley Demo Shop");
    assert_eq!(en["locale"], "en");
    assert!(
        en["greeting"].as_str().unwrap().starts_with("Hello"),
        "{en}"
    );
    // `cn` is the spec's alias for Simplified Chinese; the greeting follows it.
    let (_, zh) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo&locale=cn"}))
        .await;
    assert_eq!(zh["locale"], "zh");
    assert_ne!(zh["greeting"], en["greeting"]);
    // An unknown language is reported and the tenant default is used.
    let (_, xx) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo&locale=xx"}))
        .await;
    assert_eq!(xx["locale"], "zh");
    assert_eq!(xx["issues"][0]["param"], "locale");
}

async fn init_with_unknown_sysnum_is_a_clear_404(store: Store) {
    let app = spawn_app(store).await;
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=nope"}))
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "unknown_tenant");
    assert!(body["message"].as_str().unwrap().contains("nope"));
}

async fn init_refuses_bad_bodies_with_a_message(store: Store) {
    let app = spawn_app(store).await;
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"nothing": 1}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().contains("query"),
        "{body}"
    );
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"query": "locale=en"}))
        .await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("sysnum"));
    let long = format!("sysnum=demo&x={}", "a".repeat(20_000));
    let (status, _) = app
        .post_json("/api/chat/init", &json!({ "query": long }))
        .await;
    assert_eq!(status, 400);
}

async fn anonymous_visitor_keeps_its_id(store: Store) {
    let app = spawn_app(store).await;
    let (status, first) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo"}))
        .await;
    assert_eq!(status, 200);
    let id = first["visitor_id"].as_str().expect("an id").to_owned();
    let (_, again) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=demo", "visitor_id": id}),
        )
        .await;
    assert_eq!(again["visitor_id"], first["visitor_id"]);
    // An id the server never issued is not adopted: the caller gets a fresh one.
    let (_, made_up) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=demo", "visitor_id": "abc"}),
        )
        .await;
    assert_ne!(made_up["visitor_id"], "abc");
    assert_ne!(made_up["visitor_id"], first["visitor_id"]);
}
